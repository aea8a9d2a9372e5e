import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ConfigInjection, injectionHash } from './configuration';
import { closest, invalid } from './lib/errors';
import { AppIdentity, CONFIG_HASH_ANNOTATION, LintWaivers, POLICY_WAIVER_PREFIX, selectorLabels, standardLabels } from './lib/labels';
import { addLintWaivers } from './lib/lint-waivers';
import { claimName } from './lib/names';
import { patchAdd, patchRemove } from './lib/patch';
import { POD_SECCOMP_PROFILE, restrictedContainerSecurity } from './lib/security';
import {
  Problem, check, dns1123LabelProblem, dns1123SubdomainProblem, imageProblem, intProblem, labelKeyProblem, labelValueProblem, portNameProblem, portProblem, quantityProblem, parseQuantity,
} from './lib/validate';
import { NodePool, Toleration, formatTaint } from './node-pool';
import type { ServicePortSpec } from './services';

/**
 * What every pod-owning construct (WebService, StatefulService, BatchJob, ScheduledJob, NodeAgent)
 * shares: containers, probes, resources and QoS, volumes, security, scheduling onto node pools,
 * configuration injection. cdk8s-plus-28 renders the containers; every field it lacks is filled
 * here, in one place, through checked patches (see lib/patch.ts).
 */

