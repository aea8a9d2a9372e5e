/** The tool that manages every object this library writes (`app.kubernetes.io/managed-by`). */
export const MANAGED_BY = 'cdk8s';

/**
 * `policy.k8s-stack.io/waive.<rule-id>`: the annotation waivers once used. The policy engine refuses
 * it wherever it appears: waivers live in the environment's `waivers` list.
 */
export const POLICY_WAIVER_PREFIX = 'policy.k8s-stack.io/waive.';

/** What an object is, in the words of the Kubernetes recommended labels. */
export interface AppIdentity {
  /** `app.kubernetes.io/name`: what runs, e.g. "web". Stable; used in selectors. */
  readonly name: string;
  /**
   * `app.kubernetes.io/instance`: which installation of it. Stable; used in selectors.
   * @default - `<partOf>-<name>` when partOf is set, else the name
   */
  readonly instance?: string;
  /** `app.kubernetes.io/component`: its role, e.g. "frontend", "database". @default - not set */
  readonly component?: string;
  /** `app.kubernetes.io/part-of`: the application it belongs to, e.g. "shop". @default - not set */
  readonly partOf?: string;
  /** `app.kubernetes.io/version`: metadata only, never in a selector. @default - not set */
  readonly version?: string;
}

/** Only the identity fields of `props`, for a companion object that takes an identity and other props. */
export function identityOf(props: AppIdentity): AppIdentity {
  return { name: props.name, instance: props.instance, component: props.component, partOf: props.partOf, version: props.version };
}

/** The instance label value for an identity. */
export function instanceOf(id: AppIdentity): string {
  return id.instance ?? (id.partOf ? `${id.partOf}-${id.name}` : id.name);
}

/** The labels a selector may use: only ones that never change for the life of the workload. */
export function selectorLabels(id: AppIdentity): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': instanceOf(id),
  };
}

/** All recommended labels for object and pod-template metadata. */
export function standardLabels(id: AppIdentity): Record<string, string> {
  const labels: Record<string, string> = { ...selectorLabels(id) };
  if (id.component) labels['app.kubernetes.io/component'] = id.component;
  if (id.partOf) labels['app.kubernetes.io/part-of'] = id.partOf;
  if (id.version) labels['app.kubernetes.io/version'] = id.version;
  labels['app.kubernetes.io/managed-by'] = MANAGED_BY;
  return labels;
}

/** The annotation kube-score reads: a comma-separated list of check ids it skips for the object. */
export const KUBE_SCORE_IGNORE = 'kube-score/ignore';
/** `waiver.k8s-stack.io/kube-score.<check-id>: "<reason>"`: why each kube-score check is skipped, for reviewers. */
export const KUBE_SCORE_REASON_PREFIX = 'waiver.k8s-stack.io/kube-score.';

/** `ignore-check.kube-linter.io/<check>: "<reason>"`: kube-linter skips the check for the object. */
export const KUBE_LINTER_IGNORE_PREFIX = 'ignore-check.kube-linter.io/';
/** `polaris.fairwinds.com/<check>-exempt: "true"`: Polaris skips the check for the object. */
export const POLARIS_EXEMPT = (check: string): string => `polaris.fairwinds.com/${check}-exempt`;
/** `waiver.k8s-stack.io/polaris.<check>: "<reason>"`: why, for reviewers. */
export const POLARIS_REASON_PREFIX = 'waiver.k8s-stack.io/polaris.';

/**
 * Exemptions from linters platform teams run over the manifests, written in each tool's own
 * annotation so the tool itself honours them: check id to the reason, which is required.
 */
export interface LintWaivers {
  /** kube-score check ids (`kube-score list`), e.g. `container-security-context-user-group-id`. */
  readonly kubeScore?: Readonly<Record<string, string>>;
  /** kube-linter check names (`kube-linter checks list`), e.g. `read-secret-from-env-var`. */
  readonly kubeLinter?: Readonly<Record<string, string>>;
  /** Polaris check ids, e.g. `hostPathSet`. */
  readonly polaris?: Readonly<Record<string, string>>;
}

/**
 * On a pod template with config injections: the hash of the injected ConfigMaps and Secrets, so a
 * change of their content rolls the pods while the object names stay stable.
 */
export const CONFIG_HASH_ANNOTATION = 'k8s-stack.io/config-hash';

/** On a Job named `<name>-<hash>` after its spec (BatchJob): the hash, so tools can tell. */
export const SPEC_HASH_ANNOTATION = 'k8s-stack.io/spec-hash';
