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
import { isDeepStrictEqual } from 'util';
import { parse } from 'yaml';
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from '@pulumi/pulumi/automation';
import { NodePool } from '../../constructs/node-pool';
import { PROJECT as ENVIRONMENTS_PROJECT, loadEnvironment } from '../../environments';
import { deployStack } from '../../infra/program';
import { synthesizeEnvironment } from '../../synth/synthesize';
import { pulumiHome, toolchainRoot } from '../../toolchain/build';
import { PULUMI_VERSION } from '../../toolchain/pins';
import { livePods, recentWarnings, workloadProblems } from './checks';
import { down, up } from './cluster';
import { KubeClient, KubeObject, waitFor } from './kube';
import { startProvisioner } from './provisioner';
import { environmentNamespaces } from './scenarios';
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

/** The steps each resource is planned for in a preview, by URN suffix (`same` and reads left out): a replacement is `replace` with its `create-replacement` and `delete-replaced`. */
function plannedOps(events: EngineEvent[]): Map<string, string> {
  const out = new Map<string, string[]>();
  for (const e of events) {
    const meta = e.resourcePreEvent?.metadata;
    if (!meta || meta.op === 'same' || meta.op === 'read') continue;
    const key = `${meta.type}::${meta.urn.split('::').pop()}`;
    out.set(key, [...new Set([...(out.get(key) ?? []), meta.op])]);
  }
  // One word per resource: a replacement, whatever order its steps came in, reads "replace".
  return new Map([...out].map(([k, ops]) => [k, ops.includes('replace') || ops.includes('create-replacement') ? 'replace' : ops.join('+')]));
}

const podUids = async (client: KubeClient, ns: string) => new Map((await livePods(client, ns)).map((p) => [p.metadata.uid!, p.metadata.labels?.['app.kubernetes.io/name'] ?? p.metadata.name]));

