import type { EnvironmentOverlay } from '.';

/** Staging on GKE: production-shaped at a smaller scale, running the next image versions first. */
export const staging: EnvironmentOverlay = {
  name: 'staging',
  production: false,
  // Reviewed exemptions, the only ones synth honours (README, "Policy").
  waivers: [
    { rule: 'pss-host-path-volumes', object: 'DaemonSet shop-staging-system/log-agent', reason: 'the log collector reads container logs from /var/log on each node, mounted read-only' },
    { rule: 'pss-volume-types', object: 'DaemonSet shop-staging-system/log-agent', reason: 'hostPath is the only way to read node log files; mounted read-only' },
  ],
  priorityPrefix: 'shop-staging',
  cluster: {
    kind: 'gke',
    kubernetesVersion: '1.28.15',
    gke: {
      name: 'shop-staging', region: 'asia-northeast1', zone: 'asia-northeast1-a', releaseChannel: 'REGULAR',
      nodeCidr: '10.20.0.0/20', podsCidr: '10.24.0.0/14', servicesCidr: '10.28.0.0/20', masterCidr: '172.16.0.16/28',
      // Upgrades and repairs only on weekend nights in Japan (02:00-08:00 JST).
      maintenanceWindow: { days: ['SA', 'SU'], startUtc: '17:00', hours: 6 },
    },
  },
  monitoring: { enabled: true },
  tasks: {
    namespace: 'tasks-staging',
    redis: { storageSize: '2Gi' },
    worker: { replicas: 2 },
  },
  shop: {
    namespace: 'shop-staging',
    systemNamespace: 'shop-staging-system',
    // Staging runs the next image versions before prod does.
    web: { image: { tag: '1.27.4-alpine' } },
    api: { image: { tag: '6.8.0' } },
    database: { storageSize: '20Gi' },
    backup: { schedule: '0 4 * * *' },
    ingress: {
      host: 'shop.staging.example.com',
      // GKE's built-in Gateway controller (a global external Application Load Balancer) with a
      // Google-managed certificate and a reserved address, all created and deleted by the stack.
      edge: 'gke-gateway',
      className: 'gke-l7-global-external-managed',
      tls: { source: 'google-managed' },
    },
  },
};
