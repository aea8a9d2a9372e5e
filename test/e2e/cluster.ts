/**
 * A local Kubernetes control plane shaped like an environment: etcd, kube-apiserver (Pod Security
 * admission and the usual admission plugins on), kube-controller-manager, kube-scheduler and kwok
 * as plain processes on 127.0.0.1, with one fake node per node the environment's pools would have.
 * kwok plays the kubelets: pods are scheduled, become Running, and Job pods Succeed, with no
 * container anywhere. Nothing listens on or connects to any address but 127.0.0.1: the API server
 * does not publish its own endpoint, kwok gives every node the loopback address, and pod and
 * Service IPs are allocated but never connected to.
 *
 * State (pids, ports, data, kubeconfig) lives in a folder outside the repository; `down` stops
 * exactly the processes `up` started, by pid, and removes the folder.
 */
import { ChildProcess, spawn } from 'child_process';
import { generateKeyPairSync, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { NodePool, NodePoolSpec } from '../../constructs/node-pool';
import { EnvironmentValues } from '../../environments';
import { assignNodesToPools, minikubeNodeNames } from '../../infra/minikube-nodes';
import { Fatal, KubeClient, KubeEndpoint, KubeObject, waitFor } from './kube';

/** The label and annotation kwok selects the nodes it plays by. */
export const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface FakeNode {
  readonly name: string;
  /** The pool whose labels and taints it carries (also when created bare, for the test's expectations). */
  readonly pool: NodePool;
  readonly zone: string;
  readonly cpu: string;
  readonly memory: string;
}

/** vCPUs and memory of the machine types the environments use; others by their `-<n>` suffix. */
function machineSize(machineType: string): { cpu: string; memory: string } {
  const n = Number(/-(\d+)$/.exec(machineType)?.[1] ?? 2);
  return { cpu: String(n), memory: `${n * 4}Gi` };
}

/**
 * The nodes the environment's cluster would have at its smallest: for minikube the profile's nodes
 * with the pool assignment the Pulumi program applies; for GKE each pool's `minNodes` (at least one,
 * so every pool exists). Nodes are spread over three zones of the environment's region.
 */
export function environmentNodes(values: EnvironmentValues): FakeNode[] {
  const pools = values.nodePools.map((p) => new NodePool(p as NodePoolSpec));
  if (values.cluster.kind === 'minikube') {
    const m = values.cluster.minikube!;
    const zones = ['a', 'b', 'c'].map((z) => `local-${z}`);
    const memory = `${Number(/^(\d+)/.exec(m.memory)?.[1] ?? 4)}Gi`;
    return assignNodesToPools(minikubeNodeNames(m.profile, m.nodes), pools).map(({ node, pool }, i) => ({ name: node, pool, zone: zones[i % 3], cpu: String(m.cpus), memory }));
  }
  const g = values.cluster.gke!;
  const zones = ['a', 'b', 'c'].map((z) => `${g.region}-${z}`);
  const out: FakeNode[] = [];
  for (const pool of pools) {
    for (let i = 0; i < Math.max(pool.minNodes, 1); i++) out.push({ name: `${g.name}-${pool.name}-${i}`, pool, zone: zones[out.length % 3], ...machineSize(pool.machineType) });
  }
  return out;
}

/** The Node object kwok takes over. `bare`: without the pool's labels and taints (Pulumi adds those). */
export function nodeObject(n: FakeNode, region: string, bare: boolean): KubeObject {
  const allocatable = { cpu: n.cpu, memory: n.memory, pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      annotations: { [KWOK_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': n.pool.machineType,
        [ZONE_LABEL]: n.zone,
        'topology.kubernetes.io/region': region,
        type: 'kwok',
        ...(bare ? {} : n.pool.labels),
      },
    },
    spec: bare || n.pool.taints.length === 0 ? {} : { taints: n.pool.taints.map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect })) },
    status: { capacity: allocatable, allocatable },
  };
}

export interface ClusterOptions {
  /** Cluster name: its state folder. @default "k8s-stack" */
  readonly name?: string;
  /** The toolchain's bin folder. */
  readonly bin: string;
  /** The API server binary in bin/. @default "kube-apiserver" */
  readonly apiServer?: string;
  /**
   * `full`: controllers, scheduler, kwok and nodes; `api`: etcd and the API server only (enough
   * for server-side validation). @default "full"
   */
  readonly mode?: 'full' | 'api';
  /** The environment whose nodes to create (full mode). */
  readonly environment?: EnvironmentValues;
  /** Create the nodes without pool labels and taints. @default false */
  readonly bareNodes?: boolean;
}

interface ProcessRecord {
  readonly name: string;
  readonly pid: number;
}

/** What `up` records in the state folder; `down` and other commands read it. */
export interface ClusterState extends KubeEndpoint {
  readonly name: string;
  readonly dir: string;
  readonly processes: ProcessRecord[];
  readonly nodes: string[];
  readonly environment?: string;
  readonly apiServer: string;
}

