import type { IProbe } from 'kubernetes-models/v1/Probe';
import { SPEC_HASH_ANNOTATION } from '../../constructs/lib/labels';
import { imageProblem, parseQuantity, quantityProblem } from '../../constructs/lib/validate';
import { item, list, record, REDACTED } from '../objects';
import { containersOf, PodTemplate, REPLICATED_KINDS, RUNNABLE_CONTAINERS } from '../pods';
import { defineRule, Report } from '../rule';
import { formatLabels, LabelSelector, Labels, selects } from '../selectors';

/**
 * kube-linter's default checks (https://docs.kubelinter.io/#/generated/checks), ids as kube-linter
 * names them where one rule is one check. The checks it shares with the Pod Security Standards
 * live in pod-security.ts.
 */

const SECRET_NAME = /(secret|password|passwd|token|api[_-]?key|private[_-]?key|credential)/i;
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

/** A resource amount that must be set and above zero. */
function checkAmount(report: Report, t: PodTemplate, path: string, value: unknown, missing: string, example: string): void {
  if (value === undefined || value === null) {
    report(t.object, path, value ?? undefined, missing, `set ${path}, e.g. "${example}"`);
    return;
  }
  const problem = quantityProblem(value as string | number, example);
  if (problem) report(t.object, path, value, problem.problem, problem.fix);
  else if (parseQuantity(value as string | number) === 0) report(t.object, path, value, missing.replace(/^is not set/, 'is zero'), `set ${path}, e.g. "${example}"`);
}

/** The labels a workload's pods are selected by: its selector's matchLabels, else its template labels. */
function selectorLabelsOf(t: PodTemplate): Labels {
  const matchLabels = record<string>(t.object.spec?.selector?.matchLabels);
  return Object.keys(matchLabels).length > 0 ? matchLabels : t.labels;
}

/** A PDB percentage ("50%") as a number, or undefined for an integer. */
function percent(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+)%$/.exec(value.trim());
  return m ? Number(m[1]) : undefined;
}

