import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

/** How a provider reaches its cluster: a kubeconfig (GKE) or a context of the ambient one (minikube, existing clusters). */
export type ClusterConnection =
  | { readonly kubeconfig: pulumi.Input<string>; readonly context?: undefined }
  | { readonly context: pulumi.Input<string>; readonly kubeconfig?: undefined };

export interface ClusterProviderArgs {
  readonly connection: ClusterConnection;
  /**
   * A value that is known only once the cluster exists (the `minikube start` command's output, the
   * GKE endpoint). The identity is read after it; in a first preview it is unknown, so nothing is
   * read from a cluster that does not exist yet. @default - the cluster exists already
   */
  readonly ready?: pulumi.Input<unknown>;
  /**
   * Drop objects from state when the cluster is unreachable on refresh or destroy, instead of
   * failing: for a throwaway local cluster whose profile was stopped or deleted. @default false
   */
  readonly deleteUnreachable?: boolean;
  /** What the provider is configured after (the commands that start the cluster). */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The namespace whose uid identifies a cluster: created with the cluster, never deleted, never renamed. */
export const IDENTITY_NAMESPACE = 'kube-system';

/**
 * The Kubernetes provider of a target cluster, keyed on the cluster itself rather than on how it
 * is reached.
 *
 * The provider keeps the name and parent it always had, so existing stacks adopt the identity as
 * an update. Its `clusterIdentifier` is the uid of the cluster's kube-system namespace, read through
 * a second provider that only reads. So:
 * - a new kubeconfig for the same cluster (a rotated CA, a new endpoint IP, a renamed context) is an
 *   update of the provider: no object is touched;
 * - a different cluster behind the same name (a minikube profile recreated because its shape changed,
 *   a cluster deleted and created again) has a new uid: the provider is replaced, and with it every
 *   object, so the next `up` recreates what the new cluster lacks instead of reporting success on
 *   an empty cluster.
 *
 * Every object deployed through it is replaced delete-first (AppDeployment), so the old provider's
 * delete of an object never removes the one just created in the new cluster under the same name.
 *
 * ConfigMaps and Secrets are updated in place (`enableConfigMapMutable`, `enableSecretMutable`)
 * rather than deleted and created again: their readers roll from their checksum annotations, after
 * the update, and never see a missing object.
 */
export interface ClusterProvider {
  /** The uid of kube-system: what the provider is keyed on. */
  readonly identity: pulumi.Output<string>;
  /** Reads the identity; owns nothing. */
  readonly reader: k8s.Provider;
  /** Every object of the cluster goes through this one. */
  readonly provider: k8s.Provider;
}

export function clusterProvider(name: string, args: ClusterProviderArgs, parent: pulumi.Resource): ClusterProvider {
  const dependsOn = args.dependsOn ?? [];
  const connection = args.connection.kubeconfig !== undefined ? { kubeconfig: args.connection.kubeconfig } : { context: args.connection.context };
  const reader = new k8s.Provider(`${name}-identity`, connection, { parent, dependsOn });
  // An unknown id until the cluster exists: the read is skipped in a preview of a new cluster.
  const id = args.ready === undefined ? IDENTITY_NAMESPACE : pulumi.output(args.ready).apply(() => IDENTITY_NAMESPACE);
  const identity = k8s.core.v1.Namespace.get(`${name}-${IDENTITY_NAMESPACE}`, id, { parent, provider: reader, dependsOn }).metadata.uid;
  const provider = new k8s.Provider(name, {
    ...connection,
    clusterIdentifier: identity,
    // Required by the node patches, and how the objects are applied (kubectl apply --server-side).
    enableServerSideApply: true,
    enableConfigMapMutable: true,
    enableSecretMutable: true,
    ...(args.deleteUnreachable ? { deleteUnreachable: true } : {}),
  }, { parent, dependsOn });
  return { identity, reader, provider };
}