/** A named container port. */
export interface PortSpec {
  /** IANA-style port name (at most 15 characters), used by probes and Services. */
  readonly name: string;
  readonly containerPort: number;
  /** @default "TCP" */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** How a probe or lifecycle hook acts: an HTTP GET, a TCP connect or a command. */
export type Action =
  | { readonly type: 'http'; readonly path: string; /** port name or number */ readonly port: string | number; readonly scheme?: 'HTTP' | 'HTTPS' }
  | { readonly type: 'tcp'; readonly port: string | number }
  | { readonly type: 'exec'; readonly command: string[] };

/** A liveness, readiness or startup probe. */
export type ProbeSpec = Action & {
  /** @default 0 */
  readonly initialDelaySeconds?: number;
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 1 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
  /** @default 1 (liveness and startup probes must use 1) */
  readonly successThreshold?: number;
};

/** Requests and limits. Memory always has a limit; cpu may be left unlimited (Burstable). */
export interface ResourceSpec {
  readonly cpu: { readonly request: string; /** @default - no cpu limit */ readonly limit?: string };
  readonly memory: { readonly request: string; readonly limit: string };
  /**
   * Scratch disk: container logs, writable paths and the writable layer. With a limit, a container
   * that fills the node's disk is evicted alone, instead of the kubelet evicting its neighbours.
   * @default { request: "64Mi", limit: "1Gi" } (when the field is left out entirely)
   */
  readonly ephemeralStorage?: { readonly request?: string; readonly limit?: string };
  /** Extended resources such as `{ "nvidia.com/gpu": 1 }`: requested and limited alike. @default - none */
  readonly extended?: Record<string, number>;
}

/** A volume mount of a container. */
export interface MountSpec {
  /** Name of a pod volume (from `volumes`, a writable path, a config injection or a claim template). */
  readonly volume: string;
  readonly mountPath: string;
  /**
   * @default - false for an emptyDir volume (scratch space exists to be written), true for every
   * other volume (ConfigMap, Secret, claim, ...)
   */
  readonly readOnly?: boolean;
  /** @default - the whole volume */
  readonly subPath?: string;
}

/** One container of a pod. */
export interface ContainerSpec {
  /** Container name (RFC 1123 label). */
  readonly name: string;
  /** Image pinned to a version tag or digest; `latest` and untagged images are refused. */
  readonly image: string;
  /** Overrides the image ENTRYPOINT. @default - the image's */
  readonly command?: string[];
  /** Overrides the image CMD. @default - the image's */
  readonly args?: string[];
  /** @default - the image's */
  readonly workingDir?: string;
  /** @default - none */
  readonly ports?: PortSpec[];
  /** Literal environment variables; secrets arrive through `config` injections. @default - none */
  readonly env?: Record<string, string>;
  /**
   * Environment variables taken from fields of the pod (the downward API), variable name to field
   * path: `{ POD_NAME: "metadata.name", POD_IP: "status.podIP", VERSION: "metadata.labels['app.kubernetes.io/version']" }`.
   * The paths are those of {@link ENV_FIELD_PATHS}.
   * @default - none
   */
  readonly fieldEnv?: Record<string, string>;
  /** Requests and limits, always explicit. */
  readonly resources: ResourceSpec;
  /** @default - none */
  readonly liveness?: ProbeSpec;
  /** @default - none */
  readonly readiness?: ProbeSpec;
  /** @default - none */
  readonly startup?: ProbeSpec;
  /** Runs right after the container starts. @default - none */
  readonly postStart?: Action;
  /** Runs before the container is stopped (e.g. a sleep that lets endpoints drain). @default - none */
  readonly preStop?: Action;
  /** Paths that must be writable despite the read-only root filesystem: each gets an emptyDir. @default - none */
  readonly writablePaths?: string[];
  /** @default - none */
  readonly mounts?: MountSpec[];
  /**
   * @default "Always" - every pod start checks the tag with the registry, so a private image a node
   * has cached is never handed to a pod without pull credentials (the AlwaysPullImages rationale;
   * kube-score requires it). Layers already on the node are not downloaded again.
   */
  readonly imagePullPolicy?: 'IfNotPresent' | 'Always' | 'Never';
  /** @default - the image's numeric USER (the pod enforces non-root either way) */
  readonly runAsUser?: number;
  /** @default - the image's group */
  readonly runAsGroup?: number;
}

/** A pod volume other than the ones writable paths and config injections create. */
export type VolumeSpec =
  | { readonly name: string; readonly type: 'emptyDir'; readonly medium?: 'Memory'; readonly sizeLimit?: string }
  | { readonly name: string; readonly type: 'configMap'; readonly configMapName: string; readonly items?: { key: string; path: string }[] }
  | { readonly name: string; readonly type: 'secret'; readonly secretName: string; readonly items?: { key: string; path: string }[] }
  | { readonly name: string; readonly type: 'persistentVolumeClaim'; readonly claimName: string; readonly readOnly?: boolean }
  | { readonly name: string; readonly type: 'downwardAPI'; readonly items: { path: string; fieldPath: string }[] }
  | {
      readonly name: string;
      readonly type: 'projected';
      readonly sources: Array<
        | { configMap: { name: string; items?: { key: string; path: string }[] } }
        | { secret: { name: string; items?: { key: string; path: string }[] } }
        | { downwardAPI: { items: { path: string; fieldPath: string }[] } }
        | { serviceAccountToken: { path: string; audience?: string; expirationSeconds?: number } }
      >;
    }
  | { readonly name: string; readonly type: 'hostPath'; readonly path: string; readonly hostPathType?: 'Directory' | 'File' | 'DirectoryOrCreate' };

/** Even spreading over a topology domain (`topologySpreadConstraints`). */
export interface TopologySpread {
  /** e.g. "topology.kubernetes.io/zone" or "kubernetes.io/hostname". */
  readonly topologyKey: string;
  /** @default 1 */
  readonly maxSkew?: number;
  /** @default "ScheduleAnyway" */
  readonly whenUnsatisfiable?: 'DoNotSchedule' | 'ScheduleAnyway';
}

/** The pod-level props every workload construct accepts. */
export interface PodProps {
  /** The main container(s) first, then sidecars (logging, proxies, adapters). */
  readonly containers: ContainerSpec[];
  /** Run to completion, in order, before the containers start. @default - none */
  readonly initContainers?: ContainerSpec[];
  /** @default - none */
  readonly volumes?: VolumeSpec[];
  /** ConfigMaps and Secrets to inject; a content hash on the pod template rolls pods when they change. @default - none */
  readonly config?: ConfigInjection[];
  /** The pool this workload runs on: node affinity plus a toleration for each of its taints. @default - any node */
  readonly nodePool?: NodePool;
  /** How strictly to keep to `nodePool`. @default "required" */
  readonly nodePlacement?: 'required' | 'preferred' | 'nodeSelector';
  /**
   * Tolerations. By default every taint of `nodePool` is tolerated; an explicit list replaces that
   * and must still tolerate every taint of the pool.
   * @default - one per taint of nodePool
   */
  readonly tolerations?: Toleration[];
  /** PriorityClass name (see PriorityClasses). @default - the cluster default priority */
  readonly priorityClassName?: string;
  /** Seconds between SIGTERM and SIGKILL. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** Static /etc/hosts entries. @default - none */
  readonly hostAliases?: { ip: string; hostnames: string[] }[];
  /** DNS settings. @default - ClusterFirst */
  readonly dns?: { policy?: 'ClusterFirst' | 'Default' | 'None'; nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
  /**
   * The QoS class the resources must produce. Guaranteed: every container's requests equal its
   * limits. Burstable: at least one request below its limit.
   * @default "Burstable"
   */
  readonly qosClass?: 'Guaranteed' | 'Burstable';
  /** @default - none */
  readonly topologySpread?: TopologySpread[];
  /**
   * Pod anti-affinity between replicas over `kubernetes.io/hostname`.
   * @default - "soft" for a WebService, Worker or StatefulService of 2 or more replicas without topologySpread; else "none"
   */
  readonly podAntiAffinity?: 'soft' | 'hard' | 'none';
  /**
   * Secrets with registry credentials (type `kubernetes.io/dockerconfigjson`), by name, that the
   * kubelet uses to pull the images of the pod.
   * @default - none: the node's own credentials only
   */
  readonly imagePullSecrets?: string[];
  /**
   * Annotations on the pod template (not on the workload object), e.g. for an agent that reads
   * them from the pods. A changed value rolls the pods. Keys under the library's own prefix
   * `k8s-stack.io/` (such as `k8s-stack.io/config-hash`, which it writes) are refused.
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;
  /** Group that owns mounted volumes. @default - not set */
  readonly fsGroup?: number;
  /**
   * Extra groups for every container's process, e.g. `[0]` for a non-root node agent that reads
   * root-group log files (mode 0640 root:root) on a read-only host path, without running as root.
   * @default - none
   */
  readonly supplementalGroups?: number[];
  /** Mount the service account token into the pod. @default false - only pods that call the API need it */
  readonly automountServiceAccountToken?: boolean;
  /**
   * Checks of the linters platform teams run (kube-score) that do not apply to this workload, each
   * with its reason, written in the tool's own annotation on the workload object.
   * @default - none: every check applies
   */
  readonly lintWaivers?: LintWaivers;
}

const HOST_PATHS_ALLOWED = Symbol('hostPathsAllowed');

/** Internal: which pod a spec is rendered into, and where its pod spec lives in the object. */
export interface PodTarget {
  /** The cdk8s-plus workload. */
  readonly workload: kplus.Workload;
  /** JSON pointer of the pod template, e.g. "/spec/template" or "/spec/jobTemplate/spec/template". */
  readonly templatePath: string;
  /** Whether the object has its own selector (every controller except Job and CronJob). */
  readonly hasSelector: boolean;
  /** Only NodeAgent may mount host paths. */
  readonly [HOST_PATHS_ALLOWED]?: boolean;
}

/** Lets NodeAgent mount host paths; every other workload is refused them. */
export function allowHostPaths(target: Omit<PodTarget, typeof HOST_PATHS_ALLOWED>): PodTarget {
  return { ...target, [HOST_PATHS_ALLOWED]: true };
}

/** The rendered pod identity shared by a workload and its companions (Service, PDB, HPA). */
export interface PodIdentity {
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
}

/** Labels and selector for an identity, validated. */
export function podIdentity(scope: Construct, id: AppIdentity): PodIdentity {
  const labels = standardLabels(id);
  for (const [k, v] of Object.entries(labels)) {
    check(scope, `labels["${k}"]`, v, v.length > 63 ? { problem: 'is longer than 63 characters', fix: 'shorten the name, instance or part-of value' } : labelValueProblem(v));
  }
  return { labels, selector: selectorLabels(id) };
}

function actionProblem(scope: Construct, field: string, action: Action, ports: Map<string | number, number>): void {
  if (action.type === 'http' || action.type === 'tcp') {
    if (!ports.has(action.port)) {
      const declared = [...ports.keys()].map((p) => JSON.stringify(p)).join(', ') || 'none';
      invalid(scope, `${field}.port`, action.port, `is not a port the container declares (declared: ${declared})`, 'add it to the container ports or point the probe at a declared port');
    }
  }
  if (action.type === 'http' && !action.path.startsWith('/')) invalid(scope, `${field}.path`, action.path, 'is not an absolute path', 'start it with "/", e.g. "/healthz"');
  if (action.type === 'exec' && action.command.length === 0) invalid(scope, `${field}.command`, action.command, 'is empty', 'give the command and its arguments');
}

function toProbe(p: ProbeSpec, ports: Map<string | number, number>): kplus.Probe {
  const timing = {
    failureThreshold: p.failureThreshold ?? 3,
    initialDelaySeconds: Duration.seconds(p.initialDelaySeconds ?? 0),
    periodSeconds: Duration.seconds(p.periodSeconds ?? 10),
    timeoutSeconds: Duration.seconds(p.timeoutSeconds ?? 1),
    successThreshold: p.successThreshold ?? 1,
  };
  switch (p.type) {
    case 'http':
      return kplus.Probe.fromHttpGet(p.path, { ...timing, port: ports.get(p.port), scheme: p.scheme === 'HTTPS' ? kplus.ConnectionScheme.HTTPS : kplus.ConnectionScheme.HTTP });
    case 'tcp':
      return kplus.Probe.fromTcpSocket({ ...timing, port: ports.get(p.port) });
    case 'exec':
      return kplus.Probe.fromCommand(p.command, timing);
  }
}

function toHandler(a: Action, ports: Map<string | number, number>): kplus.Handler {
  switch (a.type) {
    case 'http':
      return kplus.Handler.fromHttpGet(a.path, { port: ports.get(a.port) });
    case 'tcp':
      return kplus.Handler.fromTcpSocket({ port: ports.get(a.port) });
    case 'exec':
      return kplus.Handler.fromCommand(a.command);
  }
}

/** Volume name for a writable path: "/var/cache/nginx" → "<container>-var-cache-nginx". */
function writableVolumeName(container: string, path: string): string {
  const slug = path.replace(/^\/+|\/+$/g, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase() || 'root';
  return `${container}-${slug}`.slice(0, 63).replace(/-+$/, '');
}

type QosShape = 'Guaranteed' | 'Burstable';

function validateResources(scope: Construct, field: string, r: ResourceSpec): QosShape {
  const q = (f: string, v: string | undefined, example: string) => {
    if (v !== undefined) check(scope, `${field}.${f}`, v, quantityProblem(v, example));
  };
  q('cpu.request', r.cpu.request, '250m');
  q('cpu.limit', r.cpu.limit, '500m');
  q('memory.request', r.memory.request, '256Mi');
  q('memory.limit', r.memory.limit, '256Mi');
  q('ephemeralStorage.request', r.ephemeralStorage?.request, '1Gi');
  q('ephemeralStorage.limit', r.ephemeralStorage?.limit, '1Gi');
  const pairs: Array<[string, string, string | undefined]> = [
    ['cpu', r.cpu.request, r.cpu.limit],
    ['memory', r.memory.request, r.memory.limit],
  ];
  if (r.ephemeralStorage?.request && r.ephemeralStorage.limit) pairs.push(['ephemeralStorage', r.ephemeralStorage.request, r.ephemeralStorage.limit]);
  for (const [name, req, lim] of pairs) {
    if (lim !== undefined && parseQuantity(req) > parseQuantity(lim)) {
      invalid(scope, `${field}.${name}.request`, req, `is above the limit "${lim}"`, 'lower the request or raise the limit');
    }
  }
  if (parseQuantity(r.memory.request) === 0) invalid(scope, `${field}.memory.request`, r.memory.request, 'is zero', 'request the memory the container needs, e.g. "128Mi"');
  for (const [name, n] of Object.entries(r.extended ?? {})) {
    check(scope, `${field}.extended["${name}"]`, name, labelKeyProblem(name));
    if (!name.includes('/')) invalid(scope, `${field}.extended`, name, 'is not a qualified extended resource name', 'use a vendor-prefixed name such as "nvidia.com/gpu"');
    check(scope, `${field}.extended["${name}"]`, n, intProblem(n, 1));
  }
  const guaranteed = r.cpu.limit !== undefined && parseQuantity(r.cpu.request) === parseQuantity(r.cpu.limit) && parseQuantity(r.memory.request) === parseQuantity(r.memory.limit);
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Ephemeral storage of a container that does not say. */
export const DEFAULT_EPHEMERAL_STORAGE = { request: '64Mi', limit: '1Gi' } as const;

function renderResources(spec: ResourceSpec): k8s.ResourceRequirements {
  const r: ResourceSpec = { ...spec, ephemeralStorage: spec.ephemeralStorage ?? DEFAULT_EPHEMERAL_STORAGE };
  const requests: Record<string, k8s.Quantity> = { cpu: k8s.Quantity.fromString(r.cpu.request), memory: k8s.Quantity.fromString(r.memory.request) };
  const limits: Record<string, k8s.Quantity> = { memory: k8s.Quantity.fromString(r.memory.limit) };
  if (r.cpu.limit !== undefined) limits.cpu = k8s.Quantity.fromString(r.cpu.limit);
  if (r.ephemeralStorage?.request) requests['ephemeral-storage'] = k8s.Quantity.fromString(r.ephemeralStorage.request);
  if (r.ephemeralStorage?.limit) limits['ephemeral-storage'] = k8s.Quantity.fromString(r.ephemeralStorage.limit);
  for (const [name, n] of Object.entries(r.extended ?? {})) {
    requests[name] = k8s.Quantity.fromNumber(n);
    limits[name] = k8s.Quantity.fromNumber(n);
  }
  return { requests, limits };
}

function renderVolume(v: VolumeSpec): Record<string, unknown> {
  switch (v.type) {
    case 'emptyDir':
      return { name: v.name, emptyDir: { ...(v.medium ? { medium: v.medium } : {}), ...(v.sizeLimit ? { sizeLimit: k8s.Quantity.fromString(v.sizeLimit) } : {}) } };
    case 'configMap':
      return { name: v.name, configMap: { name: v.configMapName, ...(v.items ? { items: v.items } : {}) } };
    case 'secret':
      return { name: v.name, secret: { secretName: v.secretName, ...(v.items ? { items: v.items } : {}) } };
    case 'persistentVolumeClaim':
      return { name: v.name, persistentVolumeClaim: { claimName: v.claimName, ...(v.readOnly ? { readOnly: true } : {}) } };
    // `downwardApi`: the TypeScript spelling the generated mapper reads (it renders `downwardAPI`).
    case 'downwardAPI':
      return { name: v.name, downwardApi: { items: v.items.map((i) => ({ path: i.path, fieldRef: { fieldPath: i.fieldPath } })) } };
    case 'projected':
      return {
        name: v.name,
        projected: {
          sources: v.sources.map((s) =>
            'downwardAPI' in s ? { downwardApi: { items: s.downwardAPI.items.map((i) => ({ path: i.path, fieldRef: { fieldPath: i.fieldPath } })) } } : s,
          ),
        },
      };
    case 'hostPath':
      return { name: v.name, hostPath: { path: v.path, ...(v.hostPathType ? { type: v.hostPathType } : {}) } };
  }
}

/**
 * The pod fields an environment variable can take (`fieldEnv`): those the API server accepts in an
 * env `fieldRef` in Kubernetes 1.28. A label or an annotation is named by its key.
 */
export const ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', "metadata.labels['<key>']", "metadata.annotations['<key>']",
  'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.podIP', 'status.podIPs',
] as const;

/** The env value of one `fieldEnv` entry, or a ValidationError naming the variable and the path. */
function fieldEnvValue(scope: Construct, field: string, path: string): kplus.EnvValue {
  const keyed = /^metadata\.(labels|annotations)\['([^']*)'\]$/.exec(path);
  if (keyed) {
    const [, map, key] = keyed;
    check(scope, field, key, labelKeyProblem(key));
    return kplus.EnvValue.fromFieldRef(map === 'labels' ? kplus.EnvFieldPaths.POD_LABEL : kplus.EnvFieldPaths.POD_ANNOTATION, { key });
  }
  const plain = ENV_FIELD_PATHS.filter((p) => !p.includes('['));
  if ((plain as readonly string[]).includes(path)) return kplus.EnvValue.fromFieldRef(path as kplus.EnvFieldPaths);
  const map = /^metadata\.(labels|annotations)\b/.exec(typeof path === 'string' ? path : '')?.[1];
  if (map) {
    invalid(scope, field, path, `does not name one ${map === 'labels' ? 'label' : 'annotation'} as metadata.${map}['<key>']`,
      `write e.g. "metadata.${map}['app.kubernetes.io/name']", in single quotes (a whole map is only available as a downwardAPI volume)`);
  }
  const near = typeof path === 'string' ? closest(path, plain) : undefined;
  invalid(scope, field, path, 'is not a pod field an environment variable can take', `${near ? `did you mean "${near}"? ` : ''}use one of: ${ENV_FIELD_PATHS.join(', ')}`);
}

/** The library's own annotation prefix: `k8s-stack.io/config-hash` on pod templates, `k8s-stack.io/spec-hash` on Jobs. */
const LIBRARY_ANNOTATION_PREFIX = 'k8s-stack.io/';
/** The API server's limit on the total size of an object's annotations. */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** Why a pod annotation key is the library's and not the user's: one it writes, one under its prefix, or a policy waiver. */
function reservedAnnotationProblem(key: string): Problem | undefined {
  if (key === CONFIG_HASH_ANNOTATION) {
    return { problem: 'is written by the library: the hash of the injected ConfigMaps and Secrets, which rolls the pods when they change', fix: 'leave it out: a changed AppConfig or a new SecretReference version rolls the pods' };
  }
  if (key.startsWith(LIBRARY_ANNOTATION_PREFIX)) {
    return { problem: `is under the library's own prefix "${LIBRARY_ANNOTATION_PREFIX}", where it writes its annotations`, fix: 'use a prefix of your own, e.g. "example.com/"' };
  }
  if (key.startsWith(POLICY_WAIVER_PREFIX)) {
    return { problem: 'is a policy waiver annotation, which the policy engine refuses wherever it appears', fix: 'list the waiver in the environment\'s waivers instead' };
  }
  return undefined;
}

/**
 * Renders `props` into `target`: containers through cdk8s-plus, everything else through checked
 * patches. Validates every prop first, so that nothing is half-built when a prop is wrong.
 *
 * @param extraVolumeNames volumes the controller adds itself (StatefulSet claim templates).
 */
export function renderPod(scope: Construct, target: PodTarget, identity: PodIdentity, props: PodProps, extraVolumeNames: readonly string[] = []): void {
  const { workload } = target;
  const apiObject = ApiObject.of(workload);
  const tpl = target.templatePath;

  if (props.containers.length === 0) invalid(scope, 'containers', [], 'is empty', 'give at least one container');
  const all = [...(props.initContainers ?? []).map((c) => ({ c, init: true })), ...props.containers.map((c) => ({ c, init: false }))];

  // Volumes: declared ones, one emptyDir per writable path, and the config injections.
  const volumes: VolumeSpec[] = [...(props.volumes ?? [])];
  for (const { c } of all) for (const p of c.writablePaths ?? []) volumes.push({ name: writableVolumeName(c.name, p), type: 'emptyDir' });
  const injections = props.config ?? [];
  for (const inj of injections) if (inj.as === 'volume') volumes.push(inj.source.volume(inj.volumeName));
  const volumeNames = new Set<string>(extraVolumeNames);
  for (const v of volumes) {
    check(scope, `volumes[${v.name}].name`, v.name, dns1123LabelProblem(v.name));
    if (volumeNames.has(v.name)) invalid(scope, 'volumes', v.name, 'is declared twice', 'give each volume a unique name');
    if (v.type === 'hostPath' && !target[HOST_PATHS_ALLOWED]) {
      invalid(scope, `volumes[${v.name}]`, v.path, 'mounts a host path, which only node agents may do', 'use an emptyDir or a PersistentVolumeClaim, or a NodeAgent for per-node work');
    }
    if (v.type === 'emptyDir' && v.sizeLimit !== undefined) check(scope, `volumes[${v.name}].sizeLimit`, v.sizeLimit, quantityProblem(v.sizeLimit, '64Mi'));
    volumeNames.add(v.name);
  }

  // Containers.
  const names = new Set<string>();
  let qos = 'Guaranteed' as QosShape;
  all.forEach(({ c, init }, i) => {
    const field = `${init ? 'initContainers' : 'containers'}[${c.name ?? i}]`;
    check(scope, `${field}.name`, c.name, dns1123LabelProblem(c.name));
    if (names.has(c.name)) invalid(scope, `${field}.name`, c.name, 'is used by another container of this pod', 'give each container a unique name');
    names.add(c.name);
    check(scope, `${field}.image`, c.image, imageProblem(c.image));
    if (validateResources(scope, `${field}.resources`, c.resources) === 'Burstable') qos = 'Burstable';

    const ports = new Map<string | number, number>();
    const portNames = new Set<string>();
    for (const p of c.ports ?? []) {
      check(scope, `${field}.ports[${p.name}].containerPort`, p.containerPort, portProblem(p.containerPort));
      check(scope, `${field}.ports`, p.name, portNameProblem(p.name));
      if (portNames.has(p.name) || ports.has(p.containerPort)) invalid(scope, `${field}.ports`, ports.has(p.containerPort) ? p.containerPort : p.name, 'is declared twice', 'declare each port once');
      portNames.add(p.name);
      ports.set(p.name, p.containerPort).set(p.containerPort, p.containerPort);
    }
    if (init && (c.liveness || c.readiness || c.startup)) invalid(scope, `${field}`, c.name, 'is an init container with probes', 'remove the probes: init containers run to completion');
    if (c.liveness) actionProblem(scope, `${field}.liveness`, c.liveness, ports);
    if (c.readiness) actionProblem(scope, `${field}.readiness`, c.readiness, ports);
    if (c.startup) actionProblem(scope, `${field}.startup`, c.startup, ports);
    if (c.postStart) actionProblem(scope, `${field}.postStart`, c.postStart, ports);
    if (c.preStop) actionProblem(scope, `${field}.preStop`, c.preStop, ports);
    for (const [probe, p] of [['liveness', c.liveness], ['readiness', c.readiness], ['startup', c.startup]] as const) {
      // Checked here: cdk8s Duration throws a path-less error on negatives, and the API rejects 0.
      for (const [f, v, min] of [['initialDelaySeconds', p?.initialDelaySeconds, 0], ['periodSeconds', p?.periodSeconds, 1], ['timeoutSeconds', p?.timeoutSeconds, 1], ['failureThreshold', p?.failureThreshold, 1], ['successThreshold', p?.successThreshold, 1]] as const) {
        if (v !== undefined) check(scope, `${field}.${probe}.${f}`, v, intProblem(v, min));
      }
    }
    for (const [probe, p] of [['liveness', c.liveness], ['startup', c.startup]] as const) {
      if (p?.successThreshold !== undefined && p.successThreshold !== 1) invalid(scope, `${field}.${probe}.successThreshold`, p.successThreshold, 'must be 1 for liveness and startup probes', 'remove it or set 1');
    }
    if (c.liveness && c.readiness && JSON.stringify(c.liveness) === JSON.stringify(c.readiness)) {
      invalid(scope, `${field}.liveness`, c.liveness, 'is identical to the readiness probe, so a slow pod is restarted instead of taken out of rotation', 'make liveness cheaper and more tolerant (a larger failureThreshold or a different endpoint)');
    }
    for (const m of c.mounts ?? []) {
      if (!volumeNames.has(m.volume)) invalid(scope, `${field}.mounts`, m.volume, 'names no volume of this pod', `use one of: ${[...volumeNames].join(', ') || 'none declared'}`);
      if (!m.mountPath.startsWith('/')) invalid(scope, `${field}.mounts[${m.volume}].mountPath`, m.mountPath, 'is not an absolute path', 'start it with "/"');
    }
    for (const [prop, vars] of [['env', c.env], ['fieldEnv', c.fieldEnv]] as const) {
      for (const key of Object.keys(vars ?? {})) {
        if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) invalid(scope, `${field}.${prop}`, key, 'is not a valid environment variable name', 'use letters, digits, "_", "-" and ".", not starting with a digit');
      }
    }
    const fieldValues = Object.entries(c.fieldEnv ?? {}).map(([name, path]) => [name, fieldEnvValue(scope, `${field}.fieldEnv["${name}"]`, path)] as const);
    // Every variable once: a second definition would silently replace the first.
    const envNames = new Map(Object.keys(c.env ?? {}).map((name) => [name, 'env']));
    for (const name of Object.keys(c.fieldEnv ?? {})) {
      if (envNames.has(name)) invalid(scope, `${field}.fieldEnv`, name, 'is also set in env', 'set it in one place only');
      envNames.set(name, 'fieldEnv');
    }
    // Only the injections this container receives.
    for (const inj of injections) {
      if (inj.as !== 'env' || (inj.containers !== undefined && !inj.containers.includes(c.name))) continue;
      for (const env of Object.keys(inj.env)) {
        if (envNames.has(env)) invalid(scope, `${field}.${envNames.get(env) === 'fieldEnv' ? 'fieldEnv' : 'env'}`, env, 'is also injected from config', 'set it in one place only');
        envNames.set(env, 'config');
      }
    }
    check(scope, `${field}.runAsUser`, c.runAsUser ?? 1, intProblem(c.runAsUser ?? 1, 1));

    // Render through cdk8s-plus.
    const envVariables: Record<string, kplus.EnvValue> = {};
    for (const [k, v] of Object.entries(c.env ?? {})) envVariables[k] = kplus.EnvValue.fromValue(v);
    for (const [k, v] of fieldValues) envVariables[k] = v;
    const envFrom: kplus.EnvFrom[] = [];
    // Injections reach every container, init containers included, unless they name containers.
    for (const inj of injections) {
      if (inj.containers !== undefined && !inj.containers.includes(c.name)) continue;
      if (inj.as === 'env') Object.assign(envVariables, inj.source.envValues(scope, inj.env));
      if (inj.as === 'envFrom') envFrom.push(inj.source.envFrom(scope));
    }
    const containerProps: kplus.ContainerProps = {
      name: c.name,
      image: c.image,
      command: c.command,
      args: c.args,
      workingDir: c.workingDir,
      ports: (c.ports ?? []).map((p) => ({ name: p.name, number: p.containerPort, protocol: p.protocol === 'UDP' ? kplus.Protocol.UDP : p.protocol === 'SCTP' ? kplus.Protocol.SCTP : kplus.Protocol.TCP })),
      envVariables,
      envFrom,
      imagePullPolicy: (c.imagePullPolicy ?? 'Always') as kplus.ImagePullPolicy,
      liveness: c.liveness && toProbe(c.liveness, ports),
      readiness: c.readiness && toProbe(c.readiness, ports),
      startup: c.startup && toProbe(c.startup, ports),
      lifecycle: c.postStart || c.preStop ? { postStart: c.postStart && toHandler(c.postStart, ports), preStop: c.preStop && toHandler(c.preStop, ports) } : undefined,
      securityContext: restrictedContainerSecurity(c.runAsUser, c.runAsGroup),
    };
    if (init) workload.addInitContainer(containerProps);
    else workload.addContainer(containerProps);
  });

