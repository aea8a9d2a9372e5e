import { ValidationError } from '../constructs/lib/errors';
import { ENVIRONMENTS, EnvironmentError, loadEnvironment } from '../environments';
import { diffObjects, formatDiff } from './diff';
import { PolicyError, synthesizeEnvironment } from './synthesize';

/** `npm run diff -- <envA> <envB> [--set path=value]...`: what differs, object by object. Exit 0 either way. */
export function main(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  const envs = argv.filter((a) => !a.startsWith('-'));
  if (envs.length !== 2 || argv.some((a) => a.startsWith('-'))) {
    err(`usage: npm run diff -- <envA> <envB>   (environments: ${ENVIRONMENTS.join(', ')})\n`);
    return 2;
  }
  try {
    const [a, b] = envs.map((e) => {
      const values = loadEnvironment(e);
      return { objects: synthesizeEnvironment(values).objects, roles: { [values.namespace]: 'app', [values.systemNamespace]: 'system' } };
    });
    out(formatDiff(envs[0], envs[1], diffObjects(a.objects, b.objects, a.roles, b.roles)));
    return 0;
  } catch (e) {
    if (e instanceof EnvironmentError || e instanceof ValidationError || e instanceof PolicyError) {
      err(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
