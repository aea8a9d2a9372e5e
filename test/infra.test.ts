/**
 * The Pulumi program, run once per stack against mocks (no engine, cloud or cluster exists in CI).
 * Every resource registration is recorded with the options the engine would receive (provider,
 * dependencies, protect), so ordering, protection and secrecy are asserted on what Pulumi would
 * actually be told, and the deployed Kubernetes objects are compared with a fresh synthesis.
 */
import * as pulumi from '@pulumi/pulumi';
import { NodePool, NodeTaint, TaintEffect, Toleration } from '../constructs/node-pool';
import { PROJECT as ENVIRONMENTS_PROJECT, EnvironmentValues, loadEnvironment } from '../environments';
import { KubeObject, synthesizeEnvironment } from '../synth/synthesize';
import { IGNORE_CHANGES, LAYERS, PROTECTED_KINDS, REPLACE_ON_CHANGES, SKIP_AWAIT_ANNOTATION, isClusterLevel, layerOf, statefulSetClaims } from '../infra/app-deployment';
import { GRAFANA_ADMIN_SECRET, KUBE_PROMETHEUS_STACK } from '../infra/monitoring';
import { gatewayNames } from '../environments/edge';
import { DB_CREDENTIAL_KEYS, SELF_SIGNED_VALIDITY_HOURS } from '../infra/app-secrets';
import { GKE_TAINT_EFFECTS, NODE_OAUTH_SCOPES, NODE_SERVICE_ACCOUNT_ROLES, OPERATOR_BINDING_NAME } from '../infra/gke-cluster';
import { main, StackOutputs } from '../infra/program';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
const settings = require('@pulumi/pulumi/runtime/settings');
const rpc = require('@pulumi/pulumi/runtime/rpc');

const SECRET_SIG_KEY: string = rpc.specialSigKey;
const SECRET_SIG: string = rpc.specialSecretSig;
const PROJECT = 'k8s-stack';
const PROJECT_NUMBER = '123456789012';

// What the mocked providers "generate", and what secret config holds: none of it may ever appear
// outside a Pulumi secret.
const MOCK_PRIVATE_KEY = '-----BEGIN RSA PRIVATE KEY-----\nMOCK-GENERATED-KEY\n-----END RSA PRIVATE KEY-----\n';
const MOCK_CERT = '-----BEGIN CERTIFICATE-----\nMOCK-SELF-SIGNED\n-----END CERTIFICATE-----\n';
const MOCK_PASSWORD = 'MockGeneratedPassword0123456789ab';
const CONFIG_PASSWORD = 'ConfigProvidedPassword-5f2c9e';
const SECRET_VALUES = [MOCK_PRIVATE_KEY.split('\n')[1], MOCK_PASSWORD, CONFIG_PASSWORD];
/** The uid of the cluster's kube-system namespace, as the identity read returns it. */
const MOCK_CLUSTER_UID = '0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9';

interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  /** `<provider urn>::<provider id>` for custom resources. */
  provider: string;
  dependencies: string[];
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  /** The inputs as sent, secrets still wrapped. */
  inputs: Record<string, any>;
  id?: string;
}

interface Run {
  values: EnvironmentValues;
  objects: KubeObject[];
  regs: Registration[];
  outputs: StackOutputs;
}

function isSecretValue(v: unknown): v is { value: unknown } {
  return v !== null && typeof v === 'object' && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Removes secret wrappers: the value a resource would receive. */
function reveal(v: any): any {
  if (isSecretValue(v)) return reveal(v.value);
  if (Array.isArray(v)) return v.map(reveal);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
  return v;
}

/** Every string reachable from `v` without passing through a secret, with its path. */
function plainStrings(v: any, path = ''): Array<[string, string]> {
  if (isSecretValue(v)) return [];
  if (typeof v === 'string') return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => plainStrings(x, `${path}[${i}]`));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => plainStrings(x, `${path}.${k}`));
  return [];
}

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

function mockState(type: string, inputs: Record<string, any>): { id?: string; state: Record<string, any> } {
  switch (type) {
    case 'gcp:container/cluster:Cluster':
      return { state: { endpoint: '203.0.113.10', masterAuth: { ...inputs.masterAuth, clusterCaCertificate: 'TU9DSy1DQQ==' } } };
    case 'gcp:serviceaccount/account:Account':
      return { state: { email: `${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com` } };
    case 'gcp:kms/keyRing:KeyRing':
      return { id: `projects/${inputs.project}/locations/${inputs.location}/keyRings/${inputs.name}`, state: {} };
    case 'gcp:kms/cryptoKey:CryptoKey':
      return { id: `${inputs.keyRing}/cryptoKeys/${inputs.name}`, state: {} };
    // Plain, as a provider without the engine's help would return them: the program must make
    // them secret itself.
    case 'tls:index/privateKey:PrivateKey':
      return { state: { privateKeyPem: MOCK_PRIVATE_KEY } };
    case 'tls:index/selfSignedCert:SelfSignedCert':
      return { state: { certPem: MOCK_CERT } };
    case 'random:index/randomPassword:RandomPassword':
      return { state: { result: MOCK_PASSWORD } };
    case 'gcp:compute/globalAddress:GlobalAddress':
      return { state: { address: '198.51.100.80' } };
    case 'gcp:certificatemanager/dnsAuthorization:DnsAuthorization':
      return { state: { dnsResourceRecords: [{ name: `_acme-challenge.${inputs.domain}.`, type: 'CNAME', data: `${inputs.domain}.mock.authorize.certificatemanager.goog.` }] } };
    default:
      return { state: {} };
  }
}

/** Runs the program as stack `stack` with `config` (keys in `secretKeys` are secret) and records everything. */
async function runStack(stack: string, config: Record<string, string>, secretKeys: string[]): Promise<Run> {
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      // Reads: the identity of the cluster (kube-system) and the nodes it has.
      if (args.id && args.type === 'kubernetes:core/v1:Namespace') return { id: args.id, state: { metadata: { name: args.id, uid: MOCK_CLUSTER_UID } } };
      if (args.id && args.type === 'kubernetes:core/v1:Node') return { id: args.id, state: { metadata: { name: args.id, uid: `uid-of-${args.id}` } } };
      const { id, state } = mockState(args.type, args.inputs);
      return { id: id ?? `${args.name}-id`, state: { ...args.inputs, ...state } };
    },
    call: (args) => (args.token === 'gcp:organizations/getProject:getProject' ? { projectId: args.inputs.projectId, number: PROJECT_NUMBER } : args.inputs),
  }, PROJECT, stack, false);
  pulumi.runtime.setAllConfig(config, secretKeys);

  const regs: Registration[] = [];
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) => {
    const reg: Registration = {
      urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: req.getParent(),
      provider: req.getProvider(),
      dependencies: req.getDependenciesList(),
      protect: req.getProtect() ?? false,
      retainOnDelete: req.getRetainondelete() ?? false,
      deleteBeforeReplace: req.getDeletebeforereplace(),
      ignoreChanges: req.getIgnorechangesList(),
      replaceOnChanges: req.getReplaceonchangesList(),
      inputs: rpc.deserializeProperties(req.getObject()),
    };
    regs.push(reg);
    register(req, (err: unknown, resp: any) => {
      if (resp) reg.id = resp.getId();
      callback(err, resp);
    });
  };

  let outputs: StackOutputs | undefined;
  await pulumi.runtime.runInPulumiStack(async () => (outputs = main()));
  await settings.waitForRPCs();
  const values = loadEnvironment(stack);
  return { values, objects: synthesizeEnvironment(ENVIRONMENTS_PROJECT, values).objects, regs, outputs: outputs! };
}

