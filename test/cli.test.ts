import { execFileSync } from 'child_process';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, parseArgs } from '../synth/cli';
import { main as diffMain } from '../synth/diff-cli';

/** Runs the command line in-process and captures what it prints. */
function run(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

/** Every file under a folder with its bytes and modification time. */
function snapshotTree(dir: string): Record<string, { bytes: string; mtime: number }> {
  const out: Record<string, { bytes: string; mtime: number }> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = { bytes: fs.readFileSync(p, 'utf8'), mtime: fs.statSync(p).mtimeMs };
    }
  };
  walk(dir);
  return out;
}

let outdir: string;
beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-cli-'));
});
afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('synth command line', () => {
  it('writes every environment to <outdir>/<env>/ and reports what it wrote', () => {
    const r = run(['--outdir', outdir]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(fs.readdirSync(outdir).sort()).toEqual(['dev', 'prod', 'staging']);
    expect(fs.readdirSync(path.join(outdir, 'prod'))).toContain('00-namespaces.yaml');
    expect(r.out).toMatch(/^synthesized dev: \d+ objects in \d+ files/m);
    // One line per environment: the waivers as a count, their text only with --verbose.
    expect(r.out.trim().split('\n')).toHaveLength(3);
    expect(r.out).toMatch(/^synthesized prod: .*; 2 policy waivers honoured \(--verbose lists them\)$/m);
    expect(r.out).not.toMatch(/waived DaemonSet/);
  });

  it('--verbose lists every waived violation with its reason', () => {
    const r = run(['prod', '--outdir', outdir, '--verbose']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}waived DaemonSet shop-prod-system\/log-agent: \[pss-host-path-volumes\].*\(reason: .+\)$/m);
  });

  it('--print-config --out writes clean JSON to a file (npm prints its banner on stdout)', () => {
    const file = path.join(outdir, 'prod.json');
    const r = run(['prod', '--print-config', '--out', file]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ name: 'prod' });
  });

  it('refuses --out without --print-config, naming the option for manifests', () => {
    const r = run(['prod', '--out', outdir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out is for --print-config; the manifests go to --outdir/);
  });

  it('synthesizes only the named environments', () => {
    expect(run(['prod', '--outdir', outdir]).code).toBe(0);
    expect(fs.readdirSync(outdir)).toEqual(['prod']);
  });

  it('is byte-identical between runs', () => {
    run(['--outdir', outdir]);
    const first = snapshotTree(outdir);
    run(['--outdir', outdir]);
    const second = snapshotTree(outdir);
    expect(Object.fromEntries(Object.entries(second).map(([k, v]) => [k, v.bytes]))).toEqual(Object.fromEntries(Object.entries(first).map(([k, v]) => [k, v.bytes])));
  });

  it('applies --set overrides and validates them like the files', () => {
    expect(run(['prod', '--outdir', outdir, '--set', 'shop.web.image.tag=1.27.4-alpine']).code).toBe(0);
    expect(fs.readFileSync(path.join(outdir, 'prod', '07-workloads.yaml'), 'utf8')).toContain('image: docker.io/nginxinc/nginx-unprivileged:1.27.4-alpine');
  });

  it('prints the effective configuration as JSON and writes nothing', () => {
    const r = run(['staging', '--print-config', '--set', 'shop.backup.suspend=true', '--outdir', outdir]);
    expect(r.code).toBe(0);
    const config = JSON.parse(r.out);
    expect(config).toMatchObject({ name: 'staging', apps: ['shop', 'tasks'], shop: { namespace: 'shop-staging', backup: { suspend: true } } });
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  it('--set takes a string setting as typed: shop.web.image.tag=1.27 is "1.27", not the number 1.27', () => {
    const r = run(['dev', '--print-config', '--set', 'shop.web.image.tag=1.27', '--set', 'shop.web.logLevel=info', '--set', 'shop.backup.suspend=true']);
    expect(r.code).toBe(0);
    const config = JSON.parse(r.out);
    expect(config.shop.web.image.tag).toBe('1.27');
    // Non-string settings still parse as JSON.
    expect(config.shop.backup.suspend).toBe(true);
  });

  it('--print-config needs exactly one environment', () => {
    const r = run(['--print-config']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--print-config needs exactly one environment/);
  });

  it('exits non-zero on an unknown environment and lists the known ones', () => {
    const r = run(['qa', '--outdir', outdir]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: unknown environment "qa"; known environments: dev, staging, prod\nnothing was written.\n');
  });

  it('exits non-zero on a bad --set value', () => {
    const r = run(['dev', '--set', 'shop.web.autoscaling.maxReplicas=three', '--outdir', outdir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: environment "dev": shop\.web\.autoscaling\.maxReplicas "three" /);
    expect(r.err).not.toMatch(/^\s+at /m);
  });

  it('exits non-zero on an unknown --set path', () => {
    const r = run(['dev', '--set', 'shop.web.replicaz=3', '--outdir', outdir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--set path "shop\.web\.replicaz" \(value 3\) is not a known setting; settings under shop.web: image, autoscaling/);
  });

  it('refuses unknown options with the usage', () => {
    const r = run(['--output', outdir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option "--output"/);
    expect(r.err).toMatch(/usage: npm run synth/);
  });

  it('leaves the previous output exactly as it was after a failure', () => {
    expect(run(['--outdir', outdir]).code).toBe(0);
    const before = snapshotTree(outdir);
    // dev is valid, prod is not: nothing may be written, not even dev.
    const r = run(['dev', 'prod', '--set', 'nodePools.2.maxNodes=0', '--outdir', outdir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/nothing was written/);
    expect(snapshotTree(outdir)).toEqual(before);
    expect(fs.readdirSync(outdir).sort()).toEqual(['dev', 'prod', 'staging']);
  });

  it('takes the output folder from CDK8S_OUTDIR, as `cdk8s synth` passes it', () => {
    expect(parseArgs([], { CDK8S_OUTDIR: '/x/y' }).outdir).toBe('/x/y');
    expect(parseArgs(['--outdir', 'z'], { CDK8S_OUTDIR: '/x/y' }).outdir).toBe('z');
    expect(parseArgs([], {}).outdir).toBe('dist');
  });

  it('runs from TypeScript source as `npm run synth` and `cdk8s synth` run it', () => {
    const root = path.resolve(__dirname, '..');
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'synth/cli.ts', 'dev'], { cwd: root, env: { ...process.env, CDK8S_OUTDIR: outdir }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(outdir, 'dev', '00-namespaces.yaml'))).toBe(true);
  });
});

describe('diff command line', () => {
  it('shows what differs between two environments, object by object', () => {
    let out = '';
    const code = diffMain(['dev', 'prod'], (s) => (out += s), () => undefined);
    expect(code).toBe(0);
    expect(out).toMatch(/^--- dev\n\+\+\+ prod\n/);
    expect(out).toMatch(/^~ HorizontalPodAutoscaler shop\/web\n(?: {4}.*\n)*? {4}spec\.minReplicas: 2 -> 3$/m);
    expect(out).toMatch(/^\+ PriorityClass shop-prod-high \(only in prod\)$/m);
    expect(out).toMatch(/^- PriorityClass shop-dev-high \(only in dev\)$/m);
    expect(out).toMatch(/\d+ added, \d+ removed, \d+ changed\n$/);
  });

  it('compares an environment with its previous output, with --set applied to the current code', () => {
    expect(run(['prod', '--outdir', outdir]).code).toBe(0);
    let out = '';
    const same = diffMain(['prod', '--against', outdir], (s) => (out += s), () => undefined);
    expect(same).toBe(0);
    expect(out).toBe(`--- ${path.join(outdir, 'prod')} (previous output)\n+++ prod (this code)\n0 added, 0 removed, 0 changed\n`);
    out = '';
    diffMain(['prod', '--against', outdir, '--set', 'shop.web.image.tag=1.27'], (s) => (out += s), () => undefined);
    expect(out).toMatch(/^\+\+\+ prod \(this code with --set shop\.web\.image\.tag=1\.27\)$/m);
    expect(out).toMatch(/^ {4}spec\.template\.spec\.containers\.0\.image: "docker\.io\/nginxinc\/nginx-unprivileged:1\.27\.3-alpine" -> "docker\.io\/nginxinc\/nginx-unprivileged:1\.27"$/m);
  });

  it('compares an environment with the code at a git ref, and leaves no worktree behind', () => {
    let out = '';
    expect(diffMain(['dev', '--ref', 'HEAD'], (s) => (out += s), () => undefined)).toBe(0);
    expect(out).toMatch(/^--- dev at HEAD\n\+\+\+ dev \(this code\)\n/);
    expect(execFileSync('git', ['worktree', 'list'], { encoding: 'utf8' }).trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it.each([
    ['no previous output', ['prod', '--against', '/nonexistent'], /\/nonexistent\/prod does not exist; run "npm run synth" first, or compare with --ref <git-ref>/],
    ['an unknown ref', ['dev', '--ref', 'no-such-ref'], /--ref no-such-ref: .*; name a commit, branch or tag of this repository/],
    ['--ref with two environments', ['dev', 'prod', '--ref', 'HEAD'], /--against and --ref compare one environment with an earlier version of itself; name one environment/],
    ['an unknown option', ['dev', '--against-ref', 'HEAD'], /unknown option "--against-ref"/],
  ])('refuses %s with the usage', (_, argv, message) => {
    let e = '';
    expect(diffMain(argv, () => undefined, (s) => (e += s))).toBe(2);
    expect(e).toMatch(message);
    expect(e).toMatch(/usage: npm run diff/);
  });

  it('matches objects by namespace role, so the app and system namespaces do not hide each other', () => {
    let out = '';
    diffMain(['staging', 'prod'], (s) => (out += s), () => undefined);
    expect(out).toMatch(/^~ ResourceQuota shop\/quota\n(?: {4}.*\n)*? {4}spec\.hard\.requests\.cpu: "8" -> "24"$/m);
    expect(out).toMatch(/^~ LimitRange shop\/limits$/m);
    expect(out).not.toMatch(/^~ ResourceQuota shop-system\/quota$/m);
  });

  it('needs one or two environments', () => {
    let err = '';
    expect(diffMain([], () => undefined, (s) => (err += s))).toBe(2);
    expect(err).toMatch(/name one environment \(against its previous output or a git ref\) or two \(against each other\)/);
    expect(diffMain(['dev', 'staging', 'prod'], () => undefined, () => undefined)).toBe(2);
  });
});
