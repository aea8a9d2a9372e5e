/**
 * This repository's `npm run synth` (and `cdk8s synth`, through cdk8s.yaml): the library's synth
 * command line (command.ts) over this repository's apps and environments.
 */
import { PROJECT } from '../environments';
import { synthMain } from './command';

export { UsageError, parseArgs, synthMain } from './command';
export type { CliOptions } from './command';

/** Runs `npm run synth` with this repository's apps and environments; returns the exit code. */
export function main(argv: readonly string[], out?: (s: string) => void, err?: (s: string) => void): number {
  return synthMain(PROJECT, argv, out, err);
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