const objectKey = (o: { kind: string; metadata: { name: string; namespace?: string } }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const k8sResources = (run: Run) => run.regs.filter((r) => r.custom && r.type.startsWith('kubernetes:'));
const ofType = (run: Run, type: string) => run.regs.filter((r) => r.type === type);
const one = (run: Run, type: string) => {
  const found = ofType(run, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
};
/** The registered resource that deploys a synthesized object. */
const deployed = (run: Run, o: KubeObject) => {
  const found = k8sResources(run).filter((r) => r.inputs.kind === o.kind && r.inputs.metadata?.name === o.metadata.name && r.inputs.metadata?.namespace === o.metadata.namespace);
  if (found.length !== 1) throw new Error(`expected one resource for ${objectKey(o)}, found ${found.length}`);
  return found[0];
};
/** The resources that deploy synthesized objects (children of the layer ConfigGroups). */
const appObjects = (run: Run) => k8sResources(run).filter((r) => r.urn.includes('kubernetes:yaml:ConfigGroup$'));
/** Kubernetes resources that are objects of their own (not patches of live ones, not Helm releases). */
const k8sObjects = (run: Run) => k8sResources(run).filter((r) => !r.type.endsWith('Patch') && r.type !== 'kubernetes:helm.sh/v3:Release');
/** The provider every object goes through, and the one that only reads the cluster's identity. */
const mainProvider = (run: Run) => {
  const found = ofType(run, 'pulumi:providers:kubernetes').filter((p) => !p.name.endsWith('-identity'));
  if (found.length !== 1) throw new Error(`expected one main kubernetes provider, found ${found.length}`);
  return found[0];
};

function podTemplate(o: KubeObject): any {
  const spec = o.spec as any;
  if (o.kind === 'CronJob') return spec.jobTemplate.spec.template;
  return ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet'].includes(o.kind) ? spec.template : undefined;
}

/** The pool a pod template is pinned to through required node affinity or a node selector. */
function targetPool(tpl: any): string | undefined {
  const fromSelector = tpl.spec.nodeSelector?.[NodePool.POOL_LABEL];
  if (fromSelector) return fromSelector;
  const terms = tpl.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const e of term.matchExpressions ?? []) if (e.key === NodePool.POOL_LABEL && e.operator === 'In' && e.values.length === 1) return e.values[0];
  }
  return undefined;
}

/** The label requirements of a pod template's required node affinity. */
function requiredLabels(tpl: any): Record<string, string> {
  const out: Record<string, string> = { ...tpl.spec.nodeSelector };
  for (const term of tpl.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const e of term.matchExpressions ?? []) if (e.operator === 'In' && e.values.length === 1) out[e.key] = e.values[0];
  }
  return out;
}

const tolerationText = (t: Toleration) => `${t.key}=${t.operator === 'Exists' ? '*' : (t.value ?? '')}:${t.effect}`;
const taintText = (t: NodeTaint | { key: string; value?: string; effect: string }) => `${t.key}=${t.value ?? '*'}:${t.effect}`;
const GKE_EFFECT_TO_K8S = Object.fromEntries(Object.entries(GKE_TAINT_EFFECTS).map(([k, v]) => [v, k])) as Record<string, TaintEffect>;

/** Each pool's labels and taints as the program gave them to the cluster (GKE node pools or minikube node patches). */
/** The environment pool a GKE node pool was created for: its name is the pool name plus a generated suffix. */
function poolName(r: Registration): string {
  return String(r.inputs.namePrefix).replace(/-$/, '');
}

function poolsAsDeployed(run: Run): Map<string, { labels: Record<string, string>; taints: string[] }> {
  const out = new Map<string, { labels: Record<string, string>; taints: string[] }>();
  if (run.values.cluster.kind === 'gke') {
    for (const r of ofType(run, 'gcp:container/nodePool:NodePool')) {
      out.set(poolName(r), {
        labels: r.inputs.nodeConfig.labels,
        taints: (r.inputs.nodeConfig.taints ?? []).map((t: any) => taintText({ key: t.key, value: t.value === '' ? undefined : t.value, effect: GKE_EFFECT_TO_K8S[t.effect] })).sort(),
      });
    }
  } else {
    for (const r of ofType(run, 'kubernetes:core/v1:NodePatch')) {
      const labels = r.inputs.metadata.labels;
      const taints = (r.inputs.spec?.taints ?? []).map(taintText).sort();
      const pool = labels[NodePool.POOL_LABEL];
      const seen = out.get(pool);
      if (seen) expect({ labels, taints }).toEqual(seen); // every node of a pool is alike
      out.set(pool, { labels, taints });
    }
  }
  return out;
}

const STACK_CONFIG: Record<string, { config: Record<string, string>; secret: string[] }> = {
  dev: { config: {}, secret: [] },
  staging: {
    config: {
      'gcp:project': 'shop-staging-4711',
      'k8s-stack:operatorEmail': 'ops@example.com',
      'k8s-stack:authorizedNetworks': JSON.stringify(['203.0.113.0/24']),
      'k8s-stack:dbPassword': CONFIG_PASSWORD,
    },
    secret: ['k8s-stack:dbPassword'],
  },
  prod: {
    config: {
      'gcp:project': 'shop-prod-4711',
      'k8s-stack:operatorEmail': 'ops@example.com',
      'k8s-stack:authorizedNetworks': JSON.stringify(['203.0.113.0/24', '198.51.100.0/28']),
    },
    secret: [],
  },
};

