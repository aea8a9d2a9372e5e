import { ContainerSpec, WebService, Worker, WorkerProps } from '../constructs';
import { KubeObject, expectValidationError, find, podSpec, scope, synth } from './support/synth';

/** A queue consumer: no ports, nothing to serve. */
const consumer: ContainerSpec = {
  name: 'consumer',
  image: 'example/mailer:2.3.1',
  resources: { cpu: { request: '100m' }, memory: { request: '64Mi', limit: '128Mi' } },
  liveness: { type: 'exec', command: ['/bin/healthcheck'] },
};
const IDENTITY = { name: 'mailer', partOf: 'shop', component: 'worker', version: '2.3.1' };
const SELECTOR = { 'app.kubernetes.io/name': 'mailer', 'app.kubernetes.io/instance': 'shop-mailer' };

function worker(props: Partial<WorkerProps> = {}): KubeObject[] {
  return synth((chart) => new Worker(chart, 'mailer', { ...IDENTITY, containers: [consumer], ...props }));
}

function rejects(props: Partial<WorkerProps>, message: RegExp): void {
  expectValidationError(() => new Worker(scope(), 'mailer', { ...IDENTITY, containers: [consumer], ...props }), message);
}

describe('defaults', () => {
  const objects = worker();

  test('a ServiceAccount, a Deployment and a PDB: no Service, and no port needed', () => {
    expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'PodDisruptionBudget']);
    expect(podSpec(find(objects, 'Deployment')).containers[0].ports).toBeUndefined();
  });

  test('the Deployment of a WebService without a Service, to the byte: one code path renders both', () => {
    const web = synth((chart) => new WebService(chart, 'mailer', { ...IDENTITY, containers: [consumer], service: false }));
    expect(JSON.stringify(objects)).toBe(JSON.stringify(web));
  });

  test('2 replicas spread softly over nodes, a PDB of maxUnavailable 1 on the stable labels', () => {
    const d = find(objects, 'Deployment');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(podSpec(d).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector).toEqual({ matchLabels: SELECTOR });
    expect(find(objects, 'PodDisruptionBudget').spec).toEqual({ selector: { matchLabels: SELECTOR }, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  test('the construct exposes what it made', () => {
    const chart = scope();
    const w = new Worker(chart, 'mailer', { ...IDENTITY, containers: [consumer], autoscaling: { minReplicas: 2, maxReplicas: 8 } });
    expect(w.name).toBe('mailer');
    expect(w.identity.selector).toEqual(SELECTOR);
    expect(w.deployment.node.id).toBe('Resource');
    expect(w.autoscaler?.node.id).toBe('Autoscaler');
    expect(w.disruptionBudget?.node.id).toBe('DisruptionBudget');
    expect(w.access?.serviceAccountName).toBe('mailer');
    expect(w.node.tryFindChild('Service')).toBeUndefined();
  });
});

describe('scaling and budget', () => {
  test('autoscaling: an HPA on the Deployment, which leaves replicas to it', () => {
    const objects = worker({ autoscaling: { minReplicas: 2, maxReplicas: 20, cpuUtilization: 80 } });
    expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    expect('replicas' in find(objects, 'Deployment').spec).toBe(false);
    expect(find(objects, 'HorizontalPodAutoscaler').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'mailer' },
      minReplicas: 2, maxReplicas: 20,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
  });

  test('no PDB for a single replica or when disabled; an explicit budget', () => {
    expect(worker({ replicas: 1 }).map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment']);
    expect(worker({ replicas: 3, disruptionBudget: false }).map((o) => o.kind)).not.toContain('PodDisruptionBudget');
    expect(find(worker({ replicas: 4, disruptionBudget: { minAvailable: '50%' } }), 'PodDisruptionBudget').spec.minAvailable).toBe('50%');
  });

  test('a container may still declare ports (a health or metrics port) with no Service made for them', () => {
    const objects = worker({ containers: [{ ...consumer, ports: [{ name: 'health', containerPort: 8081 }], readiness: { type: 'http', path: '/ready', port: 'health' } }] });
    expect(objects.map((o) => o.kind)).not.toContain('Service');
    expect(podSpec(find(objects, 'Deployment')).containers[0].readinessProbe.httpGet).toEqual({ path: '/ready', port: 8081, scheme: 'HTTP' });
  });
});

test('snapshot', () => {
  expect(worker({
    autoscaling: { minReplicas: 2, maxReplicas: 10, scaleDown: { stabilizationWindowSeconds: 600 } },
    strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
    imagePullSecrets: ['registry-credentials'],
    podAnnotations: { 'example.com/queue': 'mail' },
    volumes: [{ name: 'spool', type: 'emptyDir', sizeLimit: '1Gi' }],
    containers: [{ ...consumer, fieldEnv: { POD_NAME: 'metadata.name' }, mounts: [{ volume: 'spool', mountPath: '/var/spool/mail' }] }],
  })).toMatchSnapshot();
});

describe('validation', () => {
  test('the Deployment props are checked as for a WebService', () => {
    rejects({ name: 'Mailer' }, /^test\/mailer: name "Mailer" contains upper-case letters; use lower-case/);
    rejects({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 5 } }, /^test\/mailer: replicas 3 is set together with autoscaling; remove replicas: the HPA owns the replica count \(minReplicas is the floor\)$/);
    rejects({ strategy: { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 0 } }, /^test\/mailer: strategy \{"maxSurge":0,"maxUnavailable":0\} lets no pod be added or removed for 2 replicas/);
    rejects({ replicas: 3, disruptionBudget: { maxUnavailable: 0 } }, /^test\/mailer\/DisruptionBudget: maxUnavailable 0 blocks every voluntary eviction of the 3 replicas/);
  });

  test('fails when given the Service props of a WebService (spread from one, past the type check)', () => {
    const web = { service: { ports: [{ name: 'http', port: 80 }] } } as Partial<WorkerProps>;
    rejects(web, /^test\/mailer: service \{"ports":\[\{"name":"http","port":80\}\]\} is not a Worker prop: a Worker has no Service; use a WebService for pods that serve traffic, or leave it out$/);
    rejects({ metrics: { port: 'http' } } as Partial<WorkerProps>, /^test\/mailer: metrics \{"port":"http"\} is not a Worker prop: a Worker has no Service; use a WebService/);
    // `service: false` says what a Worker is anyway.
    expect(worker({ service: false } as Partial<WorkerProps>).map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'PodDisruptionBudget']);
  });
});
