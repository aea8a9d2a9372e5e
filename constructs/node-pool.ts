import { Construct, IConstruct } from 'constructs';
import { invalid, show } from './lib/errors';
import { check, dns1123LabelProblem, intProblem, labelKeyProblem, labelsProblem, labelValueProblem } from './lib/validate';

/** How a taint repels pods (`kubectl taint nodes n key=value:<effect>`). */
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
export const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** A taint every node of a pool carries. */
export interface NodeTaint {
  readonly key: string;
  /** @default - no value: tolerated with operator Exists */
  readonly value?: string;
  readonly effect: TaintEffect;
  /**
   * For NoExecute only: how long a pod that tolerates the taint keeps running once the taint
   * appears. Workloads that target the pool get this in their toleration.
   * @default - tolerated forever
   */
  readonly tolerationSeconds?: number;
}

/** A pod toleration as the Kubernetes API spells it. */
export interface Toleration {
  /** @default - every key (only with operator Exists) */
  readonly key?: string;
  /** @default "Equal" */
  readonly operator?: 'Equal' | 'Exists';
  /** @default "" */
  readonly value?: string;
  /** @default - every effect */
  readonly effect?: TaintEffect;
  /** For NoExecute: how long the pod stays once tainted. @default - forever */
  readonly tolerationSeconds?: number;
}

/**
 * One node pool: the single source of truth for both sides of dedicated scheduling. Workloads that
 * target it get its node affinity and a toleration for each taint; the Pulumi layer creates a GKE
 * node pool, or labels and taints minikube nodes, from the same description.
 */
export interface NodePoolSpec {
  /** Pool name (RFC 1123 label); also the GKE node pool name. */
  readonly name: string;
  /**
   * Labels of every node in the pool. With `selectBy: "poolLabel"` the pool label
   * {@link NodePool.POOL_LABEL} is added; with `selectBy: "labels"` they must be non-empty.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * How workloads find the nodes of the pool (their node affinity or `nodeSelector`).
   * "poolLabel": by `labels` plus the pool label `k8s-stack.io/pool=<name>`, which the Pulumi layer
   * puts on the nodes it creates or labels. "labels": by `labels` alone, for nodes this stack does
   * not create or label (a managed node group, a cluster run by another team).
   * @default "poolLabel"
   */
  readonly selectBy?: NodePoolSelection;
  /** Taints of every node in the pool. @default - none: any pod may land here */
  readonly taints?: NodeTaint[];
  /** GKE machine type. @default "e2-standard-2" */
  readonly machineType?: string;
  /** Cluster autoscaler lower bound (per zone on GKE). @default 1 */
  readonly minNodes?: number;
  /** Cluster autoscaler upper bound (per zone on GKE). @default 3 */
  readonly maxNodes?: number;
  /** Boot disk size in GB. @default 50 */
  readonly diskSizeGb?: number;
  /** Spot VMs (cheaper, preemptible). @default false */
  readonly spot?: boolean;
}

/** How workloads find the nodes of a pool: by the pool label as well as its labels, or by its labels alone. */
export type NodePoolSelection = 'poolLabel' | 'labels';
export const NODE_POOL_SELECTIONS: readonly NodePoolSelection[] = ['poolLabel', 'labels'];

/**
 * A validated node pool description. It writes no Kubernetes object: workloads read it for their
 * scheduling, and the Pulumi layer, which has no construct tree, for the nodes. Hence two forms:
 * `new NodePool(scope, id, spec)` in a chart, whose messages name the construct path, and
 * `new NodePool(spec)` anywhere else, whose messages name the pool.
 */
export class NodePool extends Construct {
  /** The label that names a node's pool on every cluster kind this library targets. */
  public static readonly POOL_LABEL = 'k8s-stack.io/pool';

  public readonly name: string;
  /** The labels workloads select the pool's nodes by: `labels`, plus the pool label unless `selectBy` is "labels". */
  public readonly labels: Readonly<Record<string, string>>;
  /** How workloads find the pool's nodes (see {@link NodePoolSpec.selectBy}). */
  public readonly selectBy: NodePoolSelection;
  public readonly taints: readonly NodeTaint[];
  public readonly machineType: string;
  public readonly minNodes: number;
  public readonly maxNodes: number;
  public readonly diskSizeGb: number;
  public readonly spot: boolean;

