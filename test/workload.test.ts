import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AppConfig, BatchJob, ContainerSpec, DEFAULT_EPHEMERAL_STORAGE, ENV_FIELD_PATHS, NodeAgent, NodePool, PodProps, ScheduledJob, SecretReference, StatefulService, WebService, WebServiceProps, Worker,
  allowHostPaths, basePodProps, podIdentity, renderPod,
} from '../constructs';
import { validateObjects } from './support/k8s-schema';
import { KubeObject, RESTRICTED, expectValidationError, find, podSpec, scope, synth } from './support/synth';

/**
 * The shared pod layer (`renderPod`), exercised through WebService (a Deployment) and, for what
 * only other controllers do (no selector, host paths), through cdk8s-plus workloads directly.
 */

const IMAGE = 'nginxinc/nginx-unprivileged:1.27-alpine';
const BURSTABLE = { cpu: { request: '100m' }, memory: { request: '64Mi', limit: '128Mi' } };
const GUARANTEED = { cpu: { request: '250m', limit: '250m' }, memory: { request: '256Mi', limit: '256Mi' } };
const app: ContainerSpec = { name: 'app', image: IMAGE, ports: [{ name: 'http', containerPort: 8080 }], resources: BURSTABLE };


/** The rendered objects of one WebService named "web" in namespace "test". */
function web(props: Partial<WebServiceProps> = {}, build?: (chart: Chart) => Partial<WebServiceProps>): KubeObject[] {
  return synth((chart) => {
    const more = build?.(chart) ?? {};
    new WebService(chart, 'web', { name: 'web', containers: [app], ...props, ...more });
  });
}

/** The pod spec of that WebService's Deployment (plain JSON). */
function pod(props: Partial<WebServiceProps> = {}, build?: (chart: Chart) => Partial<WebServiceProps>) {
  return podSpec(find(web(props, build), 'Deployment'));
}

/** Runs `fn`, asserts that it throws a ValidationError and that its message matches. */
const rejects = expectValidationError;

/** A WebService "web" in a fresh chart: the construct path in messages is "test/web". */
function build(props: Partial<WebServiceProps>, container: Partial<ContainerSpec> = {}): () => unknown {
  return () => new WebService(scope(), 'web', { name: 'web', ...props, containers: props.containers ?? [{ ...app, ...container }] });
}

const gpuPool = new NodePool({
  name: 'gpu',
  labels: { 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4' },
  taints: [
    { key: 'nvidia.com/gpu', effect: 'NoSchedule' },
    { key: 'dedicated', value: 'gpu', effect: 'NoExecute', tolerationSeconds: 120 },
  ],
});

describe('security', () => {
  const spec = pod({
    initContainers: [{ name: 'migrate', image: 'migrate/migrate:v4.17.1', resources: BURSTABLE }],
    containers: [app, { name: 'log-shipper', image: 'fluent/fluent-bit:3.1.4', resources: BURSTABLE }],
  });

  test('every container, init containers and sidecars included, gets the restricted security context', () => {
    const containers = [...spec.initContainers, ...spec.containers];
    expect(containers.map((c: { name: string }) => c.name)).toEqual(['migrate', 'app', 'log-shipper']);
    for (const c of containers) expect(c.securityContext).toEqual(RESTRICTED);
  });

  test('the pod runs as non-root with the RuntimeDefault seccomp profile and no API token', () => {
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  test('runAsUser, runAsGroup and fsGroup are rendered when given', () => {
    const s = pod({ fsGroup: 2000, automountServiceAccountToken: true, containers: [{ ...app, runAsUser: 101, runAsGroup: 102 }] });
    expect(s.containers[0].securityContext).toEqual({ ...RESTRICTED, runAsUser: 101, runAsGroup: 102 });
    expect(s.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, fsGroup: 2000, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(s.automountServiceAccountToken).toBe(true);
  });
});

describe('resources', () => {
  test('requests and limits are rendered as quantity strings, never as {}', () => {
    const [c] = pod().containers;
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi', 'ephemeral-storage': '64Mi' }, limits: { memory: '128Mi', 'ephemeral-storage': '1Gi' } });
  });

  test('ephemeral storage defaults to a 64Mi request and a 1Gi limit when left out (kube-score requires both)', () => {
    const [c] = pod().containers;
    expect([c.resources.requests['ephemeral-storage'], c.resources.limits['ephemeral-storage']]).toEqual([DEFAULT_EPHEMERAL_STORAGE.request, DEFAULT_EPHEMERAL_STORAGE.limit]);
  });

  test('ephemeral storage and extended resources are requested and limited', () => {
    const [c] = pod({
      containers: [{ ...app, resources: { ...BURSTABLE, ephemeralStorage: { request: '1Gi', limit: '2Gi' }, extended: { 'nvidia.com/gpu': 1 } } }],
    }).containers;
    expect(c.resources.requests).toEqual({ cpu: '100m', memory: '64Mi', 'ephemeral-storage': '1Gi', 'nvidia.com/gpu': 1 });
    expect(c.resources.limits).toEqual({ memory: '128Mi', 'ephemeral-storage': '2Gi', 'nvidia.com/gpu': 1 });
  });

  test('QoS Guaranteed: every container, init containers included, has limits equal to requests', () => {
    const s = pod({
      qosClass: 'Guaranteed',
      initContainers: [{ name: 'migrate', image: 'migrate/migrate:v4.17.1', resources: GUARANTEED }],
      containers: [{ ...app, resources: GUARANTEED }, { name: 'sidecar', image: 'envoyproxy/envoy:v1.31.0', resources: { cpu: { request: '0.5', limit: '500m' }, memory: { request: '1Gi', limit: '1024Mi' } } }],
    });
    // QoS is decided by cpu and memory alone; ephemeral storage has its default request and limit.
    const cpuMemory = (r: Record<string, string>) => ({ cpu: r.cpu, memory: r.memory });
    for (const c of [...s.initContainers, ...s.containers]) {
      expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory']);
      expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory']);
    }
    expect(cpuMemory(s.containers[0].resources.requests)).toEqual({ cpu: '250m', memory: '256Mi' });
    expect(cpuMemory(s.containers[0].resources.limits)).toEqual({ cpu: '250m', memory: '256Mi' });
    expect(cpuMemory(s.containers[1].resources.requests)).toEqual({ cpu: '0.5', memory: '1Gi' });
    expect(cpuMemory(s.containers[1].resources.limits)).toEqual({ cpu: '500m', memory: '1024Mi' });
  });

  test('QoS Burstable (the default): one container below its limit is enough', () => {
    const s = pod({ containers: [{ ...app, resources: GUARANTEED }, { name: 'sidecar', image: 'envoyproxy/envoy:v1.31.0', resources: BURSTABLE }] });
    expect(s.containers[0].resources.limits).toEqual({ cpu: '250m', memory: '256Mi', 'ephemeral-storage': '1Gi' });
    expect(s.containers[1].resources.limits).toEqual({ memory: '128Mi', 'ephemeral-storage': '1Gi' });
    expect(s.containers[1].resources.limits.cpu).toBeUndefined();
  });
});

describe('probes, lifecycle hooks and the container command', () => {
  const c = pod({
    containers: [{
      ...app,
      ports: [{ name: 'http', containerPort: 8080 }, { name: 'admin', containerPort: 9901 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }],
      command: ['/docker-entrypoint.sh'],
      args: ['nginx', '-g', 'daemon off;'],
      workingDir: '/srv',
      imagePullPolicy: 'IfNotPresent',
      env: { LOG_FORMAT: 'json' },
      liveness: { type: 'tcp', port: 'http', periodSeconds: 20, failureThreshold: 6 },
      readiness: { type: 'http', path: '/ready', port: 'admin', scheme: 'HTTPS', initialDelaySeconds: 5, timeoutSeconds: 2 },
      startup: { type: 'exec', command: ['cat', '/tmp/started'], failureThreshold: 30 },
      postStart: { type: 'exec', command: ['sh', '-c', 'echo started > /tmp/started'] },
      preStop: { type: 'http', path: '/drain', port: 'admin' },
    }],
  }).containers[0];

  test('httpGet, tcpSocket and exec probes, with named ports resolved to numbers', () => {
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 8080 }, initialDelaySeconds: 0, periodSeconds: 20, timeoutSeconds: 1, failureThreshold: 6, successThreshold: 1 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 9901, scheme: 'HTTPS' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 });
    expect(c.startupProbe).toEqual({ exec: { command: ['cat', '/tmp/started'] }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 30, successThreshold: 1 });
  });

  test('postStart and preStop hooks', () => {
    expect(c.lifecycle).toEqual({
      postStart: { exec: { command: ['sh', '-c', 'echo started > /tmp/started'] } },
      preStop: { httpGet: { path: '/drain', port: 9901, scheme: 'HTTP' } },
    });
  });

  test('command, args, workingDir, imagePullPolicy, ports and literal env', () => {
    expect(c.command).toEqual(['/docker-entrypoint.sh']);
    expect(c.args).toEqual(['nginx', '-g', 'daemon off;']);
    expect(c.workingDir).toBe('/srv');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.image).toBe(IMAGE);
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'admin', containerPort: 9901, protocol: 'TCP' },
      { name: 'dns', containerPort: 5353, protocol: 'UDP' },
    ]);
    expect(c.env).toEqual([{ name: 'LOG_FORMAT', value: 'json' }]);
  });

  test('imagePullPolicy defaults to Always and no probe or hook is rendered unless asked', () => {
    const [plain] = pod().containers;
    expect(plain.imagePullPolicy).toBe('Always');
    for (const field of ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'command', 'args']) expect(plain[field]).toBeUndefined();
  });
});