export async function pulumiScenario(ctx: E2eContext): Promise<void> {
  const { suite, bin } = ctx;
  const values = loadEnvironment('dev');
  const namespaces = environmentNamespaces(values);
  suite.begin('the Pulumi engine (dev stack, existing-cluster mode)');
  const state = await suite.value('local cluster shaped like dev up, its nodes bare (no pool labels or taints)', () => up({ name: CLUSTERS.pulumi, bin, environment: values, bareNodes: true }));
  if (!state) {
    suite.blocked('pulumi preview, up, preview --expect-no-changes, edit, export, destroy', 'the local cluster did not start');
    return;
  }
  let client = new KubeClient(state);
  let provisioner = startProvisioner(client, values.storage.provisioner);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-pulumi-'));
  const password = randomBytes(24).toString('hex');
  const redisPassword = randomBytes(24).toString('hex');
  try {
    // A certificate of our own (the tls provider is not in the toolchain), made as the README makes one.
    execFileSync('openssl', ['req', '-x509', '-nodes', '-days', '365', '-newkey', 'rsa:2048', '-keyout', path.join(work, 'tls.key'), '-out', path.join(work, 'tls.crt'), '-subj', `/CN=${values.shop.ingress.host}`], { stdio: 'ignore' });
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
        'k8s-stack:redisPassword': { value: redisPassword, secret: true },
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
      const expected = {
        environment: 'dev', clusterKind: 'minikube', kubeContext: CLUSTERS.pulumi,
        apps: {
          shop: { namespace: values.shop.namespace, ingressUrl: `https://${values.shop.ingress.host}`, tlsSecret: { name: values.shop.ingress.tls.secretName, source: 'self-signed' }, databaseCredentialsSecret: values.shop.database.credentialsSecret },
          tasks: { namespace: values.tasks.namespace, redisCredentialsSecret: values.tasks.redis.credentialsSecret },
        },
      };
      for (const [k, v] of Object.entries(expected)) if (!isDeepStrictEqual(o[k], v)) throw new Error(`output ${k} is ${JSON.stringify(o[k])}, expected ${JSON.stringify(v)}`);
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
      await suite.step('a node name that does not exist fails the update, naming it, and creates no phantom Node', async () => {
        const ghost = 'no-such-node';
        await s.setConfig('k8s-stack:nodeNames', { value: JSON.stringify([...state.nodes.slice(0, -1), ghost]) });
        try {
          let message = '';
          try {
            await s.up({ onOutput: () => undefined });
          } catch (e) {
            message = (e as Error).message;
          }
          if (!message) throw new Error('pulumi up succeeded with a node that does not exist');
          const line = message.split('\n').find((l) => l.includes(ghost) && /not (exist|found)/i.test(l));
          if (!line) throw new Error(`the failure does not name the missing node:\n${message.slice(-2000)}`);
          if (await client.get(`/api/v1/nodes/${ghost}`)) throw new Error(`a Node "${ghost}" was created`);
          console.log(`     ${line.trim().slice(0, 200)}`);
        } finally {
          await s.setConfig('k8s-stack:nodeNames', { value: JSON.stringify(state.nodes) });
        }
        // And the stack is whole again.
        await s.preview({ expectNoChanges: true, onOutput: log('preview') });
      });
      // Settings changed by the steps below and kept by the later ones (a shrink back would be refused).
      let keptSets: string[] = [];
      await suite.step('an immutable StorageClass field change is planned and applied as a replacement, not refused as an update', async () => {
        const sets = ['storage.reclaimPolicy=Retain', 'storage.allowVolumeExpansion=true'];
        const events: EngineEvent[] = [];
        // The provider's server-side dry run of the replacement is refused by the API server
        // (pulumi-kubernetes retries previews under another name only for "field is immutable";
        // StorageClass says "updates to reclaimPolicy are forbidden"): the plan is what is checked.
        let previewError = '';
        await s.preview({ program: program(sets), onEvent: (e) => events.push(e) }).catch((e: Error) => { previewError = e.message; });
        const ops = plannedOps(events);
        const storageClass = [...ops].find(([k]) => k.startsWith('kubernetes:storage.k8s.io/v1:StorageClass::'));
        if (storageClass?.[1] !== 'replace') throw new Error(`the StorageClass is planned as ${storageClass?.[1] ?? 'nothing'}, not replace: ${JSON.stringify(Object.fromEntries(ops))}`);
        if (previewError && !/updates to reclaimPolicy are forbidden/.test(previewError)) throw new Error(`preview failed for another reason:\n${previewError.slice(-1500)}`);
        const before = await client.get<KubeObject & { reclaimPolicy: string }>(`/apis/storage.k8s.io/v1/storageclasses/${values.storage.className}`);
        const r = await s.up({ program: program(sets), onOutput: log('up') });
        if (r.summary.result !== 'succeeded') throw new Error(`up: ${r.summary.result}`);
        const after = await client.get<KubeObject & { reclaimPolicy: string; allowVolumeExpansion: boolean }>(`/apis/storage.k8s.io/v1/storageclasses/${values.storage.className}`);
        if (after?.reclaimPolicy !== 'Retain' || after.metadata.uid === before?.metadata.uid) throw new Error(`StorageClass after up: reclaimPolicy ${after?.reclaimPolicy}, uid ${after?.metadata.uid === before?.metadata.uid ? 'unchanged' : 'new'}`);
        keptSets = sets;
        console.log(`     planned ${storageClass[1]}${previewError ? ' (the provider\'s dry run of it refused, as upstream)' : ''}; applied: ${JSON.stringify(r.summary.resourceChanges)}`);
      });
      await suite.step('a larger database size resizes its claim in place: the StatefulSet and its pod are kept', async () => {
        const sets = [...keptSets, 'shop.database.storageSize=3Gi'];
        const events: EngineEvent[] = [];
        await s.preview({ program: program(sets), onEvent: (e) => events.push(e) });
        const ops = plannedOps(events);
        const claim = [...ops].find(([k]) => k.startsWith('kubernetes:core/v1:PersistentVolumeClaimPatch::'));
        if (claim?.[1] !== 'update') throw new Error(`the claim resize is planned as ${claim?.[1] ?? 'nothing'}: ${JSON.stringify(Object.fromEntries(ops))}`);
        const others = [...ops].filter(([k]) => !k.startsWith('kubernetes:core/v1:PersistentVolumeClaimPatch::') && !k.startsWith('kubernetes:yaml:ConfigGroup::') && !k.startsWith('k8sstack:') && !k.startsWith('pulumi:pulumi:Stack'));
        if (others.length) throw new Error(`more than the claim is planned to change: ${JSON.stringify(Object.fromEntries(others))}`);
        const sts = await client.get(`/apis/apps/v1/namespaces/${values.shop.namespace}/statefulsets/db`);
        const pod = await client.get(`/api/v1/namespaces/${values.shop.namespace}/pods/db-0`);
        const r = await s.up({ program: program(sets), onOutput: log('up') });
        if (r.summary.result !== 'succeeded') throw new Error(`up: ${r.summary.result}`);
        const pvc = await client.get<KubeObject & { spec: { resources: { requests: { storage: string } } } }>(`/api/v1/namespaces/${values.shop.namespace}/persistentvolumeclaims/data-db-0`);
        if (pvc?.spec.resources.requests.storage !== '3Gi') throw new Error(`data-db-0 requests ${pvc?.spec.resources.requests.storage}, not 3Gi`);
        if ((await client.get(`/apis/apps/v1/namespaces/${values.shop.namespace}/statefulsets/db`))?.metadata.uid !== sts?.metadata.uid) throw new Error('the StatefulSet was replaced');
        if ((await client.get(`/api/v1/namespaces/${values.shop.namespace}/pods/db-0`))?.metadata.uid !== pod?.metadata.uid) throw new Error('the database pod was replaced');
        keptSets = sets;
        console.log(`     planned ${JSON.stringify(Object.fromEntries(ops))}; data-db-0 now requests 3Gi`);
      });
      await suite.step('pulumi stack export holds no plaintext secret (password, TLS key); --show-secrets shows they are there', () => {
        const exported = (...extra: string[]) => execFileSync(path.join(bin, 'pulumi'), ['stack', 'export', '--stack', 'dev', ...extra], { cwd: work, env: { ...process.env, ...engineEnv }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        const text = exported();
        // The provider keeps Secret data base64-encoded: that is plain text too.
        const forms = (v: string) => [v, Buffer.from(v).toString('base64')];
        const secrets = [['database password', forms(password)], ['Redis password', forms(redisPassword)], ['TLS private key', [keyBody, Buffer.from(tlsKey).toString('base64')]]] as const;
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
        const before = await podUids(client, values.shop.namespace);
        const events: EngineEvent[] = [];
        const cmBefore = await client.get(`/api/v1/namespaces/${values.shop.namespace}/configmaps/api-settings`);
        const r = await s.up({ program: program([...keptSets, 'shop.api.logLevel=info']), onEvent: (e) => events.push(e), onOutput: log('up') });
        if (r.summary.result !== 'succeeded') throw new Error(`up: ${r.summary.result}`);
        const changed = changes(events);
        // Updated in place (its uid kept: readers never see it missing), and before its reader.
        if (JSON.stringify(changed.get('update')?.filter((n) => n.includes('ConfigMap'))) !== JSON.stringify(['kubernetes:core/v1:ConfigMap::shop-dev/api-settings'])) throw new Error(`the ConfigMap was not updated in place: ${JSON.stringify(Object.fromEntries(changed))}`);
        const cmAfter = await client.get(`/api/v1/namespaces/${values.shop.namespace}/configmaps/api-settings`);
        if (cmAfter?.metadata.uid !== cmBefore?.metadata.uid) throw new Error('the ConfigMap was deleted and created again (its uid changed)');
        // The ConfigMap's update has finished (its outputs event) before the Deployment's starts.
        const cmDone = events.findIndex((e) => e.resOutputsEvent?.metadata.urn.endsWith('ConfigMap::shop-dev/api-settings'));
        const deploymentStart = events.findIndex((e) => e.resourcePreEvent?.metadata.op === 'update' && e.resourcePreEvent.metadata.urn.endsWith('Deployment::shop-dev/api'));
        if (cmDone < 0 || deploymentStart < cmDone) throw new Error(`the api Deployment's update started (event ${deploymentStart}) before its ConfigMap's finished (event ${cmDone})`);
        const touched = [...changed.values()].flat();
        const allowed = (n: string) => /ConfigMap::.*api-settings$/.test(n) || /Deployment::.*api$/.test(n);
        const unexpected = touched.filter((n) => !allowed(n));
        if (unexpected.length) throw new Error(`the edit touched more than the ConfigMap and its reader: ${JSON.stringify(Object.fromEntries(changed))}`);
        if (!touched.some((n) => /Deployment::.*api$/.test(n))) throw new Error(`the api Deployment was not updated: ${JSON.stringify(Object.fromEntries(changed))}`);
        await waitFor('the api rollout', async () => (await workloadProblems(client, namespaces)).length === 0, 120_000, async () => (await workloadProblems(client, namespaces)).join('\n'));
        const after = await podUids(client, values.shop.namespace);
        const kept = [...before].filter(([uid]) => after.has(uid)).map(([, app]) => app);
        const replaced = [...before].filter(([uid]) => !after.has(uid)).map(([, app]) => app);
        if (replaced.some((a) => a !== 'api') || !replaced.includes('api') || kept.includes('api')) throw new Error(`pods replaced: [${replaced.join(', ')}], kept: [${kept.join(', ')}]; expected exactly the api pods replaced`);
        const cm = await client.get<KubeObject & { data: Record<string, string> }>(`/api/v1/namespaces/${values.shop.namespace}/configmaps/api-settings`);
        if (cm?.data.PODINFO_LEVEL !== 'info') throw new Error(`api-settings PODINFO_LEVEL is ${cm?.data.PODINFO_LEVEL}`);
        console.log(`     ${JSON.stringify(Object.fromEntries(changed))}; replaced pods: ${replaced.join(', ')}`);
      });
      await suite.step('a new cluster behind the same context (a new kube-system uid) makes pulumi up recreate every object in it', async () => {
        const before = (await client.get(`/api/v1/namespaces/kube-system`))?.metadata.uid;
        await provisioner.stop();
        await down(CLUSTERS.pulumi);
        const again = await up({ name: CLUSTERS.pulumi, bin, environment: values, bareNodes: true });
        if (again.kubeconfig !== state.kubeconfig) throw new Error(`the new cluster's kubeconfig is ${again.kubeconfig}, not ${state.kubeconfig}`);
        client = new KubeClient(again);
        provisioner = startProvisioner(client, values.storage.provisioner);
        const after = (await client.get(`/api/v1/namespaces/kube-system`))?.metadata.uid;
        if (!before || !after || before === after) throw new Error(`kube-system uid ${before} -> ${after}: not a new cluster`);
        const events: EngineEvent[] = [];
        const r = await s.up({ program: program([...keptSets, 'shop.api.logLevel=info']), onEvent: (e) => events.push(e), onOutput: log('up') });
        if (r.summary.result !== 'succeeded') throw new Error(`up: ${r.summary.result}`);
        const replaced = r.summary.resourceChanges?.replace ?? 0;
        const objects = synthesizeEnvironment(ENVIRONMENTS_PROJECT, loadEnvironment('dev', [...keptSets, 'shop.api.logLevel=info'])).objects.length;
        if (replaced < objects) throw new Error(`only ${replaced} resources replaced, the stack deploys ${objects} objects: ${JSON.stringify(r.summary.resourceChanges)}`);
        await waitFor('the recreated workloads to converge', async () => (await workloadProblems(client, namespaces)).length === 0, 120_000,
          async () => `${(await workloadProblems(client, namespaces)).join('\n')}\n${await recentWarnings(client, namespaces)}`);
        const nodes = await client.list('/api/v1/nodes');
        if (nodes.some((n) => !n.metadata.labels?.[NodePool.POOL_LABEL])) throw new Error('the new nodes were not labelled');
        await s.preview({ program: program([...keptSets, 'shop.api.logLevel=info']), expectNoChanges: true, onOutput: log('preview') });
        console.log(`     kube-system ${before.slice(0, 8)} -> ${after.slice(0, 8)}; ${JSON.stringify(r.summary.resourceChanges)}`);
      });
      await suite.step('pulumi destroy removes everything the stack created and leaves the nodes as it found them', async () => {
        s.workspace.program = program([...keptSets, 'shop.api.logLevel=info']);
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
