import { z } from 'zod';
import { parseQuantity } from '../constructs/lib/validate';
import type { IssueReporter } from '../environments/app';
import { checkImage, checkPlacement } from '../environments/checks';
import { count, cron, imageSchema, label, positive, quantity, resourcesSchema, subdomain, timeZone } from '../environments/fields';
import type { Overlay, PlatformValues } from '../environments/schema';

/**
 * The values of the tasks app: a Redis queue, the workers that consume it, the one-off migration
 * that sets its schema version, and a scheduled report. An environment holds them under `tasks`
 * (`--set tasks.worker.replicas=4`).
 */
export const tasksSchema = z.strictObject({
  /** Application name (app.kubernetes.io/part-of). */
  app: label,
  /** Namespace of the app. */
  namespace: label,
  guardrails: z.strictObject({
    quota: z.strictObject({
      pods: count, persistentVolumeClaims: count,
      requestsCpu: quantity('2'), requestsMemory: quantity('4Gi'), limitsCpu: quantity('4'), limitsMemory: quantity('8Gi'), requestsStorage: quantity('20Gi'),
    }),
    /** The largest claim a pod of the namespace may make. */
    pvcMaxStorage: quantity('10Gi'),
  }),
  redis: z.strictObject({
    image: imageSchema,
    storageSize: quantity('1Gi'),
    resources: resourcesSchema,
    nodePool: label,
    priorityClass: subdomain,
    /** The Secret (created by Pulumi, or by hand) whose key `password` Redis requires of every client. */
    credentialsSecret: subdomain,
    /** Bump after rotating the password: it rolls every pod that reads it. */
    credentialsVersion: z.string().min(1).max(63),
  }),
  worker: z.strictObject({
    /** The image with redis-cli the worker, the migration and the report run. */
    image: imageSchema,
    replicas: positive.max(100),
    resources: resourcesSchema,
    nodePool: label,
    priorityClass: subdomain,
    /** The Redis list the workers take jobs from. */
    queue: z.string().regex(/^[a-z][a-z0-9:_-]{0,62}$/, 'is not a queue name; use lower-case letters, digits, ":", "_" and "-", e.g. "tasks:queue"'),
  }),
  migration: z.strictObject({
    /** The schema version the migration writes; a new one is a new Job (its name carries its spec's hash). */
    schemaVersion: z.string().regex(/^\d+$/, 'is not a schema version; use a whole number such as "3"'),
  }),
  report: z.strictObject({
    schedule: cron,
    timeZone,
    suspend: z.boolean(),
    nodePool: label,
    priorityClass: subdomain,
  }),
});

/** The validated values of the tasks app in one environment. */
export type TasksValues = z.infer<typeof tasksSchema>;

/** Checks across the tasks app's values and the platform's: node pools, tiers, registries, guardrails. */
export function checkTasks(v: TasksValues, p: PlatformValues, issue: IssueReporter): void {
  for (const key of ['redis', 'worker'] as const) checkImage(p, v[key].image, [key, 'image'], issue);
  for (const key of ['redis', 'worker', 'report'] as const) checkPlacement(p, v[key], [key], issue);
  const q = (x: string) => parseQuantity(x);
  if (q(v.redis.storageSize) > q(v.guardrails.pvcMaxStorage)) {
    issue(['redis', 'storageSize'], `is above tasks.guardrails.pvcMaxStorage "${v.guardrails.pvcMaxStorage}", so the claim would be rejected; raise pvcMaxStorage or lower the size`);
  }
  if (q(v.redis.storageSize) > q(v.guardrails.quota.requestsStorage)) {
    issue(['guardrails', 'quota', 'requestsStorage'], `is below the ${v.redis.storageSize} Redis claims; raise it`);
  }
  // Workers, Redis, the migration and a report at once, with room for a rollout's surge pod.
  if (v.guardrails.quota.pods < v.worker.replicas + 4) {
    issue(['guardrails', 'quota', 'pods'], `is ${v.guardrails.quota.pods}, below the ${v.worker.replicas + 4} pods the app runs at once (workers, Redis, migration, report, one surge pod); raise it`);
  }
}

/**
 * The tasks app's defaults, which every environment's `tasks` values deep-merge over. One public,
 * pinned image: Redis on Alpine, whose redis-cli also drives the worker, migration and report.
 */
export const TASKS_DEFAULTS: Overlay<TasksValues> = {
  app: 'tasks',
  guardrails: {
    quota: { pods: 20, persistentVolumeClaims: 2, requestsCpu: '2', requestsMemory: '2Gi', limitsCpu: '4', limitsMemory: '4Gi', requestsStorage: '10Gi' },
    pvcMaxStorage: '10Gi',
  },
  redis: {
    image: { repository: 'redis', tag: '7.4.1-alpine' },
    storageSize: '1Gi',
    resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
    nodePool: 'general',
    priorityClass: 'high',
    credentialsSecret: 'redis-auth',
    credentialsVersion: '1',
  },
  worker: {
    image: { repository: 'redis', tag: '7.4.1-alpine' },
    replicas: 2,
    resources: { cpu: { request: '50m', limit: '250m' }, memory: { request: '32Mi', limit: '64Mi' } },
    nodePool: 'general',
    priorityClass: 'batch',
    queue: 'tasks:queue',
  },
  migration: { schemaVersion: '1' },
  report: { schedule: '0 6 * * *', timeZone: 'Asia/Tokyo', suspend: false, nodePool: 'general', priorityClass: 'batch' },
};
