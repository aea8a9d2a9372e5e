import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from './lib/errors';
import { AppIdentity, identityOf, standardLabels } from './lib/labels';
import { clusterScoped } from './lib/patch';
import { check, dns1123SubdomainProblem, labelKeyProblem } from './lib/validate';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
const VERBS: readonly string[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** One RBAC rule: verbs on resources of API groups ("" is the core group). */
export interface AccessRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: Verb[];
  /** Restrict to named objects; required for Secrets. @default - every object of the resources */
  readonly resourceNames?: string[];
}

export interface ServiceAccessProps extends AppIdentity {
  /** ServiceAccount name; also the Role, RoleBinding and ClusterRole(Binding) names. */
  readonly serviceAccountName: string;
  /** Namespace of the account. @default - the chart's namespace */
  readonly namespace?: string;
  /** Namespaced permissions (a Role and RoleBinding). @default - none: the account can do nothing */
  readonly rules?: AccessRule[];
  /** Cluster-wide read permissions, e.g. a log agent reading pod metadata. @default - none */
  readonly clusterRules?: AccessRule[];
  /** Mount the API token into pods by default. @default false */
  readonly automountToken?: boolean;
  /** Annotations, e.g. `iam.gke.io/gcp-service-account` for GKE Workload Identity. @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * A workload's own identity: a ServiceAccount with its token not mounted, and exactly the
 * permissions listed, as a Role (and, only when asked, a read-only ClusterRole) bound to it.
 */
export class ServiceAccess extends Construct {
  public readonly serviceAccountName: string;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly role?: k8s.KubeRole;
  public readonly clusterRole?: k8s.KubeClusterRole;

  public constructor(scope: Construct, id: string, props: ServiceAccessProps) {
    super(scope, id);
    check(this, 'serviceAccountName', props.serviceAccountName, dns1123SubdomainProblem(props.serviceAccountName));
    const namespace = props.namespace ?? Chart.of(this).namespace;
    const checkRules = (field: string, rules: readonly AccessRule[], clusterWide: boolean) => rules.forEach((r, i) => {
      const f = `${field}[${i}]`;
      if (r.verbs.length === 0 || r.resources.length === 0 || r.apiGroups.length === 0) invalid(this, f, r, 'has no verbs, resources or apiGroups', 'list them explicitly');
      for (const v of r.verbs) if (!VERBS.includes(v)) invalid(this, `${f}.verbs`, v, 'is not a least-privilege verb (wildcards, escalate, bind and impersonate are refused)', `use some of ${VERBS.join(', ')}`);
      for (const res of [...r.resources, ...r.apiGroups]) if (res === '*') invalid(this, f, r, 'uses the wildcard "*"', 'name each resource and API group');
      if (r.resources.includes('secrets') && !r.resourceNames?.length) invalid(this, `${f}.resources`, 'secrets', 'grants access to every Secret of the namespace', 'list the Secrets it needs in resourceNames');
      if (clusterWide && r.verbs.some((v) => !['get', 'list', 'watch'].includes(v))) invalid(this, `${f}.verbs`, r.verbs, 'grants cluster-wide write access', 'keep cluster rules read-only (get, list, watch); write inside the namespace with rules');
    });
    checkRules('rules', props.rules ?? [], false);
    checkRules('clusterRules', props.clusterRules ?? [], true);
    if ((props.clusterRules?.length || props.rules?.length) && namespace === undefined) invalid(this, 'namespace', undefined, 'is unknown, so the binding has no subject namespace', 'set namespace or give the chart a namespace');
    for (const key of Object.keys(props.annotations ?? {})) check(this, 'annotations', key, labelKeyProblem(key));

    const name = props.serviceAccountName;
    const labels = standardLabels(props);
    const metadata = { name, labels, ...(props.namespace ? { namespace: props.namespace } : {}) };
    this.serviceAccountName = name;
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'Resource', {
      metadata: { ...metadata, ...(props.annotations ? { annotations: props.annotations } : {}) },
      automountServiceAccountToken: props.automountToken ?? false,
    });
    const subjects = [{ kind: 'ServiceAccount', name, namespace }];
    const toRules = (rules: readonly AccessRule[]) => rules.map((r) => ({
      apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs, ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}),
    }));
    if (props.rules?.length) {
      this.role = new k8s.KubeRole(this, 'Role', { metadata, rules: toRules(props.rules) });
      new k8s.KubeRoleBinding(this, 'RoleBinding', { metadata, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects });
    }
    if (props.clusterRules?.length) {
      // Cluster-wide names must not collide between namespaces (environments) sharing a cluster.
      const clusterName = `${namespace}-${name}`;
      this.clusterRole = clusterScoped(new k8s.KubeClusterRole(this, 'ClusterRole', { metadata: { name: clusterName, labels }, rules: toRules(props.clusterRules) }));
      clusterScoped(new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
        metadata: { name: clusterName, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
        subjects,
      }));
    }
  }

  /** The API object of the ServiceAccount. */
  public get apiObject(): ApiObject {
    return this.serviceAccount;
  }
}

/** The ServiceAccount of a workload: its own, optionally with rules and annotations, or an existing one by name. */
export type WorkloadServiceAccount =
  | { readonly rules?: AccessRule[]; readonly annotations?: Record<string, string> }
  | { readonly existingName: string };

/** The props every pod-owning construct takes for its identity and ServiceAccount. */
export interface WorkloadAccountProps extends AppIdentity {
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /**
   * The ServiceAccount: by default one of its own, named after the workload, with no permissions and
   * no token mounted. Give rules to grant least-privilege access, or the name of an existing account.
   * @default - own account, no permissions
   */
  readonly serviceAccount?: WorkloadServiceAccount;
}

/**
 * The ServiceAccount a workload's pods run as: the existing one named in `serviceAccount`, or else
 * a {@link ServiceAccess} of its own (child id "Access", named after the workload, token not
 * mounted) with the rules of `serviceAccount` and, from `extra`, any cluster-wide read rules.
 */
export function workloadAccount(scope: Construct, props: WorkloadAccountProps, extra: { readonly clusterRules?: AccessRule[] } = {}): { serviceAccountName: string; access?: ServiceAccess } {
  const account = props.serviceAccount;
  if (account && 'existingName' in account) return { serviceAccountName: account.existingName };
  const access = new ServiceAccess(scope, 'Access', {
    ...identityOf(props), serviceAccountName: props.name, namespace: props.namespace,
    rules: account?.rules, annotations: account?.annotations, clusterRules: extra.clusterRules,
    automountToken: false,
  });
  return { serviceAccountName: access.serviceAccountName, access };
}