describe('pod settings', () => {
  test('init containers run first and sidecars follow the main container', () => {
    const s = pod({
      initContainers: [
        { name: 'wait-db', image: 'busybox:1.36', command: ['sh', '-c', 'until nc -z db 5432; do sleep 1; done'], resources: BURSTABLE },
        { name: 'migrate', image: 'migrate/migrate:v4.17.1', args: ['up'], resources: BURSTABLE },
      ],
      containers: [app, { name: 'log-shipper', image: 'fluent/fluent-bit:3.1.4', resources: BURSTABLE }],
    });
    expect(s.initContainers.map((c: { name: string; command?: string[]; args?: string[] }) => [c.name, c.command, c.args])).toEqual([
      ['wait-db', ['sh', '-c', 'until nc -z db 5432; do sleep 1; done'], undefined],
      ['migrate', undefined, ['up']],
    ]);
    expect(s.containers.map((c: { name: string }) => c.name)).toEqual(['app', 'log-shipper']);
  });

  test('hostAliases and dnsConfig', () => {
    const s = pod({
      hostAliases: [{ ip: '10.0.0.10', hostnames: ['db.internal', 'db'] }],
      dns: { searches: ['shop.svc.cluster.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] },
    });
    expect(s.hostAliases).toEqual([{ ip: '10.0.0.10', hostnames: ['db.internal', 'db'] }]);
    expect(s.dnsPolicy).toBe('ClusterFirst');
    expect(s.dnsConfig).toEqual({ searches: ['shop.svc.cluster.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] });
  });

  test('dns policy None with its own nameservers', () => {
    const s = pod({ dns: { policy: 'None', nameservers: ['1.1.1.1'] } });
    expect(s.dnsPolicy).toBe('None');
    expect(s.dnsConfig.nameservers).toEqual(['1.1.1.1']);
  });

  test('terminationGracePeriodSeconds defaults to 30 and can be changed', () => {
    expect(pod().terminationGracePeriodSeconds).toBe(30);
    expect(pod({ terminationGracePeriodSeconds: 90 }).terminationGracePeriodSeconds).toBe(90);
  });

  test('priorityClassName', () => {
    expect(pod({ priorityClassName: 'shop-critical' }).priorityClassName).toBe('shop-critical');
    expect(pod().priorityClassName).toBeUndefined();
  });

  test('topologySpreadConstraints select the stable labels only', () => {
    const s = pod({ instance: 'shop-web', version: '1.4.0', topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone' }, { topologyKey: 'kubernetes.io/hostname', maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' }] });
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'shop-web' } };
    expect(s.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
      { maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector },
    ]);
  });

  test('podAntiAffinity soft, hard and none', () => {
    const term = { labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } }, topologyKey: 'kubernetes.io/hostname' };
    expect(pod({ podAntiAffinity: 'soft' }).affinity).toEqual({ podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } });
    expect(pod({ podAntiAffinity: 'hard' }).affinity).toEqual({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } });
    expect(pod({ podAntiAffinity: 'none' }).affinity).toBeUndefined();
    // Two replicas (the WebService default) spread over nodes unless told otherwise.
    expect(pod().affinity).toEqual({ podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } });
    expect(pod({ replicas: 1 }).affinity).toBeUndefined();
    expect(pod({ topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone' }] }).affinity).toBeUndefined();
  });
});

describe('node pools', () => {
  const poolTerms = { matchExpressions: [
    { key: 'cloud.google.com/gke-accelerator', operator: 'In', values: ['nvidia-tesla-t4'] },
    { key: 'k8s-stack.io/pool', operator: 'In', values: ['gpu'] },
  ] };
  const tolerations = [
    { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute', tolerationSeconds: 120 },
  ];

  test('required node affinity (the default) and one toleration per taint, NoExecute tolerationSeconds carried over', () => {
    const s = pod({ nodePool: gpuPool, podAntiAffinity: 'none' });
    expect(s.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [poolTerms] } } });
    expect(s.tolerations).toEqual(tolerations);
    expect(s.nodeSelector).toBeUndefined();
  });

  test('preferred node affinity', () => {
    const s = pod({ nodePool: gpuPool, nodePlacement: 'preferred', podAntiAffinity: 'none' });
    expect(s.affinity).toEqual({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: poolTerms }] } });
    expect(s.tolerations).toEqual(tolerations);
  });

  test('nodeSelector placement, combined with anti-affinity', () => {
    const s = pod({ nodePool: gpuPool, nodePlacement: 'nodeSelector', podAntiAffinity: 'hard' });
    expect(s.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-tesla-t4', 'k8s-stack.io/pool': 'gpu' });
    expect(s.affinity.nodeAffinity).toBeUndefined();
    expect(s.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(s.tolerations).toEqual(tolerations);
  });

  test('explicit tolerations that cover every taint replace the generated ones', () => {
    const s = pod({ nodePool: gpuPool, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }, { key: 'dedicated', operator: 'Exists' }] });
    expect(s.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists' }, { key: 'dedicated', operator: 'Exists' }]);
  });

  test('a pool selected by its labels alone: affinity and nodeSelector without the pool label', () => {
    const external = new NodePool({ name: 'batch', selectBy: 'labels', labels: { 'cloud.google.com/gke-nodepool': 'batch-pool', 'example.com/tier': 'batch' } });
    const terms = { matchExpressions: [
      { key: 'cloud.google.com/gke-nodepool', operator: 'In', values: ['batch-pool'] },
      { key: 'example.com/tier', operator: 'In', values: ['batch'] },
    ] };
    expect(pod({ nodePool: external, podAntiAffinity: 'none' }).affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [terms] } } });
    expect(pod({ nodePool: external, nodePlacement: 'preferred', podAntiAffinity: 'none' }).affinity).toEqual({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: terms }] } });
    expect(pod({ nodePool: external, nodePlacement: 'nodeSelector' }).nodeSelector).toEqual({ 'cloud.google.com/gke-nodepool': 'batch-pool', 'example.com/tier': 'batch' });
    expect(JSON.stringify(web({ nodePool: external }))).not.toContain(NodePool.POOL_LABEL);
  });

  test('no pool: no affinity, no tolerations', () => {
    const s = pod({ podAntiAffinity: 'none' });
    expect(s.tolerations).toBeUndefined();
    expect(s.affinity).toBeUndefined();
    expect(s.nodeSelector).toBeUndefined();
  });
});

