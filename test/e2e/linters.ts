/**
 * The linters platform teams run in their own pipelines, over every environment's output, with
 * their default checks. Findings are printed; each must be fixed in the output, or waived on the
 * object in the tool's own annotation with a reason (README, "Linters").
 */
import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENTS, loadEnvironment } from '../../environments';
import { GKE_REGULAR_VERSION, KUBERNETES_VERSION, NOT_SERVED } from '../../toolchain/pins';
import { runTool } from './kube';
import { E2eContext } from './suite';

const minor = (v: string) => `v${v.split('.').slice(0, 2).join('.')}`;

/** kube-score's findings (`--output-format ci`): the CRITICAL and WARNING lines. */
export function kubeScoreFindings(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /^\[(CRITICAL|WARNING)\]/.test(l));
}

export async function lintersScenario(ctx: E2eContext): Promise<void> {
  const { suite, bin, root } = ctx;
  suite.begin('linters');
  for (const env of ENVIRONMENTS) {
    await suite.step(`kube-score on dist/${env}: no unwaived finding`, () => {
      const dir = path.join(root, 'dist', env);
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));
      // The version the environment's cluster runs: GKE follows its channel, dev pins 1.28.
      const version = loadEnvironment(env).cluster.kind === 'gke' ? GKE_REGULAR_VERSION : KUBERNETES_VERSION;
      const r = runTool(bin, 'kube-score', ['score', '--output-format', 'ci', '--kubernetes-version', minor(version), ...files]);
      const findings = kubeScoreFindings(r.stdout);
      if (r.status !== 0 && findings.length === 0) throw new Error(`kube-score exited ${r.status}:\n${r.stderr}${r.stdout}`);
      if (findings.length) throw new Error(`${findings.length} finding(s):\n${findings.join('\n')}`);
      const passed = r.stdout.split('\n').filter((l) => /^\[OK\]/.test(l)).length;
      console.log(`     ${passed} checks passed, 0 findings`);
    });
  }
  for (const tool of ['kube-linter', 'polaris'] as const) console.log(`     not run: ${tool}: ${NOT_SERVED[tool]}`);
}
