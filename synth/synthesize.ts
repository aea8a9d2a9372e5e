import { App } from 'cdk8s';
import { ShopChart } from '../charts/shop';
import { ValidationError } from '../constructs/lib/errors';
import { CLUSTER_SCOPED_KINDS } from '../constructs/lib/patch';
import { EnvironmentValues } from '../environments';
import { PolicyContext, Violation, Waived, evaluate, formatViolation } from '../policy';
import { kustomizationFile, labelOwnership, pruneFlagsFile } from './ownership';
import { toYaml } from './yaml';

/** A synthesized Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** One output file of an environment. */
export interface OutputFile {
  /** File name inside `dist/<env>/`; lexical order of the `.yaml` files is apply order. */
  readonly name: string;
  readonly content: string;
}

/** Everything synthesized for one environment. */
export interface SynthResult {
  readonly environment: string;
  /** Every object, in apply order. */
  readonly objects: KubeObject[];
  readonly files: OutputFile[];
  /** Policy violations that were waived by annotation, for the report. */
  readonly waived: Waived[];
}

/** Synthesis refused by policy: every violation, one per line. */
export class PolicyError extends Error {
  public constructor(public readonly environment: string, public readonly violations: readonly Violation[]) {
    super(`environment "${environment}": ${violations.length} policy violation(s):\n${violations.map((v) => `  ${formatViolation(v)}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

/** Apply order within a namespace: what others refer to comes first. */
const KIND_ORDER = [
  'Namespace', 'PriorityClass', 'StorageClass', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding',
  'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Secret',
  'PersistentVolumeClaim', 'Service', 'EndpointSlice', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob',
  'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ServiceMonitor', 'Gateway', 'HTTPRoute', 'Ingress',
];
const rank = (kind: string) => {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
};

function byApplyOrder(a: KubeObject, b: KubeObject): number {
  return rank(a.kind) - rank(b.kind) || (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name);
}

/**
 * The file an object goes to: one file per apply layer, numbered in apply order (kubectl applies a
 * folder's files in name order). A fixed handful of files, however many components there are:
 * writing files, not building objects, dominates synthesis at scale on slow disks.
 */
const LAYERS: ReadonlyArray<[file: string, kinds: readonly string[]]> = [
  ['00-namespaces.yaml', ['Namespace']],
  ['02-guardrails.yaml', ['ResourceQuota', 'LimitRange', 'NetworkPolicy']],
  ['03-access.yaml', ['ServiceAccount', 'Role', 'RoleBinding']],
  ['04-config.yaml', ['ConfigMap', 'Secret']],
  ['05-storage.yaml', ['PersistentVolumeClaim']],
  ['06-services.yaml', ['Service', 'EndpointSlice']],
  ['07-workloads.yaml', ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']],
  ['08-availability.yaml', ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ServiceMonitor']],
  ['09-ingress.yaml', ['Gateway', 'HTTPRoute', 'Ingress']],
];
const FILE_OF_KIND = new Map(LAYERS.flatMap(([file, kinds]) => kinds.map((k) => [k, file] as const)));

function fileOf(o: KubeObject): string {
  return FILE_OF_KIND.get(o.kind) ?? (CLUSTER_SCOPED_KINDS.has(o.kind) ? '01-cluster.yaml' : '10-other.yaml');
}

/** Renders objects into files: deterministic, byte-identical between runs. */
export function toFiles(objects: readonly KubeObject[]): OutputFile[] {
  const groups = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const f = fileOf(o);
    let list = groups.get(f);
    if (!list) groups.set(f, (list = []));
    list.push(o);
  }
  return [...groups.keys()].sort().map((name) => ({
    name,
    content: groups.get(name)!.map(toYaml).join('---\n'),
  }));
}

/** The policy context of an environment. */
export function policyContext(values: EnvironmentValues): PolicyContext {
  return { environment: values.name, production: values.production, nodePools: values.nodePools, systemNamespaces: [values.systemNamespace], waivers: values.waivers ?? [], allowedRegistries: values.allowedRegistries };
}

/** Adds constructs to an environment's chart before it renders (benchmarks, extra tenants). */
export type ChartExtension = (chart: ShopChart, values: EnvironmentValues) => void;

/** Builds the application for one environment and returns its objects in apply order (no policy). */
export function buildObjects(values: EnvironmentValues, extend?: ChartExtension): KubeObject[] {
  const app = new App({ outdir: '.' });
  const chart = new ShopChart(app, values.name, { values });
  extend?.(chart, values);
  const objects = chart.toJson() as KubeObject[];
  labelOwnership(objects, values);
  return objects.sort(byApplyOrder);
}

/**
 * Synthesizes one environment in memory: builds, renders, and runs the policy engine. Throws
 * (PolicyError, ValidationError, EnvironmentError) without writing anything.
 */
export function synthesizeEnvironment(values: EnvironmentValues, extend?: ChartExtension): SynthResult {
  let objects: KubeObject[];
  try {
    objects = buildObjects(values, extend);
  } catch (e) {
    // Name the environment: the same construct can be valid in one and not in another.
    if (e instanceof ValidationError) throw new ValidationError(`environment "${values.name}": ${e.where}`, e.field, e.value, e.problem, e.fix);
    throw e;
  }
  const { violations, waived } = evaluate(objects, policyContext(values));
  if (violations.length > 0) throw new PolicyError(values.name, violations);
  const manifests = toFiles(objects);
  return { environment: values.name, objects, files: [...manifests, kustomizationFile(manifests), pruneFlagsFile(values)], waived };
}
