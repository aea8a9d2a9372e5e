import { editDistance, show } from '../constructs/lib/errors';
import { POLICY_WAIVER_PREFIX } from '../constructs/lib/labels';
import { Inventory } from './inventory';
import { field, objectRef } from './objects';
import { RULES } from './rules';
import type { KubeObject, PolicyContext, Violation, Waived } from './types';

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

/** The valid waivers of every object by object reference and rule id, and the malformed ones as violations. */
function readWaivers(objects: readonly KubeObject[]): { waivers: Map<string, Map<string, string>>; problems: Violation[] } {
  const ids = new Set(RULES.map((r) => r.id));
  const waivers = new Map<string, Map<string, string>>();
  const problems: Violation[] = [];
  for (const obj of objects) {
    const ref = objectRef(obj);
    for (const [key, reason] of Object.entries(obj.metadata?.annotations ?? {})) {
      if (!key.startsWith(POLICY_WAIVER_PREFIX)) continue;
      const id = key.slice(POLICY_WAIVER_PREFIX.length);
      const path = field('metadata.annotations', key);
      if (!ids.has(id)) {
        const near = nearestRule(id);
        problems.push({
          rule: WAIVER_RULE, object: ref, path, value: id,
          message: 'waives a rule that does not exist, so it waives nothing',
          fix: near ? `did you mean "${POLICY_WAIVER_PREFIX}${near}"? Otherwise remove the annotation` : 'name a rule id of the policy engine, or remove the annotation',
        });
      } else if (NEVER_WAIVABLE.has(id)) {
        problems.push({
          rule: WAIVER_RULE, object: ref, path, value: id,
          message: `waives ${id}, which can never be waived: it would hand the workload the node or the cluster`,
          fix: 'remove the annotation and fix the object',
        });
      } else if (typeof reason !== 'string' || reason.trim() === '') {
        problems.push({
          rule: WAIVER_RULE, object: ref, path, value: reason,
          message: `gives no reason for waiving ${id}, so the waiver is ignored`,
          fix: 'say why the rule does not apply to this object, e.g. "node agent: reads container logs from the host"',
        });
      } else {
        let forObject = waivers.get(ref);
        if (!forObject) waivers.set(ref, (forObject = new Map()));
        if (!forObject.has(id)) forObject.set(id, reason.trim());
      }
    }
  }
  return { waivers, problems };
}

/**
 * Judges one environment's objects against every rule. Violations come grouped by object, in
 * object order, then in rule order, so the same input always gives the same report. A violation
 * whose object waives its rule is moved to `waived`.
 */
export function evaluate(objects: readonly KubeObject[], ctx: PolicyContext): { violations: Violation[]; waived: Waived[] } {
  // A fresh array per evaluation: the rules share one Inventory keyed by it.
  const all = [...objects];
  const found: Violation[] = [];
  for (const rule of RULES) found.push(...rule.check(all, ctx));
  const { waivers, problems } = readWaivers(all);
  found.push(...problems);

  const inventory = Inventory.of(all);
  const ruleOrder = new Map(RULES.map((r, i) => [r.id, i]));
  const rank = (v: Violation) => ruleOrder.get(v.rule) ?? RULES.length;
  found.sort((a, b) => inventory.orderOf(a.object) - inventory.orderOf(b.object) || rank(a) - rank(b));

  const violations: Violation[] = [];
  const waived: Waived[] = [];
  const used = new Set<string>();
  for (const v of found) {
    const reason = waivers.get(v.object)?.get(v.rule);
    if (reason === undefined) violations.push(v);
    else {
      waived.push({ ...v, reason });
      used.add(`${v.object}\u0000${v.rule}`);
    }
  }
  // A waiver that waives nothing outlived its reason: an exemption nobody would notice otherwise.
  for (const [object, forObject] of waivers) {
    for (const [rule, reason] of forObject) {
      if (used.has(`${object}\u0000${rule}`)) continue;
      violations.push({
        rule: WAIVER_RULE, object, path: field('metadata.annotations', `${POLICY_WAIVER_PREFIX}${rule}`), value: reason,
        message: `waives ${rule}, which this object does not break`,
        fix: 'remove the annotation, so that the rule protects this object again',
      });
    }
  }
  violations.sort((a, b) => inventory.orderOf(a.object) - inventory.orderOf(b.object) || rank(a) - rank(b));
  return { violations, waived };
}

/** One line: `<object>: [<rule>] <path> <value as JSON> <message>; <fix>`. */
export function formatViolation(v: Violation): string {
  return `${v.object}: [${v.rule}] ${v.path} ${show(v.value)} ${v.message}; ${v.fix}`;
}
