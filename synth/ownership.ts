/**
 * Who owns an object in the cluster, and how to prune what code no longer writes: every object an
 * environment's output holds carries the app and environment labels, and each output folder says
 * how `kubectl apply --prune` is scoped to exactly those labels and every kind the pipeline writes.
 */
import type { EnvironmentValues } from '../environments';
import type { KubeObject, OutputFile } from './synthesize';

export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const ENVIRONMENT_LABEL = 'k8s-stack.io/environment';

/** The labels that scope an environment's objects: the selector of its prune. */
export function ownershipLabels(values: EnvironmentValues): Record<string, string> {
  return { [PART_OF_LABEL]: values.app, [ENVIRONMENT_LABEL]: values.name };
}

/**
 * Every kind the pipeline can write, as `kubectl apply --prune-allowlist` spells it. All of them,
 * not only those in today's output: a kind whose last object was removed must still be pruned.
 * (kubectl's own default allowlist leaves out NetworkPolicies, RBAC, autoscalers, budgets, quotas.)
 */
export const PRUNE_KINDS: readonly string[] = [
  'core/v1/Namespace', 'scheduling.k8s.io/v1/PriorityClass', 'storage.k8s.io/v1/StorageClass', 'core/v1/PersistentVolume',
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'core/v1/ResourceQuota', 'core/v1/LimitRange', 'networking.k8s.io/v1/NetworkPolicy',
  'core/v1/ServiceAccount', 'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding',
  'core/v1/ConfigMap', 'core/v1/Secret', 'core/v1/PersistentVolumeClaim', 'core/v1/Service', 'discovery.k8s.io/v1/EndpointSlice',
  'apps/v1/Deployment', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet', 'batch/v1/Job', 'batch/v1/CronJob',
  'autoscaling/v2/HorizontalPodAutoscaler', 'policy/v1/PodDisruptionBudget', 'networking.k8s.io/v1/Ingress',
];

/**
 * Kinds of custom resources, pruned only where the environment's settings write them: kubectl
 * refuses an allowlist naming a kind the cluster does not serve, and only those clusters install
 * the CRDs (GKE's Gateway controller, the monitoring add-on).
 */
export function customPruneKinds(values: Pick<EnvironmentValues, 'ingress' | 'monitoring'>): string[] {
  return [
    ...(values.ingress.edge === 'gke-gateway' ? ['gateway.networking.k8s.io/v1/Gateway', 'gateway.networking.k8s.io/v1/HTTPRoute'] : []),
    ...(values.monitoring.enabled ? ['monitoring.coreos.com/v1/ServiceMonitor'] : []),
  ];
}

/** `group/version/Kind` of an object, as in PRUNE_KINDS. */
export const pruneKindOf = (o: KubeObject): string => `${o.apiVersion.includes('/') ? o.apiVersion : `core/${o.apiVersion}`}/${o.kind}`;

/** Adds the ownership labels to every object (never to selectors or pod templates: those stay stable). */
export function labelOwnership(objects: KubeObject[], values: EnvironmentValues): void {
  const own = ownershipLabels(values);
  for (const o of objects) o.metadata.labels = { ...o.metadata.labels, ...own };
}

/** The name of the file in each output folder that holds the prune flags. */
export const PRUNE_FLAGS_FILE = 'prune-flags';
/** The kustomization of each output folder; this name, not kustomization.yaml, so `kubectl apply -f <folder>` still reads only manifests. */
export const KUSTOMIZATION_FILE = 'Kustomization';

/** `kubectl apply -f dist/<env> $(cat dist/<env>/prune-flags)`: prune exactly this environment's objects. */
export function pruneFlagsFile(values: EnvironmentValues): OutputFile {
  const selector = Object.entries(ownershipLabels(values)).map(([k, v]) => `${k}=${v}`).join(',');
  return { name: PRUNE_FLAGS_FILE, content: ['--prune', `--selector=${selector}`, ...[...PRUNE_KINDS, ...customPruneKinds(values)].map((k) => `--prune-allowlist=${k}`), ''].join('\n') };
}

/** A kustomization listing the manifests in apply order, for `kubectl kustomize`, Argo CD and Flux. */
export function kustomizationFile(manifests: readonly OutputFile[]): OutputFile {
  return {
    name: KUSTOMIZATION_FILE,
    content: ['# Written by npm run synth: the manifests of this folder, in apply order.', 'apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', ...manifests.map((f) => `  - ${f.name}`), ''].join('\n'),
  };
}