describe('volumes', () => {
  test('each writable path becomes an emptyDir mounted read-write into its container', () => {
    const s = pod({
      initContainers: [{ name: 'init', image: 'busybox:1.36', writablePaths: ['/work'], resources: BURSTABLE }],
      containers: [{ ...app, writablePaths: ['/tmp', '/var/cache/nginx/'] }],
    });
    expect(s.volumes).toEqual([
      { name: 'init-work', emptyDir: {} },
      { name: 'app-tmp', emptyDir: {} },
      { name: 'app-var-cache-nginx', emptyDir: {} },
    ]);
    expect(s.initContainers[0].volumeMounts).toEqual([{ name: 'init-work', mountPath: '/work' }]);
    expect(s.containers[0].volumeMounts).toEqual([{ name: 'app-tmp', mountPath: '/tmp' }, { name: 'app-var-cache-nginx', mountPath: '/var/cache/nginx/' }]);
    expect(s.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('every declared volume type is rendered, and mounts are read-only unless asked', () => {
    const s = pod({
      volumes: [
        { name: 'scratch', type: 'emptyDir', medium: 'Memory', sizeLimit: '64Mi' },
        { name: 'templates', type: 'configMap', configMapName: 'web-templates', items: [{ key: 'index.html', path: 'index.html' }] },
        { name: 'tls', type: 'secret', secretName: 'web-tls' },
        { name: 'data', type: 'persistentVolumeClaim', claimName: 'web-data', readOnly: true },
        { name: 'podinfo', type: 'downwardAPI', items: [{ path: 'labels', fieldPath: 'metadata.labels' }] },
        { name: 'bundle', type: 'projected', sources: [
          { serviceAccountToken: { path: 'token', audience: 'vault', expirationSeconds: 3600 } },
          { downwardAPI: { items: [{ path: 'name', fieldPath: 'metadata.name' }] } },
          { configMap: { name: 'web-templates' } },
        ] },
      ],
      containers: [{
        ...app,
        mounts: [
          { volume: 'scratch', mountPath: '/scratch', readOnly: false },
          { volume: 'templates', mountPath: '/usr/share/nginx/html/index.html', subPath: 'index.html' },
          { volume: 'tls', mountPath: '/etc/tls' },
          { volume: 'data', mountPath: '/data' },
          { volume: 'podinfo', mountPath: '/etc/podinfo' },
          { volume: 'bundle', mountPath: '/var/run/bundle' },
        ],
      }],
    });
    expect(s.volumes).toEqual([
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'templates', configMap: { name: 'web-templates', items: [{ key: 'index.html', path: 'index.html' }] } },
      { name: 'tls', secret: { secretName: 'web-tls' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'web-data', readOnly: true } },
      { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      { name: 'bundle', projected: { sources: [
        { serviceAccountToken: { path: 'token', audience: 'vault', expirationSeconds: 3600 } },
        { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        { configMap: { name: 'web-templates' } },
      ] } },
    ]);
    expect(s.containers[0].volumeMounts).toEqual([
      { name: 'scratch', mountPath: '/scratch', readOnly: false },
      { name: 'templates', mountPath: '/usr/share/nginx/html/index.html', readOnly: true, subPath: 'index.html' },
      { name: 'tls', mountPath: '/etc/tls', readOnly: true },
      { name: 'data', mountPath: '/data', readOnly: true },
      { name: 'podinfo', mountPath: '/etc/podinfo', readOnly: true },
      { name: 'bundle', mountPath: '/var/run/bundle', readOnly: true },
    ]);
  });

  test('an emptyDir is mounted writable unless the mount says readOnly; every other volume read-only unless it says otherwise', () => {
    const s = pod({
      volumes: [
        { name: 'scratch', type: 'emptyDir' },
        { name: 'cache', type: 'emptyDir', medium: 'Memory' },
        { name: 'templates', type: 'configMap', configMapName: 'web-templates' },
        { name: 'tls', type: 'secret', secretName: 'web-tls' },
        { name: 'data', type: 'persistentVolumeClaim', claimName: 'web-data' },
      ],
      initContainers: [{ name: 'warm', image: 'busybox:1.36', resources: BURSTABLE, mounts: [{ volume: 'cache', mountPath: '/cache' }] }],
      containers: [{
        ...app,
        mounts: [
          { volume: 'scratch', mountPath: '/scratch' },
          { volume: 'cache', mountPath: '/cache', readOnly: true },
          { volume: 'templates', mountPath: '/templates' },
          { volume: 'tls', mountPath: '/etc/tls' },
          { volume: 'data', mountPath: '/data' },
          { volume: 'data', mountPath: '/data-rw', readOnly: false },
        ],
      }],
    });
    expect(s.initContainers[0].volumeMounts).toEqual([{ name: 'cache', mountPath: '/cache', readOnly: false }]);
    expect(s.containers[0].volumeMounts).toEqual([
      { name: 'scratch', mountPath: '/scratch', readOnly: false },
      { name: 'cache', mountPath: '/cache', readOnly: true },
      { name: 'templates', mountPath: '/templates', readOnly: true },
      { name: 'tls', mountPath: '/etc/tls', readOnly: true },
      { name: 'data', mountPath: '/data', readOnly: true },
      { name: 'data', mountPath: '/data-rw', readOnly: false },
    ]);
  });

  test('the emptyDir of a writable path mounted into a second container is writable there too', () => {
    const s = pod({ containers: [{ ...app, writablePaths: ['/tmp'] }, { name: 'sidecar', image: 'envoyproxy/envoy:v1.31.0', resources: BURSTABLE, mounts: [{ volume: 'app-tmp', mountPath: '/shared' }] }] });
    expect(s.containers[1].volumeMounts).toEqual([{ name: 'app-tmp', mountPath: '/shared', readOnly: false }]);
  });

  test('no volumes and no mounts unless asked', () => {
    const s = pod();
    expect(s.volumes).toBeUndefined();
    expect(s.containers[0].volumeMounts).toBeUndefined();
  });
});

describe('config injection', () => {
  const dbSecret = new SecretReference({ secretName: 'web-db', keys: ['password', 'username'] });

  function withConfig(data: Record<string, string>, secret: SecretReference = dbSecret): KubeObject[] {
    return web({}, (chart): Partial<WebServiceProps> => {
      const cfg = new AppConfig(chart, 'Config', { name: 'web', configMapName: 'web-config', data, files: { 'nginx.conf': 'worker_processes 1;' } });
      return {
        containers: [app, { name: 'log-shipper', image: 'fluent/fluent-bit:3.1.4', resources: BURSTABLE }],
        config: [
          { source: cfg, as: 'envFrom' },
          { source: cfg, as: 'env', env: { APP_LOG_LEVEL: 'LOG_LEVEL' }, containers: ['app'] },
          { source: secret, as: 'env', env: { DB_PASSWORD: 'password' }, containers: ['app'] },
          { source: secret, as: 'envFrom', containers: ['log-shipper'] },
          { source: cfg, as: 'volume', volumeName: 'config', mountPath: '/etc/nginx/conf.d', containers: ['app'] },
          { source: secret, as: 'volume', volumeName: 'db', mountPath: '/etc/db' },
        ],
      };
    });
  }
  const hashOf = (objects: KubeObject[]) => find(objects, 'Deployment').spec.template.metadata.annotations['k8s-stack.io/config-hash'];

  test('as env, envFrom and volume, only into the containers named', () => {
    const s = podSpec(find(withConfig({ LOG_LEVEL: 'info' }), 'Deployment'));
    const [main, shipper] = s.containers;
    expect(main.env).toEqual([
      { name: 'APP_LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'LOG_LEVEL' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'web-db', key: 'password' } } },
    ]);
    expect(main.envFrom).toEqual([{ configMapRef: { name: 'web-config' } }]);
    expect(shipper.env).toBeUndefined();
    expect(shipper.envFrom).toEqual([{ configMapRef: { name: 'web-config' } }, { secretRef: { name: 'web-db' } }]);
    expect(s.volumes).toEqual([{ name: 'config', configMap: { name: 'web-config' } }, { name: 'db', secret: { secretName: 'web-db' } }]);
    expect(main.volumeMounts).toEqual([{ name: 'config', mountPath: '/etc/nginx/conf.d', readOnly: true }, { name: 'db', mountPath: '/etc/db', readOnly: true }]);
    expect(shipper.volumeMounts).toEqual([{ name: 'db', mountPath: '/etc/db', readOnly: true }]);
  });

  test('changing the ConfigMap data changes the pod-template hash, never the ConfigMap name', () => {
    const before = withConfig({ LOG_LEVEL: 'info' });
    const after = withConfig({ LOG_LEVEL: 'debug' });
    expect(hashOf(before)).toMatch(/^[0-9a-f]{16}$/);
    expect(hashOf(after)).toMatch(/^[0-9a-f]{16}$/);
    expect(hashOf(after)).not.toBe(hashOf(before));
    expect(find(before, 'ConfigMap').metadata.name).toBe('web-config');
    expect(find(after, 'ConfigMap').metadata.name).toBe('web-config');
    expect(find(after, 'ConfigMap').data).toEqual({ LOG_LEVEL: 'debug', 'nginx.conf': 'worker_processes 1;' });
    // Same content, same hash: a re-synthesis without changes never rolls the pods.
    expect(hashOf(withConfig({ LOG_LEVEL: 'info' }))).toBe(hashOf(before));
  });

  test('a new SecretReference version changes the hash', () => {
    const v1 = withConfig({ LOG_LEVEL: 'info' }, new SecretReference({ secretName: 'web-db', keys: ['password', 'username'], version: '1' }));
    const v2 = withConfig({ LOG_LEVEL: 'info' }, new SecretReference({ secretName: 'web-db', keys: ['password', 'username'], version: '2' }));
    expect(hashOf(v2)).not.toBe(hashOf(v1));
    expect(hashOf(v1)).toBe(hashOf(withConfig({ LOG_LEVEL: 'info' })));
  });

  test('no injection, no hash annotation', () => {
    expect(find(web(), 'Deployment').spec.template.metadata.annotations).toBeUndefined();
  });
});

describe('image pull secrets and pod annotations', () => {
  const extra: Pick<PodProps, 'imagePullSecrets' | 'podAnnotations'> = {
    imagePullSecrets: ['registry-credentials', 'mirror.credentials'],
    podAnnotations: { 'example.com/owner': 'team-shop', 'sidecar.istio.io/inject': 'false' },
  };
  // Every construct that carries a pod, each with its own template path.
  test.each<[string, (chart: Chart) => void, string]>([
    ['WebService', (chart) => new WebService(chart, 'x', { name: 'x', containers: [app], ...extra }), 'Deployment'],
    ['Worker', (chart) => new Worker(chart, 'x', { name: 'x', containers: [app], ...extra }), 'Deployment'],
    ['StatefulService', (chart) => new StatefulService(chart, 'x', { name: 'x', containers: [app], ...extra }), 'StatefulSet'],
    ['BatchJob', (chart) => new BatchJob(chart, 'x', { name: 'x', containers: [app], ...extra }), 'Job'],
    ['ScheduledJob', (chart) => new ScheduledJob(chart, 'x', { name: 'x', schedule: '0 3 * * *', containers: [app], ...extra }), 'CronJob'],
    ['NodeAgent', (chart) => new NodeAgent(chart, 'x', { name: 'x', containers: [app], ...extra }), 'DaemonSet'],
  ])('%s: the Secrets in the pod spec, the annotations on the pod template only', (_, build, kind) => {
    const objects = synth(build);
    expect(validateObjects(objects)).toEqual([]);
    const obj = find(objects, kind);
    expect(podSpec(obj).imagePullSecrets).toEqual([{ name: 'registry-credentials' }, { name: 'mirror.credentials' }]);
    const template = kind === 'CronJob' ? obj.spec.jobTemplate.spec.template : obj.spec.template;
    expect(template.metadata.annotations).toEqual(extra.podAnnotations);
    expect(obj.metadata.annotations?.['example.com/owner']).toBeUndefined();
  });

  test('the annotations sit beside the config hash, which stays the library\'s', () => {
    const objects = web({ podAnnotations: { 'example.com/owner': 'team-shop' } }, (chart) => ({
      config: [{ source: new AppConfig(chart, 'Config', { name: 'web', configMapName: 'web-config', data: { A: '1' } }), as: 'envFrom' }],
    }));
    const annotations = find(objects, 'Deployment').spec.template.metadata.annotations;
    expect(annotations).toEqual({ 'k8s-stack.io/config-hash': expect.stringMatching(/^[0-9a-f]{16}$/), 'example.com/owner': 'team-shop' });
  });

  test('neither is rendered unless asked', () => {
    expect(pod().imagePullSecrets).toBeUndefined();
    expect(find(web({ imagePullSecrets: [], podAnnotations: {} }), 'Deployment').spec.template.metadata.annotations).toBeUndefined();
    expect(pod({ imagePullSecrets: [] }).imagePullSecrets).toBeUndefined();
  });
});

describe('fieldEnv (the downward API)', () => {
  test('every supported field path, labels and annotations by key, after the literal env', () => {
    const [c] = pod({
      containers: [{
        ...app,
        env: { LOG_FORMAT: 'json' },
        fieldEnv: {
          POD_NAME: 'metadata.name', POD_NAMESPACE: 'metadata.namespace', POD_UID: 'metadata.uid',
          NODE_NAME: 'spec.nodeName', SERVICE_ACCOUNT: 'spec.serviceAccountName',
          HOST_IP: 'status.hostIP', POD_IP: 'status.podIP', POD_IPS: 'status.podIPs',
          APP_VERSION: "metadata.labels['app.kubernetes.io/version']", OWNER: "metadata.annotations['example.com/owner']",
        },
      }],
    }).containers;
    const ref = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
    expect(c.env).toEqual([
      { name: 'LOG_FORMAT', value: 'json' },
      ref('POD_NAME', 'metadata.name'), ref('POD_NAMESPACE', 'metadata.namespace'), ref('POD_UID', 'metadata.uid'),
      ref('NODE_NAME', 'spec.nodeName'), ref('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
      ref('HOST_IP', 'status.hostIP'), ref('POD_IP', 'status.podIP'), ref('POD_IPS', 'status.podIPs'),
      ref('APP_VERSION', "metadata.labels['app.kubernetes.io/version']"), ref('OWNER', "metadata.annotations['example.com/owner']"),
    ]);
  });

  test('the rendered env passes the Kubernetes 1.28 schema', () => {
    expect(validateObjects(web({ containers: [{ ...app, fieldEnv: { POD_NAME: 'metadata.name', APP: "metadata.labels['app.kubernetes.io/name']" } }] }))).toEqual([]);
  });

  test('the documented list is the list accepted', () => {
    const fieldEnv = Object.fromEntries(ENV_FIELD_PATHS.map((p, i) => [`V${i}`, p.replace('<key>', 'example.com/key')]));
    expect(pod({ containers: [{ ...app, fieldEnv }] }).containers[0].env).toHaveLength(ENV_FIELD_PATHS.length);
  });

  test('reaches init containers and sidecars alike, and mixes with config injections', () => {
    const secret = new SecretReference({ secretName: 'web-db', keys: ['password'] });
    const s = pod({
      initContainers: [{ name: 'init', image: 'busybox:1.36', resources: BURSTABLE, fieldEnv: { NODE: 'spec.nodeName' } }],
      containers: [{ ...app, fieldEnv: { POD_IP: 'status.podIP' } }],
      config: [{ source: secret, as: 'env', env: { DB_PASSWORD: 'password' } }],
    });
    expect(s.initContainers[0].env.map((e: { name: string }) => e.name)).toEqual(['NODE', 'DB_PASSWORD']);
    expect(s.containers[0].env.map((e: { name: string }) => e.name)).toEqual(['POD_IP', 'DB_PASSWORD']);
  });
});

describe('labels and selector', () => {
  const objects = web({ partOf: 'shop', component: 'frontend', version: '1.4.0' });

  test('no cdk8s.io/metadata.addr label anywhere', () => {
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io/metadata.addr');
  });

  test('the pod template carries every recommended label; the selector only the stable ones', () => {
    const d = find(objects, 'Deployment');
    expect(d.spec.template.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'shop-web',
      'app.kubernetes.io/component': 'frontend',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/version': '1.4.0',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
    expect(d.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'shop-web' } });
  });
});

describe('other controllers', () => {
  test('a Job has no selector of its own, and still gets the pod layer', () => {
    const objects = synth((chart) => {
      const job = new kplus.Job(chart, 'migrate', basePodProps(chart, 'migrate', undefined, { containers: [] }));
      renderPod(chart, { workload: job, templatePath: '/spec/template', hasSelector: false }, podIdentity(chart, { name: 'migrate' }), {
        containers: [{ name: 'migrate', image: 'migrate/migrate:v4.17.1', resources: BURSTABLE }],
      });
    });
    const job = find(objects, 'Job');
    expect(job.spec.selector).toBeUndefined();
    expect(job.spec.template.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'migrate', 'app.kubernetes.io/instance': 'migrate', 'app.kubernetes.io/managed-by': 'cdk8s' });
    expect(podSpec(job).containers[0].securityContext).toEqual(RESTRICTED);
    expect(podSpec(job).containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '64Mi', 'ephemeral-storage': '64Mi' }, limits: { memory: '128Mi', 'ephemeral-storage': '1Gi' } });
  });

  test('a node agent may mount a host path', () => {
    const objects = synth((chart) => {
      const ds = new kplus.DaemonSet(chart, 'agent', basePodProps(chart, 'agent', undefined, { containers: [] }));
      renderPod(chart, allowHostPaths({ workload: ds, templatePath: '/spec/template', hasSelector: true }), podIdentity(chart, { name: 'agent' }), {
        volumes: [{ name: 'varlog', type: 'hostPath', path: '/var/log', hostPathType: 'Directory' }],
        containers: [{ name: 'agent', image: 'fluent/fluent-bit:3.1.4', resources: BURSTABLE, mounts: [{ volume: 'varlog', mountPath: '/var/log' }] }],
      });
    });
    const s = podSpec(find(objects, 'DaemonSet'));
    expect(s.volumes).toEqual([{ name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } }]);
    expect(s.containers[0].volumeMounts).toEqual([{ name: 'varlog', mountPath: '/var/log', readOnly: true }]);
    expect(find(objects, 'DaemonSet').spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'agent', 'app.kubernetes.io/instance': 'agent' } });
  });
});

