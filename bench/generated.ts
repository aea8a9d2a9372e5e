import { WebService } from '../constructs/web-service';
import type { EnvironmentValues } from '../environments';
import type { ChartExtension } from '../synth/synthesize';

/** A chart extension that adds `count` generated web services, policy-compliant, to an environment. */
export function generatedServices(count: number): ChartExtension {
  return (chart, values: EnvironmentValues) => {
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
          runAsUser: 10001,
          ports: [{ name: 'http', containerPort: 9898 }],
          resources: { cpu: { request: '10m', limit: '100m' }, memory: { request: '16Mi', limit: '32Mi' } },
          readiness: { type: 'http', path: '/readyz', port: 'http' },
          liveness: { type: 'http', path: '/healthz', port: 'http', failureThreshold: 5 },
          writablePaths: ['/tmp'],
        }],
      });
    }
  };
}