export const KUBE_LINTER_RULES = [
  defineRule({
    id: 'no-read-only-root-fs',
    source: 'kube-linter',
    description: 'kube-linter no-read-only-root-fs: every container runs with readOnlyRootFilesystem true.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const c of containersOf(t)) {
          const value = c.container.securityContext?.readOnlyRootFilesystem;
          if (value !== true) {
            const path = `${c.path}.securityContext.readOnlyRootFilesystem`;
            report(t.object, path, value, `lets container "${c.name}" write to its image's filesystem`, `set ${path} to true and mount an emptyDir where it must write`);
          }
        }
      }
    },
  }),
  defineRule({
    id: 'latest-tag',
    source: 'kube-linter',
    description: 'kube-linter latest-tag: every image is pinned to a tag other than latest, or a digest.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const c of containersOf(t)) {
          const problem = imageProblem(c.container.image as string);
          if (problem) report(t.object, `${c.path}.image`, c.container.image, problem.problem, problem.fix);
        }
      }
    },
  }),
  defineRule({
    id: 'unset-cpu-requirements',
    source: 'kube-linter',
    description: 'kube-linter unset-cpu-requirements: every container requests CPU.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const c of containersOf(t, RUNNABLE_CONTAINERS)) {
          const path = `${c.path}.resources.requests.cpu`;
          checkAmount(report, t, path, c.container.resources?.requests?.cpu, `is not set for container "${c.name}", so the scheduler places it as if it used no CPU`, '100m');
        }
      }
    },
  }),
  defineRule({
    id: 'unset-memory-requirements',
    source: 'kube-linter',
    description: 'kube-linter unset-memory-requirements: every container has a memory limit.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const c of containersOf(t, RUNNABLE_CONTAINERS)) {
          const path = `${c.path}.resources.limits.memory`;
          checkAmount(report, t, path, c.container.resources?.limits?.memory, `is not set for container "${c.name}", so it can take all of the node's memory`, '256Mi');
        }
      }
    },
  }),
  defineRule({
    id: 'dangling-service',
    source: 'kube-linter',
    description: 'kube-linter dangling-service: a Service selector matches some pod template of its namespace (Services without selector are exempt).',
    check(inv, _ctx, report) {
      for (const svc of inv.ofKind('Service')) {
        const selector = record<string>(svc.spec?.selector);
        if (Object.keys(selector).length === 0 || svc.spec?.type === 'ExternalName') continue;
        if (!inv.selectsAnyTemplate(svc.metadata?.namespace, { matchLabels: selector })) {
          report(svc, 'spec.selector', selector, `matches no pod template in namespace "${svc.metadata?.namespace ?? ''}", so the Service has no endpoints`, 'make spec.selector equal the selector labels of the workload it fronts, or remove the Service');
        }
      }
    },
  }),
  defineRule({
    id: 'mismatching-selector',
    source: 'kube-linter',
    description: "kube-linter mismatching-selector: a Deployment, StatefulSet, DaemonSet, ReplicaSet (or Job with manualSelector) selector selects its own template's labels.",
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        const kind = t.object.kind;
        const selected = REPLICATED_KINDS.has(kind) || kind === 'DaemonSet' || (kind === 'Job' && t.object.spec?.manualSelector === true);
        if (!selected) continue;
        const selector = t.object.spec?.selector as LabelSelector | undefined;
        if (!selects(selector, t.labels)) {
          report(t.object, 'spec.selector', selector, `does not select the pod template's labels {${formatLabels(t.labels)}}, so the controller never owns its pods`, `set spec.selector.matchLabels to stable labels of ${t.metadataPath}.labels, e.g. app.kubernetes.io/name and app.kubernetes.io/instance`);
        }
      }
    },
  }),
  defineRule({
    id: 'default-service-account',
    source: 'kube-linter',
    description: 'kube-linter non-existent-service-account / default-service-account: a pod that runs as the namespace\'s "default" ServiceAccount does not mount its token (named accounts: stack rule service-account-exists).',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        const name = t.spec.serviceAccountName ?? t.spec.serviceAccount;
        if (name !== undefined && name !== '' && name !== 'default') continue;
        const automount = t.spec.automountServiceAccountToken ?? inv.find('ServiceAccount', t.namespace, 'default')?.automountServiceAccountToken;
        if (automount !== false) {
          const path = `${t.specPath}.serviceAccountName`;
          report(t.object, path, name, 'leaves the pod on the namespace\'s "default" ServiceAccount with its API token mounted', `set ${path} to a ServiceAccount of its own, or set ${t.specPath}.automountServiceAccountToken to false`);
        }
      }
    },
  }),
  defineRule({
    id: 'probe-port',
    source: 'kube-linter',
    description: 'kube-linter liveness-port, readiness-port, startup-port: a probe targets a port (name or number) its container declares.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const c of containersOf(t, RUNNABLE_CONTAINERS)) {
          const ports = list(c.container.ports);
          const names = new Set(ports.map((p) => p?.name).filter((n) => n !== undefined));
          const numbers = new Set(ports.map((p) => p?.containerPort));
          const declared = [...ports.map((p) => p?.name ?? String(p?.containerPort))].join(', ') || 'none';
          for (const probe of PROBES) {
            const spec = (c.container as { [k in (typeof PROBES)[number]]?: IProbe })[probe];
            for (const handler of PROBE_HANDLERS) {
              const port: unknown = spec?.[handler]?.port;
              if (port === undefined) continue;
              // The kubelet reads a numeric string as a number when no port has that name.
              const known = typeof port === 'number' ? numbers.has(port) : names.has(String(port)) || (/^\d+$/.test(String(port)) && numbers.has(Number(port)));
              if (!known) {
                const path = `${c.path}.${probe}.${handler}.port`;
                report(t.object, path, port, `is not a port container "${c.name}" declares (declared: ${declared})`, `declare it in ${c.path}.ports, or probe a declared port`);
              }
            }
          }
        }
      }
    },
  }),
  defineRule({
    id: 'duplicate-env-var',
    source: 'kube-linter',
    description: 'kube-linter duplicate-env-var: no environment variable is set twice in one container.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const c of containersOf(t)) {
          const first = new Map<string, number>();
          list(c.container.env).forEach((e, i) => {
            const seen = first.get(e?.name);
            if (seen === undefined) first.set(e?.name, i);
            else report(t.object, `${item(`${c.path}.env`, i)}.name`, e.name, `repeats ${c.path}.env[${seen}] in container "${c.name}"; only the last one takes effect`, 'remove one of the two');
          });
        }
      }
    },
  }),
  defineRule({
    id: 'env-var-secret',
    source: 'kube-linter',
    description: 'kube-linter env-var-secret: a secret-looking environment variable comes from valueFrom, never a literal value.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const c of containersOf(t)) {
          list(c.container.env).forEach((e, i) => {
            if (typeof e?.name !== 'string' || !SECRET_NAME.test(e.name) || typeof e.value !== 'string' || e.value === '') return;
            const path = item(`${c.path}.env`, i);
            report(t.object, `${path}.value`, REDACTED, `is a literal secret in ${e.name} of container "${c.name}", readable by anyone who can read the manifests`, `put it in a Secret and set ${path}.valueFrom.secretKeyRef instead of value`);
          });
        }
      }
    },
  }),
  defineRule({
    id: 'no-anti-affinity',
    source: 'kube-linter',
    description: 'kube-linter no-anti-affinity: a workload of 2 or more replicas spreads its pods with podAntiAffinity or topologySpreadConstraints selecting its own pods.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        if ((inv.maxPods(t.object) ?? 0) < 2 || t.object.kind === 'Pod') continue;
        const anti = t.spec.affinity?.podAntiAffinity;
        const selectors: unknown[] = [
          ...list(anti?.requiredDuringSchedulingIgnoredDuringExecution).map((term) => term?.labelSelector),
          ...list(anti?.preferredDuringSchedulingIgnoredDuringExecution).map((weighted) => weighted?.podAffinityTerm?.labelSelector),
          ...list(t.spec.topologySpreadConstraints).map((c) => c?.labelSelector),
        ];
        if (selectors.some((s) => selects(s as LabelSelector, t.labels))) continue;
        const path = `${t.specPath}.affinity.podAntiAffinity`;
        const spread = { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorLabelsOf(t) } };
        const why = selectors.length === 0 ? 'there are no topologySpreadConstraints' : "no anti-affinity term or topologySpreadConstraint selects the workload's own pods";
        report(t.object, path, anti, `is not set and ${why}, so all ${inv.maxPods(t.object)} replicas may land on one node`, `add to ${t.specPath}.topologySpreadConstraints: ${JSON.stringify(spread)}, or a podAntiAffinity term selecting the same labels`);
      }
    },
  }),
  defineRule({
    id: 'pdb-max-unavailable',
    source: 'kube-linter',
    description: 'kube-linter pdb-max-unavailable: a PodDisruptionBudget does not set maxUnavailable to 0 or "0%".',
    check(inv, _ctx, report) {
      for (const pdb of inv.ofKind('PodDisruptionBudget')) {
        const value = pdb.spec?.maxUnavailable;
        if (value === 0 || value === '0' || percent(value) === 0) {
          report(pdb, 'spec.maxUnavailable', value, 'lets no pod be evicted, so node drains and cluster upgrades hang', 'set spec.maxUnavailable to 1');
        }
      }
    },
  }),
  defineRule({
    id: 'pdb-min-available',
    source: 'kube-linter',
    description: 'kube-linter pdb-min-available: a PodDisruptionBudget minAvailable is below 100% and below the replicas of the workloads it selects.',
    check(inv, _ctx, report) {
      for (const pdb of inv.ofKind('PodDisruptionBudget')) {
        const value = pdb.spec?.minAvailable;
        if (value === undefined) continue;
        const blocks = (pods: string) => `lets no pod be evicted (${pods}), so node drains and cluster upgrades hang`;
        const fix = 'replace spec.minAvailable with spec.maxUnavailable: 1';
        const pct = percent(value);
        if (pct !== undefined && pct >= 100) {
          report(pdb, 'spec.minAvailable', value, blocks('it keeps every pod it selects'), fix);
          continue;
        }
        const selected = inv.templatesSelected(pdb.metadata?.namespace, pdb.spec?.selector);
        const counts = selected.map((t) => inv.minPods(t.object));
        // Without every workload's pod count (DaemonSets, Jobs) the budget cannot be judged.
        if (selected.length === 0 || counts.some((n) => n === undefined)) continue;
        const pods = counts.reduce<number>((a, n) => a + (n ?? 0), 0);
        const min = pct !== undefined ? Math.ceil((pct * pods) / 100) : Number(value);
        if (pods > 0 && min >= pods) {
          const names = selected.map((t) => `${t.object.kind} ${t.object.metadata?.name}`).join(', ');
          report(pdb, 'spec.minAvailable', value, blocks(`${names} run${selected.length === 1 ? 's' : ''} ${pods} pod${pods === 1 ? '' : 's'} at the least`), fix);
        }
      }
    },
  }),
  defineRule({
    id: 'pdb-unhealthy-pod-eviction-policy',
    source: 'kube-linter',
    description: 'kube-linter pdb-unhealthy-pod-eviction-policy: a PodDisruptionBudget sets unhealthyPodEvictionPolicy.',
    check(inv, _ctx, report) {
      for (const pdb of inv.ofKind('PodDisruptionBudget')) {
        if (pdb.spec?.unhealthyPodEvictionPolicy === undefined) {
          report(pdb, 'spec.unhealthyPodEvictionPolicy', undefined, 'is not set, so pods that never become ready count against the budget and can block a drain', 'set spec.unhealthyPodEvictionPolicy to AlwaysAllow');
        }
      }
    },
  }),
  defineRule({
    id: 'job-ttl-seconds-after-finished',
    source: 'kube-linter',
    description: 'kube-linter job-ttl-seconds-after-finished: a standalone Job sets ttlSecondsAfterFinished.',
    check(inv, _ctx, report) {
      for (const job of inv.ofKind('Job')) {
        const owners = (job.metadata as { ownerReferences?: { kind?: string }[] } | undefined)?.ownerReferences;
        const owned = list(owners).some((o) => o?.kind === 'CronJob');
        // A Job named after its spec's hash leaves by a prune when its spec changes; a TTL would let
        // the next apply create and run it again.
        const hash = (job.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[SPEC_HASH_ANNOTATION];
        const hashNamed = hash !== undefined && String(job.metadata?.name).endsWith(`-${hash}`);
        if (!owned && !hashNamed && job.spec?.ttlSecondsAfterFinished === undefined) {
          report(job, 'spec.ttlSecondsAfterFinished', undefined, 'is not set, so the finished Job and its pods stay forever', 'set spec.ttlSecondsAfterFinished, e.g. 3600, or name the Job after its spec (BatchJob does) so that a prune removes it');
        }
      }
    },
  }),
];
