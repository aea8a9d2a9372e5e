import * as fs from 'fs';
import { ValidationError } from '../constructs/lib/errors';
import { EnvironmentError, EnvironmentsDefinition, loadEnvironmentOf } from '../environments/load';
import type { PlatformValues } from '../environments/schema';
import { formatViolation } from '../policy';
import { writeAtomically } from './output';
import { PolicyError, SynthResult, synthesizeEnvironment } from './synthesize';

const usage = (environments: readonly string[]) => `usage: npm run synth -- [<env>...] [--outdir <dir>] [--set <path>=<value>]... [--print-config]

  <env>                 environments to synthesize (default: all of ${environments.join(', ')})
  --outdir <dir>        write to <dir>/<env>/ (default: $CDK8S_OUTDIR or "dist")
  --set <path>=<value>  override one value: an app's under its name, e.g. --set shop.web.image.tag=1.27.4-alpine,
                        or the platform's, e.g. --set nodePools.1.maxNodes=4; the value is JSON when it
                        parses, else a string
  --print-config        print the effective values of one environment as JSON; write nothing
                        (npm prints its own banner on stdout: use npm run -s, or --out)
  --out <file>          with --print-config: write the JSON to <file> instead of stdout
  --verbose             print every waived policy violation in full, not only their count`;

/** A command-line mistake: reported with the usage. */
export class UsageError extends Error {}

export interface CliOptions {
  readonly environments: string[];
  readonly outdir: string;
  readonly sets: string[];
  readonly printConfig: boolean;
  /** With printConfig: the file to write the JSON to. */
  readonly out?: string;
  readonly verbose: boolean;
  readonly help: boolean;
}

export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env, known: readonly string[] = []): CliOptions {
  const environments: string[] = [];
  const sets: string[] = [];
  let outdir: string | undefined;
  let printConfig = false;
  let out: string | undefined;
  let verbose = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (flag: string) => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (a === '--outdir' || a === '-o') outdir = next(a);
    else if (a.startsWith('--outdir=')) outdir = a.slice('--outdir='.length);
    else if (a === '--set') sets.push(next(a));
    else if (a.startsWith('--set=')) sets.push(a.slice('--set='.length));
    else if (a === '--print-config') printConfig = true;
    else if (a === '--out') out = next(a);
    else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option "${a}"`);
    else environments.push(a);
  }
  for (const e of environments) {
    if (!known.includes(e)) throw new EnvironmentError(`unknown environment "${e}"; known environments: ${known.join(', ')}`);
  }
  if (printConfig && environments.length !== 1) throw new UsageError('--print-config needs exactly one environment, e.g. npm run synth -- prod --print-config');
  if (out !== undefined && !printConfig) throw new UsageError('--out is for --print-config; the manifests go to --outdir');
  return { environments: environments.length ? [...new Set(environments)] : [...known], outdir: outdir ?? env.CDK8S_OUTDIR ?? 'dist', sets, printConfig, ...(out !== undefined ? { out } : {}), verbose, help };
}

/**
 * The synth command line for a project's apps and environments; returns the exit code. Output goes
 * to the given streams. A project that installs the library calls it with its own definition, e.g.
 * `process.exitCode = synthMain({ apps, base, environments }, process.argv.slice(2))`.
 */
export function synthMain(project: EnvironmentsDefinition, argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  const known = Object.keys(project.environments);
  const USAGE = usage(known);
  try {
    const opts = parseArgs(argv, process.env, known);
    if (opts.help) {
      out(`${USAGE}\n`);
      return 0;
    }
    // Validate every environment before synthesizing any, and synthesize all before writing any.
    const values: PlatformValues[] = opts.environments.map((e) => loadEnvironmentOf(project, e, opts.sets));
    if (opts.printConfig) {
      const json = `${JSON.stringify(values[0], null, 2)}\n`;
      if (opts.out === undefined) out(json);
      else {
        fs.writeFileSync(opts.out, json);
        err(`wrote the effective values of ${values[0].name} to ${opts.out}\n`);
      }
      return 0;
    }
    const results: SynthResult[] = values.map((v) => synthesizeEnvironment(project, v));
    writeAtomically(opts.outdir, results);
    for (const r of results) {
      const waivers = r.waived.length ? `; ${r.waived.length} policy waiver${r.waived.length === 1 ? '' : 's'} honoured${opts.verbose ? '' : ' (--verbose lists them)'}` : '';
      out(`synthesized ${r.environment}: ${r.objects.length} objects in ${r.files.length} files -> ${opts.outdir}/${r.environment}${waivers}\n`);
      if (opts.verbose) for (const w of r.waived) out(`  waived ${formatViolation(w)} (reason: ${w.reason})\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`error: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof EnvironmentError || e instanceof ValidationError || e instanceof PolicyError) {
      err(`error: ${e.message}\nnothing was written.\n`);
      return 1;
    }
    const error = e as Error;
    err(`error: ${error.message}\nnothing was written.${process.env.DEBUG ? `\n${error.stack}` : ' (set DEBUG=1 for a stack trace)'}\n`);
    return 1;
  }
}
