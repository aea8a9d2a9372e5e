import type { Overlay } from './schema';

/** Staging on GKE: production-shaped at a smaller scale, certificates from Let's Encrypt staging. */
export const staging: Overlay = {
  name: 'staging',
  production: false,
  namespace: 'shop-staging',
  systemNamespace: 'shop-staging-system',
  cluster: {
    kind: 'gke',
    kubernetesVersion: '1.28.15',
    gke: {
      name: 'shop-staging', region: 'asia-northeast1', zone: 'asia-northeast1-a', releaseChannel: 'REGULAR',
      nodeCidr: '10.20.0.0/20', podsCidr: '10.24.0.0/14', servicesCidr: '10.28.0.0/20', masterCidr: '172.16.0.16/28',
    },
  },
  priorities: [
    { name: 'shop-staging-critical', value: 100000, preemptionPolicy: 'PreemptLowerPriority', description: 'Stateful tier: the database. Preempts lower tiers.' },
    { name: 'shop-staging-high', value: 10000, preemptionPolicy: 'PreemptLowerPriority', description: 'User-facing tier: web and api.' },
    { name: 'shop-staging-batch', value: 1000, preemptionPolicy: 'Never', description: 'Batch tier: backups. Waits rather than preempts.' },
  ],
  web: { image: { tag: '1.27.3-alpine' }, priorityClass: 'shop-staging-high' },
  api: { image: { tag: '6.7.1' }, priorityClass: 'shop-staging-high' },
  database: { storageSize: '20Gi', priorityClass: 'shop-staging-critical' },
  backup: { schedule: '0 4 * * *', priorityClass: 'shop-staging-batch' },
  ingress: {
    host: 'shop.staging.example.com',
    className: 'nginx',
    tls: { source: 'cert-manager', secretName: 'shop-tls', clusterIssuer: 'letsencrypt-staging' },
  },
};
