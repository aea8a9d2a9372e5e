import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from './errors';
import { KUBE_SCORE_IGNORE, KUBE_SCORE_REASON_PREFIX, LintWaivers } from './labels';

const CHECK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Writes `waivers` onto `obj` as the linters read them (kube-score: `kube-score/ignore`), each with
 * its reason in `waiver.k8s-stack.io/kube-score.<check>`. Refuses a malformed check id or an empty
 * reason: an exemption nobody can explain is not reviewed.
 */
export function addLintWaivers(scope: Construct, obj: ApiObject, waivers: LintWaivers | undefined, field = 'lintWaivers'): void {
  const kubeScore = waivers?.kubeScore ?? {};
  const ids = Object.keys(kubeScore).sort();
  for (const id of ids) {
    if (!CHECK_ID.test(id) || `${KUBE_SCORE_REASON_PREFIX}${id}`.split('/')[1].length > 63) invalid(scope, `${field}.kubeScore`, id, 'is not a kube-score check id', 'use an id from "kube-score list", e.g. "container-security-context-user-group-id"');
    const reason = kubeScore[id];
    if (typeof reason !== 'string' || reason.trim() === '') invalid(scope, `${field}.kubeScore["${id}"]`, reason, 'is not a reason', 'say why the check does not apply to this object');
    obj.metadata.addAnnotation(`${KUBE_SCORE_REASON_PREFIX}${id}`, reason);
  }
  if (ids.length > 0) obj.metadata.addAnnotation(KUBE_SCORE_IGNORE, ids.join(','));
}