test('snapshot: a pod with every feature', () => {
  const objects = web({
    partOf: 'shop', component: 'frontend', version: '1.4.0',
    nodePool: gpuPool, priorityClassName: 'shop-critical', podAntiAffinity: 'soft', fsGroup: 101,
    topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone' }],
    hostAliases: [{ ip: '10.0.0.10', hostnames: ['db.internal'] }],
    dns: { options: [{ name: 'ndots', value: '2' }] },
    volumes: [{ name: 'scratch', type: 'emptyDir', sizeLimit: '64Mi' }],
    initContainers: [{ name: 'migrate', image: 'migrate/migrate:v4.17.1', args: ['up'], resources: BURSTABLE }],
  }, (chart) => ({
    config: [{ source: new AppConfig(chart, 'Config', { name: 'web', configMapName: 'web-config', data: { LOG_LEVEL: 'info' } }), as: 'env', env: { LOG_LEVEL: 'LOG_LEVEL' } }],
    containers: [
      {
        ...app, command: ['nginx'], args: ['-g', 'daemon off;'], writablePaths: ['/tmp'], mounts: [{ volume: 'scratch', mountPath: '/scratch', readOnly: false }],
        resources: { ...BURSTABLE, extended: { 'nvidia.com/gpu': 1 } },
        liveness: { type: 'tcp', port: 'http' }, readiness: { type: 'http', path: '/ready', port: 'http' }, startup: { type: 'exec', command: ['true'] },
        preStop: { type: 'exec', command: ['sleep', '5'] }, postStart: { type: 'http', path: '/warm', port: 8080 },
      },
      { name: 'log-shipper', image: 'fluent/fluent-bit:3.1.4', resources: BURSTABLE },
    ],
  }));
  expect(find(objects, 'Deployment')).toMatchSnapshot();
});

