/**
 * The scenarios that run the synthesized YAML on the local control plane: server-side validation
 * on the API servers of both Kubernetes versions, convergence of dev as the README applies it
 * (scheduling, claims, DaemonSets, zones, Jobs, quotas, a drain), and Pod Security admission.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { BatchJob } from '../../constructs/batch-job';
import { AppConfig } from '../../constructs/configuration';
import { NodePool, NodePoolSpec, Toleration } from '../../constructs/node-pool';
import { ENVIRONMENTS, EnvironmentValues, loadEnvironment, PROJECT } from '../../environments';
import { GKE_REGULAR_VERSION, KUBERNETES_VERSION } from '../../toolchain/pins';
import { crdFiles } from '../../toolchain/build';
import { parseQuantity } from '../../constructs/lib/validate';
import { livePods, nodesAdmitting, num, recentWarnings, workloadProblems } from './checks';
import { ClusterState, ZONE_LABEL, down, up } from './cluster';
import { CommandResult, KubeClient, KubeObject, kubectl, kubectlOk, runTool, sleep, waitFor } from './kube';
import { startProvisioner } from './provisioner';
import { ApiObject } from 'cdk8s';
import { writeAtomically } from '../../synth/output';
import { ENVIRONMENT_LABEL, PRUNE_FLAGS_FILE, PRUNE_KINDS } from '../../synth/ownership';
import { ChartExtension, synthesizeEnvironment } from '../../synth/synthesize';
import { CLUSTERS, E2eContext } from './suite';

const POOL_LABEL = 'k8s-stack.io/pool';

/** kubectl succeeded and printed no warning (Pod Security warnings included). */
function clean(r: CommandResult, what: string): void {
  const warnings = r.stderr.split('\n').filter((l) => /^Warning:/i.test(l));
  if (r.status !== 0) throw new Error(`${what}: kubectl exited ${r.status}:\n${r.stderr.trim() || r.stdout.trim()}`);
  if (warnings.length) throw new Error(`${what}: ${warnings.length} warning(s):\n${warnings.join('\n')}`);
}

const objectCount = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8').split(/^---$/m).filter((d) => /^kind:/m.test(d)).length).reduce((a, b) => a + b, 0);

/** Every namespace the environment's apps create. */
export function environmentNamespaces(values: EnvironmentValues): string[] {
  return synthesizeEnvironment(PROJECT, values).objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
}

/** Installs the toolchain's CRDs (toolchain/pins.ts CRD_SOURCES) and waits until they are served. */
export function installCrds(bin: string, kubeconfig: string): void {
  const files = crdFiles();
  clean(kubectl(bin, kubeconfig, ['apply', '--server-side', ...files.flatMap((f) => ['-f', f])]), 'the CRDs');
  clean(kubectl(bin, kubeconfig, ['wait', '--for=condition=Established', '--timeout=60s', ...files.flatMap((f) => ['-f', f])]), 'the CRDs to be established');
}

