import { z } from 'zod';
import { TAINT_EFFECTS } from '../constructs/node-pool';

/** The longest GKE pool name: GKE allows 40 characters, and the pool's namePrefix adds "-" and a 26-character suffix. */
export const MAX_GKE_POOL_NAME = 13;
import {
  Problem, cidrProblem, cronProblem, dns1123LabelProblem, parseQuantity, dns1123SubdomainProblem, hostnameProblem, imageProblem, labelKeyProblem,
  labelValueProblem, quantityProblem, registryOf, timeZoneProblem,
} from '../constructs/lib/validate';

/**
 * The runtime schema of environment values. Every field an environment may set is here, with the
 * same rules the constructs enforce (names, quantities, cron, enums), so a bad value is reported at
 * start-up with the environment, the path and the value, before anything is synthesized.
 */

/** A string refined by one of the API server rules in constructs/lib/validate.ts. */
function rule(problem: (v: string) => Problem | undefined) {
  return z.string().superRefine((v, ctx) => {
    const p = problem(v);
    if (p) ctx.addIssue({ code: 'custom', message: `${p.problem}; ${p.fix}` });
  });
}

const label = rule((v) => dns1123LabelProblem(v));
const subdomain = rule((v) => dns1123SubdomainProblem(v));
const quantity = (example: string) => rule((v) => quantityProblem(v, example));
const count = z.number().int().min(0);
const positive = z.number().int().min(1);

/** A repository as registries name them: lower-case path components, an optional registry host and port. */
const REPOSITORY = /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
/** A tag as the OCI distribution spec allows it. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export const imageSchema = z.strictObject({
  repository: z.string().min(1),
  tag: z.string().min(1),
}).superRefine((v, ctx) => {
  // Checked here, so the message names the setting (web.image.tag), not the label the tag becomes.
  if (!REPOSITORY.test(v.repository)) {
    ctx.addIssue({ code: 'custom', path: ['repository'], message: 'is not an image repository; use lower-case letters, digits and "/", ".", "_", "-", e.g. "nginxinc/nginx-unprivileged" or "ghcr.io/stefanprodan/podinfo"' });
    return;
  }
  if (!TAG.test(v.tag)) {
    ctx.addIssue({ code: 'custom', path: ['tag'], message: 'is not an image tag; use letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-"), e.g. "1.27.4-alpine"' });
    return;
  }
  const p = imageProblem(`${v.repository}:${v.tag}`);
  if (p) {
    ctx.addIssue({ code: 'custom', path: ['tag'], message: `${p.problem}; ${p.fix}` });
    return;
  }
  if (!/\d/.test(v.tag)) {
    ctx.addIssue({ code: 'custom', path: ['tag'], message: 'names no version, so it moves when the image is rebuilt (like "stable" or "alpine"); pin a version such as "1.27.4-alpine"' });
    return;
  }
  const label = labelValueProblem(v.tag);
  if (label) ctx.addIssue({ code: 'custom', path: ['tag'], message: `becomes the app.kubernetes.io/version label and ${label.problem.replace(/^is /, 'is then ')}; use a tag of at most 63 characters that ends with a letter or digit` });
});

export const resourcesSchema = z.strictObject({
  cpu: z.strictObject({ request: quantity('250m'), limit: quantity('500m').optional() }),
  memory: z.strictObject({ request: quantity('256Mi'), limit: quantity('256Mi') }),
});

const autoscalingSchema = z.strictObject({
  minReplicas: positive,
  maxReplicas: positive,
  cpuUtilization: z.number().int().min(1).max(1000),
}).superRefine((v, ctx) => {
  if (v.minReplicas > v.maxReplicas) {
    ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: `is above maxReplicas ${v.maxReplicas}; lower minReplicas or raise maxReplicas` });
  }
});

const podCount = z.union([count, z.string().regex(/^\d{1,3}%$/, 'is not a percentage such as "25%"').transform((v) => v as `${number}%`)]);

const serviceSchema = z.strictObject({
  image: imageSchema,
  autoscaling: autoscalingSchema,
  resources: resourcesSchema,
  /** PodDisruptionBudget maxUnavailable. */
  maxUnavailable: podCount,
  nodePool: label,
  priorityClass: subdomain,
  logLevel: z.enum(['debug', 'info', 'warn', 'error']),
});

