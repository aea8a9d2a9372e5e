/**
 * Who owns an object in the cluster, and how to prune what code no longer writes: every object an
 * environment's output holds carries the app and environment labels, and each output folder says
 * how `kubectl apply --prune` is scoped to exactly those labels and every kind the pipeline writes.
 */
import type { PlatformValues } from '../environments/schema';
import type { KubeObject, OutputFile } from './synthesize';

export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const ENVIRONMENT_LABEL = 'k8s-stack.io/environment';

/** The labels of an object of app `partOf` in environment `environment`. */
export function ownershipLabels(partOf: string, environment: string): Record<string, string> {
  return { [PART_OF_LABEL]: partOf, [ENVIRONMENT_LABEL]: environment };
}

/**
 * The selector of an environment's prune: every object of every app it runs (and of the platform)
 * carries it, so an app removed from the environment is pruned too.
 */
export function pruneSelector(environment: string): string {
  return `${ENVIRONMENT_LABEL}=${environment}`;
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
 * Kinds of custom resources, pruned only where the environment writes them (or, for monitors,
 * where its monitoring add-on serves them): kubectl refuses an allowlist naming a kind the cluster
 * does not serve, and only those clusters install the CRDs (GKE's Gateway controller, the monitoring
 * add-on).
 */
export function customPruneKinds(values: Pick<PlatformValues, 'monitoring'>, objects: readonly KubeObject[]): string[] {
  const builtIn = new Set(PRUNE_KINDS);
  const written = objects.map(pruneKindOf).filter((k) => !builtIn.has(k));
  const monitors = values.monitoring.enabled ? ['monitoring.coreos.com/v1/ServiceMonitor'] : [];
  return [...new Set([...written, ...monitors])].sort();
}

/** `group/version/Kind` of an object, as in PRUNE_KINDS. */
export const pruneKindOf = (o: KubeObject): string => `${o.apiVersion.includes('/') ? o.apiVersion : `core/${o.apiVersion}`}/${o.kind}`;

/** Adds the ownership labels to every object (never to selectors or pod templates: those stay stable). */
export function labelOwnership(objects: KubeObject[], partOf: string, environment: string): void {
  const own = ownershipLabels(partOf, environment);
  for (const o of objects) o.metadata.labels = { ...o.metadata.labels, ...own };
}

/** The name of the file in each output folder that holds the prune flags. */
export const PRUNE_FLAGS_FILE = 'prune-flags';
/** The kustomization of each output folder; this name, not kustomization.yaml, so `kubectl apply -f <folder>` still reads only manifests. */
export const KUSTOMIZATION_FILE = 'Kustomization';

/** `kubectl apply -f dist/<env> $(cat dist/<env>/prune-flags)`: prune exactly this environment's objects. */
export function pruneFlagsFile(values: PlatformValues, objects: readonly KubeObject[]): OutputFile {
  const selector = pruneSelector(values.name);
  return { name: PRUNE_FLAGS_FILE, content: ['--prune', `--selector=${selector}`, ...[...PRUNE_KINDS, ...customPruneKinds(values, objects)].map((k) => `--prune-allowlist=${k}`), ''].join('\n') };
}

/** A kustomization listing the manifests in apply order, for `kubectl kustomize`, Argo CD and Flux. */
export function kustomizationFile(manifests: readonly OutputFile[]): OutputFile {
  return {
    name: KUSTOMIZATION_FILE,
    content: ['# Written by npm run synth: the manifests of this folder, in apply order.', 'apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', ...manifests.map((f) => `  - ${f.name}`), ''].join('\n'),
  };
}
