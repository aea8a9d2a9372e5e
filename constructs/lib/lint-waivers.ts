import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from './errors';
import { KUBE_LINTER_IGNORE_PREFIX, KUBE_SCORE_IGNORE, KUBE_SCORE_REASON_PREFIX, LintWaivers, POLARIS_EXEMPT, POLARIS_REASON_PREFIX } from './labels';

const CHECK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const POLARIS_ID = /^[a-z][A-Za-z0-9]*$/;

/**
 * Writes `waivers` onto `obj` as each linter reads them, with the reason beside each check:
 * kube-score `kube-score/ignore` (reasons in `waiver.k8s-stack.io/kube-score.<check>`), kube-linter
 * `ignore-check.kube-linter.io/<check>: <reason>`, Polaris `polaris.fairwinds.com/<check>-exempt`
 * (reasons in `waiver.k8s-stack.io/polaris.<check>`). Refuses a malformed check id or an empty
 * reason: an exemption nobody can explain is not reviewed.
 */
export function addLintWaivers(scope: Construct, obj: ApiObject, waivers: LintWaivers | undefined, field = 'lintWaivers'): void {
  const reasonOf = (tool: string, id: string, reason: unknown): string => {
    if (typeof reason !== 'string' || reason.trim() === '') invalid(scope, `${field}.${tool}["${id}"]`, reason, 'is not a reason', 'say why the check does not apply to this object');
    return reason;
  };
  const kubeScore = waivers?.kubeScore ?? {};
  const ids = Object.keys(kubeScore).sort();
  for (const id of ids) {
    if (!CHECK_ID.test(id) || `${KUBE_SCORE_REASON_PREFIX}${id}`.split('/')[1].length > 63) invalid(scope, `${field}.kubeScore`, id, 'is not a kube-score check id', 'use an id from "kube-score list", e.g. "container-security-context-user-group-id"');
    obj.metadata.addAnnotation(`${KUBE_SCORE_REASON_PREFIX}${id}`, reasonOf('kubeScore', id, kubeScore[id]));
  }
  if (ids.length > 0) obj.metadata.addAnnotation(KUBE_SCORE_IGNORE, ids.join(','));
  for (const [id, reason] of Object.entries(waivers?.kubeLinter ?? {}).sort()) {
    if (!CHECK_ID.test(id) || id.length > 63) invalid(scope, `${field}.kubeLinter`, id, 'is not a kube-linter check id', 'use a name from "kube-linter checks list", e.g. "read-secret-from-env-var"');
    obj.metadata.addAnnotation(`${KUBE_LINTER_IGNORE_PREFIX}${id}`, reasonOf('kubeLinter', id, reason));
  }
  for (const [id, reason] of Object.entries(waivers?.polaris ?? {}).sort()) {
    if (!POLARIS_ID.test(id) || `${id}-exempt`.length > 63) invalid(scope, `${field}.polaris`, id, 'is not a Polaris check id', 'use a check id from Polaris\'s configuration, e.g. "hostPathSet"');
    obj.metadata.addAnnotation(`${POLARIS_REASON_PREFIX}${id}`, reasonOf('polaris', id, reason));
    obj.metadata.addAnnotation(POLARIS_EXEMPT(id), 'true');
  }
}