// One program run per stack, shared by every describe block that needs it. Runs are chained: the
// mocks and the configuration are process-wide state of the Pulumi runtime.
const runs = new Map<string, Run>();
let chain: Promise<unknown> = Promise.resolve();
function ensureRun(stack: string): Promise<unknown> {
  chain = chain.then(async () => {
    if (!runs.has(stack)) runs.set(stack, await runStack(stack, STACK_CONFIG[stack].config, STACK_CONFIG[stack].secret));
  });
  return chain;
}
const runOf = (stack: string) => runs.get(stack)!;

describe.each(['dev', 'staging', 'prod'])('stack %s', (stack) => {
  beforeAll(() => ensureRun(stack));

  test('deploys exactly the synthesized objects, the Secrets the program creates, and the cluster set-up', () => {
    const run = runOf(stack);
    const v = run.values;
    const own = [
      ...(v.shop.ingress.tls.secretName !== undefined && v.shop.ingress.tls.source !== 'cert-manager' ? [`Secret/${v.shop.namespace}/${v.shop.ingress.tls.secretName}`] : []),
      `Secret/${v.shop.namespace}/${v.shop.database.credentialsSecret}`,
      `Secret/${v.tasks.namespace}/${v.tasks.redis.credentialsSecret}`,
    ];
    const setup = [
      ...(v.cluster.kind === 'gke' ? [`ClusterRoleBinding//${OPERATOR_BINDING_NAME}`] : []),
      ...(v.monitoring.enabled ? [`Namespace//${v.monitoring.namespace}`, `Secret/${v.monitoring.namespace}/${GRAFANA_ADMIN_SECRET.name}`] : []),
    ];
    const actual = k8sObjects(run).map((r) => objectKey(r.inputs as KubeObject));
    expect(new Set(actual).size).toBe(actual.length);
    expect(actual.sort()).toEqual([...run.objects.map(objectKey), ...own, ...setup].sort());
    expect(appObjects(run).map((r) => objectKey(r.inputs as KubeObject)).sort()).toEqual(run.objects.map(objectKey).sort());
  });

  test('deploys each object as synthesized, field for field', () => {
    const run = runOf(stack);
    const skipsIngressAwait = run.values.cluster.kind === 'gke';
    for (const o of run.objects) {
      const expected = structuredClone(o);
      if (o.kind === 'Ingress' && skipsIngressAwait) expected.metadata.annotations = { ...expected.metadata.annotations, [SKIP_AWAIT_ANNOTATION]: 'true' };
      expect(deployed(run, o).inputs).toEqual(expected);
    }
  });

  test('deploys in layers: cluster-scoped and namespaces, then ConfigMaps and Secrets, then workloads, then routes', () => {
    const run = runOf(stack);
    const groups = new Map(ofType(run, 'kubernetes:yaml:ConfigGroup').map((g) => [g.name.slice(stack.length + 1), g]));
    expect([...groups.keys()].sort()).toEqual([...LAYERS].sort());
    for (const o of run.objects) expect([objectKey(o), deployed(run, o).parent]).toEqual([objectKey(o), groups.get(layerOf(o))!.urn]);
    expect(run.objects.filter(isClusterLevel).map((o) => o.kind)).toContain('Namespace');
    expect(run.objects.filter((o) => layerOf(o) === 'config').map((o) => o.kind)).toContain('ConfigMap');
    expect(run.objects.filter((o) => layerOf(o) === 'routes').length).toBeGreaterThan(0);
    // Each object waits for every object of the layers before it (and is deleted before them);
    // the Secrets the program creates belong with the config layer.
    const created = k8sObjects(run).filter((r) => r.inputs.kind === 'Secret' && r.parent.includes('AppSecrets'));
    const urnsOf = (layer: string) => [...appObjects(run).filter((r) => layerOf(r.inputs as KubeObject) === layer).map((r) => r.urn), ...(layer === 'config' ? created.map((c) => c.urn) : [])];
    for (const r of appObjects(run)) {
      const before = LAYERS.slice(0, LAYERS.indexOf(layerOf(r.inputs as KubeObject)));
      expect([r.name, r.dependencies]).toEqual([r.name, expect.arrayContaining(before.flatMap(urnsOf))]);
    }
    for (const c of created) expect([c.name, c.dependencies]).toEqual([c.name, expect.arrayContaining(urnsOf('cluster'))]);
  });

  test('replaces objects delete-first, and the fields the API server will not change as replacements', () => {
    const run = runOf(stack);
    for (const r of appObjects(run)) {
      const kind = r.inputs.kind as string;
      expect([kind, r.name, r.deleteBeforeReplace, r.replaceOnChanges, r.ignoreChanges]).toEqual([kind, r.name, true, REPLACE_ON_CHANGES[kind] ?? [], IGNORE_CHANGES[kind] ?? []]);
    }
    expect(appObjects(run).filter((r) => r.inputs.kind === 'StorageClass')[0].replaceOnChanges).toEqual(['reclaimPolicy', 'volumeBindingMode']);
    expect(appObjects(run).filter((r) => r.inputs.kind === 'PriorityClass').every((r) => r.replaceOnChanges.includes('value'))).toBe(true);
  });

  test('resizes the database claims in place instead of replacing the StatefulSet', () => {
    const run = runOf(stack);
    const sts = run.objects.filter((o) => o.kind === 'StatefulSet');
    const claims = sts.flatMap(statefulSetClaims);
    expect(claims).toEqual(expect.arrayContaining([
      { name: 'data-db-0', namespace: run.values.shop.namespace, storage: run.values.shop.database.storageSize },
      { name: 'data-redis-0', namespace: run.values.tasks.namespace, storage: run.values.tasks.redis.storageSize },
    ]));
    expect(claims).toHaveLength(2);
    const patches = ofType(run, 'kubernetes:core/v1:PersistentVolumeClaimPatch');
    expect(patches.map((p) => [p.inputs.metadata.namespace, p.inputs.metadata.name, p.inputs.spec.resources.requests.storage])).toEqual(claims.map((c) => [c.namespace, c.name, c.storage]));
    for (const p of patches) {
      // Left alone when it leaves the program; applied only once the StatefulSet made its claims.
      expect(p.retainOnDelete).toBe(true);
      // The StatefulSet controller owns the size it copied from the template: the patch takes it over.
      expect(p.inputs.metadata.annotations).toEqual({ 'pulumi.com/skipAwait': 'true', 'pulumi.com/patchForce': 'true' });
      expect(p.dependencies).toEqual(expect.arrayContaining(sts.map((o) => deployed(run, o).urn)));
    }
    for (const o of sts) expect(deployed(run, o).ignoreChanges).toEqual(['spec.volumeClaimTemplates']);
  });

  test('applies every Kubernetes resource through one provider keyed on the cluster, not on how it is reached', () => {
    const run = runOf(stack);
    const provider = mainProvider(run);
    // Provider inputs travel as strings.
    expect(provider.inputs).toMatchObject({ enableServerSideApply: 'true', enableConfigMapMutable: 'true', enableSecretMutable: 'true', clusterIdentifier: MOCK_CLUSTER_UID });
    const ref = `${provider.urn}::${provider.id}`;
    expect(k8sResources(run).length).toBeGreaterThan(run.objects.length);
    for (const r of k8sResources(run)) expect([r.type, r.name, r.provider]).toEqual([r.type, r.name, ref]);
    // The identity is read through a provider of its own, connected the same way.
    const reader = ofType(run, 'pulumi:providers:kubernetes').find((p) => p.name.endsWith('-identity'))!;
    expect(reader.name).toBe(`${provider.name}-identity`);
    expect({ context: reader.inputs.context, kubeconfig: reveal(reader.inputs.kubeconfig) }).toEqual({ context: provider.inputs.context, kubeconfig: reveal(provider.inputs.kubeconfig) });
    expect(reader.inputs.clusterIdentifier).toBeUndefined();
  });

  test('gives each pool exactly the taints its workloads tolerate, and the labels they select', () => {
    const run = runOf(stack);
    const pools = poolsAsDeployed(run);
    expect([...pools.keys()].sort()).toEqual(run.values.nodePools.map((p) => p.name).sort());
    for (const spec of run.values.nodePools) {
      const pool = new NodePool(spec as never);
      expect(pools.get(spec.name)).toEqual({ labels: { ...pool.labels }, taints: pool.taints.map(taintText).sort() });
    }
    const targeted = new Set<string>();
    for (const o of run.objects) {
      const tpl = podTemplate(o);
      const name = tpl && targetPool(tpl);
      if (!name) continue;
      targeted.add(name);
      const pool = pools.get(name)!;
      expect([objectKey(o), (tpl.spec.tolerations ?? []).map(tolerationText).sort()]).toEqual([objectKey(o), pool.taints]);
      expect(pool.labels).toMatchObject(requiredLabels(tpl));
    }
    // Not vacuous: every tainted pool is used by some workload.
    const tainted = run.values.nodePools.filter((p) => (p.taints ?? []).length > 0).map((p) => p.name);
    expect(tainted.length).toBeGreaterThan(0);
    expect([...targeted]).toEqual(expect.arrayContaining(tainted));
  });

  test('creates the Ingress TLS Secret and the database credentials as Pulumi secrets', async () => {
    const run = runOf(stack);
    const v = run.values;
    const db = k8sResources(run).find((r) => r.inputs.kind === 'Secret' && r.inputs.metadata.name === v.shop.database.credentialsSecret)!;
    expect(db.inputs.metadata.namespace).toBe(v.shop.namespace);
    expect(isSecretValue(db.inputs.stringData)).toBe(true);
    const creds = reveal(db.inputs.stringData);
    expect(Object.keys(creds).sort()).toEqual([...DB_CREDENTIAL_KEYS].sort());
    expect(creds).toEqual({ username: v.shop.app, database: v.shop.app, password: STACK_CONFIG[stack].secret.includes('k8s-stack:dbPassword') ? CONFIG_PASSWORD : MOCK_PASSWORD });

    const tlsSecrets = k8sResources(run).filter((r) => r.inputs.kind === 'Secret' && r.inputs.type === 'kubernetes.io/tls');
    if (v.shop.ingress.tls.source === 'google-managed') {
      // Certificate Manager holds it (the GKE tests below); no Secret, no key anywhere in the cluster.
      expect(tlsSecrets).toEqual([]);
      expect(ofType(run, 'tls:index/privateKey:PrivateKey')).toEqual([]);
      expect(ofType(run, 'gcp:certificatemanager/certificate:Certificate')).toHaveLength(1);
    } else {
      const [tlsSecret] = tlsSecrets;
      expect(tlsSecret.inputs).toMatchObject({ type: 'kubernetes.io/tls', metadata: { namespace: v.shop.namespace, name: v.shop.ingress.tls.secretName } });
      expect(isSecretValue(tlsSecret.inputs.stringData)).toBe(true);
      expect(reveal(tlsSecret.inputs.stringData)).toEqual({ 'tls.crt': MOCK_CERT, 'tls.key': MOCK_PRIVATE_KEY });
      expect(one(run, 'tls:index/privateKey:PrivateKey').inputs).toMatchObject({ algorithm: 'RSA', rsaBits: 2048 });
      const cert = one(run, 'tls:index/selfSignedCert:SelfSignedCert').inputs;
      expect(cert).toMatchObject({ subject: { commonName: v.shop.ingress.host }, dnsNames: [v.shop.ingress.host], validityPeriodHours: SELF_SIGNED_VALIDITY_HOURS });
      expect(isSecretValue(cert.privateKeyPem)).toBe(true);
    }
  });

  test('creates every Secret the manifests reference, with the keys they read', () => {
    const run = runOf(stack);
    const created = new Map(k8sResources(run).filter((r) => r.inputs.kind === 'Secret').map((r) => [`${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`, Object.keys(reveal(r.inputs.stringData))]));
    const refs: Array<{ ns: string; name: string; key?: string }> = [];
    const walk = (v: any, ns: string) => {
      if (Array.isArray(v)) v.forEach((x) => walk(x, ns));
      else if (v !== null && typeof v === 'object') {
        if (v.secretKeyRef) refs.push({ ns, name: v.secretKeyRef.name, key: v.secretKeyRef.key });
        if (v.secretRef) refs.push({ ns, name: v.secretRef.name });
        if (v.secret?.secretName) refs.push({ ns, name: v.secret.secretName });
        Object.values(v).forEach((x) => walk(x, ns));
      }
    };
    for (const o of run.objects) {
      walk(o.spec, o.metadata.namespace ?? '');
      if (o.kind === 'Ingress') {
        for (const t of (o.spec as any).tls ?? []) {
          // cert-manager writes this one; otherwise the program must have.
          if (run.values.shop.ingress.tls.source !== 'cert-manager') refs.push({ ns: o.metadata.namespace!, name: t.secretName, key: 'tls.key' });
        }
      }
    }
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const keys = created.get(`${ref.ns}/${ref.name}`);
      expect([ref, keys !== undefined && (ref.key === undefined || keys.includes(ref.key))]).toEqual([ref, true]);
    }
  });

  test('never lets key material or a password out of a secret', async () => {
    const run = runOf(stack);
    const leaks: string[] = [];
    const leaking = (s: string) => SECRET_VALUES.some((secret) => s.includes(secret));
    for (const r of run.regs) {
      for (const [path, s] of plainStrings(r.inputs)) if (leaking(s)) leaks.push(`${r.type} ${r.name} input ${path}`);
    }
    for (const [key, out] of Object.entries(run.outputs)) {
      const isOutput = pulumi.Output.isInstance(out);
      if (isOutput && await pulumi.isSecret(out as pulumi.Output<unknown>)) continue;
      const value = isOutput ? await valueOf(out as pulumi.Output<unknown>) : out;
      if (leaking(JSON.stringify(value) ?? '')) leaks.push(`stack output ${key}`);
    }
    expect(leaks).toEqual([]);
    // The check sees secrets where they are: inside the Secrets' (secret) inputs.
    const inside = run.regs.filter((r) => r.inputs.kind === 'Secret').map((r) => JSON.stringify(reveal(r.inputs)));
    expect(inside.some(leaking)).toBe(true);
    // Nothing secret is synthesized: no Secret object, no PEM block in what `npm run synth` writes.
    expect(run.objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(JSON.stringify(run.objects)).not.toMatch(/-----BEGIN/);
  });

  test('makes every app object wait for the nodes and the add-ons, and so be deleted before them', () => {
    const run = runOf(stack);
    const nodes = run.values.cluster.kind === 'gke' ? ofType(run, 'gcp:container/nodePool:NodePool') : ofType(run, 'kubernetes:core/v1:NodePatch');
    expect(nodes.length).toBeGreaterThan(0);
    const addons = run.regs.filter((r) => r.custom && r.parent.includes('k8sstack:infra:Monitoring'));
    expect(addons.length > 0).toBe(run.values.monitoring.enabled);
    for (const r of appObjects(run)) expect([r.name, r.dependencies]).toEqual([r.name, expect.arrayContaining([...nodes, ...addons].map((n) => n.urn))]);
    // The add-on itself comes after the nodes (its other objects after its namespace).
    for (const a of addons.filter((x) => x.type === 'kubernetes:core/v1:Namespace')) expect([a.name, a.dependencies]).toEqual([a.name, expect.arrayContaining(nodes.map((n) => n.urn))]);
  });

  test('protects stateful objects in production only', () => {
    const run = runOf(stack);
    for (const r of appObjects(run)) expect([r.inputs.kind, r.name, r.protect]).toEqual([r.inputs.kind, r.name, run.values.production && PROTECTED_KINDS.has(r.inputs.kind)]);
    // Outside production only generated passwords are protected, where the volumes they open are retained.
    const retained = run.values.storage.reclaimPolicy === 'Retain';
    if (!run.values.production) expect(run.regs.filter((r) => r.protect && !(retained && r.type === 'random:index/randomPassword:RandomPassword')).map((r) => r.urn)).toEqual([]);
  });

  test('keeps resource names stable (a rename replaces a live resource)', () => {
    const run = runOf(stack);
    const inventory = run.regs
      .filter((r) => !r.type.startsWith('pulumi:pulumi:'))
      .map((r) => `${r.urn.split('::').slice(2).join('::')}${r.protect ? ' [protect]' : ''}${r.retainOnDelete ? ' [retainOnDelete]' : ''}${r.deleteBeforeReplace ? ' [deleteBeforeReplace]' : ''}`)
      .sort();
    expect(inventory).toMatchSnapshot();
  });
});

