import { WebService } from '../constructs/web-service';
import { ENVIRONMENTS, loadEnvironment } from '../environments';
import { writeAtomically } from '../synth/output';
import { SynthResult, synthesizeEnvironment } from '../synth/synthesize';

/**
 * The scale case: every environment with N generated web services added to the reference app,
 * through the same pipeline as `npm run synth` (build, policy, render, atomic write).
 * Usage: node --require tsx/cjs bench/scale.ts <services-per-environment> <outdir>
 */
const count = Number(process.argv[2] ?? 500);
const outdir = process.argv[3] ?? '.bench/scale';
const results: SynthResult[] = ENVIRONMENTS.map((env) => {
  const values = loadEnvironment(env);
  return synthesizeEnvironment(values, (chart) => {
    const pool = chart.nodePool(values.web.nodePool);
    for (let i = 0; i < count; i++) {
      const name = `svc-${String(i).padStart(4, '0')}`;
      new WebService(chart, name, {
        name, partOf: values.app, component: 'generated', namespace: values.namespace,
        autoscaling: { minReplicas: 2, maxReplicas: 4 },
        podAntiAffinity: 'soft',
        nodePool: pool,
        priorityClassName: chart.priorities.nameOf(values.web.priorityClass),
        containers: [{
          name: 'app', image: `${values.api.image.repository}:${values.api.image.tag}`,
          ports: [{ name: 'http', containerPort: 9898 }],
          resources: { cpu: { request: '10m', limit: '100m' }, memory: { request: '16Mi', limit: '32Mi' } },
          readiness: { type: 'http', path: '/readyz', port: 'http' },
          liveness: { type: 'http', path: '/healthz', port: 'http', failureThreshold: 5 },
          writablePaths: ['/tmp'],
        }],
      });
    }
  });
});
writeAtomically(outdir, results);
process.stdout.write(`${results.reduce((n, r) => n + r.objects.length, 0)} objects\n`);