describe('validation', () => {
  test('fails when there is no container', () => {
    rejects(build({ containers: [] }), /^test\/web: containers \[\] is empty; give at least one container$/);
  });

  test('fails when a container name has an underscore', () => {
    rejects(build({}, { name: 'my_app' }), /^test\/web: containers\[my_app\]\.name "my_app" contains "_", which Kubernetes names do not allow; use lower-case .* e\.g\. "my-app"$/);
  });

  test('fails when a container name has capitals', () => {
    rejects(build({}, { name: 'MyApp' }), /^test\/web: containers\[MyApp\]\.name "MyApp" contains upper-case letters; use lower-case .* e\.g\. "myapp"$/);
  });

  test('fails when a container name is too long', () => {
    const name = 'a'.repeat(64);
    rejects(build({}, { name }), new RegExp(`^test/web: containers\\[${name}\\]\\.name "${name}" is 64 characters long, more than the 63 allowed; shorten it to at most 63 characters$`));
  });

  test('fails when two containers share a name', () => {
    rejects(build({ containers: [app, { ...app, ports: [] }] }), /^test\/web: containers\[app\]\.name "app" is used by another container of this pod; give each container a unique name$/);
  });

  test('fails when an image uses :latest', () => {
    rejects(build({}, { image: 'nginx:latest' }), /^test\/web: containers\[app\]\.image "nginx:latest" uses the moving tag "latest"; pin a version tag or a digest$/);
  });

  test('fails when an image is untagged (a registry port is not a tag)', () => {
    rejects(build({}, { image: 'registry.local:5000/nginx' }), /^test\/web: containers\[app\]\.image "registry\.local:5000\/nginx" has no tag, so it means ":latest" .*; pin a version, e\.g\. "registry\.local:5000\/nginx:1\.2\.3", or a digest$/);
  });

  test('fails when an init container image is untagged', () => {
    rejects(build({ initContainers: [{ name: 'migrate', image: 'migrate/migrate', resources: BURSTABLE }] }), /^test\/web: initContainers\[migrate\]\.image "migrate\/migrate" has no tag/);
  });

  test('fails when a quantity is "10GB"', () => {
    rejects(build({}, { resources: { cpu: { request: '100m' }, memory: { request: '64Mi', limit: '10GB' } } }),
      /^test\/web: containers\[app\]\.resources\.memory\.limit "10GB" is not a Kubernetes quantity; use e\.g\. "10Gi" \(binary\) or "10G" \(decimal\)$/);
  });

  test('fails when a quantity is negative ("-1Gi")', () => {
    rejects(build({}, { resources: { cpu: { request: '100m' }, memory: { request: '-1Gi', limit: '1Gi' } } }),
      /^test\/web: containers\[app\]\.resources\.memory\.request "-1Gi" is negative; use a positive amount such as "256Mi"$/);
  });

  test('fails when a cpu quantity is not a quantity', () => {
    rejects(build({}, { resources: { cpu: { request: '100 millicores' }, memory: BURSTABLE.memory } }), /^test\/web: containers\[app\]\.resources\.cpu\.request "100 millicores" is not a Kubernetes quantity; use e\.g\. "250m"$/);
    rejects(build({}, { resources: { cpu: { request: '100m', limit: '1 core' }, memory: BURSTABLE.memory } }), /^test\/web: containers\[app\]\.resources\.cpu\.limit "1 core" is not a Kubernetes quantity; use e\.g\. "500m"$/);
  });

  test('fails when an ephemeral-storage quantity is wrong', () => {
    rejects(build({}, { resources: { ...BURSTABLE, ephemeralStorage: { request: '1GB' } } }), /^test\/web: containers\[app\]\.resources\.ephemeralStorage\.request "1GB" is not a Kubernetes quantity; use e\.g\. "1Gi"/);
    rejects(build({}, { resources: { ...BURSTABLE, ephemeralStorage: { limit: '-2Gi' } } }), /^test\/web: containers\[app\]\.resources\.ephemeralStorage\.limit "-2Gi" is negative; use a positive amount such as "1Gi"$/);
  });

  test('fails when a request is above its limit', () => {
    rejects(build({}, { resources: { cpu: { request: '2', limit: '500m' }, memory: BURSTABLE.memory } }), /^test\/web: containers\[app\]\.resources\.cpu\.request "2" is above the limit "500m"; lower the request or raise the limit$/);
    rejects(build({}, { resources: { cpu: { request: '100m' }, memory: { request: '1Gi', limit: '512Mi' } } }), /^test\/web: containers\[app\]\.resources\.memory\.request "1Gi" is above the limit "512Mi"; lower the request or raise the limit$/);
    rejects(build({}, { resources: { ...BURSTABLE, ephemeralStorage: { request: '2Gi', limit: '1Gi' } } }), /^test\/web: containers\[app\]\.resources\.ephemeralStorage\.request "2Gi" is above the limit "1Gi"; lower the request or raise the limit$/);
  });

  test('fails when the memory request is zero', () => {
    rejects(build({}, { resources: { cpu: { request: '100m' }, memory: { request: '0', limit: '128Mi' } } }), /^test\/web: containers\[app\]\.resources\.memory\.request "0" is zero; request the memory the container needs, e\.g\. "128Mi"$/);
  });

  test('fails when an extended resource is not vendor-qualified, malformed or not a whole positive count', () => {
    rejects(build({}, { resources: { ...BURSTABLE, extended: { gpu: 1 } } }), /^test\/web: containers\[app\]\.resources\.extended "gpu" is not a qualified extended resource name; use a vendor-prefixed name such as "nvidia\.com\/gpu"$/);
    rejects(build({}, { resources: { ...BURSTABLE, extended: { 'Nvidia_com/gpu': 1 } } }), /^test\/web: containers\[app\]\.resources\.extended\["Nvidia_com\/gpu"\] "Nvidia_com\/gpu" has a prefix "Nvidia_com" that is not a DNS subdomain; use a lower-case DNS prefix/);
    rejects(build({}, { resources: { ...BURSTABLE, extended: { 'nvidia.com/gpu': 0 } } }), /^test\/web: containers\[app\]\.resources\.extended\["nvidia\.com\/gpu"\] 0 is out of range; use a whole number from 1 up$/);
    rejects(build({}, { resources: { ...BURSTABLE, extended: { 'nvidia.com/gpu': 0.5 } } }), /^test\/web: containers\[app\]\.resources\.extended\["nvidia\.com\/gpu"\] 0\.5 is not a whole number; use a whole number from 1 up$/);
  });

  test('fails when the resources do not give the declared QoS class', () => {
    rejects(build({ qosClass: 'Guaranteed' }), /^test\/web: qosClass "Guaranteed" does not match the resources, which give QoS Burstable; set every container's cpu and memory limits equal to its requests$/);
    rejects(build({ initContainers: [{ name: 'init', image: 'busybox:1.36', resources: BURSTABLE }], containers: [{ ...app, resources: GUARANTEED }], qosClass: 'Guaranteed' }),
      /^test\/web: qosClass "Guaranteed" does not match the resources, which give QoS Burstable/);
    rejects(build({}, { resources: GUARANTEED }), /^test\/web: qosClass "Burstable" does not match the resources, which give QoS Guaranteed; set qosClass: "Guaranteed", or give some container a request below its limit$/);
  });

  test('fails when a container port is out of range', () => {
    rejects(build({}, { ports: [{ name: 'http', containerPort: 70000 }] }), /^test\/web: containers\[app\]\.ports\[http\]\.containerPort 70000 is out of range; use a whole number from 1 to 65535$/);
  });

  test('fails when a port name is invalid', () => {
    for (const name of ['HTTP', 'http_alt', 'metrics-endpoint1', '8080']) {
      rejects(build({}, { ports: [{ name, containerPort: 8080 }] }), new RegExp(`^test/web: containers\\[app\\]\\.ports "${name}" is not a valid port name; use at most 15 lower-case letters, digits and "-", with at least one letter, e\\.g\\. "http"$`));
    }
  });

  test('fails when a port name doubles "-", which IANA service names may not', () => {
    rejects(build({}, { ports: [{ name: 'grpc--web', containerPort: 8080 }] }), /^test\/web: containers\[app\]\.ports "grpc--web" is not a valid port name; use at most 15 lower-case letters/);
  });

  test('fails when a port is declared twice (by number or by name)', () => {
    rejects(build({}, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'alt', containerPort: 8080 }] }), /^test\/web: containers\[app\]\.ports 8080 is declared twice; declare each port once$/);
    rejects(build({}, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'http', containerPort: 8081 }] }), /^test\/web: containers\[app\]\.ports "http" is declared twice; declare each port once$/);
  });

  test('fails when an init container has probes', () => {
    rejects(build({ initContainers: [{ name: 'init', image: 'busybox:1.36', resources: BURSTABLE, readiness: { type: 'exec', command: ['true'] } }] }),
      /^test\/web: initContainers\[init\] "init" is an init container with probes; remove the probes: init containers run to completion$/);
  });

  test('fails when a probe targets an undeclared port', () => {
    rejects(build({}, { readiness: { type: 'http', path: '/ready', port: 'metrics' } }), /^test\/web: containers\[app\]\.readiness\.port "metrics" is not a port the container declares \(declared: "http", 8080\); add it to the container ports or point the probe at a declared port$/);
    rejects(build({}, { liveness: { type: 'tcp', port: 9090 } }), /^test\/web: containers\[app\]\.liveness\.port 9090 is not a port the container declares/);
    rejects(build({}, { ports: [], startup: { type: 'tcp', port: 'http' } }), /^test\/web: containers\[app\]\.startup\.port "http" is not a port the container declares \(declared: none\)/);
  });

  test('fails when a lifecycle hook targets an undeclared port', () => {
    rejects(build({}, { preStop: { type: 'http', path: '/drain', port: 'admin' } }), /^test\/web: containers\[app\]\.preStop\.port "admin" is not a port the container declares/);
    rejects(build({}, { postStart: { type: 'tcp', port: 9000 } }), /^test\/web: containers\[app\]\.postStart\.port 9000 is not a port the container declares/);
  });

  test('fails when an http probe path is relative', () => {
    rejects(build({}, { liveness: { type: 'http', path: 'healthz', port: 'http' } }), /^test\/web: containers\[app\]\.liveness\.path "healthz" is not an absolute path; start it with "\/", e\.g\. "\/healthz"$/);
  });

  test('fails when an exec command is empty', () => {
    rejects(build({}, { startup: { type: 'exec', command: [] } }), /^test\/web: containers\[app\]\.startup\.command \[\] is empty; give the command and its arguments$/);
  });

  test('fails when probe timings are negative, zero or fractional', () => {
    rejects(build({}, { liveness: { type: 'tcp', port: 'http', initialDelaySeconds: -1 } }), /^test\/web: containers\[app\]\.liveness\.initialDelaySeconds -1 is out of range; use a whole number from 0 up$/);
    rejects(build({}, { readiness: { type: 'tcp', port: 'http', periodSeconds: 0 } }), /^test\/web: containers\[app\]\.readiness\.periodSeconds 0 is out of range; use a whole number from 1 up$/);
    rejects(build({}, { startup: { type: 'tcp', port: 'http', timeoutSeconds: 1.5 } }), /^test\/web: containers\[app\]\.startup\.timeoutSeconds 1\.5 is not a whole number; use a whole number from 1 up$/);
    rejects(build({}, { readiness: { type: 'tcp', port: 'http', failureThreshold: 0 } }), /^test\/web: containers\[app\]\.readiness\.failureThreshold 0 is out of range; use a whole number from 1 up$/);
    rejects(build({}, { readiness: { type: 'tcp', port: 'http', successThreshold: 0 } }), /^test\/web: containers\[app\]\.readiness\.successThreshold 0 is out of range; use a whole number from 1 up$/);
  });

  test('fails when a liveness or startup probe has successThreshold other than 1', () => {
    rejects(build({}, { liveness: { type: 'tcp', port: 'http', successThreshold: 2 } }), /^test\/web: containers\[app\]\.liveness\.successThreshold 2 must be 1 for liveness and startup probes; remove it or set 1$/);
    rejects(build({}, { startup: { type: 'tcp', port: 'http', successThreshold: 3 } }), /^test\/web: containers\[app\]\.startup\.successThreshold 3 must be 1 for liveness and startup probes/);
  });

  test('fails when liveness and readiness are identical', () => {
    const probe = { type: 'http', path: '/healthz', port: 'http' } as const;
    rejects(build({}, { liveness: probe, readiness: { ...probe } }),
      /^test\/web: containers\[app\]\.liveness \{"type":"http","path":"\/healthz","port":"http"\} is identical to the readiness probe, .*; make liveness cheaper and more tolerant/);
  });

  test('fails when a volume name is invalid or declared twice', () => {
    rejects(build({ volumes: [{ name: 'Scratch_Space', type: 'emptyDir' }] }), /^test\/web: volumes\[Scratch_Space\]\.name "Scratch_Space" contains "_", which Kubernetes names do not allow; .* e\.g\. "scratch-space"$/);
    rejects(build({ volumes: [{ name: 'data', type: 'emptyDir' }, { name: 'data', type: 'secret', secretName: 'x' }] }), /^test\/web: volumes "data" is declared twice; give each volume a unique name$/);
    rejects(build({ volumes: [{ name: 'app-tmp', type: 'emptyDir' }] }, { writablePaths: ['/tmp'] }), /^test\/web: volumes "app-tmp" is declared twice/);
  });

  test('fails when a WebService mounts a hostPath', () => {
    rejects(build({ volumes: [{ name: 'varlog', type: 'hostPath', path: '/var/log' }] }),
      /^test\/web: volumes\[varlog\] "\/var\/log" mounts a host path, which only node agents may do; use an emptyDir or a PersistentVolumeClaim, or a NodeAgent for per-node work$/);
  });

  test('fails when an emptyDir sizeLimit is not a quantity', () => {
    rejects(build({ volumes: [{ name: 'scratch', type: 'emptyDir', sizeLimit: '10GB' }] }), /^test\/web: volumes\[scratch\]\.sizeLimit "10GB" is not a Kubernetes quantity; use e\.g\. "10Gi" \(binary\) or "10G" \(decimal\)$/);
  });

  test('fails when a mount names no volume or has a relative path', () => {
    rejects(build({ volumes: [{ name: 'scratch', type: 'emptyDir' }] }, { mounts: [{ volume: 'data', mountPath: '/data' }] }), /^test\/web: containers\[app\]\.mounts "data" names no volume of this pod; use one of: scratch$/);
    rejects(build({}, { mounts: [{ volume: 'data', mountPath: '/data' }] }), /^test\/web: containers\[app\]\.mounts "data" names no volume of this pod; use one of: none declared$/);
    rejects(build({ volumes: [{ name: 'scratch', type: 'emptyDir' }] }, { mounts: [{ volume: 'scratch', mountPath: 'scratch' }] }), /^test\/web: containers\[app\]\.mounts\[scratch\]\.mountPath "scratch" is not an absolute path; start it with "\/"$/);
  });

  test('fails when an env name is invalid', () => {
    rejects(build({}, { env: { '1ST': 'x' } }), /^test\/web: containers\[app\]\.env "1ST" is not a valid environment variable name; use letters, digits, "_", "-" and "\.", not starting with a digit$/);
  });

  test('fails when an env key is injected twice', () => {
    const secret = new SecretReference({ secretName: 'web-db', keys: ['password'] });
    const other = new SecretReference({ secretName: 'web-db-replica', keys: ['password'] });
    // literal env and a config injection
    rejects(build({ config: [{ source: secret, as: 'env', env: { DB_PASSWORD: 'password' } }] }, { env: { DB_PASSWORD: 'hunter2' } }),
      /^test\/web: containers\[app\]\.env "DB_PASSWORD" is also injected from config; set it in one place only$/);
    // two config injections: one value would silently win
    rejects(build({ config: [{ source: secret, as: 'env', env: { DB_PASSWORD: 'password' } }, { source: other, as: 'env', env: { DB_PASSWORD: 'password' } }] }),
      /^test\/web: containers\[app\]\.env "DB_PASSWORD" is also injected from config; set it in one place only$/);
  });

  test('an injection restricted to other containers does not clash with a literal env', () => {
    const secret = new SecretReference({ secretName: 'web-db', keys: ['password'] });
    const s = pod({
      containers: [app, { name: 'sidecar', image: 'envoyproxy/envoy:v1.31.0', resources: BURSTABLE, env: { DB_PASSWORD: 'unused' } }],
      config: [{ source: secret, as: 'env', env: { DB_PASSWORD: 'password' }, containers: ['app'] }],
    });
    expect(s.containers[0].env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'web-db', key: 'password' } } }]);
    expect(s.containers[1].env).toEqual([{ name: 'DB_PASSWORD', value: 'unused' }]);
  });

  test('fails when an injection names a container the pod does not have', () => {
    const secret = new SecretReference({ secretName: 'web-db', keys: ['password'] });
    rejects(build({ config: [{ source: secret, as: 'envFrom', containers: ['ap'] }] }), /^test\/web: config\.containers "ap" names no container of this pod; use one of: app$/);
  });

  test('fails when a ConfigMap key that is injected does not exist', () => {
    rejects(() => {
      const chart = scope();
      const cfg = new AppConfig(chart, 'Config', { name: 'web', configMapName: 'web-config', data: { LOG_LEVEL: 'info' } });
      new WebService(chart, 'web', { name: 'web', containers: [app], config: [{ source: cfg, as: 'env', env: { LOG: 'log_level' } }] });
    }, /^test\/web: config\.env\["LOG"\] "log_level" is not a key of ConfigMap "web-config"; use one of: LOG_LEVEL$/);
  });

  test('fails when a container runs as root', () => {
    rejects(build({}, { runAsUser: 0 }), /^test\/web: containers\[app\]\.runAsUser 0 is out of range; use a whole number from 1 up$/);
  });

  test('fails when a workload targets a pool whose taints its tolerations miss', () => {
    rejects(build({ nodePool: gpuPool, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] }),
      /^test\/web: tolerations \[\{"key":"nvidia\.com\/gpu","operator":"Exists","effect":"NoSchedule"\}\] do not tolerate dedicated=gpu:NoExecute of node pool "gpu", so the pods would never be scheduled there; leave tolerations unset to get one per taint of the pool, or add the missing ones$/);
    // a toleration for the right key but the wrong value does not count
    rejects(build({ nodePool: gpuPool, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }, { key: 'dedicated', operator: 'Equal', value: 'cpu' }] }),
      /^test\/web: tolerations .* do not tolerate dedicated=gpu:NoExecute of node pool "gpu"/);
    rejects(build({ nodePool: gpuPool, tolerations: [] }), /^test\/web: tolerations \[\] do not tolerate nvidia\.com\/gpu:NoSchedule, dedicated=gpu:NoExecute of node pool "gpu"/);
  });

  test('fails when nodePlacement is set without a nodePool', () => {
    rejects(build({ nodePlacement: 'preferred' }), /^test\/web: nodePlacement "preferred" is set without a nodePool; set nodePool or remove nodePlacement$/);
  });

  test('fails when priorityClassName is not a DNS subdomain', () => {
    rejects(build({ priorityClassName: 'Shop_Critical' }), /^test\/web: priorityClassName "Shop_Critical" contains "_", which Kubernetes names do not allow; use dot-separated lower-case labels/);
  });

  test('fails when terminationGracePeriodSeconds is negative or absurd', () => {
    rejects(build({ terminationGracePeriodSeconds: -1 }), /^test\/web: terminationGracePeriodSeconds -1 is out of range; use a whole number from 0 to 86400$/);
    rejects(build({ terminationGracePeriodSeconds: 86401 }), /^test\/web: terminationGracePeriodSeconds 86401 is out of range; use a whole number from 0 to 86400$/);
    rejects(build({ terminationGracePeriodSeconds: 2.5 }), /^test\/web: terminationGracePeriodSeconds 2\.5 is not a whole number/);
  });

  test('fails when a topology spread is invalid', () => {
    rejects(build({ topologySpread: [{ topologyKey: 'kubernetes.io/hostname', maxSkew: 0 }] }), /^test\/web: topologySpread\.maxSkew 0 is out of range; use a whole number from 1 up$/);
    rejects(build({ topologySpread: [{ topologyKey: 'Zone!' }] }), /^test\/web: topologySpread\.topologyKey "Zone!" is not a valid label key; use letters, digits/);
  });

  test('fails when dns policy None has no nameservers', () => {
    rejects(build({ dns: { policy: 'None' } }), /^test\/web: dns\.nameservers undefined is empty with dns policy None; give at least one nameserver$/);
    rejects(build({ dns: { policy: 'None', nameservers: [] } }), /^test\/web: dns\.nameservers \[\] is empty with dns policy None/);
  });

  test('fails when a label value would be invalid', () => {
    rejects(build({ partOf: 'p'.repeat(40), name: 'w'.repeat(30) }), /^test\/web: labels\["app\.kubernetes\.io\/instance"\] "p{40}-w{30}" is longer than 63 characters; shorten the name, instance or part-of value$/);
    rejects(build({ version: '1.4.0+build.7' }), /^test\/web: labels\["app\.kubernetes\.io\/version"\] "1\.4\.0\+build\.7" is not a valid label value; use letters, digits, "-", "_" and "\."/);
  });
});

