import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEphemeralContainer } from 'kubernetes-models/v1/EphemeralContainer';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { field, item, list, record } from './objects';
import type { Labels } from './selectors';
import type { KubeObject } from './types';

export type PodSpec = IPodSpec;
export type Container = IContainer | IEphemeralContainer;

/** Where each workload kind keeps its pod template (a Pod is its own template). */
const TEMPLATE_AT: ReadonlyMap<string, readonly string[]> = new Map([
  ['Pod', []],
  ['Deployment', ['spec', 'template']],
  ['StatefulSet', ['spec', 'template']],
  ['DaemonSet', ['spec', 'template']],
  ['ReplicaSet', ['spec', 'template']],
  ['Job', ['spec', 'template']],
  ['CronJob', ['spec', 'jobTemplate', 'spec', 'template']],
  // Kinds nobody should write any more, which still run pods as written: inspected all the same.
  ['ReplicationController', ['spec', 'template']],
  ['PodTemplate', ['template']],
]);

/**
 * Where an object of a kind the engine does not know carries a pod spec (an object with a
 * `containers` list whose items name an image), or undefined: such a kind runs pods no rule looks at.
 */
export function hiddenPodSpecPath(obj: KubeObject): string | undefined {
  if (TEMPLATE_AT.has(obj.kind)) return undefined;
  const seek = (node: unknown, at: string, depth: number): string | undefined => {
    if (depth > 8 || node === null || typeof node !== 'object') return undefined;
    const containers = (node as Record<string, unknown>).containers;
    if (Array.isArray(containers) && containers.some((c) => c !== null && typeof c === 'object' && typeof (c as Record<string, unknown>).image === 'string')) return at;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === 'metadata' || k === 'status') continue;
      const found = seek(v, at ? `${at}.${k}` : k, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return seek(obj, '', 0);
}

export const WORKLOAD_KINDS: readonly string[] = [...TEMPLATE_AT.keys()];

/** The pod template of one workload object, with the paths rules need to name its fields. */
export interface PodTemplate {
  readonly object: KubeObject;
  readonly namespace: string | undefined;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly spec: PodSpec;
  /** "spec" for a Pod, "spec.template.spec" for a Deployment, ... */
  readonly specPath: string;
  /** "metadata" for a Pod, "spec.template.metadata" for a Deployment, ... */
  readonly metadataPath: string;
}

/** The pod template of a workload, or undefined for other kinds and for workloads without one. */
export function podTemplateOf(obj: KubeObject): PodTemplate | undefined {
  const at = TEMPLATE_AT.get(obj.kind);
  if (at === undefined) return undefined;
  let node: unknown = obj;
  for (const key of at) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  const template = node as { metadata?: { labels?: Labels; annotations?: Labels }; spec?: PodSpec } | undefined;
  if (template == null || typeof template !== 'object' || template.spec == null || typeof template.spec !== 'object') return undefined;
  const base = at.join('.');
  return {
    object: obj,
    namespace: obj.metadata?.namespace,
    labels: record(template.metadata?.labels),
    annotations: record(template.metadata?.annotations),
    spec: template.spec,
    specPath: field(base, 'spec'),
    metadataPath: field(base, 'metadata'),
  };
}

export type ContainerGroup = 'initContainers' | 'containers' | 'ephemeralContainers';
/** What "containers" means unless a rule says otherwise. */
export const ALL_CONTAINERS: readonly ContainerGroup[] = ['initContainers', 'containers', 'ephemeralContainers'];
/** Ephemeral containers may set neither resources, ports nor probes, so rules about those skip them. */
export const RUNNABLE_CONTAINERS: readonly ContainerGroup[] = ['initContainers', 'containers'];

export interface ContainerRef {
  readonly container: Container;
  readonly name: string;
  /** e.g. "spec.template.spec.initContainers[0]" */
  readonly path: string;
}

/** The containers of a pod template in API order: init containers, containers, ephemeral containers. */
export function containersOf(t: PodTemplate, groups: readonly ContainerGroup[] = ALL_CONTAINERS): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const group of groups) {
    list<Container>(t.spec[group]).forEach((container, i) => {
      if (container === null || typeof container !== 'object') return;
      refs.push({ container, name: container.name ?? `#${i}`, path: item(field(t.specPath, group), i) });
    });
  }
  return refs;
}

/** Pod Security Standards exempt Windows pods from the Linux-only restricted controls. */
export function isWindows(t: PodTemplate): boolean {
  return t.spec.os?.name === 'windows';
}

/** Kinds whose spec.replicas says how many pods run. */
export const REPLICATED_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);
