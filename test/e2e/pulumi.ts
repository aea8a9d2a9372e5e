/**
 * The Pulumi program through the real engine: the Pulumi CLI built from source, a local backend
 * with passphrase-encrypted secrets, the kubernetes provider built from source, and the dev stack
 * pointed at a local cluster through the existing-cluster configuration (bare nodes that the stack
 * labels and taints). ProgramTest's lifecycle: preview, up, a preview that must show no change, an
 * edit (one ConfigMap value), export, destroy.
 *
 * The program runs through the Automation API's inline mode: the engine talks to the language
 * server of @pulumi/pulumi in this process instead of the pulumi-language-nodejs plugin, which the
 * module proxy does not serve (toolchain/pins.ts). Engine, state, providers and SDK are the real ones.
 */
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from '@pulumi/pulumi/automation';
import { NodePool } from '../../constructs/node-pool';
import { loadEnvironment } from '../../environments';
import { deployStack } from '../../infra/program';
import { pulumiHome, toolchainRoot } from '../../toolchain/build';
import { PULUMI_VERSION } from '../../toolchain/pins';
import { livePods, recentWarnings, workloadProblems } from './checks';
import { down, up } from './cluster';
import { KubeClient, KubeObject, waitFor } from './kube';
import { startProvisioner } from './provisioner';
import { CLUSTERS, E2eContext } from './suite';

const PROJECT = 'k8s-stack';

/** The `config` values of the repository's Pulumi.yaml, as stack config (the inline program has its own project settings). */
function projectConfig(root: string): Record<string, { value: string }> {
  const project = parse(fs.readFileSync(path.join(root, 'Pulumi.yaml'), 'utf8')) as { config?: Record<string, { value?: unknown }> };
  return Object.fromEntries(Object.entries(project.config ?? {}).map(([k, v]) => [k, { value: typeof v?.value === 'string' ? v.value : JSON.stringify(v?.value) }]));
}

/** The resources an engine run touched, by operation (`same` left out). */
function changes(events: EngineEvent[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of events) {
    const meta = e.resOutputsEvent?.metadata;
    if (!meta || meta.op === 'same' || meta.op === 'read' || meta.op === 'refresh') continue;
    // Components (ConfigGroup, the stack) only echo their children's outputs: what touches the
    // cluster are the custom resources.
    if (meta.type === 'pulumi:pulumi:Stack' || meta.type === 'kubernetes:yaml:ConfigGroup' || meta.type.startsWith('k8sstack:')) continue;
    const name = `${meta.type}::${meta.urn.split('::').pop()}`;
    out.set(meta.op, [...(out.get(meta.op) ?? []), name]);
  }
  return out;
}

const podUids = async (client: KubeClient, ns: string) => new Map((await livePods(client, ns)).map((p) => [p.metadata.uid!, p.metadata.labels?.['app.kubernetes.io/name'] ?? p.metadata.name]));