describe('stack dev (minikube)', () => {
  beforeAll(() => ensureRun('dev'));
  const run = () => runOf('dev');

  test('starts minikube and enables the addons with the commands a user would type', () => {
    const cmds = ofType(run(), 'command:local:Command').map((c) => [c.inputs.create, c.inputs.delete]);
    expect(cmds).toEqual([
      ['minikube start -p shop-dev --nodes 3 --kubernetes-version v1.28.15 --cpus 2 --memory 4g --driver docker --cni calico', 'minikube delete -p shop-dev'],
      ['minikube addons enable ingress -p shop-dev', undefined],
      ['minikube addons enable metrics-server -p shop-dev', undefined],
      ['minikube addons enable storage-provisioner-rancher -p shop-dev', undefined],
    ]);
    const [start, ingress, metrics, storage] = ofType(run(), 'command:local:Command');
    expect(start.deleteBeforeReplace).toBe(true);
    expect(ingress.dependencies).toContain(start.urn);
    expect(metrics.dependencies).toContain(ingress.urn);
    expect(storage.dependencies).toContain(metrics.urn);
  });

  test('targets the profile context once minikube and its addons are up, and forgets a deleted profile', () => {
    const provider = mainProvider(run());
    expect(provider.inputs.context).toBe('shop-dev');
    expect(provider.inputs.kubeconfig).toBeUndefined();
    expect(provider.dependencies).toEqual(expect.arrayContaining(ofType(run(), 'command:local:Command').map((c) => c.urn)));
    // The profile is throwaway: a stopped or deleted one must not fail refresh and destroy.
    expect(provider.inputs.deleteUnreachable).toBe('true');
    expect(run().outputs.kubeContext).toBe('shop-dev');
  });

  test('reads each node before patching it, so a wrong name fails instead of creating a phantom Node', () => {
    for (const p of ofType(run(), 'kubernetes:core/v1:NodePatch')) {
      // The patch names the uid it read: it can only ever change that node.
      expect([p.name, p.inputs.metadata.uid]).toEqual([p.name, `uid-of-${p.inputs.metadata.name}`]);
    }
  });

  test('labels the nodes by pool and taints only the last one, never the control plane', () => {
    const patches = ofType(run(), 'kubernetes:core/v1:NodePatch').sort((a, b) => a.name.localeCompare(b.name)).map((p) => [p.inputs.metadata.name, p.inputs.metadata.labels[NodePool.POOL_LABEL], p.inputs.spec?.taints]);
    expect(patches).toEqual([
      ['shop-dev', 'general', undefined],
      ['shop-dev-m02', 'general', undefined],
      ['shop-dev-m03', 'db', [{ key: 'k8s-stack.io/dedicated', value: 'db', effect: 'NoSchedule' }]],
    ]);
  });

  test('waits for Ingress addresses, since the ingress addon runs', () => {
    const ingress = run().objects.find((o) => o.kind === 'Ingress')!;
    expect(deployed(run(), ingress).inputs.metadata.annotations?.[SKIP_AWAIT_ANNOTATION]).toBeUndefined();
  });

  test('creates no cloud resources', () => {
    expect(run().regs.filter((r) => r.type.startsWith('gcp:'))).toEqual([]);
  });
});

