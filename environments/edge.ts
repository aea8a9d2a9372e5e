import type { PlatformValues } from './schema';

/**
 * The names an app's GKE Gateway edge shares between its chart (the Gateway refers to them) and the
 * Pulumi program (which creates them): the reserved global address and the Certificate Manager map.
 * Derived from the cluster and the app, so each app of each cluster has its own.
 */
export function gatewayNames(platform: Pick<PlatformValues, 'cluster'>, app: string): { readonly address: string; readonly certificateMap: string } {
  const cluster = platform.cluster.gke?.name;
  if (cluster === undefined) throw new Error(`gatewayNames: the GKE Gateway edge of app "${app}" needs a GKE cluster (cluster.gke.name)`);
  return { address: `${cluster}-${app}-edge`, certificateMap: `${cluster}-${app}-edge` };
}
