import type { EnvironmentValues } from './schema';

/**
 * The names the GKE Gateway edge shares between the chart (the Gateway refers to them) and the
 * Pulumi program (which creates them): the reserved global address and the Certificate Manager map.
 * Derived from the cluster name, so each cluster's edge has its own.
 */
export function gatewayNames(v: Pick<EnvironmentValues, 'cluster'>): { readonly address: string; readonly certificateMap: string } {
  const cluster = v.cluster.gke?.name;
  if (cluster === undefined) throw new Error('gatewayNames: the GKE Gateway edge needs a GKE cluster (cluster.gke.name)');
  return { address: `${cluster}-edge`, certificateMap: `${cluster}-edge` };
}
