import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ValidationError } from '../constructs/lib/errors';
import { ENVIRONMENTS, EnvironmentError, EnvironmentValues, PROJECT, loadEnvironment } from '../environments';
import { diffObjects, formatDiff } from './diff';
import { PART_OF_LABEL } from './ownership';
import { UsageError } from './command';
import { KubeObject, PolicyError, synthesizeEnvironment } from './synthesize';

const USAGE = `usage: npm run diff -- <env> [--set <path>=<value>]... [--against <dir> | --ref <git-ref>]
       npm run diff -- <envA> <envB> [--set <path>=<value>]...

  <env>              what the current code (with any --set) changes in <env>: compared with the
                     output in dist/<env> (the last npm run synth), with <dir>/<env> (--against),
                     or with <env> as synthesized by the code at a git ref (--ref main, --ref HEAD~1)
  <envA> <envB>      what differs between two environments
  --set <path>=<v>   override values of the current code, as npm run synth does
  environments: ${ENVIRONMENTS.join(', ')}`;


interface Side {
  readonly label: string;
  readonly objects: KubeObject[];
}

/**
 * What each namespace of an environment is for, so two environments compare object by object:
 * `<app>` for an app's namespaces, `<app>-system` for those it declares system namespaces.
 */
function rolesOf(v: EnvironmentValues, objects: readonly KubeObject[]): Record<string, string> {
  const valuesOf = v as unknown as Record<string, unknown>;
  const roles: Record<string, string> = {};
  for (const ns of objects.filter((o) => o.kind === 'Namespace')) {
    const app = PROJECT.apps.find((a) => a.name === ns.metadata.labels?.[PART_OF_LABEL]);
    if (!app) continue;
    const system = app.systemNamespaces?.(valuesOf[app.name]).includes(ns.metadata.name) ?? false;
    roles[ns.metadata.name] = system ? `${app.name}-system` : app.name;
  }
  return roles;
}

/** The manifests of an output folder, as objects. */
function readOutput(dir: string): KubeObject[] {
  if (!fs.existsSync(dir)) throw new UsageError(`${dir} does not exist; run "npm run synth" first, or compare with --ref <git-ref>`);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON() as KubeObject))
    .filter((o) => o !== null);
}

/** `env` as the code at `ref` synthesizes it: a temporary git worktree running its own synth. */
function synthesizeAt(ref: string, env: string): KubeObject[] {
  const root = path.resolve(__dirname, '..');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-stack-diff-'));
  const tree = path.join(tmp, 'tree');
  const git = (args: string[]) => spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  try {
    const added = git(['worktree', 'add', '--detach', tree, ref]);
    if (added.status !== 0) throw new UsageError(`--ref ${ref}: ${added.stderr.trim().split('\n').pop()}; name a commit, branch or tag of this repository`);
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'));
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'synth/cli.ts', env, '--outdir', path.join(tmp, 'out')], { cwd: tree, encoding: 'utf8' });
    if (r.status !== 0) throw new UsageError(`--ref ${ref}: the code there does not synthesize ${env}:\n${r.stderr.trim()}`);
    return readOutput(path.join(tmp, 'out', env));
  } finally {
    git(['worktree', 'remove', '--force', tree]);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs the diff command line; returns the exit code (0 whether or not anything differs). */
export function main(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  try {
    const envs: string[] = [];
    const sets: string[] = [];
    let against: string | undefined;
    let ref: string | undefined;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      const next = () => {
        const v = argv[++i];
        if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
        return v;
      };
      if (a === '--set') sets.push(next());
      else if (a === '--against') against = next();
      else if (a === '--ref') ref = next();
      else if (a.startsWith('-')) throw new UsageError(`unknown option "${a}"`);
      else envs.push(a);
    }
    if (envs.length < 1 || envs.length > 2) throw new UsageError('name one environment (against its previous output or a git ref) or two (against each other)');
    if (envs.length === 2 && (against !== undefined || ref !== undefined)) throw new UsageError('--against and --ref compare one environment with an earlier version of itself; name one environment');
    if (against !== undefined && ref !== undefined) throw new UsageError('use --against or --ref, not both');

    const current = envs.map((e) => loadEnvironment(e, sets));
    const synth = (v: EnvironmentValues): Side => ({ label: v.name, objects: synthesizeEnvironment(PROJECT, v).objects });
    let before: Side;
    let after: Side;
    let roles: [Record<string, string>, Record<string, string>];
    if (envs.length === 2) {
      [before, after] = current.map(synth);
      roles = [rolesOf(current[0], before.objects), rolesOf(current[1], after.objects)];
    } else {
      const env = envs[0];
      after = { ...synth(current[0]), label: `${env} (this code${sets.length ? ` with ${sets.map((s) => `--set ${s}`).join(' ')}` : ''})` };
      before = ref !== undefined
        ? { label: `${env} at ${ref}`, objects: synthesizeAt(ref, env) }
        : { label: `${path.join(against ?? 'dist', env)} (previous output)`, objects: readOutput(path.join(against ?? 'dist', env)) };
      roles = [rolesOf(current[0], after.objects), rolesOf(current[0], after.objects)];
    }
    out(formatDiff(before.label, after.label, diffObjects(before.objects, after.objects, roles[0], roles[1], envs.length === 2)));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`error: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof EnvironmentError || e instanceof ValidationError || e instanceof PolicyError) {
      err(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