/** Every environment on the 1.28 API server; the GKE environments also on the newest GKE REGULAR minor. */
export async function validateScenario(ctx: E2eContext): Promise<void> {
  const { suite, bin, root } = ctx;
  const gkeEnvs = ENVIRONMENTS.filter((e) => loadEnvironment(e).cluster.kind === 'gke');
  const plans = [
    { name: CLUSTERS.validateOld, apiServer: 'kube-apiserver', version: KUBERNETES_VERSION, envs: ENVIRONMENTS },
    { name: CLUSTERS.validateNew, apiServer: `kube-apiserver-${GKE_REGULAR_VERSION.split('.').slice(0, 2).join('.')}`, version: GKE_REGULAR_VERSION, envs: gkeEnvs },
  ];
  suite.begin('GitOps folders');
  for (const env of ENVIRONMENTS) {
    await suite.step(`dist/${env}: kubectl kustomize reads its Kustomization as is, every manifest included`, () => {
      const dir = path.join(root, 'dist', env);
      const r = runTool(bin, 'kubectl', ['kustomize', dir]);
      if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} exited ${r.status}:\n${r.stderr}`);
      const ids = (text: string) => parseAllDocuments(text).map((d) => d.toJSON() as KubeObject | null).filter((o): o is KubeObject => o !== null)
        .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
      const built = ids(r.stdout);
      const files = ids(fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n---\n'));
      if (JSON.stringify(built) !== JSON.stringify(files)) throw new Error(`kustomize built ${built.length} objects, the folder holds ${files.length}`);
      console.log(`     ${built.length} objects`);
    });
  }
  for (const plan of plans) {
    suite.begin(`server-side validation on ${plan.version}`);
    const state = await suite.value(`kube-apiserver ${plan.version} with etcd up on 127.0.0.1`, () => up({ name: plan.name, bin, apiServer: plan.apiServer, mode: 'api' }));
    for (const env of plan.envs) {
      const name = `dist/${env}: kubectl apply --server-side --dry-run=server on ${plan.version}: every object accepted, no warning`;
      if (!state) {
        suite.blocked(name, `the ${plan.version} API server did not start`);
        continue;
      }
      await suite.step(name, () => {
        const dir = path.join(root, 'dist', env);
        // Namespaced objects validate only in namespaces that exist, so that layer is applied for real.
        clean(kubectl(bin, state.kubeconfig, ['apply', '--server-side', '-f', path.join(dir, '00-namespaces.yaml')]), 'the namespaces');
        // The custom kinds (Gateway, HTTPRoute, ServiceMonitor) validate against their real CRDs.
        installCrds(bin, state.kubeconfig);
        const r = kubectl(bin, state.kubeconfig, ['apply', '--server-side', '--dry-run=server', '-f', dir]);
        clean(r, `dist/${env}`);
        const accepted = r.stdout.split('\n').filter((l) => /\(server dry run\)$/.test(l)).length;
        const expected = objectCount(dir);
        if (accepted !== expected) throw new Error(`dist/${env}: ${accepted} objects accepted, but the folder holds ${expected}:\n${r.stdout}`);
        console.log(`     ${accepted} objects accepted`);
      });
    }
    if (state && !ctx.keep) await suite.time(() => down(plan.name).then(() => undefined));
  }
}

/** What the README tells a user to do: namespaces, the Secrets, then `kubectl apply -f dist/<env>`. */
function applyAsReadme(ctx: E2eContext, state: ClusterState, values: EnvironmentValues): void {
  const kc = state.kubeconfig;
  const dir = path.join(ctx.root, 'dist', values.name);
  clean(kubectl(ctx.bin, kc, ['apply', '-f', path.join(dir, '00-namespaces.yaml')]), 'the namespaces');
  clean(kubectl(ctx.bin, kc, ['-n', values.shop.namespace, 'create', 'secret', 'generic', values.shop.database.credentialsSecret,
    `--from-literal=username=${values.shop.app}`, `--from-literal=database=${values.shop.app}`, `--from-literal=password=${randomBytes(18).toString('base64')}`]), 'the database Secret');
  clean(kubectl(ctx.bin, kc, ['-n', values.tasks.namespace, 'create', 'secret', 'generic', values.tasks.redis.credentialsSecret,
    `--from-literal=password=${randomBytes(18).toString('hex')}`]), 'the Redis Secret');
  const tlsSecret = values.shop.ingress.tls.secretName;
  if (tlsSecret !== undefined && values.shop.ingress.tls.source !== 'cert-manager') {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-tls-'));
    try {
      const r = runTool('/usr/bin', 'openssl', ['req', '-x509', '-nodes', '-days', '365', '-newkey', 'rsa:2048', '-keyout', path.join(tmp, 'tls.key'), '-out', path.join(tmp, 'tls.crt'), '-subj', `/CN=${values.shop.ingress.host}`]);
      if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
      clean(kubectl(ctx.bin, kc, ['-n', values.shop.namespace, 'create', 'secret', 'tls', tlsSecret, '--key', path.join(tmp, 'tls.key'), '--cert', path.join(tmp, 'tls.crt')]), 'the TLS Secret');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  clean(kubectl(ctx.bin, kc, ['apply', '-f', dir]), `kubectl apply -f dist/${values.name}`);
}

const ownerKind = (p: KubeObject) => p.metadata.ownerReferences?.[0]?.kind;
const nodeOf = (p: KubeObject) => String((p.spec as { nodeName?: string }).nodeName ?? '');

async function evict(client: KubeClient, pod: KubeObject): Promise<{ status: number; message: string }> {
  const r = await client.request<{ message?: string }>('POST', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/eviction`, {
    apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
  });
  return { status: r.status, message: r.body?.message ?? '' };
}

/** dev applied for real and watched until it converges; then the Pod Security checks on the same cluster. */
export async function convergeScenario(
  ctx: E2eContext,
  which: { converge: boolean; podSecurity: boolean },
  podSecurity: (ctx: E2eContext, state: ClusterState, values: EnvironmentValues) => Promise<void>,
): Promise<void> {
  const { suite, bin } = ctx;
  const values = loadEnvironment('dev');
  const namespaces = environmentNamespaces(values);
  suite.begin('convergence of dist/dev');
  const state = await suite.value(`local cluster shaped like dev up (etcd, kube-apiserver ${KUBERNETES_VERSION}, controller manager, scheduler, kwok nodes)`, () => up({ name: CLUSTERS.converge, bin, environment: values }));
  if (!state) {
    suite.blocked('convergence and Pod Security scenarios', 'the local cluster did not start');
    return;
  }
  const client = new KubeClient(state);
  const provisioner = startProvisioner(client, values.storage.provisioner);
  const converged = (what: string, timeoutMs = 180_000) => waitFor(what, async () => {
    if (provisioner.error()) throw provisioner.error();
    return (await workloadProblems(client, namespaces)).length === 0;
  }, timeoutMs, async () => `${(await workloadProblems(client, namespaces)).join('\n')}\nwarning events:\n${await recentWarnings(client, namespaces)}`);

  try {
    if (which.converge) {
      const applied = await suite.step('dist/dev applied as the README says: namespaces, the two Secrets, then kubectl apply -f dist/dev (no warning)', () => applyAsReadme(ctx, state, values));
      const ok = applied && await suite.step('converges: every Deployment Available, the StatefulSet ready with its claims bound, the DaemonSet ready', () => converged('dev to converge'));
      if (!ok) {
        suite.blocked('placement, zones, Jobs, quotas and drain', 'dev did not converge');
      } else {
        const nodes = await client.list('/api/v1/nodes');
        await suite.step(`database pods run only on nodes of the "${values.shop.database.nodePool}" pool`, async () => {
          const dbPods = (await livePods(client, values.shop.namespace)).filter((p) => ownerKind(p) === 'StatefulSet');
          if (dbPods.length === 0) throw new Error('no StatefulSet pod found');
          const poolOf = new Map(nodes.map((n) => [n.metadata.name, n.metadata.labels?.[POOL_LABEL]]));
          const misplaced = dbPods.filter((p) => poolOf.get(nodeOf(p)) !== values.shop.database.nodePool);
          if (misplaced.length) throw new Error(misplaced.map((p) => `${p.metadata.name} on ${nodeOf(p)} (pool ${String(poolOf.get(nodeOf(p)))})`).join('\n'));
        });
        await suite.step('the DaemonSet runs one pod on exactly the nodes its tolerations admit', async () => {
          const sets = await client.list(`/apis/apps/v1/namespaces/${values.shop.systemNamespace}/daemonsets`);
          if (sets.length === 0) throw new Error(`no DaemonSet in ${values.shop.systemNamespace}`);
          for (const ds of sets) {
            const tolerations = ((ds.spec as { template: { spec: { tolerations?: Toleration[] } } }).template.spec.tolerations ?? []);
            const expected = nodesAdmitting(nodes, tolerations);
            const actual = (await livePods(client, values.shop.systemNamespace)).filter((p) => p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.name === ds.metadata.name)).map(nodeOf).sort();
            if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`DaemonSet ${ds.metadata.name}: pods on [${actual.join(', ')}], expected one on each of [${expected.join(', ')}]`);
          }
        });
        await suite.step('replicated pods spread over zones', async () => {
          const zoneOf = new Map(nodes.map((n) => [n.metadata.name, n.metadata.labels?.[ZONE_LABEL]]));
          const pods = await livePods(client, values.shop.namespace);
          const replicated = (await client.list(`/apis/apps/v1/namespaces/${values.shop.namespace}/deployments`)).filter((d) => num((d.spec as { replicas?: number }).replicas) >= 2);
          if (replicated.length === 0) throw new Error('no Deployment runs two replicas or more');
          for (const d of replicated) {
            const zones = pods.filter((p) => p.metadata.labels?.['app.kubernetes.io/name'] === d.metadata.name).map((p) => zoneOf.get(nodeOf(p)));
            if (new Set(zones).size < 2) throw new Error(`Deployment ${d.metadata.name}: replicas in zones [${zones.join(', ')}], expected at least two different zones`);
          }
          console.log(`     ${replicated.map((d) => `${d.metadata.name}: ${num((d.spec as { replicas?: number }).replicas)} replicas`).join(', ')}, each over two zones`);
        });
        await suite.step('a Job created from each CronJob completes, and the claims it mounts bind', async () => {
          const cronJobs = (await Promise.all(namespaces.map((ns) => client.list(`/apis/batch/v1/namespaces/${ns}/cronjobs`)))).flat();
          if (cronJobs.length === 0) throw new Error('no CronJob found');
          for (const cj of cronJobs) {
            const ns = cj.metadata.namespace!;
            const job = `${cj.metadata.name}-e2e`;
            kubectlOk(bin, state.kubeconfig, ['-n', ns, 'create', 'job', `--from=cronjob/${cj.metadata.name}`, job]);
            await waitFor(`Job ${ns}/${job} to complete`, async () => {
              const j = await client.get(`/apis/batch/v1/namespaces/${ns}/jobs/${job}`);
              const conds = (j?.status?.conditions ?? []) as Array<{ type: string; status: string; message?: string }>;
              const failed = conds.find((c) => c.type === 'Failed' && c.status === 'True');
              if (failed) throw new Error(`Job ${job} failed: ${failed.message ?? ''}`);
              return conds.some((c) => c.type === 'Complete' && c.status === 'True');
            }, 120_000, () => recentWarnings(client, [ns]));
            const claims = ((cj.spec as { jobTemplate: { spec: { template: { spec: { volumes?: Array<{ persistentVolumeClaim?: { claimName: string } }> } } } } }).jobTemplate.spec.template.spec.volumes ?? [])
              .flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
            for (const c of claims) {
              const pvc = await client.get(`/api/v1/namespaces/${ns}/persistentvolumeclaims/${c}`);
              if ((pvc?.status as { phase?: string } | undefined)?.phase !== 'Bound') throw new Error(`claim ${ns}/${c} of CronJob ${cj.metadata.name} is not Bound`);
            }
          }
        });
        await suite.step('quota usage stays within every ResourceQuota, and the quotas count what runs', async () => {
          let counted = 0;
          for (const ns of namespaces) {
            for (const q of await client.list(`/api/v1/namespaces/${ns}/resourcequotas`)) {
              const { hard = {}, used = {} } = (q.status ?? {}) as { hard?: Record<string, string>; used?: Record<string, string> };
              if (Object.keys(hard).length === 0) throw new Error(`ResourceQuota ${ns}/${q.metadata.name} has no status yet`);
              for (const [k, limit] of Object.entries(hard)) {
                if (parseQuantity(used[k] ?? '0') > parseQuantity(limit)) throw new Error(`ResourceQuota ${ns}/${q.metadata.name}: ${k} used ${used[k]} exceeds ${limit}`);
                if (k === 'pods' || k === 'count/pods') counted += parseQuantity(used[k] ?? '0');
              }
            }
          }
          if (counted === 0) throw new Error('no quota counts any pod: the quotas are not enforced on what runs');
        });
        await suite.step('drain through the eviction API: PodDisruptionBudgets refuse what they protect, the rest is evicted', () => drainScenario(ctx, state, client, values, converged));
        await suite.step('prune as the README says: a component removed from code leaves the cluster, nothing else does', () => pruneScenario(ctx, state, client, values));
        await suite.step('a one-off Job applied again is not run again; changed, it is a new Job and the apply does not fail as immutable', () => jobScenario(ctx, state, client, values));
      }
    }
    if (which.podSecurity) await podSecurity(ctx, state, values);
  } finally {
    await provisioner.stop();
    if (!ctx.keep) await suite.time(() => down(CLUSTERS.converge).then(() => undefined));
  }
}

