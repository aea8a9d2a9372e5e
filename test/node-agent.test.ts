import { NodeAgent, NodeAgentProps } from '../constructs/node-agent';
import { NodePool } from '../constructs/node-pool';
import { ContainerSpec, VolumeSpec } from '../constructs/workload';
import { KubeObject, RESTRICTED, find, podSpec, scope, synth } from './support/synth';

const fluentBit: ContainerSpec = {
  name: 'fluent-bit',
  image: 'fluent/fluent-bit:3.1.4',
  resources: { cpu: { request: '50m' }, memory: { request: '64Mi', limit: '128Mi' } },
  mounts: [{ volume: 'pods', mountPath: '/var/log/pods' }, { volume: 'containers', mountPath: '/var/lib/docker/containers' }],
  writablePaths: ['/fluent-bit/db'],
};
const HOST_PATHS: VolumeSpec[] = [
  { name: 'pods', type: 'hostPath', path: '/var/log/pods', hostPathType: 'Directory' },
  { name: 'containers', type: 'hostPath', path: '/var/lib/docker/containers' },
];
const init: ContainerSpec = {
  name: 'check-logs',
  image: 'busybox:1.36.1',
  command: ['ls', '/var/log/pods'],
  resources: { cpu: { request: '10m' }, memory: { request: '16Mi', limit: '16Mi' } },
  mounts: [{ volume: 'pods', mountPath: '/var/log/pods' }],
};

const gpuPool = new NodePool({
  name: 'gpu',
  taints: [
    { key: 'nvidia.com/gpu', effect: 'NoSchedule' },
    { key: 'dedicated', value: 'gpu', effect: 'NoExecute', tolerationSeconds: 120 },
  ],
});
const batchPool = new NodePool({ name: 'batch', taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] });


/** The rendered objects of one NodeAgent "logs" in namespace "test". */
function agent(props: Partial<NodeAgentProps> = {}): KubeObject[] {
  return synth((chart) => {
    new NodeAgent(chart, 'logs', { name: 'logs', containers: [fluentBit], volumes: HOST_PATHS, ...props });
  });
}

/** A NodeAgent "logs" in a fresh chart: the construct path in messages is "test/logs". */
function build(props: Partial<NodeAgentProps>): () => unknown {
  return () => new NodeAgent(scope(), 'logs', { name: 'logs', containers: [fluentBit], volumes: HOST_PATHS, ...props });
}

describe('DaemonSet', () => {
  const ds = find(agent(), 'DaemonSet');

  test('is labelled and selects only the stable labels', () => {
    expect(ds.metadata.name).toBe('logs');
    expect(ds.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'logs', 'app.kubernetes.io/instance': 'logs', 'app.kubernetes.io/managed-by': 'cdk8s' });
    expect(ds.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'logs', 'app.kubernetes.io/instance': 'logs' } });
    expect(ds.spec.template.metadata.labels).toEqual(ds.metadata.labels);
  });

  test('rolls out one node at a time by default', () => {
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec.minReadySeconds).toBe(0);
    expect(ds.spec.revisionHistoryLimit).toBe(10);
  });

  test('maxUnavailable, maxSurge, minReadySeconds and revisionHistoryLimit', () => {
    const spec = find(agent({ maxUnavailable: '10%', minReadySeconds: 10, revisionHistoryLimit: 5 }), 'DaemonSet').spec;
    expect(spec.updateStrategy.rollingUpdate).toEqual({ maxUnavailable: '10%', maxSurge: 0 });
    expect(spec.minReadySeconds).toBe(10);
    expect(spec.revisionHistoryLimit).toBe(5);
    const surge = find(agent({ maxUnavailable: 0, maxSurge: 1 }), 'DaemonSet').spec;
    expect(surge.updateStrategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
  });

  test('carries no policy waiver: waivers live in the environment, not on the object', () => {
    expect(ds.metadata.annotations).toBeUndefined();
  });
});

