import { WebService } from '../constructs/web-service';
import type { EnvironmentValues } from '../environments';
import type { ChartExtension } from '../synth/synthesize';

/** A chart extension that adds `count` generated web services, policy-compliant, to the shop of an environment. */
export function generatedServices(count: number): ChartExtension {
  return (charts, raw) => {
    const values = raw as unknown as EnvironmentValues;
    const shop = values.shop;
    const chart = charts.apps.shop;
    const pool = charts.platform.nodePool(shop.web.nodePool);
    for (let i = 0; i < count; i++) {
      const name = `svc-${String(i).padStart(4, '0')}`;
      new WebService(chart, name, {
        name, partOf: shop.app, component: 'generated', namespace: shop.namespace,
        autoscaling: { minReplicas: 2, maxReplicas: 4 },
        podAntiAffinity: 'soft',
        nodePool: pool,
        priorityClassName: charts.platform.priorityClassName(shop.web.priorityClass),
        containers: [{
          name: 'app', image: `${shop.api.image.repository}:${shop.api.image.tag}`,
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
