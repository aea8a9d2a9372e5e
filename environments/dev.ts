import type { EnvironmentOverlay } from '.';

/**
 * Local development on minikube: small, a self-signed certificate, fast backups to test them. Two
 * replicas of web and api at least, as in every environment: one is no service during a node drain
 * (kube-score asks the same of every autoscaler).
 */
export const dev: EnvironmentOverlay = {
  name: 'dev',
  production: false,
  // Reviewed exemptions, the only ones synth honours (README, "Policy").
  waivers: [
    { rule: 'pss-host-path-volumes', object: 'DaemonSet shop-dev-system/log-agent', reason: 'the log collector reads container logs from /var/log on each node, mounted read-only' },
    { rule: 'pss-volume-types', object: 'DaemonSet shop-dev-system/log-agent', reason: 'hostPath is the only way to read node log files; mounted read-only' },
  ],
  priorityPrefix: 'shop-dev',
  cluster: {
    kind: 'minikube',
    kubernetesVersion: '1.28.15',
    // Calico enforces the NetworkPolicies (minikube's default CNI ignores them), so dev denies by default as GKE does.
    minikube: {
      profile: 'shop-dev', nodes: 3, cpus: 2, memory: '4g', driver: 'docker', cni: 'calico',
      // storage-provisioner-rancher: node-local volumes that follow the pod's node (minikube's
      // default hostpath provisioner only works on a single node).
      addons: ['ingress', 'metrics-server', 'storage-provisioner-rancher'],
    },
  },
  // minikube: one node per pool entry (general gets two), so the dedicated pool behaves as on GKE.
  nodePools: [
    { name: 'general', minNodes: 2, maxNodes: 2 },
    {
      name: 'db',
      labels: { 'k8s-stack.io/dedicated': 'db' },
      taints: [{ key: 'k8s-stack.io/dedicated', value: 'db', effect: 'NoSchedule' }],
      minNodes: 1, maxNodes: 1,
    },
  ],
  storage: { className: 'shop-local', provisioner: 'rancher.io/local-path', parameters: {}, reclaimPolicy: 'Delete', allowVolumeExpansion: false },
  tasks: {
    namespace: 'tasks-dev',
    worker: { replicas: 2 },
    // Every hour in dev, to see it run.
    report: { schedule: '0 * * * *' },
  },
  shop: {
    namespace: 'shop-dev',
    systemNamespace: 'shop-dev-system',
    guardrails: {
      podSecurity: 'restricted',
      quota: {
        pods: 20, services: 10, loadBalancers: 0, nodePorts: 0, persistentVolumeClaims: 5,
        requestsCpu: '4', requestsMemory: '8Gi', limitsCpu: '8', limitsMemory: '16Gi', requestsStorage: '50Gi',
      },
    },
    web: {
      autoscaling: { minReplicas: 2, maxReplicas: 3, cpuUtilization: 80 },
      maxUnavailable: 1,
      logLevel: 'debug',
    },
    api: {
      autoscaling: { minReplicas: 2, maxReplicas: 3, cpuUtilization: 80 },
      resources: { cpu: { request: '50m', limit: '500m' }, memory: { request: '64Mi', limit: '128Mi' } },
      logLevel: 'debug',
    },
    database: { storageSize: '2Gi', resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '256Mi', limit: '256Mi' } } },
    backup: { schedule: '*/30 * * * *', storageSize: '2Gi' },
    ingress: {
      host: 'shop.dev.example.test',
      // The notes' Ingress with its TLS Secret, served by minikube's ingress addon.
      edge: 'ingress',
      className: 'nginx',
      tls: { source: 'self-signed', secretName: 'shop-tls' },
    },
  },
};