describe('tolerations', () => {
  test('none by default', () => {
    expect(podSpec(find(agent(), 'DaemonSet')).tolerations).toBeUndefined();
  });

  test('equal the taints of each pool to tolerate, without tolerationSeconds', () => {
    const spec = podSpec(find(agent({ tolerateNodePools: [gpuPool, batchPool] }), 'DaemonSet'));
    expect(spec.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' },
      { key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' },
    ]);
    for (const pool of [gpuPool, batchPool]) expect(pool.untolerated(spec.tolerations)).toEqual([]);
    expect(spec.affinity).toBeUndefined();
  });

  test('add to those of the nodePool the agent is confined to, once each', () => {
    const spec = podSpec(find(agent({ nodePool: batchPool, tolerateNodePools: [batchPool, gpuPool] }), 'DaemonSet'));
    expect(spec.tolerations.map((t: { key: string; value?: string; effect: string }) => `${t.key}=${t.value ?? ''}:${t.effect}`)).toEqual(['dedicated=batch:NoSchedule', 'nvidia.com/gpu=:NoSchedule', 'dedicated=gpu:NoExecute']);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: NodePool.POOL_LABEL, operator: 'In', values: ['batch'] }] },
    ]);
  });

  test('tolerateAll is a single Exists toleration', () => {
    expect(podSpec(find(agent({ tolerateAll: true, tolerateNodePools: [gpuPool] }), 'DaemonSet')).tolerations).toEqual([{ operator: 'Exists' }]);
  });
});

describe('host paths', () => {
  const spec = podSpec(find(agent({ initContainers: [init] }), 'DaemonSet'));

  test('are pod volumes', () => {
    expect(spec.volumes).toEqual([
      { name: 'pods', hostPath: { path: '/var/log/pods', type: 'Directory' } },
      { name: 'containers', hostPath: { path: '/var/lib/docker/containers' } },
      { name: 'fluent-bit-fluent-bit-db', emptyDir: {} },
    ]);
  });

  test('are mounted read-only, in containers and init containers; state goes to a writable emptyDir', () => {
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'fluent-bit-fluent-bit-db', mountPath: '/fluent-bit/db' },
      { name: 'pods', mountPath: '/var/log/pods', readOnly: true },
      { name: 'containers', mountPath: '/var/lib/docker/containers', readOnly: true },
    ]);
    expect(spec.initContainers[0].volumeMounts).toEqual([{ name: 'pods', mountPath: '/var/log/pods', readOnly: true }]);
    const explicit = podSpec(find(agent({ containers: [{ ...fluentBit, mounts: [{ volume: 'pods', mountPath: '/var/log/pods', readOnly: true }] }] }), 'DaemonSet'));
    expect(explicit.containers[0].volumeMounts[1]).toEqual({ name: 'pods', mountPath: '/var/log/pods', readOnly: true });
  });
});

describe('pods', () => {
  const objects = agent({ initContainers: [init], priorityClassName: 'node-critical' });
  const spec = podSpec(find(objects, 'DaemonSet'));

  test('every container, init containers included, gets the restricted security context', () => {
    const containers = [...spec.initContainers, ...spec.containers];
    expect(containers.map((c: { name: string }) => c.name)).toEqual(['check-logs', 'fluent-bit']);
    for (const c of containers) expect(c.securityContext).toEqual(RESTRICTED);
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('the priority class', () => {
    expect(spec.priorityClassName).toBe('node-critical');
  });

  test('read pod and namespace metadata through a read-only ClusterRole, with the token mounted', () => {
    expect(spec.serviceAccountName).toBe('logs');
    expect(spec.automountServiceAccountToken).toBe(true);
    const role = find(objects, 'ClusterRole');
    expect(role.metadata.name).toBe('test-logs');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] }]);
    expect(find(objects, 'ClusterRoleBinding')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'test-logs' },
      subjects: [{ kind: 'ServiceAccount', name: 'logs', namespace: 'test' }],
    });
    expect(objects.filter((o) => o.kind === 'Role')).toHaveLength(0);
  });

  test('without metadata enrichment: no ClusterRole and no token', () => {
    const plain = agent({ readPodMetadata: false });
    expect(plain.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toHaveLength(0);
    expect(podSpec(find(plain, 'DaemonSet')).automountServiceAccountToken).toBe(false);
  });

  test('with an existing ServiceAccount: none created, the token still mounted', () => {
    const existing = agent({ serviceAccount: { existingName: 'log-collector' } });
    expect(existing.filter((o) => ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind))).toHaveLength(0);
    const s = podSpec(find(existing, 'DaemonSet'));
    expect(s.serviceAccountName).toBe('log-collector');
    expect(s.automountServiceAccountToken).toBe(true);
  });
});

