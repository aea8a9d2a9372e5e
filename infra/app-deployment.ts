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

/** The annotation that tells the Kubernetes provider not to wait for an object to become ready. */
export const SKIP_AWAIT_ANNOTATION = 'pulumi.com/skipAwait';

/** Whether an object belongs in the first group: namespaces and cluster-scoped objects. */
export function isClusterLevel(o: KubeObject): boolean {
  return o.kind === 'Namespace' || CLUSTER_SCOPED_KINDS.has(o.kind);
}

export interface AppDeploymentArgs {
  /** The synthesized objects of the environment, in apply order. */
  readonly objects: readonly KubeObject[];
  /** The provider of the target cluster; every object is applied through it. */
  readonly provider: k8s.Provider;
  /**
   * What the objects wait for on create and are deleted before on destroy: the node pools (GKE) or
   * the node patches (minikube). This is what makes `pulumi destroy` remove Services of type
   * LoadBalancer, and with them the cloud load balancers, while the cluster still runs.
   */
  readonly dependsOn: readonly pulumi.Resource[];
  /** The Secrets the manifests reference, created in the application namespace. */
  readonly secrets: AppSecretsArgs;
  /** Protect Namespaces, StatefulSets and PersistentVolumeClaims. @default false */
  readonly protectStatefulObjects?: boolean;
  /**
   * Wait for Ingress objects to get an address. Off when no ingress controller is known to run
   * (one installed after the cluster, as on GKE), so a deployment does not time out on it.
   * @default true
   */
  readonly awaitIngress?: boolean;
}

/**
 * Deploys one environment's synthesized objects, each as its own Pulumi resource, through an
 * explicit provider: namespaces and cluster-scoped objects first, then the Secrets, then the
 * namespaced objects. Nothing is added or dropped: what `npm run synth` writes is what is applied,
 * plus the Secrets.
 */
export class AppDeployment extends pulumi.ComponentResource {
  public readonly clusterObjects: k8s.yaml.ConfigGroup;
  public readonly secrets: AppSecrets;
  public readonly namespacedObjects: k8s.yaml.ConfigGroup;

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
    const clusterLevel = args.objects.filter(isClusterLevel).map(copy);
    const namespaced = args.objects.filter((o) => !isClusterLevel(o)).map(copy);

    // Resource options per object, set on each child: ConfigGroup (v1) passes only `parent` down.
    const options = (dependsOn: pulumi.Input<pulumi.Resource>[]) => (obj: KubeObject, o: pulumi.CustomResourceOptions) => {
      o.dependsOn = dependsOn;
      if (protect && PROTECTED_KINDS.has(obj.kind)) o.protect = true;
      if (!awaitIngress && obj.kind === 'Ingress') obj.metadata.annotations = { ...obj.metadata.annotations, [SKIP_AWAIT_ANNOTATION]: 'true' };
    };

    const first = [...args.dependsOn];
    this.clusterObjects = new k8s.yaml.ConfigGroup(`${name}-cluster`, {
      objs: clusterLevel,
      transformations: [options(first)],
    }, { parent: this, provider: args.provider, dependsOn: first });

    this.secrets = new AppSecrets(name, args.secrets, { parent: this, provider: args.provider, dependsOn: [this.clusterObjects] });

    const second = [this.clusterObjects, this.secrets, ...args.dependsOn];
    this.namespacedObjects = new k8s.yaml.ConfigGroup(`${name}-namespaced`, {
      objs: namespaced,
      transformations: [options(second)],
    }, { parent: this, provider: args.provider, dependsOn: second });

    this.registerOutputs({});
  }
}
