import { z } from 'zod';
import { closest } from '../constructs/lib/errors';
import type { AppDefinition } from './app';
import { MAX_GKE_POOL_NAME, clusterSchema, label, nodePoolSchema, priorityTierSchema, subdomain } from './fields';

export { MAX_GKE_POOL_NAME } from './fields';

/**
 * The platform part of an environment: what every app of it shares (the cluster, node pools,
 * storage, priority tiers, registries, monitoring, the reviewed policy waivers) and which apps it
 * runs. Each app's own values sit beside these under the app's name (environmentSchema).
 */
export const platformShape = {
  /** Environment name: dev, staging, prod. */
  name: label,
  /** Production rules apply (HPA floor of 2, no NodePort, deletion protection). */
  production: z.boolean(),
  /** The apps this environment runs, by name; each one's values are under its name. */
  apps: z.array(label).min(1),
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
  /**
   * The registries images may come from (`docker.io` for unqualified names such as "postgres"). An
   * image from another registry is refused, wherever it is set (--set included).
   */
  allowedRegistries: z.array(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/, 'is not a registry host; use e.g. "ghcr.io" or "docker.io"')).min(1),
};

export const platformSchema = z.strictObject(platformShape);

/** The validated platform values of one environment. */
export type PlatformValues = z.infer<typeof platformSchema>;

/** Cross-checks of the platform values, once every field is well-formed. */
function checkPlatform(v: PlatformValues, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  v.nodePools.forEach((p, i) => {
    if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['nodePools', i, 'name'], message: 'is used by another node pool; give each pool a unique name' });
    seen.add(p.name);
  });
  if (v.cluster.kind === 'gke') {
    v.nodePools.forEach((p, i) => {
      if (p.name.length > MAX_GKE_POOL_NAME) ctx.addIssue({ code: 'custom', path: ['nodePools', i, 'name'], message: `is ${p.name.length} characters; GKE pool names get a 26-character suffix within a 40-character limit, so use at most ${MAX_GKE_POOL_NAME}` });
    });
    if (v.cluster.gke && !v.cluster.gke.maintenanceWindow) ctx.addIssue({ code: 'custom', path: ['cluster', 'gke', 'maintenanceWindow'], message: 'is missing; without one GKE upgrades nodes at any hour, moving stateful pods with them; add e.g. { days: ["SA", "SU"], startUtc: "17:00", hours: 6 }' });
  }
  if (v.cluster.kind === 'minikube' && v.cluster.minikube && v.cluster.minikube.nodes < v.nodePools.length) {
    ctx.addIssue({ code: 'custom', path: ['cluster', 'minikube', 'nodes'], message: `is below the ${v.nodePools.length} node pools; minikube needs at least one node per pool` });
  }
}

/**
 * The schema of a whole environment for a set of apps: the platform values, `apps` naming which
 * of them it runs, and each app's values under its name, validated by the app's schema and then
 * against the platform (its `check`). Values for an app the environment does not run are refused.
 */
export function environmentSchema(apps: readonly AppDefinition[]) {
  const names = apps.map((a) => a.name);
  const appShapes = Object.fromEntries(apps.map((a) => [a.name, (a.schema as z.ZodType).optional()]));
  return z.strictObject({ ...platformShape, ...appShapes }).superRefine((raw, ctx) => {
    const v = raw as unknown as PlatformValues & Record<string, unknown>;
    checkPlatform(v, ctx);
    for (const problem of appListProblems(names, v)) ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
    const running = new Set(v.apps);
    for (const app of apps) {
      const values = v[app.name];
      if (running.has(app.name) && values !== undefined) {
        app.check?.(values, v, (path, message) => ctx.addIssue({ code: 'custom', path: [app.name, ...path], message }));
      }
    }
  }, { when: (payload) => payload.issues.length === 0 }); // cross-checks only once every field is well-formed
}

/**
 * What is wrong with which apps an environment runs, given the apps the project has: an unknown or
 * repeated name in `apps`, a running app without values, values for an app that does not run. The
 * one check both the schema and the loader (before any app's own fields are validated) make.
 */
export function appListProblems(names: readonly string[], values: { readonly apps?: unknown } & Record<string, unknown>): Array<{ path: ReadonlyArray<string | number>; message: string }> {
  const problems: Array<{ path: ReadonlyArray<string | number>; message: string }> = [];
  const running = Array.isArray(values.apps) ? (values.apps as unknown[]) : [];
  running.forEach((name, i) => {
    if (typeof name !== 'string') return;
    if (!names.includes(name)) {
      const near = closest(name, names);
      problems.push({ path: ['apps', i], message: `is not an app of this project; ${near ? `did you mean "${near}"?` : `use one of: ${names.join(', ')}`}` });
    } else if (running.indexOf(name) !== i) problems.push({ path: ['apps', i], message: 'is listed twice; list each app once' });
  });
  for (const name of names) {
    const has = values[name] !== undefined && values[name] !== null;
    if (running.includes(name) && !has) problems.push({ path: [name], message: `is missing, and the environment runs ${name}; give its values (or remove it from apps)` });
    if (!running.includes(name) && has) problems.push({ path: [name], message: `holds values for ${name}, which this environment does not run; add "${name}" to apps, or remove its values (--set ${name}=null)` });
  }
  return problems;
}

/** An environment's values: the platform's, and each app's under its name. */
export type Environment<Apps extends Record<string, unknown> = Record<string, unknown>> = PlatformValues & Apps;

/** What an overlay may set: any part of the values; objects deep-merge, arrays replace. */
export type Overlay<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: Overlay<T[K]> } : T;