test('snapshot', () => {
  expect(agent({
    partOf: 'observability',
    version: '3.1.4',
    initContainers: [init],
    tolerateNodePools: [gpuPool, batchPool],
    priorityClassName: 'node-critical',
  })).toMatchSnapshot();
});

describe('fails when', () => {
  test('the name is not an RFC 1123 label', () => {
    expect(build({ name: 'fluent.bit' })).toThrow(/^test\/logs: name "fluent\.bit" is not a valid RFC 1123 label; use lower-case letters.*e\.g\. "fluent-bit"$/);
  });

  test('maxUnavailable or maxSurge is negative or not a percentage up to 100%', () => {
    expect(build({ maxUnavailable: -1 })).toThrow(/^test\/logs: maxUnavailable -1 is out of range; use a whole number from 0 up$/);
    expect(build({ maxUnavailable: '120%' })).toThrow(/^test\/logs: maxUnavailable "120%" is not a whole number or a percentage from 0% to 100%; use e\.g\. 1 or "10%"$/);
    expect(build({ maxSurge: 'one' as never })).toThrow(/^test\/logs: maxSurge "one" is not a whole number or a percentage from 0% to 100%; use e\.g\. 1 or "10%"$/);
  });

  test('neither maxUnavailable nor maxSurge lets the rollout progress', () => {
    expect(build({ maxUnavailable: '0%' })).toThrow(/^test\/logs: maxUnavailable "0%" is 0 with maxSurge 0, so the rollout can never replace an agent; allow maxUnavailable or maxSurge of at least 1$/);
  });

  test('minReadySeconds or revisionHistoryLimit is out of range', () => {
    expect(build({ minReadySeconds: -1 })).toThrow(/^test\/logs: minReadySeconds -1 is out of range; use a whole number from 0 up$/);
    expect(build({ revisionHistoryLimit: 1.5 })).toThrow(/^test\/logs: revisionHistoryLimit 1\.5 is not a whole number; use a whole number from 0 to 100$/);
  });

  test('tolerations are given together with tolerateAll', () => {
    expect(build({ tolerateAll: true, tolerations: [{ key: 'a', operator: 'Exists' }] })).toThrow(/^test\/logs: tolerations \[\{"key":"a","operator":"Exists"\}\] are set together with tolerateAll, which already tolerates every taint; remove one of them$/);
  });

  test('a host path is relative', () => {
    expect(build({ volumes: [HOST_PATHS[0], { name: 'containers', type: 'hostPath', path: 'var/lib/docker/containers' }] })).toThrow(/^test\/logs: volumes\[containers\]\.path "var\/lib\/docker\/containers" is not an absolute path; give the host path from "\/", e\.g\. "\/var\/log"$/);
  });

  test('a host path is the host root', () => {
    expect(build({ volumes: [HOST_PATHS[0], { name: 'containers', type: 'hostPath', path: '/' }] })).toThrow(/^test\/logs: volumes\[containers\]\.path "\/" mounts the whole host file system; mount only the directories the agent reads, e\.g\. "\/var\/log\/pods"$/);
  });

  test('a host path is mounted writable, in a container or an init container', () => {
    expect(build({ containers: [{ ...fluentBit, mounts: [{ volume: 'pods', mountPath: '/var/log/pods', readOnly: false }] }] }))
      .toThrow(/^test\/logs: containers\[fluent-bit\]\.mounts\[pods\]\.readOnly false would let the agent write to host path "\/var\/log\/pods" of every node; remove readOnly: false \(host paths are mounted read-only\); keep state such as read positions in a writablePaths emptyDir$/);
    expect(build({ initContainers: [{ ...init, mounts: [{ volume: 'containers', mountPath: '/c', readOnly: false }] }] }))
      .toThrow(/^test\/logs: initContainers\[check-logs\]\.mounts\[containers\]\.readOnly false would let the agent write to host path "\/var\/lib\/docker\/containers" of every node/);
  });
});
