import type { EnvironmentOverlay } from '.';

/**
 * Production on GKE in asia-northeast1-a with three general nodes (the notes' cluster), a tainted
 * pool dedicated to the database, spot nodes for batch work, larger replicas and storage.
 */
export const prod: EnvironmentOverlay = {
  name: 'prod',
  production: true,
  // Reviewed exemptions, the only ones synth honours (README, "Policy").
  waivers: [
    { rule: 'pss-host-path-volumes', object: 'DaemonSet shop-prod-system/log-agent', reason: 'the log collector reads container logs from /var/log on each node, mounted read-only' },
    { rule: 'pss-volume-types', object: 'DaemonSet shop-prod-system/log-agent', reason: 'hostPath is the only way to read node log files; mounted read-only' },
  ],
  priorityPrefix: 'shop-prod',
  cluster: {
    kind: 'gke',
    kubernetesVersion: '1.28.15',
    gke: {
      name: 'shop-prod', region: 'asia-northeast1', zone: 'asia-northeast1-a', releaseChannel: 'STABLE',
      nodeCidr: '10.40.0.0/20', podsCidr: '10.44.0.0/14', servicesCidr: '10.48.0.0/20', masterCidr: '172.16.0.32/28',
      // Upgrades and repairs only on weekend nights in Japan (02:00-08:00 JST).
      maintenanceWindow: { days: ['SA', 'SU'], startUtc: '17:00', hours: 6 },
    },
  },
  nodePools: [
    { name: 'general', machineType: 'e2-standard-4', minNodes: 3, maxNodes: 6, diskSizeGb: 100 },
    {
      name: 'db',
      labels: { 'k8s-stack.io/dedicated': 'db' },
      taints: [{ key: 'k8s-stack.io/dedicated', value: 'db', effect: 'NoSchedule' }],
      // One database pod; the second node is headroom for surge upgrades of the pool.
      machineType: 'n2-standard-4', minNodes: 1, maxNodes: 2, diskSizeGb: 200,
    },
    {
      name: 'batch',
      labels: { 'k8s-stack.io/dedicated': 'batch' },
      taints: [
        { key: 'k8s-stack.io/dedicated', value: 'batch', effect: 'NoSchedule' },
        { key: 'cloud.google.com/gke-spot', value: 'true', effect: 'NoSchedule' },
      ],
      machineType: 'e2-standard-2', minNodes: 0, maxNodes: 2, spot: true,
    },
  ],
  monitoring: { enabled: true, scrapeInterval: '15s' },
  tasks: {
    namespace: 'tasks-prod',
    guardrails: { quota: { pods: 30, requestsCpu: '4', requestsMemory: '4Gi', limitsCpu: '8', limitsMemory: '8Gi', requestsStorage: '20Gi' }, pvcMaxStorage: '20Gi' },
    // Binary Authorization admits images by the name as written: Docker Hub images name their registry.
    redis: { image: { repository: 'docker.io/library/redis' }, storageSize: '10Gi', resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '512Mi', limit: '512Mi' } } },
    worker: { image: { repository: 'docker.io/library/redis' }, replicas: 4 },
  },
  shop: {
    namespace: 'shop-prod',
    systemNamespace: 'shop-prod-system',
    guardrails: {
      quota: {
        pods: 80, services: 10, loadBalancers: 0, nodePorts: 0, persistentVolumeClaims: 20,
        requestsCpu: '24', requestsMemory: '48Gi', limitsCpu: '48', limitsMemory: '96Gi', requestsStorage: '1Ti',
      },
      limits: { pvcMaxStorage: '500Gi' },
    },
    web: {
      image: { repository: 'docker.io/nginxinc/nginx-unprivileged' },
      autoscaling: { minReplicas: 3, maxReplicas: 10, cpuUtilization: 65 },
      resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '128Mi', limit: '256Mi' } },
      maxUnavailable: '25%',
      logLevel: 'warn',
    },
    api: {
      autoscaling: { minReplicas: 3, maxReplicas: 12, cpuUtilization: 65 },
      resources: { cpu: { request: '500m', limit: '2' }, memory: { request: '256Mi', limit: '512Mi' } },
      maxUnavailable: 1,
      logLevel: 'warn',
    },
    database: {
      image: { repository: 'docker.io/library/postgres' },
      storageSize: '100Gi',
      resources: { cpu: { request: '2', limit: '2' }, memory: { request: '4Gi', limit: '4Gi' } },
    },
    backup: { schedule: '0 3 * * *', storageSize: '200Gi', nodePool: 'batch' },
    // Binary Authorization admits images by the name as written: Docker Hub images name their registry.
    logging: { image: { repository: 'docker.io/fluent/fluent-bit' } },
    ingress: {
      host: 'shop.example.com',
      // GKE's built-in Gateway controller (a global external Application Load Balancer) with a
      // Google-managed certificate and a reserved address, all created and deleted by the stack.
      edge: 'gke-gateway',
      className: 'gke-l7-global-external-managed',
      tls: { source: 'google-managed' },
    },
  },
};
