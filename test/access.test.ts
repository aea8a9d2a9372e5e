import { AccessRule, ServiceAccess, ServiceAccessProps, ValidationError } from '../constructs';
import { KubeObject, expectValidationError, find, scope, synth } from './support/synth';

const LABELS = { 'app.kubernetes.io/name': 'log-agent', 'app.kubernetes.io/instance': 'log-agent', 'app.kubernetes.io/managed-by': 'cdk8s' };
const READ_CONFIG: AccessRule = { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] };
const READ_PODS: AccessRule = { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] };

/** `namespace: ''` builds a chart without a namespace. */
function access(props: Partial<ServiceAccessProps> = {}, namespace = 'test'): KubeObject[] {
  return synth((chart) => new ServiceAccess(chart, 'access', { name: 'log-agent', serviceAccountName: 'log-agent', ...props }), namespace);
}

function rejects(props: Partial<ServiceAccessProps>, message: RegExp, namespace = 'test'): void {
  expectValidationError(() => new ServiceAccess(scope(namespace), 'access', { name: 'log-agent', serviceAccountName: 'log-agent', ...props }), message);
}

test('by default: only a ServiceAccount, token not mounted, no permissions', () => {
  const objects = access();
  expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount']);
  expect(find(objects, 'ServiceAccount')).toEqual({
    apiVersion: 'v1', kind: 'ServiceAccount',
    metadata: { name: 'log-agent', namespace: 'test', labels: LABELS },
    automountServiceAccountToken: false,
  });
});

test('automountToken and Workload Identity annotations', () => {
  const sa = find(access({ automountToken: true, annotations: { 'iam.gke.io/gcp-service-account': 'logs@proj.iam.gserviceaccount.com' } }), 'ServiceAccount');
  expect(sa.automountServiceAccountToken).toBe(true);
  expect(sa.metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'logs@proj.iam.gserviceaccount.com' });
});

test('rules become a Role and a RoleBinding to the account, in its namespace', () => {
  const objects = access({ rules: [READ_CONFIG, { apiGroups: [''], resources: ['secrets'], resourceNames: ['log-agent-token'], verbs: ['get'] }] });
  expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding']);
  const role = find(objects, 'Role');
  expect(role.apiVersion).toBe('rbac.authorization.k8s.io/v1');
  expect(role.metadata).toEqual({ name: 'log-agent', namespace: 'test', labels: LABELS });
  expect(role.rules).toEqual([
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: ['log-agent-token'], verbs: ['get'] },
  ]);
  const binding = find(objects, 'RoleBinding');
  expect(binding.metadata).toEqual({ name: 'log-agent', namespace: 'test', labels: LABELS });
  expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'log-agent' });
  expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'log-agent', namespace: 'test' }]);
});

test('an explicit namespace wins over the chart one, for the objects and the subject', () => {
  const objects = access({ namespace: 'logging', rules: [READ_CONFIG], clusterRules: [READ_PODS] });
  for (const kind of ['ServiceAccount', 'Role', 'RoleBinding']) expect(find(objects, kind).metadata.namespace).toBe('logging');
  expect(find(objects, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'log-agent', namespace: 'logging' }]);
  expect(find(objects, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'log-agent', namespace: 'logging' }]);
  expect(find(objects, 'ClusterRole').metadata.name).toBe('logging-log-agent');
});

test('clusterRules become a ClusterRole and ClusterRoleBinding without metadata.namespace, named per namespace', () => {
  const objects = access({ clusterRules: [READ_PODS] });
  expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']);
  const role = find(objects, 'ClusterRole');
  const binding = find(objects, 'ClusterRoleBinding');
  expect(role.metadata).toEqual({ name: 'test-log-agent', labels: LABELS });
  expect(binding.metadata).toEqual({ name: 'test-log-agent', labels: LABELS });
  expect('namespace' in role.metadata).toBe(false);
  expect('namespace' in binding.metadata).toBe(false);
  expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] }]);
  expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'test-log-agent' });
  expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'log-agent', namespace: 'test' }]);
});

