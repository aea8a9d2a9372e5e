/**
 * RBAC: what an application's manifests may grant. Roles are read rule by rule; bindings by what
 * they bind and to whom. Each finding names the rule index and field, so the fix is one line.
 */
import { item, list } from '../objects';
import { defineRule, Report } from '../rule';
import type { KubeObject } from '../types';

interface PolicyRuleSpec {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** Every rule of every Role and ClusterRole, with its path. */
function* roleRules(objects: readonly KubeObject[]): Generator<{ role: KubeObject; rule: PolicyRuleSpec; at: string }> {
  for (const role of objects) {
    if (role.kind !== 'Role' && role.kind !== 'ClusterRole') continue;
    const rules = list((role as { rules?: PolicyRuleSpec[] }).rules);
    for (let i = 0; i < rules.length; i++) yield { role, rule: rules[i] ?? {}, at: item('rules', i) };
  }
}

const has = (values: readonly string[] | undefined, v: string) => list(values).includes(v);
const grants = (rule: PolicyRuleSpec, resource: string) => has(rule.resources, resource) || has(rule.resources, '*');
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** ClusterRoles that give a namespace, or the cluster, away. */
const BROAD_ROLES = ['cluster-admin', 'admin', 'edit'];
/** Groups that stand for every service account, or everyone. */
const EVERYONE = ['system:serviceaccounts', 'system:authenticated', 'system:unauthenticated'];

/** Subresources that reach into running pods and nodes, or mint credentials. */
const REACHING = ['pods/exec', 'pods/attach', 'pods/portforward', 'nodes/proxy', 'services/proxy', 'serviceaccounts/token'];

const reportEach = (report: Report, role: KubeObject, path: string, values: readonly string[] | undefined, bad: (v: string) => boolean, message: (v: string) => string, fix: string) => {
  list(values).forEach((v, i) => {
    if (bad(v)) report(role, `${path}[${i}]`, v, message(v), fix);
  });
};

export const RBAC_RULES = [
  defineRule({
    id: 'rbac-no-wildcards',
    source: 'stack',
    description: 'No Role or ClusterRole grants "*" verbs, resources or API groups.',
    check(inv, _ctx, report) {
      for (const { role, rule, at } of roleRules(inv.objects)) {
        for (const f of ['apiGroups', 'resources', 'verbs', 'nonResourceURLs'] as const) {
          reportEach(report, role, `${at}.${f}`, rule[f], (v) => v === '*' || v.endsWith('/*'), () => 'grants everything, including what the API adds later', `list the ${f} the workload needs`);
        }
      }
    },
  }),
  defineRule({
    id: 'rbac-no-escalation',
    source: 'stack',
    description: 'No role grants bind, escalate or impersonate, or writes to roles and role bindings.',
    check(inv, _ctx, report) {
      for (const { role, rule, at } of roleRules(inv.objects)) {
        reportEach(report, role, `${at}.verbs`, rule.verbs, (v) => ['bind', 'escalate', 'impersonate'].includes(v), (v) => `lets its holder ${v === 'impersonate' ? 'act as other users and service accounts' : 'grant permissions it does not have'}`, 'remove the verb; grants are made by operators, not by workloads');
        const rbacObjects = list(rule.resources).filter((r) => ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings', '*'].includes(r));
        if (rbacObjects.length && list(rule.verbs).some((v) => WRITE_VERBS.includes(v) || v === '*')) {
          report(role, `${at}.resources`, rbacObjects.join(','), 'lets its holder write RBAC objects, and so give itself any permission', 'remove the RBAC resources from this rule');
        }
      }
    },
  }),
  defineRule({
    id: 'rbac-no-exec-or-proxy',
    source: 'stack',
    description: 'No role grants pods/exec, pods/attach, pods/portforward, nodes/proxy, services/proxy or serviceaccounts/token.',
    check(inv, _ctx, report) {
      for (const { role, rule, at } of roleRules(inv.objects)) {
        reportEach(report, role, `${at}.resources`, rule.resources, (v) => REACHING.includes(v), (v) => (v === 'serviceaccounts/token' ? 'mints tokens of other service accounts' : `opens a shell or a tunnel into running ${v.split('/')[0]}`), 'remove it; debugging access belongs to people, through their own bindings');
      }
    },
  }),
  defineRule({
    id: 'rbac-secrets-by-name',
    source: 'stack',
    description: 'Secrets are read only by name: get with resourceNames, never list or watch.',
    check(inv, _ctx, report) {
      for (const { role, rule, at } of roleRules(inv.objects)) {
        if (!grants(rule, 'secrets') || !(has(rule.apiGroups, '') || has(rule.apiGroups, '*'))) continue;
        const broad = list(rule.verbs).filter((v) => v === 'list' || v === 'watch' || v === '*');
        if (broad.length) report(role, `${at}.verbs`, broad.join(','), 'reads every Secret of the namespace (list and watch return their values)', 'grant only "get", with resourceNames naming the Secrets the workload reads');
        else if (has(rule.verbs, 'get') && list(rule.resourceNames).length === 0) report(role, `${at}.resourceNames`, rule.resourceNames, 'is empty, so "get" reads any Secret of the namespace', 'name the Secrets the workload reads');
      }
    },
  }),
  defineRule({
    id: 'rbac-no-broad-bindings',
    source: 'stack',
    description: 'No binding grants cluster-admin, admin or edit, or binds all service accounts, all users or anonymous.',
    check(inv, _ctx, report) {
      for (const b of inv.objects) {
        if (b.kind !== 'RoleBinding' && b.kind !== 'ClusterRoleBinding') continue;
        const roleRef = (b as { roleRef?: { kind?: string; name?: string } }).roleRef;
        if (roleRef?.kind === 'ClusterRole' && BROAD_ROLES.includes(String(roleRef.name))) {
          report(b, 'roleRef.name', roleRef.name, `gives ${b.kind === 'ClusterRoleBinding' ? 'the whole cluster' : 'the whole namespace'} away`, 'bind a Role that lists what the subject needs; operators get cluster-admin from the platform, not from application manifests');
        }
        const subjects = list((b as { subjects?: Array<{ kind?: string; name?: string }> }).subjects);
        subjects.forEach((s, i) => {
          if (s.kind === 'Group' && (EVERYONE.includes(String(s.name)) || String(s.name).startsWith('system:serviceaccounts:'))) {
            report(b, `subjects[${i}].name`, s.name, 'binds every service account or user it names as one group', 'bind the ServiceAccount of the workload that needs the role');
          }
        });
      }
    },
  }),
];
