import { formatTaint, NodePool, NodePoolSpec, NodeTaint, Toleration, tolerates } from '../../constructs/node-pool';
import { field, isClusterScoped, item, list, record, REDACTED } from '../objects';
import { hiddenPodSpecPath, PodTemplate } from '../pods';
import { defineRule, Report } from '../rule';
import { isEmptySelector, LabelSelector } from '../selectors';
import type { KubeObject, PolicyContext } from '../types';

/** This stack's own conventions: namespaces are fenced, references resolve, no key material in git. */

const BUILTIN_PRIORITY_CLASSES: ReadonlySet<string> = new Set(['system-cluster-critical', 'system-node-critical']);
const PRIVATE_KEY = /-----BEGIN[^\n]*PRIVATE KEY-----/;
/** base64 of "-----BEGIN", as a PEM block starts inside a Secret's data. */
const BASE64_PEM = 'LS0tLS1CRUdJT';

function isDefaultDeny(np: KubeObject): boolean {
  const spec = record<unknown>(np.spec);
  const types = list(spec.policyTypes as string[] | undefined);
  return isEmptySelector((spec.podSelector ?? {}) as LabelSelector) && types.includes('Ingress') && types.includes('Egress')
    && list(spec.ingress as unknown[] | undefined).length === 0 && list(spec.egress as unknown[] | undefined).length === 0;
}

function holdsPrivateKey(s: string): boolean {
  if (s.includes('-----BEGIN') && PRIVATE_KEY.test(s)) return true;
  return s.startsWith(BASE64_PEM) && PRIVATE_KEY.test(Buffer.from(s, 'base64').toString('latin1'));
}

/** Reports every private key in `node`: PEM text, base64 PEM, or any field named tls.key. */
function findPrivateKeys(obj: KubeObject, node: unknown, path: string, report: Report): void {
  const fix = 'remove it: keep private keys in a secret manager and let cert-manager or an external secret operator put them in the cluster';
  if (typeof node === 'string') {
    if (holdsPrivateKey(node)) report(obj, path, REDACTED, 'contains private-key material', fix);
  } else if (Array.isArray(node)) {
    node.forEach((v, i) => findPrivateKeys(obj, v, item(path, i), report));
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'tls.key') report(obj, field(path, k), REDACTED, 'is a private-key field', fix);
      else findPrivateKeys(obj, v, field(path, k), report);
    }
  }
}

/** One node requirement of a pod: a nodeSelector entry or a matchExpressions entry. */
interface Requirement {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
  readonly path: string;
}

function satisfied(labels: Readonly<Record<string, string>>, r: Requirement): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(labels[r.key]);
    case 'NotIn':
      return !has || !r.values.includes(labels[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
      return has && Number(labels[r.key]) > Number(r.values[0]);
    case 'Lt':
      return has && Number(labels[r.key]) < Number(r.values[0]);
    default:
      return false;
  }
}

const POSITIVE = new Set(['In', 'Exists', 'Gt', 'Lt']);

interface PoolTargets {
  /** Pool names the pod asks for by the pool label that no pool of the environment has. */
  readonly unknown: { readonly name: string; readonly path: string }[];
  /** Pools the pod can only land on, in ctx order. */
  readonly pools: NodePoolSpec[];
}

/**
 * Which node pools a pod targets. Node affinity terms are ORed and each is ANDed with the
 * nodeSelector. A term targets the pools whose labels (the pool label included) satisfy all of
 * its requirements on labels pools carry, provided one of those is positive; requirements on
 * labels no pool declares (zone, os) are about every node and leave the choice of pool open.
 */