export async function pulumiScenario(ctx: E2eContext): Promise<void> {
  const { suite, bin } = ctx;
  const values = loadEnvironment('dev');
  const namespaces = [values.namespace, values.systemNamespace];
  suite.begin('the Pulumi engine (dev stack, existing-cluster mode)');
  const state = await suite.value('local cluster shaped like dev up, its nodes bare (no pool labels or taints)', () => up({ name: CLUSTERS.pulumi, bin, environment: values, bareNodes: true }));
  if (!state) {
    suite.blocked('pulumi preview, up, preview --expect-no-changes, edit, export, destroy', 'the local cluster did not start');
    return;
  }
  const client = new KubeClient(state);
  const provisioner = startProvisioner(client, values.storage.provisioner);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-pulumi-'));
  const password = randomBytes(24).toString('hex');
  try {
    // A certificate of our own (the tls provider is not in the toolchain), made as the README makes one.
    execFileSync('openssl', ['req', '-x509', '-nodes', '-days', '365', '-newkey', 'rsa:2048', '-keyout', path.join(work, 'tls.key'), '-out', path.join(work, 'tls.crt'), '-subj', `/CN=${values.ingress.host}`], { stdio: 'ignore' });
    const tlsKey = fs.readFileSync(path.join(work, 'tls.key'), 'utf8');
    const tlsCert = fs.readFileSync(path.join(work, 'tls.crt'), 'utf8');
    const keyBody = tlsKey.split('\n')[1];

    const engineEnv: Record<string, string> = {
      PULUMI_HOME: pulumiHome(),
      PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString('hex'),
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      // Nothing may be downloaded: a missing plugin must fail the run, not fetch it.
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      // The plugin installed in PULUMI_HOME at the SDK's version, as a user's engine finds it, not
      // the copy in the toolchain's bin/ on PATH.
      PULUMI_IGNORE_AMBIENT_PLUGINS: 'true',
      KUBECONFIG: state.kubeconfig,
    };
    let stack: Stack | undefined;
    const program = (sets: string[] = []) => async () => deployStack('dev', sets);
    const ready = await suite.step(`stack dev on a local file backend, passphrase secrets, Pulumi CLI v${PULUMI_VERSION} from the toolchain`, async () => {
      fs.mkdirSync(path.join(work, 'state'));
      const pulumiCommand = await PulumiCommand.get({ root: toolchainRoot() });
      const ws = await LocalWorkspace.create({
        workDir: work,
        pulumiCommand,
        program: program(),
        secretsProvider: 'passphrase',
        projectSettings: { name: PROJECT, runtime: 'nodejs', backend: { url: `file://${path.join(work, 'state')}` } },
        envVars: engineEnv,
      });
      stack = await Stack.create('dev', ws);
      await stack.setAllConfig({
        'k8s-stack:kubeContext': { value: CLUSTERS.pulumi },
        'k8s-stack:nodeNames': { value: JSON.stringify(state.nodes) },
        'k8s-stack:dbPassword': { value: password, secret: true },
        'k8s-stack:tlsCert': { value: tlsCert, secret: true },
        'k8s-stack:tlsKey': { value: tlsKey, secret: true },
        // As Pulumi.yaml sets it for the CLI program: a Kubernetes object on a default provider fails.
        ...projectConfig(ctx.root),
      });
    });
    if (!ready || !stack) {
      suite.blocked('pulumi preview, up, edit, export, destroy', 'the stack could not be created');
      return;
    }
    const s = stack;
    const log = (what: string) => (line: string) => { if (/error|warning/i.test(line)) process.stdout.write(`     [${what}] ${line}`); };

    const previewed = await suite.step('pulumi preview plans the whole deployment', async () => {
      const r = await s.preview({ onOutput: log('preview') });
      const creates = r.changeSummary.create ?? 0;
      if (creates < 40) throw new Error(`preview plans ${creates} creates: ${JSON.stringify(r.changeSummary)}`);
      console.log(`     ${JSON.stringify(r.changeSummary)}`);
    });
    const upped = previewed && await suite.step('pulumi up converges, with the right stack outputs', async () => {
      const r = await s.up({ onOutput: log('up') });
      if (r.summary.result !== 'succeeded') throw new Error(`up: ${r.summary.result}`);
      const o = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value]));
      const expected = { environment: 'dev', clusterKind: 'minikube', namespace: values.namespace, kubeContext: CLUSTERS.pulumi, ingressUrl: `https://${values.ingress.host}`, databaseCredentialsSecret: values.database.credentialsSecret };
      for (const [k, v] of Object.entries(expected)) if (JSON.stringify(o[k]) !== JSON.stringify(v)) throw new Error(`output ${k} is ${JSON.stringify(o[k])}, expected ${JSON.stringify(v)}`);
      await waitFor('the deployed workloads to converge', async () => (await workloadProblems(client, namespaces)).length === 0, 120_000,
        async () => `${(await workloadProblems(client, namespaces)).join('\n')}\n${await recentWarnings(client, namespaces)}`);
      const nodes = await client.list('/api/v1/nodes');
      const pools = nodes.map((n) => `${n.metadata.name}=${n.metadata.labels?.[NodePool.POOL_LABEL] ?? '-'}${((n.spec as { taints?: unknown[] }).taints ?? []).length ? '(tainted)' : ''}`);
      if (nodes.some((n) => !n.metadata.labels?.[NodePool.POOL_LABEL])) throw new Error(`nodes without a pool label after up: ${pools.join(', ')}`);
      console.log(`     ${JSON.stringify(r.summary.resourceChanges)}; nodes ${pools.join(', ')}`);
    });
    if (!upped) {
      suite.blocked('preview --expect-no-changes, the ConfigMap edit, export, destroy', 'pulumi up did not converge');
    } else {
      await suite.step('a second pulumi preview --expect-no-changes passes', async () => {
        await s.preview({ expectNoChanges: true, onOutput: log('preview') });
      });
      await suite.step('pulumi stack export holds no plaintext secret (password, TLS key); --show-secrets shows they are there', () => {
        const exported = (...extra: string[]) => execFileSync(path.join(bin, 'pulumi'), ['stack', 'export', '--stack', 'dev', ...extra], { cwd: work, env: { ...process.env, ...engineEnv }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        const text = exported();
        // The provider keeps Secret data base64-encoded: that is plain text too.
        const forms = (v: string) => [v, Buffer.from(v).toString('base64')];
        const secrets = [['database password', forms(password)], ['TLS private key', [keyBody, Buffer.from(tlsKey).toString('base64')]]] as const;
        for (const [what, values] of secrets) {
          if (values.some((v) => text.includes(v))) throw new Error(`the ${what} is in the exported state in plain text`);
        }
        const ciphertexts = (text.match(/"ciphertext"/g) ?? []).length;
        if (ciphertexts === 0) throw new Error('no encrypted value in the exported state');
        // The control: decrypted, the same state does hold both, so the check above can fail.
        const shown = exported('--show-secrets');
        for (const [what, values] of secrets) if (!values.some((v) => shown.includes(v))) throw new Error(`the ${what} is not in the state at all, so its absence proves nothing`);
        console.log(`     ${ciphertexts} encrypted values; none in plain text`);
      });
      await suite.step('changing one ConfigMap value rolls exactly the pods that read it, and replaces nothing else', async () => {
        const before = await podUids(client, values.namespace);
        const events: EngineEvent[] = [];
        const r = await s.up({ program: program(['api.logLevel=info']), onEvent: (e) => events.push(e), onOutput: log('up') });
        if (r.summary.result !== 'succeeded') throw new Error(`up: ${r.summary.result}`);
        const changed = changes(events);
        const touched = [...changed.values()].flat();
        const allowed = (n: string) => /ConfigMap::.*api-settings$/.test(n) || /Deployment::.*api$/.test(n);
        const unexpected = touched.filter((n) => !allowed(n));
        if (unexpected.length) throw new Error(`the edit touched more than the ConfigMap and its reader: ${JSON.stringify(Object.fromEntries(changed))}`);
        if (!touched.some((n) => /Deployment::.*api$/.test(n))) throw new Error(`the api Deployment was not updated: ${JSON.stringify(Object.fromEntries(changed))}`);
        await waitFor('the api rollout', async () => (await workloadProblems(client, namespaces)).length === 0, 120_000, async () => (await workloadProblems(client, namespaces)).join('\n'));
        const after = await podUids(client, values.namespace);
        const kept = [...before].filter(([uid]) => after.has(uid)).map(([, app]) => app);
        const replaced = [...before].filter(([uid]) => !after.has(uid)).map(([, app]) => app);
        if (replaced.some((a) => a !== 'api') || !replaced.includes('api') || kept.includes('api')) throw new Error(`pods replaced: [${replaced.join(', ')}], kept: [${kept.join(', ')}]; expected exactly the api pods replaced`);
        const cm = await client.get<KubeObject & { data: Record<string, string> }>(`/api/v1/namespaces/${values.namespace}/configmaps/api-settings`);
        if (cm?.data.PODINFO_LEVEL !== 'info') throw new Error(`api-settings PODINFO_LEVEL is ${cm?.data.PODINFO_LEVEL}`);
        console.log(`     ${JSON.stringify(Object.fromEntries(changed))}; replaced pods: ${replaced.join(', ')}`);
      });
      await suite.step('pulumi destroy removes everything the stack created and leaves the nodes as it found them', async () => {
        s.workspace.program = program(['api.logLevel=info']);
        const r = await s.destroy({ onOutput: log('destroy') });
        if (r.summary.result !== 'succeeded') throw new Error(`destroy: ${r.summary.result}`);
        await waitFor('the namespaces to be gone', async () => {
          for (const ns of namespaces) if (await client.get(`/api/v1/namespaces/${ns}`)) return false;
          return true;
        }, 180_000);
        const leftovers: string[] = [];
        for (const [api, kind] of [['/apis/scheduling.k8s.io/v1/priorityclasses', 'PriorityClass'], ['/apis/storage.k8s.io/v1/storageclasses', 'StorageClass'], ['/apis/rbac.authorization.k8s.io/v1/clusterroles', 'ClusterRole'], ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', 'ClusterRoleBinding']]) {
          for (const o of await client.list(api)) if (o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'cdk8s' || o.metadata.name.startsWith(values.priorityPrefix)) leftovers.push(`${kind} ${o.metadata.name}`);
        }
        const nodes = await client.list('/api/v1/nodes');
        for (const n of nodes) {
          const ours = Object.keys(n.metadata.labels ?? {}).filter((k) => k.startsWith('k8s-stack.io/'));
          const taints = ((n.spec as { taints?: Array<{ key: string }> }).taints ?? []).filter((t) => t.key.startsWith('k8s-stack.io/'));
          if (ours.length || taints.length) leftovers.push(`Node ${n.metadata.name}: labels [${ours.join(', ')}], taints [${taints.map((t) => t.key).join(', ')}]`);
        }
        if (leftovers.length) throw new Error(`left behind:\n${leftovers.join('\n')}`);
      });
    }
  } finally {
    await provisioner.stop();
    fs.rmSync(work, { recursive: true, force: true });
    if (!ctx.keep) await suite.time(() => down(CLUSTERS.pulumi).then(() => undefined));
  }
}
