import type { EnvironmentOverlay } from '.';

/**
 * What every environment shares: the platform (registries, node pools, storage, priority tiers,
 * monitoring) and the apps it runs. Each app's own defaults live with the app (charts/shop-values.ts);
 * overlays (dev.ts, staging.ts, prod.ts) change only what differs, as Kustomize overlays patch a
 * base: objects deep-merge, arrays replace.
 */
export const base: EnvironmentOverlay = {
  apps: ['shop', 'tasks'],
  // The registries the apps' images come from: Docker Hub (nginx-unprivileged, postgres,
  // fluent-bit) and GitHub's (podinfo).
  allowedRegistries: ['docker.io', 'ghcr.io'],
  nodePools: [
    { name: 'general', machineType: 'e2-standard-2', minNodes: 1, maxNodes: 3, diskSizeGb: 50 },
    {
      name: 'db',
      labels: { 'k8s-stack.io/dedicated': 'db' },
      taints: [{ key: 'k8s-stack.io/dedicated', value: 'db', effect: 'NoSchedule' }],
      machineType: 'e2-standard-4', minNodes: 1, maxNodes: 1, diskSizeGb: 100,
    },
  ],
  storage: {
    className: 'shop-ssd',
    provisioner: 'pd.csi.storage.gke.io',
    parameters: { type: 'pd-balanced' },
    reclaimPolicy: 'Retain',
    allowVolumeExpansion: true,
  },
  priorities: [
    { name: 'critical', value: 100000, preemptionPolicy: 'PreemptLowerPriority', description: 'Stateful tier: the database. Preempts lower tiers.' },
    { name: 'high', value: 10000, preemptionPolicy: 'PreemptLowerPriority', description: 'User-facing tier: web and api.' },
    { name: 'batch', value: 1000, preemptionPolicy: 'Never', description: 'Batch tier: backups. Waits rather than preempts.' },
  ],
  // Off by default: Prometheus and Grafana want more than a small local cluster has to spare.
  monitoring: { enabled: false, namespace: 'monitoring', scrapeInterval: '30s' },
};