  public constructor(spec: NodePoolSpec);
  public constructor(scope: Construct, id: string, spec: NodePoolSpec);
  public constructor(...args: [NodePoolSpec] | [Construct, string, NodePoolSpec]) {
    const [scope, id, spec] = args.length === 3 ? args : [undefined, undefined, args[0]];
    const named = `nodePool ${show(spec.name)}`;
    // Without a scope, a root of its own: nothing in a chart's tree, and messages name the pool.
    super(scope as Construct, id ?? named);
    const where: IConstruct | string = scope ? this : named;
    check(where, 'name', spec.name, dns1123LabelProblem(spec.name, 40));
    check(where, 'labels', spec.labels, labelsProblem(spec.labels ?? {}));
    if (spec.labels?.[NodePool.POOL_LABEL] !== undefined && spec.labels[NodePool.POOL_LABEL] !== spec.name) {
      invalid(where, `labels["${NodePool.POOL_LABEL}"]`, spec.labels[NodePool.POOL_LABEL], 'differs from the pool name', 'leave it out: it is set to the pool name');
    }
    const selectBy = spec.selectBy ?? 'poolLabel';
    if (!NODE_POOL_SELECTIONS.includes(selectBy)) invalid(where, 'selectBy', selectBy, 'is not a way to select a pool', `use one of ${NODE_POOL_SELECTIONS.map((s) => `"${s}"`).join(', ')}`);
    if (selectBy === 'labels' && Object.keys(spec.labels ?? {}).length === 0) {
      invalid(where, 'labels', spec.labels ?? {}, 'is empty with selectBy "labels", so nothing would tell the pool\'s nodes apart', 'give the labels its nodes carry, e.g. { "cloud.google.com/gke-nodepool": "db" }, or leave selectBy out to select by the pool label');
    }
    const seen = new Set<string>();
    (spec.taints ?? []).forEach((t, i) => {
      const field = `taints[${i}]`;
      check(where, `${field}.key`, t.key, labelKeyProblem(t.key));
      if (t.value !== undefined) check(where, `${field}.value`, t.value, labelValueProblem(t.value));
      if (!TAINT_EFFECTS.includes(t.effect)) {
        invalid(where, `${field}.effect`, t.effect, 'is not a taint effect', 'use NoSchedule, PreferNoSchedule or NoExecute');
      }
      if (t.tolerationSeconds !== undefined) {
        if (t.effect !== 'NoExecute') invalid(where, `${field}.tolerationSeconds`, t.tolerationSeconds, `only applies to NoExecute taints, not ${t.effect}`, 'remove it or use effect NoExecute');
        check(where, `${field}.tolerationSeconds`, t.tolerationSeconds, intProblem(t.tolerationSeconds, 0));
      }
      const id = `${t.key}:${t.effect}`;
      if (seen.has(id)) invalid(where, `${field}`, `${t.key}=${t.value ?? ''}:${t.effect}`, 'repeats a key and effect already tainted', 'keep one taint per key and effect');
      seen.add(id);
    });
    this.minNodes = spec.minNodes ?? 1;
    this.maxNodes = spec.maxNodes ?? 3;
    check(where, 'minNodes', this.minNodes, intProblem(this.minNodes, 0, 1000));
    check(where, 'maxNodes', this.maxNodes, intProblem(this.maxNodes, 1, 1000));
    if (this.minNodes > this.maxNodes) invalid(where, 'minNodes', this.minNodes, `is above maxNodes ${this.maxNodes}`, 'lower minNodes or raise maxNodes');
    this.diskSizeGb = spec.diskSizeGb ?? 50;
    check(where, 'diskSizeGb', this.diskSizeGb, intProblem(this.diskSizeGb, 10, 65536));

    this.name = spec.name;
    this.selectBy = selectBy;
    this.labels = selectBy === 'labels' ? { ...spec.labels } : { ...spec.labels, [NodePool.POOL_LABEL]: spec.name };
    this.taints = [...(spec.taints ?? [])];
    this.machineType = spec.machineType ?? 'e2-standard-2';
    this.spot = spec.spot ?? false;
  }

  /**
   * The pool as data, for JSON.stringify (a BatchJob's spec hash reads its `nodePool` so): the
   * description, never the construct tree, with the keys of the time before NodePool was a
   * construct, so that the hashes, and the Job names made from them, stay what they were.
   */
  public toJSON(): Record<string, unknown> {
    return {
      name: this.name, labels: this.labels, taints: this.taints, machineType: this.machineType,
      minNodes: this.minNodes, maxNodes: this.maxNodes, diskSizeGb: this.diskSizeGb, spot: this.spot,
      ...(this.selectBy !== 'poolLabel' ? { selectBy: this.selectBy } : {}),
    };
  }

  /** One toleration per taint: what a pod needs to be scheduled (and to stay) on this pool. */
  public tolerations(): Toleration[] {
    return this.taints.map((t) => ({
      key: t.key,
      operator: t.value === undefined ? 'Exists' : 'Equal',
      ...(t.value !== undefined ? { value: t.value } : {}),
      effect: t.effect,
      ...(t.tolerationSeconds !== undefined ? { tolerationSeconds: t.tolerationSeconds } : {}),
    }));
  }

  /** The taints of this pool that `tolerations` do not tolerate (Kubernetes matching rules). */
  public untolerated(tolerations: readonly Toleration[]): NodeTaint[] {
    return this.taints.filter((t) => !tolerations.some((tol) => tolerates(tol, t)));
  }
}

/** Whether one toleration tolerates one taint, as the scheduler decides it. */
export function tolerates(tol: Toleration, taint: NodeTaint): boolean {
  if (tol.effect !== undefined && tol.effect !== taint.effect) return false;
  if (tol.key === undefined || tol.key === '') return tol.operator === 'Exists';
  if (tol.key !== taint.key) return false;
  if ((tol.operator ?? 'Equal') === 'Exists') return true;
  return (tol.value ?? '') === (taint.value ?? '');
}

/** `key=value:Effect`, as kubectl prints a taint. */
export function formatTaint(t: NodeTaint): string {
  return `${t.key}${t.value !== undefined ? `=${t.value}` : ''}:${t.effect}`;
}
