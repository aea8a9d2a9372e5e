import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * `npm run bench`: medians of wall time and peak memory, each run in a fresh process exactly as a
 * user runs it (TypeScript source through tsx, no build step). Prints figures; asserts nothing.
 *
 *   BENCH_RUNS=7 npm run bench      (default 5 runs per case)
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = path.resolve(__dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-stack-bench-'));

interface Sample { wallMs: number; rssMb: number }

function run(args: string[], loader: 'tsx' | 'js' = 'tsx'): Sample {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', path.join(root, 'bench/report-rss.js'), ...(loader === 'tsx' ? ['--require', 'tsx/cjs'] : []), ...args], { cwd: root, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
  const kb = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { wallMs, rssMb: kb / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function measure(label: string, args: string[], loader: 'tsx' | 'js' = 'tsx'): Sample {
  run(args, loader); // warm the transpile cache and the file system cache, as a user's second run would be
  const samples = Array.from({ length: RUNS }, () => run(args, loader));
  const s = { wallMs: median(samples.map((x) => x.wallMs)), rssMb: median(samples.map((x) => x.rssMb)) };
  console.log(`${label.padEnd(52)} ${s.wallMs.toFixed(0).padStart(6)} ms   peak ${s.rssMb.toFixed(0).padStart(4)} MB`);
  return s;
}

console.log(`node ${process.version}, ${os.cpus().length} cores, median of ${RUNS} runs (after one warm-up)\n`);
const baseline = measure('node with the tsx loader (no project code)', ['-e', '0']);
const all = measure('npm run synth (all environments, from .ts via tsx)', ['synth/cli.ts', '--outdir', path.join(tmp, 'synth')]);
// The same code compiled to JavaScript first (npm run synth:js; tsc is not on the timed path).
{
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.app.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc -p tsconfig.app.json failed:\n${r.stdout}`);
}
const nodeOnly = measure('node, no project code', ['-e', '0'], 'js');
const js = measure('all environments, compiled JavaScript (.build/)', ['.build/synth/cli.js', '--outdir', path.join(tmp, 'js')], 'js');
{
  // The same, through npm as a user types it (npm itself adds its own start-up).
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(npm, ['run', '--silent', 'synth', '--', '--outdir', path.join(tmp, 'npm')], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run synth failed:\n${r.stderr}`);
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  console.log(`${'npm run synth, as typed (includes npm start-up)'.padEnd(52)} ${median(times).toFixed(0).padStart(6)} ms`);
}
const scale: Array<[number, Sample]> = [];
for (const n of [125, 250, 500]) scale.push([n, measure(`scale: ${n} web services per environment (x3 envs)`, ['bench/scale.ts', String(n), path.join(tmp, `scale-${n}`)])]);
measure('scale: 500 per environment, compiled JavaScript', ['.build/bench/scale.js', '500', path.join(tmp, 'scale-js')], 'js');


console.log(`project code above node + tsx: ${(all.wallMs - baseline.wallMs).toFixed(0)} ms`);

// Where the time goes in one environment, at two sizes: each phase should grow 4x when N does.
for (const n of [500, 2000]) {
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'bench/phases.ts', String(n)], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench/phases.ts failed:\n${r.stderr}`);
  const p = JSON.parse(r.stdout) as Record<string, number>;
  console.log(`prod with ${String(n).padStart(4)} services, ms: ${Object.entries(p).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
if (kubectl.status === 0) {
  // For comparison only: kustomize building three small overlays of plain YAML.
  const k = path.join(tmp, 'kustomize');
  fs.mkdirSync(path.join(k, 'base'), { recursive: true });
  const manifests = fs.readdirSync(path.join(tmp, 'synth', 'dev')).filter((f) => f.endsWith('.yaml'));
  for (const f of manifests) fs.copyFileSync(path.join(tmp, 'synth', 'dev', f), path.join(k, 'base', f));
  fs.writeFileSync(path.join(k, 'base', 'kustomization.yaml'), `resources:\n${manifests.map((f) => `  - ${f}`).join('\n')}\n`);
  for (const env of ['dev', 'staging', 'prod']) {
    fs.mkdirSync(path.join(k, env));
    fs.writeFileSync(path.join(k, env, 'kustomization.yaml'), `resources:\n  - ../base\nnamePrefix: ${env}-\nlabels:\n  - pairs:\n      env: ${env}\n`);
  }
  const times: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const start = process.hrtime.bigint();
    for (const env of ['dev', 'staging', 'prod']) {
      const r = spawnSync('kubectl', ['kustomize', path.join(k, env)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    }
    if (i > 0) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const kustomize = median(times);
  console.log(`kubectl kustomize, 3 overlays of the dev output (comparison): ${kustomize.toFixed(0)} ms`);
  console.log(`ratio to kustomize: tsx ${(all.wallMs / kustomize).toFixed(2)}, compiled JavaScript ${(js.wallMs / kustomize).toFixed(2)} (node alone ${(nodeOnly.wallMs / kustomize).toFixed(2)})`);
}
fs.rmSync(tmp, { recursive: true, force: true });