describe('stack dev into an existing cluster, with its own certificate and password (as the end-to-end suite runs it)', () => {
  let run: Run;
  const cert = '-----BEGIN CERTIFICATE-----\nOWN-CERT\n-----END CERTIFICATE-----\n';
  const key = '-----BEGIN PRIVATE KEY-----\nOWN-KEY\n-----END PRIVATE KEY-----\n';
  beforeAll(async () => {
    run = await runStack('dev', {
      'k8s-stack:kubeContext': 'local',
      'k8s-stack:nodeNames': '["n1","n2","n3"]',
      'k8s-stack:dbPassword': CONFIG_PASSWORD,
      'k8s-stack:redisPassword': CONFIG_PASSWORD,
      'k8s-stack:tlsCert': cert,
      'k8s-stack:tlsKey': key,
    }, ['k8s-stack:dbPassword', 'k8s-stack:redisPassword', 'k8s-stack:tlsCert', 'k8s-stack:tlsKey']);
  });

  test('needs only the kubernetes provider: no command, random or tls resource', () => {
    const packages = new Set(run.regs.filter((r) => r.custom).map((r) => r.type.split(':')[0] === 'pulumi' ? r.type.split(':')[2] : r.type.split(':')[0]));
    expect([...packages].sort()).toEqual(['kubernetes']);
  });

  test('puts the configured certificate into the TLS Secret, as a secret', () => {
    const secret = k8sResources(run).find((r) => r.inputs.kind === 'Secret' && r.inputs.type === 'kubernetes.io/tls')!;
    expect(isSecretValue(secret.inputs.stringData)).toBe(true);
    expect(reveal(secret.inputs.stringData)).toEqual({ 'tls.crt': cert, 'tls.key': key });
    expect(run.outputs.apps.shop.tlsSecret).toEqual({ name: 'shop-tls', source: 'self-signed' });
  });

  test('patches the named nodes of the existing context, and never forgets objects of a cluster it cannot reach', () => {
    expect(mainProvider(run).inputs.context).toBe('local');
    expect(mainProvider(run).inputs.deleteUnreachable).toBeUndefined();
    expect(mainProvider(run).inputs.clusterIdentifier).toBe(MOCK_CLUSTER_UID);
    expect(ofType(run, 'kubernetes:core/v1:NodePatch').map((p) => p.inputs.metadata.name).sort()).toEqual(['n1', 'n2', 'n3']);
  });
});

