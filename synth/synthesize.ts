import { ApiObject, App, Chart } from 'cdk8s';
import { PLATFORM_PART_OF, PlatformChart } from '../charts/platform';
import { ValidationError } from '../constructs/lib/errors';
import { CLUSTER_SCOPED_KINDS } from '../constructs/lib/patch';
import type { AppDefinition } from '../environments/app';
import type { EnvironmentsDefinition } from '../environments/load';
import type { PlatformValues } from '../environments/schema';
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

/** The apps of a project by name. */
function appsOf(project: Pick<EnvironmentsDefinition, 'apps'>, values: PlatformValues): AppDefinition[] {
  return values.apps.map((name) => {
    const app = project.apps.find((a) => a.name === name);
    if (!app) throw new Error(`environment "${values.name}": app "${name}" is not registered; registered apps: ${project.apps.map((a) => a.name).join(', ')}`);
    return app;
  });
}

/** The policy context of an environment: the system namespaces its apps declare, its waivers and registries. */
export function policyContext(project: Pick<EnvironmentsDefinition, 'apps'>, values: PlatformValues): PolicyContext {
  const valuesOf = values as PlatformValues & Record<string, unknown>;
  const systemNamespaces = appsOf(project, values).flatMap((app) => [...(app.systemNamespaces?.(valuesOf[app.name]) ?? [])]);
  return { environment: values.name, production: values.production, nodePools: values.nodePools, systemNamespaces, waivers: values.waivers ?? [], allowedRegistries: values.allowedRegistries };
}

/** The charts of one environment, for extensions: the platform's and each app's by name. */
export interface EnvironmentCharts {
  readonly platform: PlatformChart;
  readonly apps: Readonly<Record<string, Chart>>;
}

/** Adds constructs to an environment's charts before they render (benchmarks, extra tenants). */
export type ChartExtension = (charts: EnvironmentCharts, values: PlatformValues & Record<string, unknown>) => void;

/**
 * Builds every app of one environment and returns their objects in apply order (no policy): the
 * platform chart (priority tiers, storage class) once, then each app's chart, each object labelled
 * with the app it belongs to (`platform` for the shared ones) and the environment.
 */
export function buildObjects(project: Pick<EnvironmentsDefinition, 'apps'>, values: PlatformValues, extend?: ChartExtension): KubeObject[] {
  const valuesOf = values as PlatformValues & Record<string, unknown>;
  const app = new App({ outdir: '.' });
  const platform = new PlatformChart(app, 'platform', values);
  const charts: Record<string, Chart> = {};
  for (const def of appsOf(project, values)) charts[def.name] = def.chart(app, platform, valuesOf[def.name]);
  extend?.({ platform, apps: charts }, valuesOf);
  const objects: KubeObject[] = [];
  // cdk8s resolves and validates the whole app on every chart.toJson(): once is enough, so the
  // first chart renders through it and the others object by object (the same JSON, without doing
  // the app-wide work once per app).
  const all = [[PLATFORM_PART_OF, platform], ...Object.entries(charts)] as Array<[string, Chart]>;
  all.forEach(([partOf, chart], i) => {
    const own = (i === 0 ? chart.toJson() : chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart).map((o) => o.toJson())) as KubeObject[];
    labelOwnership(own, partOf, values.name);
    objects.push(...own);
  });
  return objects.sort(byApplyOrder);
}

/**
 * Synthesizes one environment in memory: builds every app it runs, renders, and runs the policy
 * engine over all of them. Throws (PolicyError, ValidationError, EnvironmentError) without writing
 * anything.
 */
export function synthesizeEnvironment(project: Pick<EnvironmentsDefinition, 'apps'>, values: PlatformValues, extend?: ChartExtension): SynthResult {
  let objects: KubeObject[];
  try {
    objects = buildObjects(project, values, extend);
  } catch (e) {
    // Name the environment: the same construct can be valid in one and not in another.
    if (e instanceof ValidationError) throw new ValidationError(`environment "${values.name}": ${e.where}`, e.field, e.value, e.problem, e.fix);
    throw e;
  }
  const { violations, waived } = evaluate(objects, policyContext(project, values));
  if (violations.length > 0) throw new PolicyError(values.name, violations);
  const manifests = toFiles(objects);
  return { environment: values.name, objects, files: [...manifests, kustomizationFile(manifests), pruneFlagsFile(values, objects)], waived };
}
