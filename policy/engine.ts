import { editDistance, show } from '../constructs/lib/errors';
import { POLICY_WAIVER_PREFIX } from '../constructs/lib/labels';
import { Inventory } from './inventory';
import { field, objectRef } from './objects';
import { RULES } from './rules';
import type { KubeObject, PolicyContext, PolicyWaiver, Violation, Waived } from './types';

/** The rule a malformed waiver breaks. It is not in RULES and cannot itself be waived. */
export const WAIVER_RULE = 'waiver';

/**
 * Rules no waiver can lift: what would hand a workload the node or the cluster. A waiver for one
 * of them is itself a violation, and the violation stands.
 */
export const NEVER_WAIVABLE: ReadonlySet<string> = new Set([
  'pss-privileged', 'pss-host-process', 'pss-host-namespaces', 'no-sensitive-host-path',
  'rbac-no-wildcards', 'rbac-no-broad-bindings', 'rbac-no-escalation', 'no-secret-data',
]);

/** The rule id a mistyped waiver most likely meant. */
function nearestRule(id: string): string | undefined {
  let best: { id: string; d: number } | undefined;
  for (const rule of RULES) {
    const d = editDistance(id, rule.id);
    if (!best || d < best.d) best = { id: rule.id, d };
  }
  return best && best.d <= Math.max(3, Math.floor(id.length / 3)) ? best.id : undefined;
}

/** Waiver annotations on objects: no longer honoured, each reported where it sits. */
function annotationWaivers(objects: readonly KubeObject[]): Violation[] {
  const problems: Violation[] = [];
  for (const obj of objects) {
    for (const key of Object.keys(obj.metadata?.annotations ?? {})) {
      if (!key.startsWith(POLICY_WAIVER_PREFIX)) continue;
      problems.push({
        rule: WAIVER_RULE, object: objectRef(obj), path: field('metadata.annotations', key), value: key.slice(POLICY_WAIVER_PREFIX.length),
        message: 'is a waiver on the object that benefits from it, which the engine does not honour',
        fix: `remove the annotation; waivers live in the environment's "waivers" list (environments/<env>.ts), e.g. { rule: "${key.slice(POLICY_WAIVER_PREFIX.length)}", object: "${objectRef(obj)}", reason: "..." }`,
      });
    }
  }
  return problems;
}

interface Checked {
  readonly waiver: PolicyWaiver;
  readonly at: string;
}

/** The environment's waivers that can be honoured, and the others as violations. */
function checkWaivers(waivers: readonly PolicyWaiver[]): { valid: Checked[]; problems: Violation[] } {
  const ids = new Set(RULES.map((r) => r.id));
  const valid: Checked[] = [];
  const problems: Violation[] = [];
  waivers.forEach((waiver, i) => {
    const at = `waivers[${i}]`;
    const problem = (path: string, value: unknown, message: string, fix: string) => problems.push({ rule: WAIVER_RULE, object: waiver.object, path: `${at}.${path}`, value, message, fix });
    if (!ids.has(waiver.rule)) {
      const near = nearestRule(waiver.rule);
      problem('rule', waiver.rule, 'names a rule that does not exist, so it waives nothing', near ? `did you mean "${near}"?` : 'name a rule id of the policy engine, as a violation prints it');
    } else if (NEVER_WAIVABLE.has(waiver.rule)) {
      problem('rule', waiver.rule, `can never be waived: it would hand the workload the node or the cluster`, 'remove the waiver and fix the object');
    } else if (typeof waiver.reason !== 'string' || waiver.reason.trim() === '') {
      problem('reason', waiver.reason, `gives no reason for waiving ${waiver.rule}, so the waiver is ignored`, 'say why the rule does not apply to this object, e.g. "node agent: reads container logs from the host"');
    } else {
      valid.push({ waiver, at });
    }
  });
  return { valid, problems };
}

/**
 * The construct prop that fixes a rule's violation, for objects the construct library wrote:
 * the fix is then given in the user's terms as well as the manifest's.
 */