describe.each(['staging', 'prod'])('stack %s (GKE)', (stack) => {
  beforeAll(() => ensureRun(stack));
  const run = () => runOf(stack);
  const gke = () => run().values.cluster.gke!;
  const project = () => STACK_CONFIG[stack].config['gcp:project'];
  const cluster = () => one(run(), 'gcp:container/cluster:Cluster');

  test('creates a private, VPC-native cluster in its own network and subnet', () => {
    const g = gke();
    const subnet = one(run(), 'gcp:compute/subnetwork:Subnetwork').inputs;
    expect(one(run(), 'gcp:compute/network:Network').inputs).toMatchObject({ name: g.name, autoCreateSubnetworks: false, project: project() });
    expect(subnet).toMatchObject({
      region: g.region,
      ipCidrRange: g.nodeCidr,
      privateIpGoogleAccess: true,
      secondaryIpRanges: [{ rangeName: 'pods', ipCidrRange: g.podsCidr }, { rangeName: 'services', ipCidrRange: g.servicesCidr }],
    });
    expect(cluster().inputs).toMatchObject({
      name: g.name,
      project: project(),
      location: g.zone,
      networkingMode: 'VPC_NATIVE',
      network: `${g.name}-id`,
      subnetwork: `${g.name}-nodes-id`,
      ipAllocationPolicy: { clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' },
      privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: g.masterCidr },
    });
  });

  test('gives private nodes a way out through Cloud Router and Cloud NAT', () => {
    const router = one(run(), 'gcp:compute/router:Router');
    expect(router.inputs).toMatchObject({ region: gke().region, network: `${gke().name}-id` });
    expect(one(run(), 'gcp:compute/routerNat:RouterNat').inputs).toMatchObject({
      router: router.inputs.name, region: gke().region, natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS', subnetworks: [{ name: `${gke().name}-nodes-id`, sourceIpRangesToNats: ['ALL_IP_RANGES'] }],
    });
  });

  test('removes the default node pool and hardens the control plane', () => {
    expect(cluster().inputs).toMatchObject({
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      releaseChannel: { channel: gke().releaseChannel },
      workloadIdentityConfig: { workloadPool: `${project()}.svc.id.goog` },
      datapathProvider: 'ADVANCED_DATAPATH',
      enableLegacyAbac: false,
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: JSON.parse(STACK_CONFIG[stack].config['k8s-stack:authorizedNetworks']).map((c: string) => ({ cidrBlock: c, displayName: `operator ${c}` })),
        gcpPublicCidrsAccessEnabled: false,
      },
      deletionProtection: run().values.production,
    });
    expect(JSON.stringify(cluster().inputs)).not.toContain('0.0.0.0/0');
  });

  test('creates one node pool per environment pool, autoscaled, managed and shielded', () => {
    const sa = one(run(), 'gcp:serviceaccount/account:Account');
    const pools = ofType(run(), 'gcp:container/nodePool:NodePool');
    expect(pools.map(poolName)).toEqual(run().values.nodePools.map((p) => p.name));
    for (const p of pools) expect(p.inputs.name).toBeUndefined();
    for (const spec of run().values.nodePools) {
      const pool = new NodePool(spec as never);
      const r = pools.find((p) => poolName(p) === spec.name)!;
      expect(r.inputs).toEqual(expect.objectContaining({
        cluster: gke().name,
        location: gke().zone,
        autoscaling: { minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
        management: { autoRepair: true, autoUpgrade: true },
      }));
      expect(r.inputs.nodeConfig).toEqual(expect.objectContaining({
        machineType: pool.machineType,
        diskSizeGb: pool.diskSizeGb,
        spot: pool.spot,
        imageType: 'COS_CONTAINERD',
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        serviceAccount: `${sa.inputs.accountId}@${project()}.iam.gserviceaccount.com`,
        oauthScopes: [...NODE_OAUTH_SCOPES],
        labels: { ...pool.labels },
        taints: pool.taints.map((t) => ({ key: t.key, value: t.value ?? '', effect: GKE_TAINT_EFFECTS[t.effect] })),
      }));
      // A replacement comes up before the old pool goes; a new minNodes never replaces the pool.
      expect(r.deleteBeforeReplace).toBe(false);
      expect(r.ignoreChanges).toEqual(['initialNodeCount']);
      expect(r.dependencies).toEqual(expect.arrayContaining([cluster().urn, one(run(), 'gcp:compute/routerNat:RouterNat').urn]));
    }
  });

  test('opens no firewall to the nodes beyond GKE\'s own (the retired ingress-nginx webhook rule is gone)', () => {
    expect(ofType(run(), 'gcp:compute/firewall:Firewall')).toEqual([]);
  });

  test('boots even the temporary default pool as the dedicated account, and never replaces the cluster for it', () => {
    const sa = one(run(), 'gcp:serviceaccount/account:Account');
    expect(cluster().inputs.nodeConfig).toEqual({
      serviceAccount: `${sa.inputs.accountId}@${project()}.iam.gserviceaccount.com`,
      oauthScopes: [...NODE_OAUTH_SCOPES],
      workloadMetadataConfig: { mode: 'GKE_METADATA' },
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      metadata: { 'disable-legacy-endpoints': 'true' },
    });
    expect(cluster().ignoreChanges).toEqual(['nodeConfig']);
    expect(cluster().dependencies).toEqual(expect.arrayContaining(ofType(run(), 'gcp:projects/iAMMember:IAMMember').map((m) => m.urn)));
  });

  test('upgrades only in its maintenance window: weekend nights in Japan', () => {
    expect(cluster().inputs.maintenancePolicy).toEqual({
      recurringWindow: { startTime: '2024-01-06T17:00:00Z', endTime: '2024-01-06T23:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU' },
    });
  });

  test('serves HTTPS through GKE\'s Gateway controller with a Google-managed certificate and a reserved address', async () => {
    const v = run().values;
    const names = gatewayNames(v, 'shop');
    expect(cluster().inputs.gatewayApiConfig).toEqual({ channel: 'CHANNEL_STANDARD' });
    const address = one(run(), 'gcp:compute/globalAddress:GlobalAddress');
    expect(address.inputs).toMatchObject({ project: project(), name: names.address, addressType: 'EXTERNAL', ipVersion: 'IPV4' });
    const auth = one(run(), 'gcp:certificatemanager/dnsAuthorization:DnsAuthorization');
    expect(auth.inputs).toMatchObject({ project: project(), domain: v.shop.ingress.host });
    const cert = one(run(), 'gcp:certificatemanager/certificate:Certificate');
    expect(cert.inputs).toMatchObject({ project: project(), managed: { domains: [v.shop.ingress.host], dnsAuthorizations: [auth.id] } });
    const map = one(run(), 'gcp:certificatemanager/certificateMap:CertificateMap');
    expect(map.inputs).toMatchObject({ project: project(), name: names.certificateMap });
    const entry = one(run(), 'gcp:certificatemanager/certificateMapEntry:CertificateMapEntry');
    expect(entry.inputs).toMatchObject({ map: names.certificateMap, hostname: v.shop.ingress.host, certificates: [cert.id] });
    // The Gateway names what the program creates, and waits for it: on destroy the Gateway, and
    // with it the load balancer, goes first; then the certificate, map and address; the cluster last.
    const gateway = appObjects(run()).find((r) => r.inputs.kind === 'Gateway')!;
    expect(gateway.inputs.metadata.annotations['networking.gke.io/certmap']).toBe(map.inputs.name);
    expect(gateway.inputs.spec.addresses).toEqual([{ type: 'NamedAddress', value: address.inputs.name }]);
    for (const r of appObjects(run()).filter((x) => ['Gateway', 'HTTPRoute'].includes(x.inputs.kind))) expect([r.name, r.dependencies]).toEqual([r.name, expect.arrayContaining([address.urn, entry.urn])]);
    for (const r of [address, auth, map]) expect([r.name, r.dependencies]).toEqual([r.name, expect.arrayContaining([cluster().urn])]);
    expect(address.protect).toBe(run().values.production);
    // What to put into DNS, from the stack outputs.
    expect(await valueOf(run().outputs.apps.shop.edgeAddress as pulumi.Output<string>)).toBe('198.51.100.80');
    expect(await valueOf(run().outputs.apps.shop.dnsRecords as pulumi.Output<unknown>)).toEqual([
      { name: `${v.shop.ingress.host}.`, type: 'A', data: '198.51.100.80' },
      { name: `_acme-challenge.${v.shop.ingress.host}.`, type: 'CNAME', data: `${v.shop.ingress.host}.mock.authorize.certificatemanager.goog.` },
    ]);
    // No Ingress, no ingress controller, no cert-manager on GKE.
    expect(run().objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
  });

  test('installs Prometheus and Grafana as a pinned Helm release, with Grafana\'s password a secret', async () => {
    const v = run().values;
    const release = one(run(), 'kubernetes:helm.sh/v3:Release');
    expect(release.inputs).toMatchObject({
      chart: KUBE_PROMETHEUS_STACK.chart, version: KUBE_PROMETHEUS_STACK.version, repositoryOpts: { repo: KUBE_PROMETHEUS_STACK.repo },
      namespace: v.monitoring.namespace, atomic: true,
    });
    const values = release.inputs.values;
    expect(values.nodeExporter).toEqual({ enabled: false });
    expect(values.grafana.admin).toEqual({ existingSecret: GRAFANA_ADMIN_SECRET.name, userKey: GRAFANA_ADMIN_SECRET.userKey, passwordKey: GRAFANA_ADMIN_SECRET.passwordKey });
    expect(values.prometheus.prometheusSpec).toMatchObject({ scrapeInterval: v.monitoring.scrapeInterval, serviceMonitorSelectorNilUsesHelmValues: false });
    expect(JSON.stringify(values)).not.toContain(MOCK_PASSWORD);
    const secret = k8sObjects(run()).find((r) => r.inputs.kind === 'Secret' && r.inputs.metadata.name === GRAFANA_ADMIN_SECRET.name)!;
    expect(isSecretValue(secret.inputs.stringData)).toBe(true);
    expect(reveal(secret.inputs.stringData)).toEqual({ 'admin-user': 'admin', 'admin-password': MOCK_PASSWORD });
    expect(release.dependencies).toContain(secret.urn);
    expect(await pulumi.isSecret(run().outputs.grafanaAdminPassword!)).toBe(true);
    expect(run().outputs.grafanaCommand).toBe(`kubectl -n ${v.monitoring.namespace} port-forward svc/kube-prometheus-stack-grafana 3000:80`);
    // The monitors the chart emits need the release's CRDs: they wait for it.
    const monitor = appObjects(run()).find((r) => r.inputs.kind === 'ServiceMonitor')!;
    expect(monitor.dependencies).toContain(release.urn);
  });

  test('runs nodes as a dedicated service account with only the roles nodes need', () => {
    const sa = one(run(), 'gcp:serviceaccount/account:Account');
    expect(sa.inputs).toMatchObject({ accountId: `${gke().name}-nodes`, project: project() });
    const bindings = ofType(run(), 'gcp:projects/iAMMember:IAMMember').map((b) => b.inputs);
    expect(bindings.map((b) => b.role).sort()).toEqual([...NODE_SERVICE_ACCOUNT_ROLES].sort());
    for (const b of bindings) expect(b).toEqual({ project: project(), role: b.role, member: `serviceAccount:${sa.inputs.accountId}@${project()}.iam.gserviceaccount.com` });
  });

  test('binds the operator to cluster-admin, as the notes do with kubectl', () => {
    const binding = k8sResources(run()).find((r) => r.inputs.kind === 'ClusterRoleBinding' && r.inputs.metadata.name === OPERATOR_BINDING_NAME)!;
    expect(binding.inputs).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'ops@example.com' }],
    });
  });

  test('exports a kubeconfig that authenticates through gke-gcloud-auth-plugin, as a secret', async () => {
    const out = run().outputs;
    expect(await pulumi.isSecret(out.kubeconfig!)).toBe(true);
    const kubeconfig = await valueOf(out.kubeconfig!);
    expect(kubeconfig).toContain('server: https://203.0.113.10');
    expect(kubeconfig).toContain('command: gke-gcloud-auth-plugin');
    expect(kubeconfig).toContain(`current-context: gke_${project()}_${gke().zone}_${gke().name}`);
    const provider = mainProvider(run());
    expect(isSecretValue(provider.inputs.kubeconfig)).toBe(true);
    expect(reveal(provider.inputs.kubeconfig)).toBe(kubeconfig);
    // The provider is built from the cluster: on destroy it, and all it deployed, go first.
    expect(provider.dependencies).toContain(cluster().urn);
    // A CA or endpoint rotation changes the kubeconfig, not the identity: an update, no replacement.
    expect(provider.inputs.clusterIdentifier).toBe(MOCK_CLUSTER_UID);
    expect(provider.inputs.deleteUnreachable).toBeUndefined();
  });

  test('exports no ingress controller step: the edge is part of the stack', () => {
    expect(run().objects.some((o) => o.metadata.annotations?.[SKIP_AWAIT_ANNOTATION])).toBe(false);
  });
});