function poolTargets(t: PodTemplate, ctx: PolicyContext): PoolTargets {
  const pools = ctx.nodePools.map((spec) => ({ spec, labels: { ...spec.labels, [NodePool.POOL_LABEL]: spec.name } }));
  const poolKeys = new Set(pools.flatMap((p) => Object.keys(p.labels)));
  poolKeys.add(NodePool.POOL_LABEL);

  const selectorPath = field(t.specPath, 'nodeSelector');
  const fromSelector: Requirement[] = Object.entries(record<string>(t.spec.nodeSelector)).map(([key, value]) => ({ key, operator: 'In', values: [value], path: field(selectorPath, key) }));
  const termsPath = `${t.specPath}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
  const terms = list(t.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).map((term, i) =>
    list(term?.matchExpressions).map((e, j): Requirement => ({ key: e?.key, operator: e?.operator, values: list(e?.values), path: item(`${item(termsPath, i)}.matchExpressions`, j) })),
  );
  const effective = terms.length > 0 ? terms.map((term) => [...fromSelector, ...term]) : [fromSelector];

  const names = new Set(ctx.nodePools.map((p) => p.name));
  const unknown = new Map<string, string>();
  const targeted = new Set<NodePoolSpec>();
  for (const requirements of effective) {
    for (const r of requirements) {
      if (r.key !== NodePool.POOL_LABEL || r.operator !== 'In') continue;
      r.values.forEach((name, k) => {
        const path = r.path.startsWith(selectorPath) ? r.path : item(`${r.path}.values`, k);
        if (!names.has(name) && !unknown.has(path)) unknown.set(path, name);
      });
    }
    const onPools = requirements.filter((r) => poolKeys.has(r.key));
    if (!onPools.some((r) => POSITIVE.has(r.operator))) continue;
    for (const pool of pools) if (onPools.every((r) => satisfied(pool.labels, r))) targeted.add(pool.spec);
  }
  return {
    unknown: [...unknown].map(([path, name]) => ({ path, name })),
    pools: ctx.nodePools.filter((p) => targeted.has(p)),
  };
}

/** The toleration NodePool.tolerations() gives a workload for `taint`. */
function tolerationFor(taint: NodeTaint): Toleration {
  return {
    key: taint.key,
    operator: taint.value === undefined ? 'Exists' : 'Equal',
    ...(taint.value !== undefined ? { value: taint.value } : {}),
    effect: taint.effect,
    ...(taint.tolerationSeconds !== undefined ? { tolerationSeconds: taint.tolerationSeconds } : {}),
  };
}

export const STACK_RULES = [
  defineRule({
    id: 'unique-object',
    source: 'stack',
    description: 'No two objects share an API group, kind, namespace and name.',
    check(inv, _ctx, report) {
      const seen = new Map<string, KubeObject>();
      for (const obj of inv.objects) {
        const group = String(obj.apiVersion ?? '').includes('/') ? String(obj.apiVersion).split('/')[0] : '';
        const key = `${group}/${obj.kind}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
        if (seen.has(key)) {
          report(obj, 'metadata.name', obj.metadata?.name, `is the name of another ${obj.kind}${obj.metadata?.namespace ? ` in namespace "${obj.metadata.namespace}"` : ''}, so kubectl apply keeps only the one written last`, 'give each object a name of its own (two constructs with the same name, or a chart extension repeating one the chart already writes)');
        } else {
          seen.set(key, obj);
        }
      }
    },
  }),
  defineRule({
    id: 'known-pod-carrier',
    source: 'stack',
    description: 'Pods are run only by kinds the engine inspects (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController, PodTemplate).',
    check(inv, _ctx, report) {
      for (const obj of inv.objects) {
        const at = hiddenPodSpecPath(obj);
        if (at !== undefined) report(obj, at, '(a pod spec)', `carries containers in a kind the policy engine does not inspect, so none of its rules would judge them`, 'run the pods with a Deployment, StatefulSet, DaemonSet, Job or CronJob, or teach policy/pods.ts where this kind keeps its pod template');
      }
    },
  }),
  defineRule({
    id: 'explicit-namespace',
    source: 'stack',
    description: 'Every namespaced object sets metadata.namespace.',
    check(inv, _ctx, report) {
      for (const obj of inv.objects) {
        if (!isClusterScoped(obj) && !obj.metadata?.namespace) {
          report(obj, 'metadata.namespace', obj.metadata?.namespace, 'is not set, so the object lands in whatever namespace kubectl or Pulumi defaults to', 'set metadata.namespace to the namespace of the application');
        }
      }
    },
  }),
  defineRule({
    id: 'namespace-exists',
    source: 'stack',
    description: "A namespaced object's namespace is defined by a Namespace object of the same environment.",
    check(inv, _ctx, report) {
      for (const obj of inv.objects) {
        const ns = obj.metadata?.namespace;
        if (!isClusterScoped(obj) && ns && !inv.find('Namespace', undefined, ns)) {
          report(obj, 'metadata.namespace', ns, 'names no Namespace of this environment, so its quota, limits and network policies do not exist', `add a Namespace named "${ns}" or move the object to an existing namespace`);
        }
      }
    },
  }),
  defineRule({
    id: 'cluster-scoped-without-namespace',
    source: 'stack',
    description: 'A cluster-scoped object carries no metadata.namespace.',
    check(inv, _ctx, report) {
      for (const obj of inv.objects) {
        if (isClusterScoped(obj) && obj.metadata?.namespace !== undefined) {
          report(obj, 'metadata.namespace', obj.metadata.namespace, `is set on a ${obj.kind}, which is cluster-scoped`, 'remove metadata.namespace');
        }
      }
    },
  }),
  defineRule({
    id: 'namespace-has-resource-quota',
    source: 'stack',
    description: 'Every Namespace has a ResourceQuota.',
    check(inv, _ctx, report) {
      for (const ns of inv.ofKind('Namespace')) {
        const name = ns.metadata?.name;
        if (inv.ofKindIn('ResourceQuota', name).length === 0) {
          report(ns, 'metadata.name', name, 'has no ResourceQuota, so one workload can claim the whole cluster', `add a ResourceQuota in namespace "${name}" capping requests.cpu, requests.memory and limits.memory`);
        }
      }
    },
  }),
  defineRule({
    id: 'namespace-has-limit-range',
    source: 'stack',
    description: 'Every Namespace has a LimitRange.',
    check(inv, _ctx, report) {
      for (const ns of inv.ofKind('Namespace')) {
        const name = ns.metadata?.name;
        if (inv.ofKindIn('LimitRange', name).length === 0) {
          report(ns, 'metadata.name', name, 'has no LimitRange, so a container without resources gets no defaults and the quota rejects it', `add a LimitRange in namespace "${name}" with default requests and limits for containers`);
        }
      }
    },
  }),
  defineRule({
    id: 'namespace-default-deny',
    source: 'stack',
    description: 'Every Namespace has a default-deny NetworkPolicy: podSelector {}, policyTypes Ingress and Egress, no rules.',
    check(inv, _ctx, report) {
      for (const ns of inv.ofKind('Namespace')) {
        const name = ns.metadata?.name;
        if (!inv.ofKindIn('NetworkPolicy', name).some(isDefaultDeny)) {
          report(ns, 'metadata.name', name, 'has no default-deny NetworkPolicy, so traffic no policy allows is not blocked', `add a NetworkPolicy in namespace "${name}" with podSelector: {}, policyTypes: [Ingress, Egress] and no ingress or egress rules`);
        }
      }
    },
  }),
  defineRule({
    id: 'no-secret-data',
    source: 'stack',
    description: 'No Secret carries data or stringData: secret values never enter the synthesized manifests.',
    check(inv, _ctx, report) {
      for (const secret of inv.ofKind('Secret')) {
        for (const name of ['data', 'stringData']) {
          // The keys say which values leaked; the values themselves stay out of the report.
          const keys = Object.keys(record(secret[name]));
          if (keys.length > 0) {
            report(secret, name, keys, 'puts secret values into the synthesized manifests, which end up in git and CI logs', `remove ${name} and create the Secret from a secret manager (an ExternalSecret or a Pulumi secret Output), referenced by name`);
          }
        }
      }
    },
  }),
  defineRule({
    id: 'no-private-key',
    source: 'stack',
    description: 'No object holds private-key material: PEM "PRIVATE KEY" blocks (plain or base64) or tls.key fields.',
    check(inv, _ctx, report) {
      for (const obj of inv.objects) findPrivateKeys(obj, obj, '', report);
    },
  }),
  defineRule({
    id: 'priority-class-exists',
    source: 'stack',
    description: 'A pod priorityClassName names a PriorityClass of the environment, or system-cluster-critical / system-node-critical.',
    check(inv, _ctx, report) {
      const defined = inv.ofKind('PriorityClass').map((pc) => pc.metadata?.name);
      for (const t of inv.templates) {
        const name = t.spec.priorityClassName;
        if (name === undefined || name === '' || BUILTIN_PRIORITY_CLASSES.has(name) || inv.find('PriorityClass', undefined, name)) continue;
        const choices = [...defined, ...BUILTIN_PRIORITY_CLASSES].join(', ');
        report(t.object, `${t.specPath}.priorityClassName`, name, 'names no PriorityClass of this environment, so the API server rejects the pods', `use one of ${choices}, or add a PriorityClass named "${name}"`);
      }
    },
  }),
  defineRule({
    id: 'service-account-exists',
    source: 'stack',
    description: 'A pod serviceAccountName other than "default" names a ServiceAccount of its namespace in the environment (also kube-linter non-existent-service-account).',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        const deprecated = t.spec.serviceAccountName === undefined && t.spec.serviceAccount !== undefined;
        const name = deprecated ? t.spec.serviceAccount : t.spec.serviceAccountName;
        if (name === undefined || name === '' || name === 'default' || inv.find('ServiceAccount', t.namespace, name)) continue;
        const path = field(t.specPath, deprecated ? 'serviceAccount' : 'serviceAccountName');
        report(t.object, path, name, `names no ServiceAccount in namespace "${t.namespace ?? ''}", so the pods are never created`, `add a ServiceAccount "${name}" to namespace "${t.namespace ?? ''}" or fix the name`);
      }
    },
  }),
  defineRule({
    id: 'node-pool-exists',
    source: 'stack',
    description: `A pod that asks for a node pool by the ${NodePool.POOL_LABEL} label names a pool of the environment.`,
    check(inv, ctx, report) {
      const known = ctx.nodePools.map((p) => p.name).join(', ') || 'none';
      for (const t of inv.templates) {
        for (const { name, path } of poolTargets(t, ctx).unknown) {
          report(t.object, path, name, `is not a node pool of environment "${ctx.environment}", so the pods never schedule`, `use one of the pools (${known}) or add "${name}" to the environment's nodePools`);
        }
      }
    },
  }),
  defineRule({
    id: 'node-pool-tolerations',
    source: 'stack',
    description: 'A pod whose nodeSelector or required node affinity targets a node pool tolerates every taint of that pool.',
    check(inv, ctx, report) {
      for (const t of inv.templates) {
        // Each toleration is checked with the scheduler's own matching rules.
        const tolerations = list(t.spec.tolerations) as readonly Toleration[];
        for (const pool of poolTargets(t, ctx).pools) {
          const missing = list(pool.taints).filter((taint) => !tolerations.some((tol) => tolerates(tol, taint)));
          if (missing.length === 0) continue;
          const path = field(t.specPath, 'tolerations');
          report(
            t.object,
            path,
            t.spec.tolerations,
            `does not tolerate ${missing.map(formatTaint).join(', ')} of node pool "${pool.name}", which the pods target, so they never schedule`,
            `add to ${path}: ${missing.map((taint) => JSON.stringify(tolerationFor(taint))).join(', ')}`,
          );
        }
      }
    },
  }),
];