export const CONSTRUCT_FIX: Readonly<Record<string, string>> = {
  'pss-run-as-non-root': 'runAsUser on the container (the image\'s numeric user)',
  'pss-run-as-user': 'runAsUser on the container (not 0)',
  'no-read-only-root-fs': 'writablePaths on the container for each path it writes',
  'latest-tag': 'the environment\'s image tag (e.g. web.image.tag), pinned to a version',
  'unset-cpu-requirements': 'resources.cpu.request on the container',
  'unset-memory-requirements': 'resources.memory on the container',
  'no-anti-affinity': "podAntiAffinity: 'soft', or topologySpread",
  'pdb-max-unavailable': 'maxUnavailable of the WebService or StatefulService (at least 1)',
  'pdb-min-available': 'maxUnavailable instead of a minAvailable that keeps every pod',
  'job-ttl-seconds-after-finished': 'ttlSecondsAfterFinished, or a BatchJob (hash-named)',
  'has-poddisruptionbudget': 'maxUnavailable of the WebService or StatefulService',
  'cronjob-has-deadline': 'startingDeadlineSeconds of the ScheduledJob',
  'horizontalpodautoscaler-replicas': 'autoscaling.minReplicas (at least 2 in production)',
  'priority-class-exists': 'priorityClassName: a tier of PriorityClasses (priorities.nameOf)',
  'node-pool-exists': 'nodePool: a NodePool of the environment',
  'node-pool-tolerations': 'nodePool (tolerations follow the pool), or tolerations',
  'probe-port': 'the probe\'s port: a port name the container declares',
  'probe-own-pod': 'the probe without host',
  'no-root-group': 'runAsGroup or fsGroup: the image\'s own group',
  'pss-host-path-volumes': 'volumes of type persistentVolumeClaim, configMap or emptyDir (only a NodeAgent may mount host paths, with a waiver in the environment)',
};

/**
 * Judges one environment's objects against every rule. Violations come grouped by object, in
 * object order, then in rule order, so the same input always gives the same report. A violation
 * that one of the environment's waivers (ctx.waivers) covers is moved to `waived`.
 */
export function evaluate(objects: readonly KubeObject[], ctx: PolicyContext): { violations: Violation[]; waived: Waived[] } {
  // A fresh array per evaluation: the rules share one Inventory keyed by it.
  const all = [...objects];
  const found: Violation[] = [];
  for (const rule of RULES) found.push(...rule.check(all, ctx));
  found.push(...annotationWaivers(all));
  const { valid, problems } = checkWaivers(ctx.waivers ?? []);

  const inventory = Inventory.of(all);
  const ruleOrder = new Map(RULES.map((r, i) => [r.id, i]));
  const rank = (v: Violation) => ruleOrder.get(v.rule) ?? RULES.length;
  const order = (a: Violation, b: Violation) => inventory.orderOf(a.object) - inventory.orderOf(b.object) || rank(a) - rank(b);
  found.sort(order);

  const violations: Violation[] = [];
  const waived: Waived[] = [];
  const used = new Set<Checked>();
  for (const v of found) {
    const match = v.rule === WAIVER_RULE ? undefined : valid.find(({ waiver: w }) => w.rule === v.rule && w.object === v.object && (w.path === undefined || w.path === v.path));
    if (!match) violations.push(v);
    else {
      waived.push({ ...v, reason: match.waiver.reason.trim() });
      used.add(match);
    }
  }
  // A waiver that waives nothing outlived its reason: an exemption nobody would notice otherwise.
  for (const c of valid) {
    if (used.has(c)) continue;
    const exists = all.some((o) => objectRef(o) === c.waiver.object);
    violations.push({
      rule: WAIVER_RULE, object: c.waiver.object, path: c.at, value: c.waiver.reason,
      message: exists ? `waives ${c.waiver.rule}${c.waiver.path ? ` at ${c.waiver.path}` : ''}, which this object does not break` : `waives ${c.waiver.rule} for an object this environment does not have`,
      fix: 'remove the waiver, so that the rule protects this object again',
    });
  }
  violations.push(...problems);
  violations.sort(order);
  const managedByLibrary = new Set(all.filter((o) => o.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'cdk8s').map(objectRef));
  const inUserTerms = (v: Violation): Violation => (CONSTRUCT_FIX[v.rule] && managedByLibrary.has(v.object) ? { ...v, fix: `${v.fix} (in the construct: ${CONSTRUCT_FIX[v.rule]})` } : v);
  return { violations: violations.map(inUserTerms), waived };
}

/** One line: `<object>: [<rule>] <path> <value as JSON> <message>; <fix>`. */
export function formatViolation(v: Violation): string {
  return `${v.object}: [${v.rule}] ${v.path} ${show(v.value)} ${v.message}; ${v.fix}`;
}