  // A misspelt container name would otherwise inject nothing, silently.
  for (const inj of injections) {
    for (const name of inj.containers ?? []) if (!names.has(name)) invalid(scope, 'config.containers', name, 'names no container of this pod', `use one of: ${[...names].join(', ')}`);
  }

  const declaredQos = props.qosClass ?? 'Burstable';
  if (declaredQos !== qos) {
    invalid(scope, 'qosClass', declaredQos, `does not match the resources, which give QoS ${qos}`,
      declaredQos === 'Guaranteed' ? 'set every container\'s cpu and memory limits equal to its requests' : 'set qosClass: "Guaranteed", or give some container a request below its limit');
  }

  // Scheduling.
  const pool = props.nodePool;
  const tolerations = props.tolerations ?? pool?.tolerations() ?? [];
  if (pool) {
    const missing = pool.untolerated(tolerations);
    if (missing.length > 0) {
      invalid(scope, 'tolerations', tolerations, `do not tolerate ${missing.map(formatTaint).join(', ')} of node pool "${pool.name}", so the pods would never be scheduled there`, 'leave tolerations unset to get one per taint of the pool, or add the missing ones');
    }
  }
  if (props.nodePlacement !== undefined && !pool) invalid(scope, 'nodePlacement', props.nodePlacement, 'is set without a nodePool', 'set nodePool or remove nodePlacement');
  if (props.priorityClassName !== undefined) check(scope, 'priorityClassName', props.priorityClassName, dns1123SubdomainProblem(props.priorityClassName));
  const grace = props.terminationGracePeriodSeconds ?? 30;
  check(scope, 'terminationGracePeriodSeconds', grace, intProblem(grace, 0, 86400));
  if (props.fsGroup !== undefined) check(scope, 'fsGroup', props.fsGroup, intProblem(props.fsGroup, 0, 2147483647));
  (props.supplementalGroups ?? []).forEach((g, i) => check(scope, `supplementalGroups[${i}]`, g, intProblem(g, 0, 2147483647)));
  const pullSecrets = props.imagePullSecrets ?? [];
  pullSecrets.forEach((name, i) => {
    check(scope, `imagePullSecrets[${i}]`, name, dns1123SubdomainProblem(name));
    if (pullSecrets.indexOf(name) !== i) invalid(scope, `imagePullSecrets[${i}]`, name, 'is listed twice', 'list each Secret once');
  });
  const podAnnotations = props.podAnnotations ?? {};
  let annotationBytes = 0;
  for (const [k, v] of Object.entries(podAnnotations)) {
    check(scope, 'podAnnotations', k, labelKeyProblem(k));
    check(scope, 'podAnnotations', k, reservedAnnotationProblem(k));
    if (typeof v !== 'string') invalid(scope, `podAnnotations["${k}"]`, v, 'is not a string', `quote it, e.g. "${String(v)}"`);
    annotationBytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (annotationBytes > ANNOTATIONS_MAX_BYTES) invalid(scope, 'podAnnotations', `${annotationBytes} bytes`, 'exceed the 256 KiB the API server allows for annotations', 'move large content into a ConfigMap');
  for (const s of props.topologySpread ?? []) {
    check(scope, 'topologySpread.maxSkew', s.maxSkew ?? 1, intProblem(s.maxSkew ?? 1, 1));
    check(scope, 'topologySpread.topologyKey', s.topologyKey, labelKeyProblem(s.topologyKey));
  }

  // Pod-level fields that cdk8s-plus-28 renders.
  for (const [k, v] of Object.entries(identity.labels)) workload.podMetadata.addLabel(k, v);
  const hash = injectionHash(injections);
  if (hash) workload.podMetadata.addAnnotation(CONFIG_HASH_ANNOTATION, hash);
  for (const [k, v] of Object.entries(podAnnotations)) workload.podMetadata.addAnnotation(k, v);
  for (const h of props.hostAliases ?? []) workload.addHostAlias({ ip: h.ip, hostnames: h.hostnames });
  if (props.dns?.policy === 'None' && !(props.dns.nameservers?.length)) invalid(scope, 'dns.nameservers', props.dns.nameservers, 'is empty with dns policy None', 'give at least one nameserver');
  for (const n of props.dns?.nameservers ?? []) workload.dns.addNameserver(n);
  for (const s of props.dns?.searches ?? []) workload.dns.addSearch(s);
  for (const o of props.dns?.options ?? []) workload.dns.addOption({ name: o.name, value: o.value });

  // Everything cdk8s-plus-28 lacks, through checked patches.
  // Its address label is a hash of the construct path: noise that rolls pods on a refactor.
  patchRemove(apiObject, `${tpl}/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replace(/\//g, '~1')}`);
  if (target.hasSelector) workload.select(kplus.LabelSelector.of({ labels: identity.selector }));
  patchAdd(apiObject, `${tpl}/spec/securityContext/seccompProfile`, POD_SECCOMP_PROFILE);
  if (props.fsGroup !== undefined) patchAdd(apiObject, `${tpl}/spec/securityContext/fsGroup`, props.fsGroup);
  if (props.supplementalGroups?.length) patchAdd(apiObject, `${tpl}/spec/securityContext/supplementalGroups`, props.supplementalGroups);
  patchAdd(apiObject, `${tpl}/spec/securityContext/fsGroupChangePolicy`, 'OnRootMismatch');
  if (props.dns?.policy && props.dns.policy !== 'ClusterFirst') patchAdd(apiObject, `${tpl}/spec/dnsPolicy`, props.dns.policy);
  patchAdd(apiObject, `${tpl}/spec/terminationGracePeriodSeconds`, grace);
  if (props.priorityClassName) patchAdd(apiObject, `${tpl}/spec/priorityClassName`, props.priorityClassName);
  if (pullSecrets.length > 0) patchAdd(apiObject, `${tpl}/spec/imagePullSecrets`, pullSecrets.map((name) => ({ name })));
  if (volumes.length > 0) patchAdd(apiObject, `${tpl}/spec/volumes`, volumes.map(renderVolume));
  const initCount = props.initContainers?.length ?? 0;
  // Scratch space is for writing: an emptyDir is mounted read-write unless a mount says otherwise.
  const emptyDirs = new Set(volumes.filter((v) => v.type === 'emptyDir').map((v) => v.name));
  all.forEach(({ c, init }, i) => {
    const at = init ? `${tpl}/spec/initContainers/${i}` : `${tpl}/spec/containers/${i - initCount}`;
    patchAdd(apiObject, `${at}/resources`, renderResources(c.resources));
    const mounts = [
      ...(c.writablePaths ?? []).map((p) => ({ name: writableVolumeName(c.name, p), mountPath: p })),
      ...(c.mounts ?? []).map((m) => ({ name: m.volume, mountPath: m.mountPath, readOnly: m.readOnly ?? !emptyDirs.has(m.volume), ...(m.subPath ? { subPath: m.subPath } : {}) })),
      ...injections.filter((inj) => inj.as === 'volume' && (inj.containers === undefined || inj.containers.includes(c.name)))
        .map((inj) => ({ name: inj.as === 'volume' ? inj.volumeName : '', mountPath: inj.as === 'volume' ? inj.mountPath : '', readOnly: true })),
    ];
    if (mounts.length > 0) patchAdd(apiObject, `${at}/volumeMounts`, mounts);
  });
  if (tolerations.length > 0) patchAdd(apiObject, `${tpl}/spec/tolerations`, tolerations);
  const affinity: Record<string, unknown> = {};
  if (pool) {
    const terms = { matchExpressions: Object.entries(pool.labels).map(([key, value]) => ({ key, operator: 'In', values: [value] })) };
    const placement = props.nodePlacement ?? 'required';
    if (placement === 'nodeSelector') patchAdd(apiObject, `${tpl}/spec/nodeSelector`, { ...pool.labels });
    else if (placement === 'required') affinity.nodeAffinity = { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [terms] } };
    else affinity.nodeAffinity = { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: terms }] };
  }
  const anti = props.podAntiAffinity ?? 'none';
  if (anti !== 'none') {
    const term = { labelSelector: { matchLabels: identity.selector }, topologyKey: 'kubernetes.io/hostname' };
    affinity.podAntiAffinity = anti === 'hard'
      ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
      : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] };
  }
  if (Object.keys(affinity).length > 0) patchAdd(apiObject, `${tpl}/spec/affinity`, affinity);
  if (props.topologySpread?.length) {
    patchAdd(apiObject, `${tpl}/spec/topologySpreadConstraints`, props.topologySpread.map((s) => ({
      maxSkew: s.maxSkew ?? 1,
      topologyKey: s.topologyKey,
      whenUnsatisfiable: s.whenUnsatisfiable ?? 'ScheduleAnyway',
      labelSelector: { matchLabels: identity.selector },
    })));
  }
}