const taintSchema = z.strictObject({
  key: rule(labelKeyProblem),
  value: rule(labelValueProblem).optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'] satisfies typeof TAINT_EFFECTS),
  tolerationSeconds: count.optional(),
});

const nodePoolSchema = z.strictObject({
  name: rule((v) => dns1123LabelProblem(v, 40)),
  labels: z.record(rule(labelKeyProblem), rule(labelValueProblem)).optional(),
  taints: z.array(taintSchema).optional(),
  machineType: z.string().regex(/^[a-z0-9]+-[a-z0-9-]+$/, 'is not a GCE machine type such as "e2-standard-2"').optional(),
  minNodes: count.max(1000).optional(),
  maxNodes: positive.max(1000).optional(),
  diskSizeGb: z.number().int().min(10).max(65536).optional(),
  spot: z.boolean().optional(),
}).superRefine((v, ctx) => {
  if ((v.minNodes ?? 1) > (v.maxNodes ?? 3)) ctx.addIssue({ code: 'custom', path: ['minNodes'], message: `is above maxNodes ${v.maxNodes ?? 3}; lower minNodes or raise maxNodes` });
});

const cidr = rule((v) => cidrProblem(v, 4));

const clusterSchema = z.strictObject({
  kind: z.enum(['minikube', 'gke']),
  /** The version minikube starts (the charts target 1.28 APIs); GKE clusters follow their release channel. */
  kubernetesVersion: z.string().regex(/^1\.28\.\d+$/, 'is not a 1.28 patch version such as "1.28.15" (the charts target Kubernetes 1.28)'),
  minikube: z.strictObject({
    profile: label,
    /** The nodes minikube starts; node-pool labels and taints are applied to them in pool order. */
    nodes: positive.max(10),
    cpus: positive,
    memory: z.string().regex(/^\d+[mg]$/, 'is not a minikube memory size such as "4g"'),
    driver: z.enum(['docker', 'podman', 'kvm2', 'virtualbox', 'hyperkit', 'qemu2']),
    /** The CNI plugin; one that enforces NetworkPolicy (calico, cilium), so default-deny behaves as on GKE. */
    cni: z.enum(['calico', 'cilium', 'flannel', 'kindnet', 'bridge']),
    /** Addons enabled after start (`minikube addons enable`), e.g. ingress, metrics-server, and a node-local volume provisioner. */
    addons: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'is not a minikube addon name such as "metrics-server"')),
  }).optional(),
  gke: z.strictObject({
    /** Cluster name (the notes: "k8s"). */
    name: label,
    region: z.string().regex(/^[a-z]+-[a-z]+\d$/, 'is not a GCP region such as "asia-northeast1"'),
    /** Zonal cluster location (the notes: asia-northeast1-a). */
    zone: z.string().regex(/^[a-z]+-[a-z]+\d-[a-z]$/, 'is not a GCP zone such as "asia-northeast1-a"'),
    releaseChannel: z.enum(['RAPID', 'REGULAR', 'STABLE']),
    nodeCidr: cidr,
    podsCidr: cidr,
    servicesCidr: cidr,
    masterCidr: cidr,
    /**
     * When GKE may upgrade and repair nodes: weekly on `days`, from `startUtc` for `hours`. GKE
     * requires occurrences of at least 4 hours and 48 hours in any 32 days.
     */
    maintenanceWindow: z.strictObject({
      days: z.array(z.enum(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'])).min(1),
      startUtc: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'is not a UTC time of day such as "17:00"'),
      hours: z.number().int().min(4, 'is under the 4 hours GKE requires of each occurrence; use 4 or more').max(24),
    }).superRefine((w, ctx) => {
      // 32 days hold at least four of each weekday.
      if (new Set(w.days).size !== w.days.length) ctx.addIssue({ code: 'custom', path: ['days'], message: 'names a day twice; list each day once' });
      else if (w.days.length * w.hours * 4 < 48) ctx.addIssue({ code: 'custom', path: ['hours'], message: `gives ${w.days.length * w.hours * 4} hours in 32 days, under the 48 GKE requires; add days or hours` });
    }),
  }).optional(),
}).superRefine((v, ctx) => {
  if (v.kind === 'gke' && !v.gke) ctx.addIssue({ code: 'custom', path: ['gke'], message: 'is missing for a gke cluster; add region, zone, release channel and CIDRs' });
  if (v.kind === 'minikube' && !v.minikube) ctx.addIssue({ code: 'custom', path: ['minikube'], message: 'is missing for a minikube cluster; add profile, nodes, cpus, memory, driver, cni and addons' });
  // The cluster's own ranges are private: the pods' egress to the control plane is opened to
  // masterCidr, so a public range there would open the pods to the internet on 443.
  for (const key of ['nodeCidr', 'podsCidr', 'servicesCidr', 'masterCidr'] as const) {
    const value = v.gke?.[key];
    if (value === undefined || cidrProblem(value, 4)) continue;
    if (!isPrivateIpv4Cidr(value)) ctx.addIssue({ code: 'custom', path: ['gke', key], message: 'is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16); use a private range the VPC does not use yet' });
    else if (key === 'masterCidr' && !value.endsWith('/28')) ctx.addIssue({ code: 'custom', path: ['gke', key], message: 'is not a /28, the size GKE requires for the private control plane; use e.g. "172.16.0.16/28"' });
  }
});

