import type { NodePool } from '../constructs/node-pool';

/** One node of a local cluster and the pool whose labels and taints it carries. */
export interface NodeAssignment {
  readonly node: string;
  readonly pool: NodePool;
}

/** The node names `minikube start -p <profile> --nodes <count>` creates: `<profile>`, `<profile>-m02`, ... */
export function minikubeNodeNames(profile: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? profile : `${profile}-m${String(i + 1).padStart(2, '0')}`));
}

/**
 * Gives each node a pool so that dedicated pools behave locally as on GKE. Pools are taken in their
 * order, untainted pools first, each with its `minNodes` (at least one node, so every pool exists);
 * nodes left over go to the untainted pools up to their `maxNodes`. The first node is the control
 * plane, which runs the ingress controller and coredns: it never gets a tainted pool, since a
 * NoSchedule taint there would leave them nowhere to go after a restart.
 */
export function assignNodesToPools(nodes: readonly string[], pools: readonly NodePool[]): NodeAssignment[] {
  const where = `minikube nodes [${nodes.join(', ')}]`;
  const open = pools.filter((p) => p.taints.length === 0);
  const dedicated = pools.filter((p) => p.taints.length > 0);
  if (open.length === 0) {
    throw new Error(`${where}: every node pool (${pools.map((p) => p.name).join(', ')}) is tainted, so the control-plane node "${nodes[0]}" would be too; add an untainted pool for the ingress controller and coredns`);
  }
  const ordered = [...open, ...dedicated];
  const counts = ordered.map((p) => Math.max(p.minNodes, 1));
  const needed = counts.reduce((a, b) => a + b, 0);
  if (needed > nodes.length) {
    throw new Error(`${where}: the pools need ${needed} nodes (${ordered.map((p, i) => `${p.name} ${counts[i]}`).join(', ')}) but the cluster has ${nodes.length}; raise cluster.minikube.nodes to ${needed}`);
  }
  let spare = nodes.length - needed;
  open.forEach((p, i) => {
    const extra = Math.min(spare, Math.max(p.maxNodes - counts[i], 0));
    counts[i] += extra;
    spare -= extra;
  });
  if (spare > 0) {
    const room = nodes.length - spare;
    throw new Error(`${where}: ${nodes.length} nodes but the untainted pools hold at most ${room} of them (maxNodes); lower cluster.minikube.nodes to ${room} or raise maxNodes`);
  }
  const out: NodeAssignment[] = [];
  let next = 0;
  ordered.forEach((pool, i) => {
    for (let n = 0; n < counts[i]; n++) out.push({ node: nodes[next++], pool });
  });
  return out;
}
