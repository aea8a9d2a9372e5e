import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from './lib/errors';
import { MANAGED_BY } from './lib/labels';
import { clusterScoped } from './lib/patch';
import { check, dns1123LabelProblem, dns1123SubdomainProblem, intProblem } from './lib/validate';

/** One scheduling tier. */
export interface PriorityTier {
  /** Tier name, e.g. "critical"; the PriorityClass is named `<prefix>-<name>`. */
  readonly name: string;
  /** Higher schedules first and may preempt lower; user classes go up to 1,000,000,000. */
  readonly value: number;
  /** Whether pods of this tier evict lower-priority pods to make room. @default "PreemptLowerPriority" */
  readonly preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  /** What the tier is for, shown by `kubectl describe priorityclass`. */
  readonly description: string;
  /**
   * The priority of pods that name no class. At most one per cluster: environments sharing a
   * cluster must leave it to one of them.
   * @default false
   */
  readonly globalDefault?: boolean;
}

export interface PriorityClassesProps {
  /** The tiers; at least one. */
  readonly tiers: PriorityTier[];
  /**
   * Prepended, with "-", to every class name, so that environments sharing a cluster do not
   * overwrite each other's cluster-wide classes (e.g. "staging" gives "staging-critical").
   * @default - no prefix: classes are named after their tiers
   */
  readonly prefix?: string;
}

/** The largest value of a user-defined PriorityClass; larger ones are reserved for system classes. */
export const MAX_USER_PRIORITY = 1_000_000_000;
const PREEMPTION_POLICIES: readonly string[] = ['PreemptLowerPriority', 'Never'];

/**
 * PriorityClass tiers (scheduling.k8s.io/v1, cluster-scoped). Workloads name their class through
 * {@link nameOf}, which refuses a tier that does not exist, so a typo fails at synthesis instead of
 * leaving pods unschedulable ("no PriorityClass with name ... was found").
 */
export class PriorityClasses extends Construct {
  /** The PriorityClass objects, by tier name. */
  public readonly classes: Readonly<Record<string, k8s.KubePriorityClass>>;
  private readonly names = new Map<string, string>();

  public constructor(scope: Construct, id: string, props: PriorityClassesProps) {
    super(scope, id);
    if (props.prefix !== undefined) check(this, 'prefix', props.prefix, dns1123LabelProblem(props.prefix));
    if (props.tiers.length === 0) invalid(this, 'tiers', props.tiers, 'is empty', 'define at least one tier, e.g. { name: "critical", value: 1000000, description: "..." }');
    const values = new Map<number, string>();
    let globalDefault: string | undefined;
    const classes: Record<string, k8s.KubePriorityClass> = {};
    props.tiers.forEach((t, i) => {
      const field = `tiers[${i}]`;
      const name = props.prefix !== undefined ? `${props.prefix}-${t.name}` : t.name;
      check(this, `${field}.name`, name, dns1123SubdomainProblem(name));
      if (name.startsWith('system-')) invalid(this, `${field}.name`, name, 'starts with "system-", which is reserved for Kubernetes', 'choose another name or prefix');
      if (this.names.has(t.name)) invalid(this, `${field}.name`, t.name, 'is used by two tiers', 'give each tier its own name');
      check(this, `${field}.value`, t.value, intProblem(t.value, -2_147_483_648, MAX_USER_PRIORITY));
      const clash = values.get(t.value);
      if (clash !== undefined) invalid(this, `${field}.value`, t.value, `is also the value of tier "${clash}", so the two never order against each other`, 'give each tier its own value');
      values.set(t.value, t.name);
      const preemptionPolicy = t.preemptionPolicy ?? 'PreemptLowerPriority';
      if (!PREEMPTION_POLICIES.includes(preemptionPolicy)) invalid(this, `${field}.preemptionPolicy`, preemptionPolicy, 'is not a preemption policy', `use one of ${PREEMPTION_POLICIES.join(', ')}`);
      if (typeof t.description !== 'string' || t.description.trim() === '') invalid(this, `${field}.description`, t.description, 'is empty', 'say which workloads belong in this tier');
      const isDefault = t.globalDefault ?? false;
      if (isDefault && globalDefault !== undefined) invalid(this, `${field}.globalDefault`, true, `is also set on tier "${globalDefault}"`, 'make at most one tier the global default');
      if (isDefault) globalDefault = t.name;
      this.names.set(t.name, name);
      classes[t.name] = clusterScoped(new k8s.KubePriorityClass(this, t.name, {
        metadata: { name, labels: { 'app.kubernetes.io/managed-by': MANAGED_BY } },
        value: t.value,
        preemptionPolicy,
        description: t.description,
        globalDefault: isDefault,
      }));
    });
    this.classes = classes;
  }

  /** The tier names, in the order given. */
  public get tiers(): string[] {
    return [...this.names.keys()];
  }

  /** The PriorityClass name of `tier`, for a workload's `priorityClassName`; throws for an unknown tier. */
  public nameOf(tier: string): string {
    const name = this.names.get(tier);
    if (name === undefined) invalid(this, 'tier', tier, 'is not one of the priority tiers', `use one of ${this.tiers.map((t) => `"${t}"`).join(', ')}`);
    return name;
  }
}