/** Whether an IPv4 CIDR lies wholly inside 10/8, 172.16/12 or 192.168/16. */
function isPrivateIpv4Cidr(value: string): boolean {
  const [ip, bits] = value.split('/');
  const n = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  return [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]].some(([base, len]) => {
    const b = String(base).split('.').reduce((a, o) => a * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(len));
    return Number(bits) >= Number(len) && n >= b && n < b + size;
  });
}

const priorityTierSchema = z.strictObject({
  name: subdomain,
  value: z.number().int().min(-2147483648).max(1000000000),
  preemptionPolicy: z.enum(['PreemptLowerPriority', 'Never']),
  description: z.string().min(1),
});

export const environmentSchema = z.strictObject({
  /** Environment name: dev, staging, prod. */
  name: label,
  /** Production rules apply (HPA floor of 2, no NodePort, deletion protection). */
  production: z.boolean(),
  /** Application name (app.kubernetes.io/part-of). */
  app: label,
  /** Namespace of the application. */
  namespace: label,
  /** Namespace of the node agents (needs host paths, so its Pod Security level is privileged). */
  systemNamespace: label,
  cluster: clusterSchema,
  /**
   * The policy waivers of this environment, the one reviewed place for them: each names the rule,
   * the object ("DaemonSet shop-dev-system/log-agent", as violations name it), optionally the
   * field, and why. A waiver that waives nothing is a violation.
   */
  waivers: z.array(z.strictObject({
    rule: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'is not a policy rule id; use the kebab-case id a violation names, e.g. "pss-host-path-volumes"'),
    object: z.string().regex(/^[A-Za-z]+ ([a-z0-9.-]+\/)?[a-z0-9.:-]+$/, 'is not an object as violations name it; use "<Kind> <namespace>/<name>", e.g. "DaemonSet shop-dev-system/log-agent"'),
    path: z.string().min(1).optional(),
    reason: z.string().trim().min(1, 'is empty; say why the rule does not apply to this object'),
  })).optional(),
  nodePools: z.array(nodePoolSchema).min(1),
  storage: z.strictObject({
    className: subdomain,
    provisioner: z.string().min(1),
    parameters: z.record(z.string(), z.string()),
    reclaimPolicy: z.enum(['Delete', 'Retain']),
    /** Whether claims may grow; only where the provisioner can resize volumes. */
    allowVolumeExpansion: z.boolean(),
  }),
  /** Prepended to every priority tier name: PriorityClasses are cluster-wide, and names say whose they are. */
  priorityPrefix: label,
  priorities: z.array(priorityTierSchema).min(1),
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
    schedule: rule(cronProblem),
    timeZone: rule(timeZoneProblem),
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
  /**
   * Prometheus and Grafana (kube-prometheus-stack, installed by the stack) scraping the workloads
   * that expose metrics through ServiceMonitors the constructs emit.
   */
  monitoring: z.strictObject({
    enabled: z.boolean(),
    /** The namespace of Prometheus and Grafana, admitted to the metrics ports. */
    namespace: label,
    /** How often Prometheus scrapes, e.g. "30s". */
    scrapeInterval: z.string().regex(/^\d+(s|m)$/, 'is not a Prometheus duration such as "30s" or "1m"'),
  }),
  logging: z.strictObject({
    image: imageSchema,
    resources: resourcesSchema,
  }),
  /**
   * The registries images may come from (`docker.io` for unqualified names such as "postgres"). An
   * image from another registry is refused, wherever it is set (--set included).
   */
  allowedRegistries: z.array(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/, 'is not a registry host; use e.g. "ghcr.io" or "docker.io"')).min(1),
}).superRefine((v, ctx) => {
  for (const key of ['web', 'api', 'database', 'logging'] as const) {
    const repository = v[key].image.repository;
    if (v.production && v.cluster.kind === 'gke' && !/^[^/]*[.:][^/]*\//.test(repository)) {
      // prod enforces Binary Authorization, which matches `<registry>/**` against the name as written.
      ctx.addIssue({ code: 'custom', path: [key, 'image', 'repository'], message: `names no registry, and production enforces Binary Authorization on the name as written; write it in full, e.g. "docker.io/${repository.includes('/') ? repository : `library/${repository}`}"` });
    }
    const registry = registryOf(repository);
    if (!v.allowedRegistries.includes(registry)) {
      ctx.addIssue({ code: 'custom', path: [key, 'image', 'repository'], message: `comes from registry "${registry}", which is not in allowedRegistries (${v.allowedRegistries.join(', ')}); use an image from one of those, or add the registry to allowedRegistries once it is reviewed` });
    }
  }
  const pools = new Set(v.nodePools.map((p) => p.name));
  const refs: Array<[string[], string]> = [
    [['web', 'nodePool'], v.web.nodePool], [['api', 'nodePool'], v.api.nodePool],
    [['database', 'nodePool'], v.database.nodePool], [['backup', 'nodePool'], v.backup.nodePool],
  ];
  for (const [path, name] of refs) {
    if (!pools.has(name)) ctx.addIssue({ code: 'custom', path, message: `names no node pool of this environment; use one of: ${[...pools].join(', ')}` });
  }
  const tiers = new Set(v.priorities.map((p) => p.name));
  const prios: Array<[string[], string]> = [
    [['web', 'priorityClass'], v.web.priorityClass], [['api', 'priorityClass'], v.api.priorityClass],
    [['database', 'priorityClass'], v.database.priorityClass], [['backup', 'priorityClass'], v.backup.priorityClass],
  ];
  for (const [path, name] of prios) {
    if (!tiers.has(name)) ctx.addIssue({ code: 'custom', path, message: `names no priority tier of this environment; use one of: ${[...tiers].join(', ')}` });
  }
  const { edge, tls } = v.ingress;
  if (edge === 'gke-gateway' && v.cluster.kind !== 'gke') ctx.addIssue({ code: 'custom', path: ['ingress', 'edge'], message: `needs a GKE cluster, and this one is ${v.cluster.kind}; use "ingress" with the cluster's ingress controller` });
  if ((edge === 'gke-gateway') !== (tls.source === 'google-managed')) {
    ctx.addIssue({ code: 'custom', path: ['ingress', 'tls', 'source'], message: edge === 'gke-gateway' ? 'must be "google-managed" with the GKE Gateway edge (its certificate comes from Certificate Manager)' : 'is "google-managed", which only the "gke-gateway" edge serves; use self-signed, secret-config or cert-manager with an Ingress' });
  } else if (tls.source === 'google-managed' && tls.secretName !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['ingress', 'tls', 'secretName'], message: 'is not used: a Google-managed certificate lives in Certificate Manager, not in a Secret; remove it' });
  } else if (tls.source !== 'google-managed' && tls.secretName === undefined) {
    ctx.addIssue({ code: 'custom', path: ['ingress', 'tls', 'secretName'], message: 'is missing; name the kubernetes.io/tls Secret the Ingress serves, e.g. "shop-tls"' });
  }
  if (v.cluster.kind === 'gke') {
    v.nodePools.forEach((p, i) => {
      if (p.name.length > MAX_GKE_POOL_NAME) ctx.addIssue({ code: 'custom', path: ['nodePools', i, 'name'], message: `is ${p.name.length} characters; GKE pool names get a 26-character suffix within a 40-character limit, so use at most ${MAX_GKE_POOL_NAME}` });
    });
    if (v.cluster.gke && !v.cluster.gke.maintenanceWindow) ctx.addIssue({ code: 'custom', path: ['cluster', 'gke', 'maintenanceWindow'], message: 'is missing; without one GKE upgrades nodes at any hour, moving the database pod with them; add e.g. { days: ["SA", "SU"], startUtc: "17:00", hours: 6 }' });
  }
  if (v.ingress.tls.source === 'cert-manager' && !v.ingress.tls.clusterIssuer) {
    ctx.addIssue({ code: 'custom', path: ['ingress', 'tls', 'clusterIssuer'], message: 'is missing while the TLS source is cert-manager; name the ClusterIssuer, e.g. "letsencrypt-prod"' });
  }
  const seen = new Set<string>();
  v.nodePools.forEach((p, i) => {
    if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['nodePools', i, 'name'], message: 'is used by another node pool; give each pool a unique name' });
    seen.add(p.name);
  });
  // The guardrails must admit what the application asks for, or the API server rejects it at apply time.
  const q = (x: string) => parseQuantity(x);
  const limits = v.guardrails.limits;
  for (const [path, size] of [[['database', 'storageSize'], v.database.storageSize], [['backup', 'storageSize'], v.backup.storageSize]] as const) {
    if (q(size) > q(limits.pvcMaxStorage)) {
      ctx.addIssue({ code: 'custom', path: [...path], message: `is above guardrails.limits.pvcMaxStorage "${limits.pvcMaxStorage}", so the claim would be rejected; raise pvcMaxStorage or lower the size` });
    }
  }
  if (q(v.database.storageSize) + q(v.backup.storageSize) > q(v.guardrails.quota.requestsStorage)) {
    ctx.addIssue({ code: 'custom', path: ['guardrails', 'quota', 'requestsStorage'], message: `is below the ${v.database.storageSize} + ${v.backup.storageSize} the database and its backups claim; raise it` });
  }
  for (const workload of ['web', 'api', 'database'] as const) {
    const r = v[workload].resources;
    if (q(r.memory.limit) > q(limits.containerMaxMemory)) {
      ctx.addIssue({ code: 'custom', path: [workload, 'resources', 'memory', 'limit'], message: `is above guardrails.limits.containerMaxMemory "${limits.containerMaxMemory}", so the pods would be rejected; lower it or raise the maximum` });
    }
    if (r.cpu.limit !== undefined && q(r.cpu.limit) > q(limits.containerMaxCpu)) {
      ctx.addIssue({ code: 'custom', path: [workload, 'resources', 'cpu', 'limit'], message: `is above guardrails.limits.containerMaxCpu "${limits.containerMaxCpu}", so the pods would be rejected; lower it or raise the maximum` });
    }
  }
  if (v.cluster.kind === 'minikube' && v.cluster.minikube && v.cluster.minikube.nodes < v.nodePools.length) {
    ctx.addIssue({ code: 'custom', path: ['cluster', 'minikube', 'nodes'], message: `is below the ${v.nodePools.length} node pools; minikube needs at least one node per pool` });
  }
}, { when: (payload) => payload.issues.length === 0 }); // cross-checks only once every field is well-formed

/** The effective values of one environment. */
export type EnvironmentValues = z.infer<typeof environmentSchema>;

/** What an overlay may set: any part of the values; objects deep-merge, arrays replace. */
export type Overlay<T = EnvironmentValues> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: Overlay<T[K]> } : T;
