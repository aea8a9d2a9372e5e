import { stringify } from 'yaml';

/** What `gke-gcloud-auth-plugin` needs to know to install itself, shown by kubectl when it is missing. */
const INSTALL_HINT = 'Install gke-gcloud-auth-plugin for use with kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin';

/**
 * A kubeconfig for a GKE cluster that authenticates with the operator's gcloud credentials through
 * the `gke-gcloud-auth-plugin` exec plugin, as `gcloud container clusters get-credentials` writes
 * it. It holds no credential itself; it is still exported as a secret since it names and locates
 * the control plane.
 */
export function gkeKubeconfig(context: string, endpoint: string, caCertificate: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: context, cluster: { server: `https://${endpoint}`, 'certificate-authority-data': caCertificate } }],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    'current-context': context,
    users: [{
      name: context,
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'gke-gcloud-auth-plugin',
          installHint: INSTALL_HINT,
          provideClusterInfo: true,
        },
      },
    }],
  });
}
