import { z } from 'zod';
import { TAINT_EFFECTS } from '../constructs/node-pool';
import {
  Problem, cidrProblem, cronProblem, dns1123LabelProblem, dns1123SubdomainProblem, imageProblem, labelKeyProblem,
  labelValueProblem, quantityProblem, timeZoneProblem,
} from '../constructs/lib/validate';

/**
 * The building blocks of environment and app values, as zod schemas with the same rules the
 * constructs enforce (names, quantities, cron, enums): a bad value is reported at start-up with the
 * environment, the path and the value, before anything is synthesized. Apps compose their values
 * schema from these (charts/shop-values.ts); the platform's are in schema.ts.
 */

/** The longest GKE pool name: GKE allows 40 characters, and the pool's namePrefix adds "-" and a 26-character suffix. */
export const MAX_GKE_POOL_NAME = 13;

/** A string refined by one of the API server rules in constructs/lib/validate.ts. */
export function rule(problem: (v: string) => Problem | undefined) {
  return z.string().superRefine((v, ctx) => {
    const p = problem(v);
    if (p) ctx.addIssue({ code: 'custom', message: `${p.problem}; ${p.fix}` });
  });
}

export const label = rule((v) => dns1123LabelProblem(v));
export const subdomain = rule((v) => dns1123SubdomainProblem(v));
export const quantity = (example: string) => rule((v) => quantityProblem(v, example));
export const count = z.number().int().min(0);
export const positive = z.number().int().min(1);

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

export const autoscalingSchema = z.strictObject({
  minReplicas: positive,
  maxReplicas: positive,
  cpuUtilization: z.number().int().min(1).max(1000),
}).superRefine((v, ctx) => {
  if (v.minReplicas > v.maxReplicas) {
    ctx.addIssue({ code: 'custom', path: ['minReplicas'], message: `is above maxReplicas ${v.maxReplicas}; lower minReplicas or raise maxReplicas` });
  }
});

export const podCount = z.union([count, z.string().regex(/^\d{1,3}%$/, 'is not a percentage such as "25%"').transform((v) => v as `${number}%`)]);

export const serviceSchema = z.strictObject({
  image: imageSchema,
  autoscaling: autoscalingSchema,
  resources: resourcesSchema,
  /** PodDisruptionBudget maxUnavailable. */
  maxUnavailable: podCount,
  nodePool: label,
  priorityClass: subdomain,
  logLevel: z.enum(['debug', 'info', 'warn', 'error']),
});

export const taintSchema = z.strictObject({
  key: rule(labelKeyProblem),
  value: rule(labelValueProblem).optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'] satisfies typeof TAINT_EFFECTS),
  tolerationSeconds: count.optional(),
});

export const nodePoolSchema = z.strictObject({
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

export const cidr = rule((v) => cidrProblem(v, 4));
export const cron = rule(cronProblem);
export const timeZone = rule(timeZoneProblem);

export const clusterSchema = z.strictObject({
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
export function isPrivateIpv4Cidr(value: string): boolean {
  const [ip, bits] = value.split('/');
  const n = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  return [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]].some(([base, len]) => {
    const b = String(base).split('.').reduce((a, o) => a * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(len));
    return Number(bits) >= Number(len) && n >= b && n < b + size;
  });
}

export const priorityTierSchema = z.strictObject({
  name: subdomain,
  value: z.number().int().min(-2147483648).max(1000000000),
  preemptionPolicy: z.enum(['PreemptLowerPriority', 'Never']),
  description: z.string().min(1),
});

