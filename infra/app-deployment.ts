import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { CLUSTER_SCOPED_KINDS } from '../constructs/lib/patch';
import type { KubeObject } from '../synth/synthesize';
import { AppSecrets, AppSecretsArgs } from './app-secrets';

/**
 * Kinds whose deletion or replacement loses data, protected when `protectStatefulObjects` is set.
 * The Namespace is among them: deleting it would delete the StatefulSets and claims inside it
 * behind Pulumi's back.
 */
export const PROTECTED_KINDS: ReadonlySet<string> = new Set(['Namespace', 'StatefulSet', 'PersistentVolumeClaim']);

/** The annotation that lets a Kubernetes provider patch take over fields another manager owns. */
export const PATCH_FORCE_ANNOTATION = 'pulumi.com/patchForce';

/** The annotation that tells the Kubernetes provider not to wait for an object to become ready. */
export const SKIP_AWAIT_ANNOTATION = 'pulumi.com/skipAwait';

/** Whether an object belongs in the first layer: namespaces and cluster-scoped objects. */
export function isClusterLevel(o: KubeObject): boolean {
  return o.kind === 'Namespace' || CLUSTER_SCOPED_KINDS.has(o.kind);
}

/** What pods read at start: applied before the workloads, so a new pod never meets a missing or old one. */
export const CONFIG_KINDS: ReadonlySet<string> = new Set(['ConfigMap', 'Secret']);

/** What routes traffic in from outside: applied last, once its backends exist, and deleted first. */
export const ROUTE_KINDS: ReadonlySet<string> = new Set(['Ingress', 'Gateway', 'HTTPRoute']);

/** The apply layers of one deployment, in order; destroy goes in reverse. */
export const LAYERS = ['cluster', 'config', 'workloads', 'routes'] as const;
export type Layer = (typeof LAYERS)[number];

export function layerOf(o: KubeObject): Layer {
  if (isClusterLevel(o)) return 'cluster';
  if (CONFIG_KINDS.has(o.kind)) return 'config';
  if (ROUTE_KINDS.has(o.kind)) return 'routes';
  return 'workloads';
}

/**
 * Fields the API server refuses to change that the Kubernetes provider does not know to be
 * immutable (it knows StorageClass parameters and provisioner): a change replaces the object
 * instead of failing as a rejected update.
 */
export const REPLACE_ON_CHANGES: Readonly<Record<string, readonly string[]>> = {
  StorageClass: ['reclaimPolicy', 'volumeBindingMode'],
  PriorityClass: ['value', 'preemptionPolicy'],
};

/**
 * Fields left as they are on update. A StatefulSet's claim templates cannot change (the provider
 * would replace the StatefulSet and resize nothing): a new storage size is applied to the existing
 * claims instead (AppDeployment.claimResizes).
 */
export const IGNORE_CHANGES: Readonly<Record<string, readonly string[]>> = {
  StatefulSet: ['spec.volumeClaimTemplates'],
};

/** The claims a StatefulSet's pods own, `<template>-<statefulset>-<ordinal>`, with the size the template asks for. */
export function statefulSetClaims(o: KubeObject): Array<{ name: string; namespace: string; storage: string }> {
  if (o.kind !== 'StatefulSet') return [];
  const spec = o.spec as { replicas?: number; volumeClaimTemplates?: Array<{ metadata: { name: string }; spec: { resources?: { requests?: { storage?: string } } } }> };
  const replicas = spec.replicas ?? 1;
  const out: Array<{ name: string; namespace: string; storage: string }> = [];
  for (const t of spec.volumeClaimTemplates ?? []) {
    const storage = t.spec.resources?.requests?.storage;
    if (storage === undefined) continue;
    for (let i = 0; i < replicas; i++) out.push({ name: `${t.metadata.name}-${o.metadata.name}-${i}`, namespace: o.metadata.namespace ?? 'default', storage });
  }
  return out;
}

export interface AppDeploymentArgs {
  /** The synthesized objects of the environment, in apply order. */
  readonly objects: readonly KubeObject[];
  /** The provider of the target cluster; every object is applied through it. */
  readonly provider: k8s.Provider;
  /**
   * What the objects wait for on create and are deleted before on destroy: the node pools (GKE) or
   * the node patches (minikube), and the add-ons whose CRDs the objects use. This is what makes
   * `pulumi destroy` remove the routes, and with them the cloud load balancers, while the cluster
   * still runs.
   */
  readonly dependsOn: readonly pulumi.Resource[];
  /** What the routes also wait for: the edge's address and certificate (GKE). @default none */
  readonly routesDependOn?: readonly pulumi.Resource[];
  /**
   * The Secrets the apps' manifests reference, one AppSecrets component per app, named `name`
   * (the first app's keeps the deployment's own name, as it always had).
   */
  readonly secrets: ReadonlyArray<{ readonly name: string; readonly args: AppSecretsArgs }>;
  /** Protect Namespaces, StatefulSets and PersistentVolumeClaims. @default false */
  readonly protectStatefulObjects?: boolean;
  /**
   * Wait for Ingress objects to get an address. Off when no ingress controller is known to run, so
   * a deployment does not time out on it.
   * @default true
   */
  readonly awaitIngress?: boolean;
}

