import { z } from 'zod';
import type { IssueReporter } from '../environments/app';
import { checkImage, checkPlacement } from '../environments/checks';
import {
  count, cron, imageSchema, label, quantity, resourcesSchema, rule, serviceSchema, subdomain, timeZone,
} from '../environments/fields';
import type { Overlay, PlatformValues } from '../environments/schema';
import { hostnameProblem, parseQuantity } from '../constructs/lib/validate';

/**
 * The values of the shop app: its namespaces, guardrails, the three tiers, backups, the HTTPS edge
 * and the log agent. An environment holds them under `shop` (`--set shop.web.image.tag=...`).
 */
export const shopSchema = z.strictObject({
  /** Application name (app.kubernetes.io/part-of). */
  app: label,
  /** Namespace of the application. */
  namespace: label,
  /** Namespace of the node agents (needs host paths, so its Pod Security level is privileged). */
  systemNamespace: label,
  guardrails: z.strictObject({
    podSecurity: z.enum(['restricted', 'baseline']),
    quota: z.strictObject({
      pods: count, services: count, loadBalancers: count, nodePorts: count, persistentVolumeClaims: count,
      requestsCpu: quantity('8'), requestsMemory: quantity('16Gi'), limitsCpu: quantity('16'), limitsMemory: quantity('32Gi'), requestsStorage: quantity('100Gi'),
    }),
    limits: z.strictObject({
      containerDefaultCpu: quantity('500m'), containerDefaultMemory: quantity('256Mi'),
      containerDefaultRequestCpu: quantity('100m'), containerDefaultRequestMemory: quantity('128Mi'),
      containerMaxCpu: quantity('4'), containerMaxMemory: quantity('8Gi'), podMaxCpu: quantity('8'), podMaxMemory: quantity('16Gi'),
      pvcMaxStorage: quantity('100Gi'),
    }),
    /** Namespace of the ingress controller allowed to reach the web pods. */
    ingressControllerNamespace: label,
  }),
  web: serviceSchema,
  api: serviceSchema,
  database: z.strictObject({
    image: imageSchema,
    // One primary: more replicas of plain PostgreSQL would be independent databases behind one
    // Service. High availability needs streaming replication (an operator such as CloudNativePG).
    replicas: z.literal(1, { error: 'must be 1: this chart runs a single PostgreSQL primary; replicas need streaming replication (an operator such as CloudNativePG)' }),
    storageSize: quantity('10Gi'),
    resources: resourcesSchema,
    nodePool: label,
    priorityClass: subdomain,
    /** Name of the Secret (created by Pulumi) that holds the database credentials. */
    credentialsSecret: subdomain,
    /** Bump after rotating the credentials: it rolls the pods that read them (they read env at start). */
    credentialsVersion: z.string().min(1).max(63),
  }),
  backup: z.strictObject({
    schedule: cron,
    timeZone,
    suspend: z.boolean(),
    storageSize: quantity('20Gi'),
    nodePool: label,
    priorityClass: subdomain,
  }),
  ingress: z.strictObject({
    host: rule(hostnameProblem),
    /**
     * What serves HTTPS at the host: an Ingress for the cluster's ingress controller (minikube's
     * ingress addon), or GKE's built-in Gateway controller with a Google-managed certificate and a
     * reserved address, both created by the stack.
     */
    edge: z.enum(['ingress', 'gke-gateway']),
    /** The IngressClass (edge "ingress") or GatewayClass (edge "gke-gateway"). */
    className: subdomain,
    tls: z.strictObject({
      /**
       * Where the certificate comes from: a self-signed one Pulumi makes, secret config, cert-manager
       * (each into the Secret `secretName`), or Google Certificate Manager (edge "gke-gateway").
       */
      source: z.enum(['self-signed', 'secret-config', 'cert-manager', 'google-managed']),
      secretName: subdomain.optional(),
      clusterIssuer: subdomain.optional(),
    }),
  }),
  logging: z.strictObject({
    image: imageSchema,
    resources: resourcesSchema,
  }),
});