describe('stack staging', () => {
  beforeAll(() => ensureRun('staging'));
  const run = () => runOf('staging');

  test('has neither Binary Authorization nor KMS encryption, and nothing protected', () => {
    const cluster = one(run(), 'gcp:container/cluster:Cluster');
    expect(cluster.inputs.binaryAuthorization).toBeUndefined();
    expect(cluster.inputs.databaseEncryption).toBeUndefined();
    expect(cluster.protect).toBe(false);
    expect(run().regs.filter((r) => r.type.startsWith('gcp:kms'))).toEqual([]);
  });

  test('uses the database password from secret config instead of generating one', () => {
    // The shop's comes from config; Grafana's and the Redis password (not in this stack's config) are generated.
    expect(ofType(run(), 'random:index/randomPassword:RandomPassword').map((r) => r.name).sort()).toEqual(['staging-monitoring-grafana-admin', 'staging-tasks-db-password']);
  });

  test('keeps its disks after destroy (Retain), and so protects a generated password from being regenerated', async () => {
    expect(run().values.storage.reclaimPolicy).toBe('Retain');
    const config = Object.fromEntries(Object.entries(STACK_CONFIG.staging.config).filter(([k]) => k !== 'k8s-stack:dbPassword'));
    const generated = await runStack('staging', config, []);
    expect(generated.regs.find((r) => r.name === 'staging-db-password')!.protect).toBe(true);
  });
});