/**
 * Deploys one environment's synthesized objects, each as its own Pulumi resource, through an
 * explicit provider, in layers that each wait for the one before: namespaces and cluster-scoped
 * objects; ConfigMaps and Secrets (the synthesized ones and those created here); workloads and
 * everything else namespaced; routes. Destroy goes in reverse. Nothing is added or dropped: what
 * `npm run synth` writes is what is applied, plus the Secrets and the claim resizes.
 *
 * Every object is replaced delete-first: names are fixed, so a create-first replacement would
 * collide, and after a provider replacement (a new cluster) the old provider's delete would remove
 * the object just created under the same name.
 */
export class AppDeployment extends pulumi.ComponentResource {
  /** One ConfigGroup per layer. */
  public readonly layers: Readonly<Record<Layer, k8s.yaml.ConfigGroup>>;
  public readonly secrets: AppSecrets[];
  /** A patch per StatefulSet claim carrying the template's size (PersistentVolumeClaim expansion). */
  public readonly claimResizes: k8s.core.v1.PersistentVolumeClaimPatch[];

  public constructor(name: string, args: AppDeploymentArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('k8sstack:infra:AppDeployment', name, {}, opts);
    const protect = args.protectStatefulObjects ?? false;
    const awaitIngress = args.awaitIngress ?? true;
    const seen = new Set<string>();
    for (const o of args.objects) {
      const id = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      if (seen.has(id)) throw new pulumi.ResourceError(`AppDeployment "${name}": ${o.kind} "${o.metadata.name}"${o.metadata.namespace ? ` in namespace "${o.metadata.namespace}"` : ''} is synthesized twice; each object must have a unique kind, namespace and name`, this, true);
      seen.add(id);
    }
    // Copies: transformations edit objects in place, and the caller's objects stay as synthesized.
    // A JSON round trip, not structuredClone: the objects are plain JSON, and the copies must be
    // ordinary arrays and objects of this realm for the Pulumi serializer.
    const copy = (o: KubeObject): KubeObject => JSON.parse(JSON.stringify(o));

    // Resource options per object, set on each child: ConfigGroup (v1) passes only `parent` down.
    const options = (dependsOn: pulumi.Input<pulumi.Resource[]>) => (obj: KubeObject, o: pulumi.CustomResourceOptions) => {
      o.dependsOn = dependsOn;
      o.deleteBeforeReplace = true;
      if (REPLACE_ON_CHANGES[obj.kind]) o.replaceOnChanges = [...REPLACE_ON_CHANGES[obj.kind]];
      if (IGNORE_CHANGES[obj.kind]) o.ignoreChanges = [...IGNORE_CHANGES[obj.kind]];
      if (protect && PROTECTED_KINDS.has(obj.kind)) o.protect = true;
      if (!awaitIngress && obj.kind === 'Ingress') obj.metadata.annotations = { ...obj.metadata.annotations, [SKIP_AWAIT_ANNOTATION]: 'true' };
    };
    const group = (layer: Layer, dependsOn: pulumi.Input<pulumi.Resource[]>) => new k8s.yaml.ConfigGroup(`${name}-${layer}`, {
      objs: args.objects.filter((o) => layerOf(o) === layer).map(copy),
      transformations: [options(dependsOn)],
    }, { parent: this, provider: args.provider, dependsOn });
    // A layer waits for every object of the layers before it, named one by one: depending on a
    // ConfigGroup component only covers the children it had registered at that moment, and a
    // group registers its objects asynchronously (the tests caught routes not waiting for them).
    const objectsOf = (...groups: k8s.yaml.ConfigGroup[]) => groups.map((g) => g.resources.apply((r) => Object.values(r) as pulumi.Resource[]));
    const all = (...parts: Array<pulumi.Input<pulumi.Resource[]>>): pulumi.Output<pulumi.Resource[]> => pulumi.all(parts).apply((p) => p.flat());

    const base = [...args.dependsOn];
    const cluster = group('cluster', base);
    const afterCluster = all(base, ...objectsOf(cluster));
    this.secrets = args.secrets.map((s) => new AppSecrets(s.name, s.args, { parent: this, provider: args.provider, dependsOn: afterCluster }));
    const config = group('config', afterCluster);
    const afterConfig = all(afterCluster, ...objectsOf(config), this.secrets.flatMap((s) => s.secrets));
    const workloads = group('workloads', afterConfig);
    const routes = group('routes', all(afterConfig, ...objectsOf(workloads), [...(args.routesDependOn ?? [])]));
    this.layers = { cluster, config, workloads, routes };

    this.claimResizes = args.objects.flatMap(statefulSetClaims).map((c) => new k8s.core.v1.PersistentVolumeClaimPatch(`${name}-claim-${c.namespace}-${c.name}`, {
      // Nothing to wait for: the claim exists and is bound; a resize completes on its own, on the
      // node, and waiting for it would hang where the provisioner cannot grow volumes. The size
      // field belongs to the StatefulSet controller, which created the claim from its template:
      // taking it over needs force (found by the end-to-end suite: an apply conflict otherwise).
      metadata: { name: c.name, namespace: c.namespace, annotations: { [SKIP_AWAIT_ANNOTATION]: 'true', [PATCH_FORCE_ANNOTATION]: 'true' } },
      spec: { resources: { requests: { storage: c.storage } } },
    }, {
      parent: this,
      provider: args.provider,
      // The StatefulSet is ready, so its claims exist: the patch only ever resizes one.
      dependsOn: all(...objectsOf(workloads)),
      // The claim is the data: removing this patch from the program leaves it, and its size, alone.
      retainOnDelete: true,
    }));

    this.registerOutputs({});
  }
}
