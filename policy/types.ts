import type { NodePoolSpec } from '../constructs/node-pool';

/**
 * One parsed YAML document of an environment's synthesized output. Only the identity fields are
 * typed: the rest is read defensively, because the engine also judges objects no construct wrote.
 */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary Kubernetes fields; rules narrow them to kubernetes-models types
  [k: string]: any;
};

/** What the rules know about the environment beyond its objects. */
export interface PolicyContext {
  /** Environment name, used in messages. */
  readonly environment: string;
  /** Production-only rules (HPA minimum replicas, no NodePort Services) apply when true. */
  readonly production: boolean;
  /** The environment's node pools, to judge workloads that target one. */
  readonly nodePools: readonly NodePoolSpec[];
  /**
   * Namespaces the environment names as system namespaces (node agents): the only ones whose Pod
   * Security enforce level may be below "restricted". @default - none
   */
  readonly systemNamespaces?: readonly string[];
  /** Registries images may come from; images elsewhere are refused. @default - any */
  readonly allowedRegistries?: readonly string[];
  /** The environment's waivers (its `waivers` list): the only ones honoured. @default - none */
  readonly waivers?: readonly PolicyWaiver[];
}

/** One reviewed exemption: a rule, for one object (and one field of it, when given), with a reason. */
export interface PolicyWaiver {
  readonly rule: string;
  /** As violations name objects: "DaemonSet shop-dev-system/log-agent". */
  readonly object: string;
  /** Only the violation at this path. @default - every violation of the rule on the object */
  readonly path?: string;
  readonly reason: string;
}

/** One broken rule on one object. */
export interface Violation {
  /** The rule id, e.g. "pss-seccomp". */
  readonly rule: string;
  /** `<kind> <namespace>/<name>`, or `<kind> <name>` for objects without a namespace. */
  readonly object: string;
  /** Where in the object, e.g. "spec.template.spec.containers[0].securityContext.runAsNonRoot". */
  readonly path: string;
  /** The offending value, `undefined` when the field is missing; secrets are redacted. */
  readonly value: unknown;
  /** What is wrong, completing "<path> <value> ...". */
  readonly message: string;
  /** Exactly what to change. */
  readonly fix: string;
}

/** A violation the object's owner accepted with a waiver annotation. */
export interface Waived extends Violation {
  /** The waiver's reason. */
  readonly reason: string;
}

/** Where a rule comes from: the upstream check it mirrors, or this stack's own conventions. */
export type RuleSource = 'pod-security' | 'kube-linter' | 'kube-score' | 'stack';

/** A check over a whole environment's objects. */
export interface PolicyRule {
  /** kebab-case, unique; the suffix of the waiver annotation. */
  readonly id: string;
  readonly source: RuleSource;
  readonly description: string;
  /** Violations in a stable order. Must not modify `objects`. */
  check(objects: readonly KubeObject[], ctx: PolicyContext): Violation[];
}