test('a chart without namespace is fine while nothing is bound', () => {
  const objects = access({}, '');
  expect(find(objects, 'ServiceAccount').metadata.namespace).toBeUndefined();
});

test('snapshot', () => {
  expect(access({ partOf: 'observability', rules: [READ_CONFIG], clusterRules: [READ_PODS], annotations: { 'iam.gke.io/gcp-service-account': 'logs@proj.iam.gserviceaccount.com' } })).toMatchSnapshot();
});

describe('validation', () => {
  test('fails when the account name is invalid', () => {
    rejects({ serviceAccountName: 'Log_Agent' }, /^test\/access: serviceAccountName "Log_Agent" contains "_", which Kubernetes names do not allow; use dot-separated lower-case labels/);
  });

  test('fails when a rule lists no verbs, resources or API groups', () => {
    rejects({ rules: [{ ...READ_CONFIG, verbs: [] }] }, /^test\/access: rules\[0\] \{"apiGroups":\[""\],"resources":\["configmaps"\],"verbs":\[\]\} has no verbs, resources or apiGroups; list them explicitly$/);
    rejects({ clusterRules: [{ ...READ_PODS, apiGroups: [] }] }, /^test\/access: clusterRules\[0\] .* has no verbs, resources or apiGroups; list them explicitly$/);
  });

  test('fails when a verb is a wildcard or escalates', () => {
    rejects({ rules: [{ ...READ_CONFIG, verbs: ['*' as 'get'] }] }, /^test\/access: rules\[0\]\.verbs "\*" is not a least-privilege verb \(wildcards, escalate, bind and impersonate are refused\); use some of get, list, watch, create, update, patch, delete, deletecollection$/);
    rejects({ rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate' as 'get'] }] }, /^test\/access: rules\[0\]\.verbs "escalate" is not a least-privilege verb/);
  });

  test('fails when a resource or API group is a wildcard', () => {
    rejects({ rules: [{ ...READ_CONFIG, resources: ['*'] }] }, /^test\/access: rules\[0\] \{"apiGroups":\[""\],"resources":\["\*"\],"verbs":\["get","list","watch"\]\} uses the wildcard "\*"; name each resource and API group$/);
    rejects({ clusterRules: [{ ...READ_PODS, apiGroups: ['*'] }] }, /^test\/access: clusterRules\[0\] .* uses the wildcard "\*"; name each resource and API group$/);
  });

  test('fails when secrets are granted without resourceNames', () => {
    rejects({ rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] }, /^test\/access: rules\[0\]\.resources "secrets" grants access to every Secret of the namespace; list the Secrets it needs in resourceNames$/);
    rejects({ rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [], verbs: ['get'] }] }, /^test\/access: rules\[0\]\.resources "secrets" grants access to every Secret/);
  });

  test('fails when a cluster rule writes', () => {
    rejects({ clusterRules: [{ ...READ_PODS, verbs: ['get', 'delete'] }] }, /^test\/access: clusterRules\[0\]\.verbs \["get","delete"\] grants cluster-wide write access; keep cluster rules read-only \(get, list, watch\); write inside the namespace with rules$/);
  });

  test('fails when permissions are bound but the namespace is unknown', () => {
    let error: unknown;
    try {
      synth((chart) => new ServiceAccess(chart, 'access', { name: 'log-agent', serviceAccountName: 'log-agent', rules: [READ_CONFIG] }), '');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^test\/access: namespace undefined is unknown, so the binding has no subject namespace; set namespace or give the chart a namespace$/);
  });

  test('fails when an annotation key is invalid', () => {
    rejects({ annotations: { 'IAM.gke.io/account': 'x' } }, /^test\/access: annotations "IAM\.gke\.io\/account" has a prefix "IAM\.gke\.io" that is not a DNS subdomain; use a lower-case DNS prefix such as "example\.com\/"$/);
  });
});