/**
 * Drains the general-pool nodes one after the other as `kubectl drain` does (cordon, then evict
 * everything but DaemonSet pods). The first drain's evictions all proceed; its pods move to the
 * second node. Draining that one too leaves the replacements nowhere to go, so each budget allows
 * one eviction and must refuse the next.
 */
async function drainScenario(ctx: E2eContext, state: ClusterState, client: KubeClient, values: EnvironmentValues, converged: (what: string) => Promise<unknown>): Promise<void> {
  const ns = values.shop.namespace;
  const pool = values.shop.web.nodePool;
  const general = (await client.list('/api/v1/nodes')).filter((n) => n.metadata.labels?.[POOL_LABEL] === pool).map((n) => n.metadata.name).sort();
  if (general.length < 2) throw new Error(`the "${pool}" pool has ${general.length} node(s); the drain needs two`);
  const budgetsSettled = () => waitFor('PodDisruptionBudget status', async () => (await client.list(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`))
    .every((b) => num(b.status?.observedGeneration) >= num(b.metadata.generation) && num(b.status?.currentHealthy) >= num(b.status?.desiredHealthy) && num(b.status?.expectedPods) > 0), 60_000);
  const drain = async (node: string) => {
    kubectlOk(ctx.bin, state.kubeconfig, ['cordon', node]);
    await budgetsSettled();
    const pods = (await livePods(client, ns)).filter((p) => nodeOf(p) === node && ownerKind(p) !== 'DaemonSet').sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const results = [];
    for (const p of pods) results.push({ pod: p, ...(await evict(client, p)) });
    return results;
  };
  const lines: string[] = [];
  try {
    const first = await drain(general[0]);
    const refusedFirst = first.filter((r) => r.status !== 201);
    if (first.length === 0) throw new Error(`no pod to evict on ${general[0]}`);
    if (refusedFirst.length) throw new Error(`draining ${general[0]} (the other node free): evictions refused: ${refusedFirst.map((r) => `${r.pod.metadata.name}: HTTP ${r.status} ${r.message}`).join('; ')}`);
    lines.push(`${general[0]}: ${first.length} pods evicted`);
    await converged(`the pods evicted from ${general[0]} to come back on ${general[1]}`);

    const second = await drain(general[1]);
    const refused = second.filter((r) => r.status === 429);
    const other = second.filter((r) => r.status !== 429 && r.status !== 201);
    if (other.length) throw new Error(`unexpected eviction answers: ${other.map((r) => `${r.pod.metadata.name}: HTTP ${r.status} ${r.message}`).join('; ')}`);
    if (refused.length === 0) throw new Error(`draining ${general[1]} with nowhere left to go: no eviction was refused (${second.map((r) => `${r.pod.metadata.name}: ${r.status}`).join(', ')})`);
    const budgets = await client.list(`/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`);
    for (const r of refused) {
      if (!/disruption budget/i.test(r.message)) throw new Error(`${r.pod.metadata.name}: refused for another reason: ${r.message}`);
      const covering = budgets.filter((b) => Object.entries(((b.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels) ?? {}).every(([k, v]) => r.pod.metadata.labels?.[k] === v));
      if (covering.length === 0 || covering.some((b) => num(b.status?.disruptionsAllowed) !== 0)) throw new Error(`${r.pod.metadata.name} was refused, but no budget covering it is at zero disruptions allowed`);
    }
    for (const r of second.filter((x) => x.status === 201)) {
      const p = await client.get(`/api/v1/namespaces/${ns}/pods/${r.pod.metadata.name}`);
      if (p && p.metadata.uid === r.pod.metadata.uid && !p.metadata.deletionTimestamp) throw new Error(`${r.pod.metadata.name}: eviction accepted but the pod is still there`);
    }
    lines.push(`${general[1]}: ${second.length - refused.length} evicted, ${refused.length} refused by their budgets (${refused.map((r) => r.pod.metadata.name).join(', ')})`);
  } finally {
    for (const n of general) kubectl(ctx.bin, state.kubeconfig, ['uncordon', n]);
  }
  await converged('the workloads after the drain');
  console.log(lines.map((l) => `     ${l}`).join('\n'));
}

/** The resource name of a kind, as the API's URLs spell it (for the kinds the pipeline writes). */
const plural = (kind: string) => {
  const k = kind.toLowerCase();
  return k.endsWith('s') ? `${k}es` : k.endsWith('y') ? `${k.slice(0, -1)}ies` : `${k}s`;
};

/** The manifests and prune flags of one synthesis of `values` (with `extend`), in a fresh folder. */
function synthTo(values: EnvironmentValues, extend?: ChartExtension): { dir: string; flags: string[]; cleanup: () => void } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-prune-'));
  writeAtomically(out, [synthesizeEnvironment(PROJECT, values, extend)]);
  const dir = path.join(out, values.name);
  return { dir, flags: fs.readFileSync(path.join(dir, PRUNE_FLAGS_FILE), 'utf8').trim().split('\n'), cleanup: () => fs.rmSync(out, { recursive: true, force: true }) };
}

/**
 * A component added in code (a ConfigMap and a NetworkPolicy: a kind kubectl's default prune
 * allowlist leaves out) is applied, removed from code, and the output applied again with the
 * documented `kubectl apply -f dist/<env> $(cat dist/<env>/prune-flags)`: exactly that component
 * is deleted; every other object keeps its uid, and the Secrets made by hand are untouched.
 */
async function pruneScenario(ctx: E2eContext, state: ClusterState, client: KubeClient, values: EnvironmentValues): Promise<void> {
  const ns = values.shop.namespace;
  const extra: ChartExtension = ({ apps }) => {
    const chart = apps.shop;
    new ApiObject(chart, 'e2e-extra-config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e2e-extra', namespace: ns }, data: { removed: 'soon' } });
    new ApiObject(chart, 'e2e-extra-policy', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'e2e-extra', namespace: ns }, spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'e2e-extra' } }, policyTypes: ['Ingress'] } });
  };
  const paths = ['/api/v1/namespaces/NS/configmaps/e2e-extra', '/apis/networking.k8s.io/v1/namespaces/NS/networkpolicies/e2e-extra'].map((p) => p.replace('NS', ns));
  const withExtra = synthTo(values, extra);
  const without = synthTo(values);
  try {
    clean(kubectl(ctx.bin, state.kubeconfig, ['apply', '-f', withExtra.dir, ...withExtra.flags]), 'apply with the extra component');
    for (const p of paths) if (!(await client.get(p))) throw new Error(`${p} was not created`);
    const ours = async () => {
      const found = new Map<string, string>();
      for (const kind of PRUNE_KINDS) {
        const [group, version, k] = kind.split('/');
        const base = group === 'core' ? `/api/${version}` : `/apis/${group}/${version}`;
        const r = await client.request<{ items?: KubeObject[] }>('GET', `${base}/${plural(k)}?labelSelector=${encodeURIComponent(`${ENVIRONMENT_LABEL}=${values.name}`)}`);
        if (r.status !== 200) throw new Error(`listing ${kind}: HTTP ${r.status}`);
        for (const o of r.body.items ?? []) found.set(`${k}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.uid!);
      }
      return found;
    };
    const before = await ours();
    const r = kubectl(ctx.bin, state.kubeconfig, ['apply', '-f', without.dir, ...without.flags]);
    clean(r, 'apply with the component removed');
    const pruned = r.stdout.split('\n').filter((l) => / pruned$/.test(l));
    await waitFor('the removed component to be deleted', async () => (await Promise.all(paths.map((p) => client.get(p)))).every((o) => o === undefined), 30_000);
    const after = await ours();
    const gone = [...before.keys()].filter((k) => !after.has(k));
    const replaced = [...after].filter(([k, uid]) => before.has(k) && before.get(k) !== uid).map(([k]) => k);
    if (JSON.stringify(gone.sort()) !== JSON.stringify([`ConfigMap/${ns}/e2e-extra`, `NetworkPolicy/${ns}/e2e-extra`])) throw new Error(`pruned [${gone.join(', ')}], expected exactly the ConfigMap and NetworkPolicy e2e-extra; kubectl said:\n${pruned.join('\n')}`);
    if (replaced.length) throw new Error(`recreated by the prune apply: ${replaced.join(', ')}`);
    for (const secret of [values.shop.database.credentialsSecret, values.shop.ingress.tls.secretName]) {
      if (!(await client.get(`/api/v1/namespaces/${ns}/secrets/${secret}`))) throw new Error(`the hand-made Secret ${secret} was pruned`);
    }
    console.log(`     ${pruned.length} pruned (${pruned.join('; ')}); ${after.size} objects of ours kept with their uids`);
  } finally {
    withExtra.cleanup();
    without.cleanup();
  }
}