describe('validation of pull secrets, pod annotations and fieldEnv', () => {
  test('fails when an image pull Secret name is not a DNS subdomain', () => {
    rejects(build({ imagePullSecrets: ['Registry_Creds'] }), /^test\/web: imagePullSecrets\[0\] "Registry_Creds" contains "_", which Kubernetes names do not allow; use dot-separated lower-case labels/);
    rejects(build({ imagePullSecrets: ['regcred', ''] }), /^test\/web: imagePullSecrets\[1\] "" is empty; give a name such as "web"$/);
  });

  test('fails when an image pull Secret is listed twice', () => {
    rejects(build({ imagePullSecrets: ['regcred', 'mirror', 'regcred'] }), /^test\/web: imagePullSecrets\[2\] "regcred" is listed twice; list each Secret once$/);
  });

  test('fails when a pod annotation key is not a qualified name', () => {
    rejects(build({ podAnnotations: { 'example.com/team owner': 'x' } }), /^test\/web: podAnnotations "example\.com\/team owner" is not a valid label key; use letters, digits/);
    rejects(build({ podAnnotations: { 'Example_com/owner': 'x' } }), /^test\/web: podAnnotations "Example_com\/owner" has a prefix "Example_com" that is not a DNS subdomain/);
  });

  test('fails when a pod annotation is one the library writes, or under its prefix', () => {
    rejects(build({ podAnnotations: { 'k8s-stack.io/config-hash': 'abc' } }),
      /^test\/web: podAnnotations "k8s-stack\.io\/config-hash" is written by the library: the hash of the injected ConfigMaps and Secrets, which rolls the pods when they change; leave it out: a changed AppConfig or a new SecretReference version rolls the pods$/);
    rejects(build({ podAnnotations: { 'k8s-stack.io/spec-hash': 'abc' } }),
      /^test\/web: podAnnotations "k8s-stack\.io\/spec-hash" is under the library's own prefix "k8s-stack\.io\/", where it writes its annotations; use a prefix of your own, e\.g\. "example\.com\/"$/);
    rejects(build({ podAnnotations: { 'policy.k8s-stack.io/waive.no-latest-tag': 'because' } }),
      /^test\/web: podAnnotations "policy\.k8s-stack\.io\/waive\.no-latest-tag" is a policy waiver annotation, which the policy engine refuses wherever it appears; list the waiver in the environment's waivers instead$/);
  });

  test('fails when a pod annotation value is not a string', () => {
    rejects(build({ podAnnotations: { 'prometheus.io/port': 8080 as unknown as string } }), /^test\/web: podAnnotations\["prometheus\.io\/port"\] 8080 is not a string; quote it, e\.g\. "8080"$/);
  });

  test('fails when the pod annotations exceed 256 KiB', () => {
    rejects(build({ podAnnotations: { 'example.com/blob': 'x'.repeat(256 * 1024) } }), /^test\/web: podAnnotations "262160 bytes" exceed the 256 KiB the API server allows for annotations; move large content into a ConfigMap$/);
  });

  test('fails when a fieldEnv path is not a field an env var can take, with a guess and the list', () => {
    rejects(build({}, { fieldEnv: { POD_NAME: 'metadata.nmae' } }),
      /^test\/web: containers\[app\]\.fieldEnv\["POD_NAME"\] "metadata\.nmae" is not a pod field an environment variable can take; did you mean "metadata\.name"\? use one of: metadata\.name, metadata\.namespace, metadata\.uid, metadata\.labels\['<key>'\], metadata\.annotations\['<key>'\], spec\.nodeName, spec\.serviceAccountName, status\.hostIP, status\.podIP, status\.podIPs$/);
    rejects(build({}, { fieldEnv: { CPU: 'limits.cpu' } }), /^test\/web: containers\[app\]\.fieldEnv\["CPU"\] "limits\.cpu" is not a pod field an environment variable can take; use one of: metadata\.name, /);
  });

  test('fails when a label or annotation path names no single key', () => {
    rejects(build({}, { fieldEnv: { LABELS: 'metadata.labels' } }),
      /^test\/web: containers\[app\]\.fieldEnv\["LABELS"\] "metadata\.labels" does not name one label as metadata\.labels\['<key>'\]; write e\.g\. "metadata\.labels\['app\.kubernetes\.io\/name'\]", in single quotes \(a whole map is only available as a downwardAPI volume\)$/);
    rejects(build({}, { fieldEnv: { OWNER: 'metadata.annotations["example.com/owner"]' } }), /^test\/web: containers\[app\]\.fieldEnv\["OWNER"\] "metadata\.annotations\[\\"example\.com\/owner\\"\]" does not name one annotation/);
    rejects(build({}, { fieldEnv: { TEAM: "metadata.labels['team name']" } }), /^test\/web: containers\[app\]\.fieldEnv\["TEAM"\] "team name" is not a valid label key; use letters, digits/);
  });

  test('fails when a fieldEnv name is invalid or defined twice', () => {
    rejects(build({}, { fieldEnv: { '1POD': 'metadata.name' } }), /^test\/web: containers\[app\]\.fieldEnv "1POD" is not a valid environment variable name; use letters, digits/);
    rejects(build({}, { env: { POD_NAME: 'web' }, fieldEnv: { POD_NAME: 'metadata.name' } }), /^test\/web: containers\[app\]\.fieldEnv "POD_NAME" is also set in env; set it in one place only$/);
    const secret = new SecretReference({ secretName: 'web-db', keys: ['password'] });
    rejects(build({ config: [{ source: secret, as: 'env', env: { POD_NAME: 'password' } }] }, { fieldEnv: { POD_NAME: 'metadata.name' } }),
      /^test\/web: containers\[app\]\.fieldEnv "POD_NAME" is also injected from config; set it in one place only$/);
  });
});

describe('supplementalGroups', () => {
  const container = { name: 'app', image: 'example/app:1.0', resources: { cpu: { request: '10m' }, memory: { request: '16Mi', limit: '32Mi' } } };
  it('adds the groups to the pod security context', () => {
    const objects = synth((chart) => new WebService(chart, 'web', { name: 'web', replicas: 1, service: false, supplementalGroups: [0, 2000], containers: [container] }));
    expect(podSpec(find(objects, 'Deployment')).securityContext.supplementalGroups).toEqual([0, 2000]);
  });
  it('fails when a group is negative', () => {
    expect(() => synth((chart) => new WebService(chart, 'web', { name: 'web', replicas: 1, service: false, supplementalGroups: [-1], containers: [container] })))
      .toThrow('test/web: supplementalGroups[0] -1 is out of range; use a whole number from 0 to 2147483647');
  });
});