export function clustersDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'k8s-stack', 'clusters');
}

export function readState(name = 'k8s-stack'): ClusterState | undefined {
  const file = path.join(clustersDir(), name, 'state.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterState) : undefined;
}

/** A free TCP port on 127.0.0.1 (the kernel's choice). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the recorded processes (SIGTERM, then SIGKILL after 10 s), in reverse start order, by pid. */
export async function stopProcesses(processes: readonly ProcessRecord[]): Promise<void> {
  for (const p of [...processes].reverse()) {
    if (!alive(p.pid)) continue;
    try {
      process.kill(p.pid, 'SIGTERM');
    } catch { /* gone */ }
    const deadline = Date.now() + 10_000;
    while (alive(p.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(p.pid)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch { /* gone */ }
    }
  }
}

/** Stops a cluster started by `up` and removes its folder. A cluster that is not there is fine. */
export async function down(name = 'k8s-stack'): Promise<boolean> {
  const state = readState(name);
  const dir = path.join(clustersDir(), name);
  // A start that was killed half-way left only its pid list.
  const pids = path.join(dir, 'pids.json');
  const processes = state?.processes ?? (fs.existsSync(pids) ? (JSON.parse(fs.readFileSync(pids, 'utf8')) as ProcessRecord[]) : []);
  await stopProcesses(processes);
  const existed = fs.existsSync(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return existed;
}

/** Starts a cluster; on any failure stops what it started and removes its folder. */
export async function up(opts: ClusterOptions): Promise<ClusterState> {
  const name = opts.name ?? 'k8s-stack';
  const mode = opts.mode ?? 'full';
  const apiServer = opts.apiServer ?? 'kube-apiserver';
  if (mode === 'full' && !opts.environment) throw new Error(`cluster ${name}: a full cluster needs an environment for its nodes`);
  const dir = path.join(clustersDir(), name);
  // Up, or being started by another process right now: its pids are recorded before anything runs.
  const pidsFile = path.join(dir, 'pids.json');
  const existing = readState(name);
  const recorded = existing?.processes ?? (fs.existsSync(pidsFile) ? (JSON.parse(fs.readFileSync(pidsFile, 'utf8')) as ProcessRecord[]) : []);
  if (existing || recorded.some((p) => alive(p.pid))) throw new Error(`cluster "${name}" is already up (${dir}); run "npm run cluster -- down${name === 'k8s-stack' ? '' : ` --name ${name}`}" first`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });

  const processes: ProcessRecord[] = [];
  const children: ChildProcess[] = [];
  const start = (proc: string, binary: string, args: string[]) => {
    const log = fs.openSync(path.join(dir, 'logs', `${proc}.log`), 'a');
    const child = spawn(path.join(opts.bin, binary), args, { detached: true, stdio: ['ignore', log, log], cwd: dir });
    fs.closeSync(log);
    if (child.pid === undefined) throw new Error(`cluster ${name}: could not start ${binary}`);
    child.unref();
    children.push(child);
    processes.push({ name: proc, pid: child.pid });
    // Record every pid as soon as it exists, so `down` can stop a half-started cluster.
    fs.writeFileSync(path.join(dir, 'pids.json'), JSON.stringify(processes));
  };
  const exited = (proc: string) => {
    const c = children[processes.findIndex((p) => p.name === proc)];
    return c.exitCode !== null || c.signalCode !== null;
  };
  const logTail = (proc: string) => fs.readFileSync(path.join(dir, 'logs', `${proc}.log`), 'utf8').split('\n').slice(-15).join('\n');

  try {
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    start('etcd', 'etcd', [
      '--name', 'default', '--data-dir', path.join(dir, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${etcdClient}`, '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster', `default=http://127.0.0.1:${etcdPeer}`,
      // A test cluster: losing its data on a power cut is fine, waiting for fsync is not.
      '--unsafe-no-fsync', '--log-level', 'warn',
    ]);
    await waitFor('etcd to be healthy', async () => {
      if (exited('etcd')) throw new Fatal(`etcd exited:\n${logTail('etcd')}`);
      const res = await fetch(`http://127.0.0.1:${etcdClient}/health`).catch(() => undefined);
      return res?.ok;
    }, 30_000);

    const token = randomBytes(24).toString('hex');
    const pki = path.join(dir, 'pki');
    fs.mkdirSync(pki);
    fs.writeFileSync(path.join(dir, 'tokens.csv'), `${token},admin,admin,system:masters\n`, { mode: 0o600 });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    fs.writeFileSync(path.join(pki, 'sa.key'), privateKey, { mode: 0o600 });
    fs.writeFileSync(path.join(pki, 'sa.pub'), publicKey);

    start('kube-apiserver', apiServer, [
      '--etcd-servers', `http://127.0.0.1:${etcdClient}`,
      '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1', '--secure-port', String(apiPort),
      // The API server writes a self-signed serving certificate for 127.0.0.1 and localhost here.
      '--cert-dir', pki,
      '--token-auth-file', path.join(dir, 'tokens.csv'),
      '--authorization-mode', 'Node,RBAC',
      // The plugins a GKE or kubeadm cluster runs on top of the defaults (which include PodSecurity,
      // LimitRanger, ResourceQuota, Priority, DefaultStorageClass and the webhooks).
      '--enable-admission-plugins', 'NodeRestriction',
      '--allow-privileged=true',
      '--service-account-issuer', 'https://kubernetes.default.svc.cluster.local',
      '--service-account-key-file', path.join(pki, 'sa.pub'),
      '--service-account-signing-key-file', path.join(pki, 'sa.key'),
      '--service-cluster-ip-range', '10.96.0.0/16',
      // The API server must not publish 127.0.0.1 as the endpoint of the kubernetes Service.
      '--endpoint-reconciler-type', 'none',
      '--profiling=false',
    ]);
    const caFile = path.join(pki, 'apiserver.crt');
    const kubeconfig = path.join(dir, 'kubeconfig');
    const server = `https://127.0.0.1:${apiPort}`;
    await waitFor('the API server certificate', async () => {
      if (exited('kube-apiserver')) throw new Fatal(`kube-apiserver exited:\n${logTail('kube-apiserver')}`);
      return fs.existsSync(caFile);
    }, 60_000);
    fs.writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config',
      'clusters:', `- name: ${name}`, '  cluster:', `    server: ${server}`, `    certificate-authority: ${caFile}`,
      'users:', '- name: admin', '  user:', `    token: ${token}`,
      'contexts:', `- name: ${name}`, '  context:', `    cluster: ${name}`, '    user: admin',
      `current-context: ${name}`, '',
    ].join('\n'), { mode: 0o600 });
    const endpoint: KubeEndpoint = { server, token, caFile, kubeconfig };
    const client = new KubeClient(endpoint);
    await waitFor('the API server to be ready', async () => {
      if (exited('kube-apiserver')) throw new Fatal(`kube-apiserver exited:\n${logTail('kube-apiserver')}`);
      return (await client.request('GET', '/readyz')).status === 200;
    }, 90_000, async () => logTail('kube-apiserver'));

    let nodes: FakeNode[] = [];
    if (mode === 'full') {
      start('kube-controller-manager', 'kube-controller-manager', [
        '--kubeconfig', kubeconfig, '--leader-elect=false',
        // No HTTPS endpoint of its own: nothing here scrapes it.
        '--secure-port', '0',
        '--service-account-private-key-file', path.join(pki, 'sa.key'),
        '--root-ca-file', caFile,
        '--use-service-account-credentials=true',
        '--cluster-name', name,
        // Nodes that stop reporting are noticed in 20 s, not 40: the drain scenario waits on it.
        '--node-monitor-grace-period', '20s',
        // Autoscalers raise workloads to their floor on their first sync: every 5 s instead of 15.
        '--horizontal-pod-autoscaler-sync-period', '5s',
      ]);
      start('kube-scheduler', 'kube-scheduler', ['--kubeconfig', kubeconfig, '--leader-elect=false', '--secure-port', '0']);
      start('kwok', 'kwok', [
        '--kubeconfig', kubeconfig,
        '--manage-all-nodes=false', '--manage-nodes-with-annotation-selector', `${KWOK_ANNOTATION}=fake`,
        // Every node answers on loopback, should anything ever try to reach one.
        '--node-ip', '127.0.0.1', '--cidr', '10.244.0.1/16',
        '--node-lease-duration-seconds', '40',
      ]);

      const values = opts.environment!;
      nodes = environmentNodes(values);
      const region = values.cluster.kind === 'gke' ? values.cluster.gke!.region : 'local';
      for (const n of nodes) await client.create('/api/v1/nodes', nodeObject(n, region, opts.bareNodes ?? false));
      await waitFor(`${nodes.length} nodes to be Ready`, async () => {
        for (const proc of ['kube-controller-manager', 'kube-scheduler', 'kwok']) if (exited(proc)) throw new Fatal(`${proc} exited:\n${logTail(proc)}`);
        const list = await client.list('/api/v1/nodes');
        const ready = list.filter((n) => ((n.status?.conditions ?? []) as Array<{ type: string; status: string }>).some((c) => c.type === 'Ready' && c.status === 'True'));
        return ready.length === nodes.length;
      }, 60_000);
      // Pods need the default ServiceAccount of a namespace, which the controller manager creates.
      await waitFor('the default ServiceAccount', async () => (await client.get('/api/v1/namespaces/default/serviceaccounts/default')) !== undefined, 60_000);
    }

    const state: ClusterState = {
      name, dir, processes, ...endpoint, apiServer,
      nodes: nodes.map((n) => n.name),
      ...(opts.environment ? { environment: opts.environment.name } : {}),
    };
    fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify(state, null, 2));
    return state;
  } catch (e) {
    await stopProcesses(processes);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
