import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from './lib/errors';
import { AppIdentity, standardLabels } from './lib/labels';
import { check, dns1123SubdomainProblem, intProblem } from './lib/validate';

/** A count of pods or a percentage such as "25%". */
export type PodCount = number | `${number}%`;

export interface DisruptionBudgetProps extends AppIdentity {
  /** PDB name. @default - the identity name */
  readonly budgetName?: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** The pods it protects (the workload's stable selector labels). */
  readonly selector: Record<string, string>;
  /** Replicas of the workload, to reject a budget that would block every eviction. @default - unknown: only literal 0 / 100% are caught */
  readonly replicas?: number;
  /** Pods that must stay up; give at most one of minAvailable and maxUnavailable. @default - not set: maxUnavailable applies */
  readonly minAvailable?: PodCount;
  /** Pods that may be down at once. @default 1 when minAvailable is not set */
  readonly maxUnavailable?: PodCount;
  /**
   * Whether pods that are not yet healthy may be evicted anyway. AlwaysAllow keeps a crash-looping
   * pod from blocking `kubectl drain`.
   * @default "AlwaysAllow"
   */
  readonly unhealthyPodEvictionPolicy?: 'AlwaysAllow' | 'IfHealthyBudget';
}

/** The pods a count stands for out of `replicas`: a number as is, a percentage rounded up or down. */
export function podsOf(value: PodCount, replicas: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const pct = Number(value.slice(0, -1)) / 100;
  return roundUp ? Math.ceil(pct * replicas) : Math.floor(pct * replicas);
}

/** A count as the API's int-or-string. */
export function podCountValue(value: PodCount): k8s.IntOrString {
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}

/**
 * A PodDisruptionBudget that keeps `kubectl drain` and node upgrades safe, and never one that blocks
 * every eviction (which would stall node pool upgrades forever).
 */
export class DisruptionBudget extends Construct {
  public readonly budget: k8s.KubePodDisruptionBudget;

  public constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    const name = props.budgetName ?? props.name;
    check(this, 'budgetName', name, dns1123SubdomainProblem(name));
    if (props.minAvailable !== undefined && props.maxUnavailable !== undefined) {
      invalid(this, 'minAvailable', props.minAvailable, 'is set together with maxUnavailable', 'give only one of them');
    }
    const checkCount = (field: string, v: PodCount | undefined) => {
      if (v === undefined) return;
      if (typeof v === 'number') check(this, field, v, intProblem(v, 0));
      else if (!/^\d{1,3}%$/.test(v) || Number(v.slice(0, -1)) > 100) invalid(this, field, v, 'is not a percentage from 0% to 100%', 'use e.g. "25%" or a whole number');
    };
    checkCount('minAvailable', props.minAvailable);
    checkCount('maxUnavailable', props.maxUnavailable);
    const maxUnavailable = props.minAvailable === undefined ? (props.maxUnavailable ?? 1) : undefined;
    const blocked = props.replicas !== undefined
      ? (maxUnavailable !== undefined ? podsOf(maxUnavailable, props.replicas, true) === 0 : podsOf(props.minAvailable!, props.replicas, true) >= props.replicas)
      : maxUnavailable === 0 || maxUnavailable === '0%' || props.minAvailable === '100%';
    if (blocked) {
      invalid(this, maxUnavailable !== undefined ? 'maxUnavailable' : 'minAvailable', maxUnavailable ?? props.minAvailable,
        `blocks every voluntary eviction${props.replicas !== undefined ? ` of the ${props.replicas} replicas` : ''}, so nodes can never be drained`,
        props.replicas !== undefined && props.replicas < 2 ? 'run at least 2 replicas, or drop the budget for a single replica' : 'allow at least one pod to be evicted, e.g. maxUnavailable: 1');
    }
    this.budget = new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: { name, labels: standardLabels(props), ...(props.namespace ? { namespace: props.namespace } : {}) },
      spec: {
        selector: { matchLabels: props.selector },
        ...(maxUnavailable !== undefined ? { maxUnavailable: podCountValue(maxUnavailable) } : { minAvailable: podCountValue(props.minAvailable!) }),
        unhealthyPodEvictionPolicy: props.unhealthyPodEvictionPolicy ?? 'AlwaysAllow',
      },
    });
  }
}
