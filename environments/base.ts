import type { EnvironmentValues } from './schema';

/**
 * What every environment shares. Overlays (dev.ts, staging.ts, prod.ts) change only what differs,
 * as Kustomize overlays patch a base: objects deep-merge, arrays replace.
 *
 * Images are pinned, run as non-root, and are public: nginx-unprivileged (web, uid 101),
 * podinfo (api, uid 100), postgres alpine (database and backups, run as uid 70), fluent-bit (logs).
 */
export const base: Omit<EnvironmentValues, 'name' | 'production' | 'namespace' | 'systemNamespace' | 'priorityPrefix' | 'cluster' | 'ingress'> = {
  app: 'shop',
  // The registries the images above come from: Docker Hub (nginx-unprivileged, postgres,
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
  guardrails: {
    podSecurity: 'restricted',
    quota: {
      pods: 40, services: 10, loadBalancers: 0, nodePorts: 0, persistentVolumeClaims: 10,
      requestsCpu: '8', requestsMemory: '16Gi', limitsCpu: '16', limitsMemory: '32Gi', requestsStorage: '200Gi',
    },
    limits: {
      containerDefaultCpu: '500m', containerDefaultMemory: '256Mi',
      containerDefaultRequestCpu: '100m', containerDefaultRequestMemory: '128Mi',
      containerMaxCpu: '4', containerMaxMemory: '8Gi', podMaxCpu: '8', podMaxMemory: '16Gi',
      pvcMaxStorage: '100Gi',
    },
    ingressControllerNamespace: 'ingress-nginx',
  },
  web: {
    image: { repository: 'nginxinc/nginx-unprivileged', tag: '1.27.3-alpine' },
    autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 },
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '64Mi', limit: '128Mi' } },
    maxUnavailable: 1,
    nodePool: 'general',
    priorityClass: 'high',
    logLevel: 'info',
  },
  api: {
    image: { repository: 'ghcr.io/stefanprodan/podinfo', tag: '6.7.1' },
    autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 },
    resources: { cpu: { request: '100m', limit: '1' }, memory: { request: '64Mi', limit: '256Mi' } },
    maxUnavailable: 1,
    nodePool: 'general',
    priorityClass: 'high',
    logLevel: 'info',
  },
  database: {
    image: { repository: 'postgres', tag: '16.4-alpine3.20' },
    replicas: 1,
    storageSize: '10Gi',
    resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '512Mi', limit: '512Mi' } },
    nodePool: 'db',
    priorityClass: 'critical',
    credentialsSecret: 'db-credentials',
    credentialsVersion: '1',
  },
  backup: {
    schedule: '30 3 * * *',
    timeZone: 'Asia/Tokyo',
    suspend: false,
    storageSize: '20Gi',
    nodePool: 'general',
    priorityClass: 'batch',
  },
  logging: {
    image: { repository: 'fluent/fluent-bit', tag: '3.1.9' },
    resources: { cpu: { request: '50m', limit: '200m' }, memory: { request: '64Mi', limit: '128Mi' } },
  },
  // Off by default: Prometheus and Grafana want more than a small local cluster has to spare.
  monitoring: { enabled: false, namespace: 'monitoring', scrapeInterval: '30s' },
};