/**
 * A BatchJob that reads a ConfigMap, applied with the prune flags: applied again unchanged, the
 * same Job stays (no new pod); with a changed ConfigMap value it is a new Job (its name carries its
 * spec's hash), the apply succeeds, and the old Job is pruned.
 */
async function jobScenario(ctx: E2eContext, state: ClusterState, client: KubeClient, values: EnvironmentValues): Promise<void> {
  const ns = values.shop.namespace;
  const pool = new NodePool(values.nodePools.find((p) => p.name === values.shop.web.nodePool) as NodePoolSpec);
  const withJob = (version: string): ChartExtension => ({ apps }) => {
    const chart = apps.shop;
    const settings = new AppConfig(chart, 'e2e-migrate-settings', { name: 'e2e-migrate', partOf: values.shop.app, namespace: ns, configMapName: 'e2e-migrate', data: { SCHEMA_VERSION: version } });
    new BatchJob(chart, 'e2e-migrate', {
      name: 'e2e-migrate', partOf: values.shop.app, namespace: ns, nodePool: pool, backoffLimit: 1, restartPolicy: 'Never',
      containers: [{ name: 'migrate', image: 'postgres:16.4-alpine3.20', command: ['true'], runAsUser: 70, runAsGroup: 70, resources: { cpu: { request: '10m', limit: '100m' }, memory: { request: '32Mi', limit: '64Mi' } } }],
      config: [{ source: settings, as: 'env', env: { SCHEMA_VERSION: 'SCHEMA_VERSION' } }],
    });
  };
  const jobsOf = async () => (await client.list(`/apis/batch/v1/namespaces/${ns}/jobs`)).filter((j) => j.metadata.name.startsWith('e2e-migrate-'));
  const complete = (name: string) => waitFor(`Job ${name} to complete`, async () => {
    const j = await client.get(`/apis/batch/v1/namespaces/${ns}/jobs/${name}`);
    return ((j?.status?.conditions ?? []) as Array<{ type: string; status: string }>).some((c) => c.type === 'Complete' && c.status === 'True');
  }, 60_000, () => recentWarnings(client, [ns]));
  const podsOf = async (job: string) => (await client.list(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(`job-name=${job}`)}`)).length;
  const v1 = synthTo(values, withJob('1'));
  const v2 = synthTo(values, withJob('2'));
  const plain = synthTo(values);
  try {
    clean(kubectl(ctx.bin, state.kubeconfig, ['apply', '-f', v1.dir, ...v1.flags]), 'the Job, first apply');
    const [first] = await jobsOf();
    if (!first) throw new Error('the Job was not created');
    await complete(first.metadata.name);
    const pods = await podsOf(first.metadata.name);
    clean(kubectl(ctx.bin, state.kubeconfig, ['apply', '-f', v1.dir, ...v1.flags]), 'the same output applied again');
    await sleep(2000);
    const again = await jobsOf();
    if (again.length !== 1 || again[0].metadata.uid !== first.metadata.uid) throw new Error(`applied again, the Jobs are [${again.map((j) => j.metadata.name).join(', ')}]: expected the same Job`);
    if ((await podsOf(first.metadata.name)) !== pods) throw new Error('applied again, the Job ran another pod');
    const r = kubectl(ctx.bin, state.kubeconfig, ['apply', '-f', v2.dir, ...v2.flags]);
    clean(r, 'the changed Job');
    const changed = await jobsOf();
    if (changed.length !== 1 || changed[0].metadata.name === first.metadata.name) throw new Error(`after the change, the Jobs are [${changed.map((j) => j.metadata.name).join(', ')}]: expected one new Job, the old one pruned`);
    await complete(changed[0].metadata.name);
    clean(kubectl(ctx.bin, state.kubeconfig, ['apply', '-f', plain.dir, ...plain.flags]), 'the output without the Job');
    await waitFor('the Job to be pruned', async () => (await jobsOf()).length === 0, 30_000);
    console.log(`     ${first.metadata.name} ran once, kept on a second apply; the change made ${changed[0].metadata.name}; both pruned in turn`);
  } finally {
    for (const o of [v1, v2, plain]) o.cleanup();
  }
}

/** A pod that meets the restricted profile, and the same pod made privileged. */
function testPod(ns: string, privileged: boolean): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: privileged ? 'e2e-privileged' : 'e2e-restricted', namespace: ns },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'main', image: 'registry.k8s.io/pause:3.9',
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } },
        securityContext: privileged
          ? { privileged: true }
          : { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
      }],
    },
  });
}

export async function podSecurityScenario(ctx: E2eContext, state: ClusterState, values: EnvironmentValues): Promise<void> {
  const { suite, bin } = ctx;
  suite.begin('Pod Security admission');
  const ns = values.shop.namespace;
  const existing = await new KubeClient(state).get(`/api/v1/namespaces/${ns}`);
  if (!existing) clean(kubectl(bin, state.kubeconfig, ['apply', '-f', path.join(ctx.root, 'dist', values.name, '00-namespaces.yaml')]), 'the namespaces');
  await suite.step(`a pod that meets the restricted profile is accepted in ${ns} (positive control, server dry run)`, () => {
    clean(kubectl(bin, state.kubeconfig, ['apply', '--dry-run=server', '-f', '-'], { input: testPod(ns, false) }), 'the restricted pod');
  });
  await suite.step(`a privileged pod is rejected by the API server in ${ns} (negative control)`, async () => {
    const r = kubectl(bin, state.kubeconfig, ['apply', '-f', '-'], { input: testPod(ns, true) });
    if (r.status === 0) throw new Error(`the privileged pod was accepted:\n${r.stdout}${r.stderr}`);
    if (!/violates PodSecurity "restricted/.test(r.stderr)) throw new Error(`rejected, but not by Pod Security admission:\n${r.stderr}`);
    await sleep(200);
    if (await new KubeClient(state).get(`/api/v1/namespaces/${ns}/pods/e2e-privileged`)) throw new Error('the privileged pod exists');
    console.log(`     ${r.stderr.trim().split('\n')[0].slice(0, 200)}`);
  });
}