/** A Service port for every port of container `c`, targeting it by name. */
export function servicePortsOf(c: ContainerSpec | undefined): ServicePortSpec[] {
  return (c?.ports ?? []).map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.name, protocol: p.protocol }));
}

/** Fails unless every port of a workload's Service (under `field`) targets a port some container declares. */
export function checkServiceTargets(scope: Construct, field: string, ports: readonly ServicePortSpec[], containers: readonly ContainerSpec[]): void {
  const declared = new Set(containers.flatMap((c) => (c.ports ?? []).flatMap((p) => [p.name, p.containerPort])));
  ports.forEach((p, i) => {
    const target = p.targetPort ?? p.port;
    if (!declared.has(target)) invalid(scope, `${field}.ports[${i}].targetPort`, target, 'is not a port any container declares', 'point it at a declared container port name');
  });
}

/** Workload-level metadata: standard labels on the object itself, and the linters' waivers. */
export function labelObject(obj: ApiObject, identity: PodIdentity, scope?: Construct, lintWaivers?: LintWaivers): void {
  for (const [k, v] of Object.entries(identity.labels)) obj.metadata.addLabel(k, v);
  if (scope) {
    claimName(scope, obj);
    addLintWaivers(scope, obj, lintWaivers);
  }
}

/** The kplus pod props every workload constructor gets: name and namespace, security, service account, token automount. */
export function basePodProps(scope: Construct, name: string, serviceAccountName: string | undefined, props: PodProps, namespace?: string): {
  metadata: { name: string; namespace?: string };
  select: false;
  serviceAccount?: kplus.IServiceAccount;
  automountServiceAccountToken: boolean;
  securityContext: kplus.PodSecurityContextProps;
  isolate: false;
} {
  return {
    metadata: { name, ...(namespace ? { namespace } : {}) },
    select: false,
    serviceAccount: serviceAccountName ? kplus.ServiceAccount.fromServiceAccountName(scope, 'ServiceAccountRef', serviceAccountName) : undefined,
    automountServiceAccountToken: props.automountServiceAccountToken ?? false,
    securityContext: { ensureNonRoot: true, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH },
    isolate: false,
  };
}
