/**
 * `npm run e2e`: the synthesized output on a real local Kubernetes control plane, the Pulumi
 * program through the real engine, and the field's linters. See the README ("End-to-end").
 *
 *   npm run e2e                       every scenario
 *   npm run e2e -- --only converge    some scenarios (validate, converge, pod-security, pulumi, linters, package)
 *   npm run e2e -- --keep             leave the clusters running (npm run cluster -- down --name <n>)
 *
 * The run ends with one line `e2e: N passed, M failed` and exits non-zero when anything failed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENTS } from '../../environments';
import { GKE_REGULAR_VERSION, KUBERNETES_VERSION, NOT_SERVED } from '../../toolchain/pins';
import { ensureToolchain } from '../../toolchain/build';
import { clustersDir, down } from './cluster';
import { convergeScenario, podSecurityScenario, validateScenario } from './scenarios';
import { lintersScenario } from './linters';
import { packageScenario } from './package';
import { pulumiScenario } from './pulumi';
import { CLUSTERS, E2eContext, Suite } from './suite';

export const ROOT = path.resolve(__dirname, '..', '..');
const SCENARIOS = ['validate', 'converge', 'pod-security', 'pulumi', 'linters', 'package'] as const;
type Scenario = (typeof SCENARIOS)[number];

/** Clusters named by an e2e run (`e2e-…-<pid>`) whose run no longer exists. */
async function abandonedClusters(): Promise<string[]> {
  if (!fs.existsSync(clustersDir())) return [];
  return fs.readdirSync(clustersDir()).filter((name) => {
    const pid = Number(/^e2e-.+-(\d+)$/.exec(name)?.[1]);
    if (!pid || pid === process.pid) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  });
}

function parse(argv: string[]): { only: Set<Scenario>; keep: boolean } {
  const only = new Set<Scenario>();
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--keep') keep = true;
    else if (argv[i] === '--only') {
      for (const s of (argv[++i] ?? '').split(',')) {
        if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`--only: unknown scenario "${s}"; scenarios: ${SCENARIOS.join(', ')}`);
        only.add(s as Scenario);
      }
    } else throw new Error(`unknown option ${argv[i]}; usage: npm run e2e -- [--only ${SCENARIOS.join(',')}] [--keep]`);
  }
  return { only: only.size ? only : new Set(SCENARIOS), keep };
}

async function main(): Promise<number> {
  const { only, keep } = parse(process.argv.slice(2));
  const suite = new Suite();
  const t0 = Date.now();
  console.log(`e2e: Kubernetes ${KUBERNETES_VERSION} (and ${GKE_REGULAR_VERSION} for staging and prod), scenarios: ${[...only].join(', ')}`);

  suite.begin('toolchain');
  const bin = await suite.value('toolchain built or cached (npm run toolchain)', () => ensureToolchain((l) => console.log(`     ${l}`)));
  for (const [tool, why] of Object.entries(NOT_SERVED)) console.log(`     not in the toolchain: ${tool}: ${why}`);
  suite.begin('synth');
  const synthOk = await suite.step(`npm run synth writes dist/ for ${ENVIRONMENTS.join(', ')}`, () => {
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'synth/cli.ts'], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`synth failed (exit ${r.status}):\n${r.stderr}`);
  });

  // Clusters of earlier runs whose process is gone (interrupted) are stopped by their recorded pids.
  for (const name of await abandonedClusters()) await down(name);

  const ready = bin !== undefined && synthOk;
  const why = bin === undefined ? 'the toolchain did not build' : 'synth failed';
  const ctx: E2eContext = { suite, bin: bin ?? '', root: ROOT, keep };
  try {
    if (only.has('validate')) await (ready ? validateScenario(ctx) : Promise.resolve(suite.blocked('server-side validation', why)));
    if (only.has('converge') || only.has('pod-security')) {
      if (!ready) suite.blocked('convergence and Pod Security', why);
      else await convergeScenario(ctx, { converge: only.has('converge'), podSecurity: only.has('pod-security') }, podSecurityScenario);
    }
    if (only.has('pulumi')) await (ready ? pulumiScenario(ctx) : Promise.resolve(suite.blocked('the Pulumi engine', why)));
    if (only.has('linters')) await (ready ? lintersScenario(ctx) : Promise.resolve(suite.blocked('linters', why)));
    // Needs npm and the npm cache (or registry), not the toolchain.
    if (only.has('package')) await packageScenario(ctx);
  } finally {
    if (!keep) for (const name of Object.values(CLUSTERS)) await down(name);
  }
  suite.report((Date.now() - t0) / 1000);
  return suite.failed === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (e: Error) => {
    console.error(e.message);
    console.log('\ne2e: 0 passed, 1 failed');
    process.exit(1);
  });
}
