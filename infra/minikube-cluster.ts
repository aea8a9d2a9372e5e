import * as command from '@pulumi/command';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { NodePool } from '../constructs/node-pool';
import { clusterProvider } from './cluster-provider';
import { assignNodesToPools, minikubeNodeNames } from './minikube-nodes';

export interface MinikubeClusterArgs {
  /** The minikube profile; also the kubeconfig context minikube writes. */
  readonly profile: string;
  /** Nodes to start; node-pool labels and taints are applied to them. */
  readonly nodes: number;
  /** Kubernetes version without the "v", e.g. "1.28.15". */
  readonly kubernetesVersion: string;
  readonly cpus: number;
  /** Memory per node as minikube takes it, e.g. "4g". */
  readonly memory: string;
  readonly driver: string;
  /** CNI plugin (`--cni`); one that enforces NetworkPolicy. */
  readonly cni: string;
  /** The pools whose labels and taints the nodes get. */
  readonly nodePools: readonly NodePool[];
  /** minikube addons to enable. @default ["ingress", "metrics-server"] */
  readonly addons?: readonly string[];
  /**
   * Deploy into this existing kubeconfig context instead of starting (and on destroy deleting)
   * the profile. No addon is enabled then.
   * @default - start the profile
   */
  readonly kubeContext?: string;
  /**
   * The nodes of `kubeContext`, control-plane node first.
   * @default - the names minikube gives the nodes of a profile named like the context
   */
  readonly nodeNames?: readonly string[];
}

/**
 * A local cluster: `minikube start` with the environment's shape and addons (or an existing
 * context), a Kubernetes provider for it, and the node-pool labels and taints applied to its nodes
 * so that dedicated pools and the workloads that tolerate them behave as on GKE.
 */
export class MinikubeCluster extends pulumi.ComponentResource {
  /** The kubeconfig context deployed into. */
  public readonly context: string;
  public readonly provider: k8s.Provider;
  /** The uid of the cluster's kube-system namespace, the provider's identity (cluster-provider.ts). */
  public readonly identity: pulumi.Output<string>;
  /** The nodes as read before they are patched: a name that does not exist fails here, not as a phantom Node. */
  public readonly nodes: k8s.core.v1.Node[];
  /** `minikube start` and the addon commands; empty for an existing context. */
  public readonly commands: command.local.Command[];
  /** One label-and-taint patch per node. */
  public readonly nodePatches: k8s.core.v1.NodePatch[];
  /** What workloads must wait for: nodes that carry their pool's labels and taints. */
  public readonly readiness: pulumi.Resource[];
  /** Whether this component enabled an ingress controller (so Ingress objects get an address). */
  public readonly managesIngressController: boolean;

  public constructor(name: string, args: MinikubeClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('k8sstack:infra:MinikubeCluster', name, {}, opts);
    const addons = args.addons ?? ['ingress', 'metrics-server'];
    const existing = args.kubeContext !== undefined;
    this.context = args.kubeContext ?? args.profile;
    const nodes = args.nodeNames ? [...args.nodeNames] : minikubeNodeNames(this.context, args.nodes);
    // Validated before anything is declared: a bad layout must not start a cluster.
    let assignments: ReturnType<typeof assignNodesToPools>;
    try {
      assignments = assignNodesToPools(nodes, args.nodePools);
    } catch (e) {
      throw new pulumi.ResourceError((e as Error).message, this, true);
    }

    this.commands = [];
    if (!existing) {
      // The profile, version and sizes come from validated environment values (DNS labels, digits),
      // so the command lines need no quoting and read exactly as a user would type them.
      const start = `minikube start -p ${args.profile} --nodes ${args.nodes} --kubernetes-version v${args.kubernetesVersion} --cpus ${args.cpus} --memory ${args.memory} --driver ${args.driver} --cni ${args.cni}`;
      const cluster = new command.local.Command(`${name}-start`, {
        create: start,
        delete: `minikube delete -p ${args.profile}`,
        // minikube cannot reshape a running profile: a changed command recreates it, deleting first
        // since the old and new cluster share the profile name.
        triggers: [start],
      }, { parent: this, deleteBeforeReplace: true });
      this.commands.push(cluster);
      let previous = cluster;
      for (const addon of addons) {
        // One at a time: concurrent addon commands race on the profile's config file.
        previous = new command.local.Command(`${name}-addon-${addon}`, {
          create: `minikube addons enable ${addon} -p ${args.profile}`,
          triggers: [start],
        }, { parent: this, dependsOn: [previous] });
        this.commands.push(previous);
      }
    }
    this.managesIngressController = !existing && addons.includes('ingress');

    // The profile this program starts is throwaway: once it is stopped or deleted, refresh and
    // destroy drop its objects from state instead of failing. An existing cluster is not ours to forget.
    const started = this.commands[0] as command.local.Command | undefined;
    const target = clusterProvider(`${name}-k8s`, {
      connection: { context: this.context },
      ...(started ? { ready: started.stdout, deleteUnreachable: true } : {}),
      dependsOn: this.commands,
    }, this);
    this.provider = target.provider;
    this.identity = target.identity;

    this.nodes = [];
    this.nodePatches = assignments.map(({ node, pool }) => {
      // Read first: a server-side apply patch of a missing Node would create one (a phantom that
      // never runs a pod and outlives destroy). The patch names the uid it read, so it only ever
      // changes that node.
      const live = k8s.core.v1.Node.get(`${name}-node-${node}-live`, started ? started.stdout.apply(() => node) : node, { parent: this, provider: this.provider });
      this.nodes.push(live);
      return new k8s.core.v1.NodePatch(`${name}-node-${node}`, {
        metadata: { name: node, uid: live.metadata.uid, labels: { ...pool.labels } },
        // Untainted pools leave spec.taints alone: the list is atomic, and the node controller's
        // transient taints (not-ready, unreachable) must stay its own.
        ...(pool.taints.length > 0 ? { spec: { taints: pool.taints.map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect })) } } : {}),
      }, { parent: this, provider: this.provider });
    });
    this.readiness = [...this.nodePatches];

    this.registerOutputs({ context: this.context, nodes: assignments.map((a) => ({ node: a.node, pool: a.pool.name })) });
  }
}