/** The validated values of the shop app in one environment. */
export type ShopValues = z.infer<typeof shopSchema>;

/** Checks across the shop's values and the platform's: node pools, tiers, registries, guardrails, the edge. */
export function checkShop(v: ShopValues, platform: PlatformValues, issue: IssueReporter): void {
  const p = platform;
  for (const key of ['web', 'api', 'database', 'logging'] as const) checkImage(p, v[key].image, [key, 'image'], issue);
  for (const key of ['web', 'api', 'database', 'backup'] as const) checkPlacement(p, v[key], [key], issue);
  const { edge, tls } = v.ingress;
  if (edge === 'gke-gateway' && p.cluster.kind !== 'gke') issue(['ingress', 'edge'], `needs a GKE cluster, and this one is ${p.cluster.kind}; use "ingress" with the cluster's ingress controller`);
  if ((edge === 'gke-gateway') !== (tls.source === 'google-managed')) {
    issue(['ingress', 'tls', 'source'], edge === 'gke-gateway' ? 'must be "google-managed" with the GKE Gateway edge (its certificate comes from Certificate Manager)' : 'is "google-managed", which only the "gke-gateway" edge serves; use self-signed, secret-config or cert-manager with an Ingress');
  } else if (tls.source === 'google-managed' && tls.secretName !== undefined) {
    issue(['ingress', 'tls', 'secretName'], 'is not used: a Google-managed certificate lives in Certificate Manager, not in a Secret; remove it');
  } else if (tls.source !== 'google-managed' && tls.secretName === undefined) {
    issue(['ingress', 'tls', 'secretName'], 'is missing; name the kubernetes.io/tls Secret the Ingress serves, e.g. "shop-tls"');
  }
  if (v.ingress.tls.source === 'cert-manager' && !v.ingress.tls.clusterIssuer) {
    issue(['ingress', 'tls', 'clusterIssuer'], 'is missing while the TLS source is cert-manager; name the ClusterIssuer, e.g. "letsencrypt-prod"');
  }
  // The guardrails must admit what the application asks for, or the API server rejects it at apply time.
  const q = (x: string) => parseQuantity(x);
  const limits = v.guardrails.limits;
  for (const [path, size] of [[['database', 'storageSize'], v.database.storageSize], [['backup', 'storageSize'], v.backup.storageSize]] as const) {
    if (q(size) > q(limits.pvcMaxStorage)) {
      issue([...path], `is above shop.guardrails.limits.pvcMaxStorage "${limits.pvcMaxStorage}", so the claim would be rejected; raise pvcMaxStorage or lower the size`);
    }
  }
  if (q(v.database.storageSize) + q(v.backup.storageSize) > q(v.guardrails.quota.requestsStorage)) {
    issue(['guardrails', 'quota', 'requestsStorage'], `is below the ${v.database.storageSize} + ${v.backup.storageSize} the database and its backups claim; raise it`);
  }
  for (const workload of ['web', 'api', 'database'] as const) {
    const r = v[workload].resources;
    if (q(r.memory.limit) > q(limits.containerMaxMemory)) {
      issue([workload, 'resources', 'memory', 'limit'], `is above shop.guardrails.limits.containerMaxMemory "${limits.containerMaxMemory}", so the pods would be rejected; lower it or raise the maximum`);
    }
    if (r.cpu.limit !== undefined && q(r.cpu.limit) > q(limits.containerMaxCpu)) {
      issue([workload, 'resources', 'cpu', 'limit'], `is above shop.guardrails.limits.containerMaxCpu "${limits.containerMaxCpu}", so the pods would be rejected; lower it or raise the maximum`);
    }
  }
}


/**
 * The shop's defaults, which every environment's `shop` values deep-merge over. Images are pinned,
 * run as non-root, and are public: nginx-unprivileged (web, uid 101), podinfo (api, uid 100),
 * postgres alpine (database and backups, run as uid 70), fluent-bit (logs).
 */
export const SHOP_DEFAULTS: Overlay<ShopValues> = {
  app: 'shop',
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
};