describe('stack prod', () => {
  beforeAll(() => ensureRun('prod'));
  const run = () => runOf('prod');
  const cluster = () => one(run(), 'gcp:container/cluster:Cluster');

  test('enforces Binary Authorization with its own policy: the reviewed registries, Google\'s system images, nothing else', () => {
    expect(cluster().inputs.binaryAuthorization).toEqual({ evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' });
    const policy = one(run(), 'gcp:binaryauthorization/policy:Policy');
    expect(policy.inputs).toEqual({
      project: 'shop-prod-4711',
      globalPolicyEvaluationMode: 'ENABLE',
      admissionWhitelistPatterns: run().values.allowedRegistries.map((r) => ({ namePattern: `${r}/**` })),
      defaultAdmissionRule: { evaluationMode: 'ALWAYS_DENY', enforcementMode: 'ENFORCED_BLOCK_AND_AUDIT_LOG' },
    });
    expect(cluster().dependencies).toContain(policy.urn);
    expect(policy.protect).toBe(true);
    // The policy matches names as written: every image names its registry.
    for (const o of run().objects) {
      const tpl = podTemplate(o);
      for (const c of tpl?.spec.containers ?? []) expect([objectKey(o), c.image]).toEqual([objectKey(o), expect.stringMatching(/^(docker\.io|ghcr\.io)\//)]);
    }
  });

  test('encrypts Secrets in etcd with its own KMS key, usable by the GKE service agent', () => {
    const ring = one(run(), 'gcp:kms/keyRing:KeyRing');
    const key = one(run(), 'gcp:kms/cryptoKey:CryptoKey');
    const grant = one(run(), 'gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember');
    expect(ring.inputs).toMatchObject({ location: run().values.cluster.gke!.region, project: 'shop-prod-4711' });
    expect(key.inputs).toMatchObject({ keyRing: ring.id, purpose: 'ENCRYPT_DECRYPT' });
    expect(grant.inputs).toEqual({
      cryptoKeyId: key.id,
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: `serviceAccount:service-${PROJECT_NUMBER}@container-engine-robot.iam.gserviceaccount.com`,
    });
    expect(cluster().inputs.databaseEncryption).toEqual({ state: 'ENCRYPTED', keyName: key.id });
    expect(cluster().dependencies).toContain(grant.urn);
  });

  test('protects the cluster, the key and the generated database password', () => {
    expect(cluster().protect).toBe(true);
    expect(cluster().inputs.deletionProtection).toBe(true);
    for (const type of ['gcp:kms/keyRing:KeyRing', 'gcp:kms/cryptoKey:CryptoKey']) {
      expect(one(run(), type)).toMatchObject({ protect: true, retainOnDelete: true });
    }
    expect(run().regs.find((r) => r.name === 'prod-db-password')!.protect).toBe(true);
    const isProtected = (kind: string) => appObjects(run()).filter((r) => r.inputs.kind === kind).every((r) => r.protect);
    expect(['StatefulSet', 'PersistentVolumeClaim', 'Namespace'].map(isProtected)).toEqual([true, true, true]);
    expect(appObjects(run()).filter((r) => r.inputs.kind === 'StatefulSet').map((r) => r.name).sort()).toEqual(['shop-prod/db', 'tasks-prod/redis']);
  });
});
