import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { BatchJob } from '../constructs/batch-job';
import { SecretReference } from '../constructs/configuration';
import { GuardedNamespace } from '../constructs/guarded-namespace';
import { ScheduledJob } from '../constructs/scheduled-job';
import { StatefulService } from '../constructs/stateful-service';
import { Worker } from '../constructs/worker';
import type { PlatformContext } from '../environments/app';
import { KUBE_LINTER_BATCH, POLARIS_EVERY_WORKLOAD } from './lint-reasons';
import type { TasksValues } from './tasks-values';

/** The Redis port, in one place: the Service, the probes and the policies use it. */
export const REDIS_PORT = 6379;

const CREDENTIALS = 'the Redis password comes from a Secret created at deploy time (Pulumi, or by hand as the README shows), never in the manifests';
const FROM_ENV = 'redis-cli and redis-server take the password from an environment variable (REDISCLI_AUTH, or the command line built from it)';

export interface TasksChartProps {
  readonly platform: PlatformContext;
  readonly values: TasksValues;
}

/**
 * The second example app, "tasks", different in kind from the shop: nothing serves HTTP. A Redis
 * list is the queue (a StatefulSet with its own volume and a password), workers consume it (a
 * Deployment with no Service), a one-off Job writes the queue's schema version (a new version is a
 * new Job), and a CronJob reports the queue's length. Its own namespace, restricted Pod Security,
 * quota and limits, and default-deny networking with exactly the flows to Redis.
 */
export class TasksChart extends Chart {
  public constructor(scope: Construct, id: string, props: TasksChartProps) {
    super(scope, id, { namespace: props.values.namespace, disableResourceNameHashes: true });
    const v = props.values;
    const p = props.platform;
    const ns = v.namespace;
    const app = v.app;
    const identity = (name: string, component: string, version?: string) => ({ name, partOf: app, component, version, namespace: ns });
    const image = (i: { repository: string; tag: string }) => `${i.repository}:${i.tag}`;

    const namespace = new GuardedNamespace(this, 'namespace', {
      name: ns,
      labels: { 'app.kubernetes.io/part-of': app, 'k8s-stack.io/environment': p.values.name },
      quota: {
        pods: v.guardrails.quota.pods, services: 2, loadBalancers: 0, nodePorts: 0, persistentVolumeClaims: v.guardrails.quota.persistentVolumeClaims,
        requestsCpu: v.guardrails.quota.requestsCpu, requestsMemory: v.guardrails.quota.requestsMemory,
        limitsCpu: v.guardrails.quota.limitsCpu, limitsMemory: v.guardrails.quota.limitsMemory,
        requestsStorage: v.guardrails.quota.requestsStorage, storageClassRequests: { [p.storageClassName]: v.guardrails.quota.requestsStorage },
      },
      limitRange: {
        container: { default: { cpu: '250m', memory: '64Mi' }, defaultRequest: { cpu: '50m', memory: '32Mi' }, max: { cpu: '1', memory: '1Gi' } },
        persistentVolumeClaim: { max: v.guardrails.pvcMaxStorage, min: '1Gi' },
      },
    });
    namespace.allowDns();

    // The version is part of the pod-template hash: bumping it after a rotation rolls every reader.
    const auth = new SecretReference({ secretName: v.redis.credentialsSecret, keys: ['password'], version: v.redis.credentialsVersion });
    // redis-cli reads the password from REDISCLI_AUTH: it never appears on a command line.
    const cliAuth = { source: auth, as: 'env' as const, env: { REDISCLI_AUTH: 'password' } };
    const cli = (...args: string[]) => ['redis-cli', '-h', 'redis', '-p', String(REDIS_PORT), ...args].join(' ');
    const lintWaivers = (extra: Record<string, string> = {}) => ({
      kubeLinter: { 'read-secret-from-env-var': FROM_ENV, 'env-value-from': CREDENTIALS, ...extra },
      polaris: POLARIS_EVERY_WORKLOAD,
    });

    // The queue: Redis with append-only persistence on its own volume, requiring the password.
    const redis = new StatefulService(this, 'redis', {
      ...identity('redis', 'queue', v.redis.image.tag),
      lintWaivers: { ...lintWaivers(), polaris: { ...POLARIS_EVERY_WORKLOAD, topologySpreadConstraint: 'one Redis pod' } },
      replicas: 1,
      nodePool: p.nodePool(v.redis.nodePool),
      priorityClassName: p.priorityClassName(v.redis.priorityClass),
      fsGroup: 10001,
      volumeClaims: [{ name: 'data', storageSize: v.redis.storageSize, storageClassName: p.storageClassName, mountPath: '/data' }],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      config: [{ source: auth, as: 'env', env: { REDIS_PASSWORD: 'password' } }],
      containers: [{
        name: 'redis',
        image: image(v.redis.image),
        runAsUser: 10001,
        runAsGroup: 10001,
        command: ['/bin/sh', '-c'],
        // exec: redis-server is PID 1 and gets SIGTERM, saving the append-only file on the way out.
        args: [`exec redis-server --port ${REDIS_PORT} --dir /data --appendonly yes --requirepass "$REDIS_PASSWORD"`],
        ports: [{ name: 'redis', containerPort: REDIS_PORT }],
        resources: v.redis.resources,
        readiness: { type: 'exec', command: ['/bin/sh', '-c', `REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -p ${REDIS_PORT} ping | grep -q PONG`], periodSeconds: 10, timeoutSeconds: 5 },
        liveness: { type: 'tcp', port: 'redis', periodSeconds: 15, failureThreshold: 6 },
        writablePaths: ['/tmp'],
      }],
    });

    // Workers: block on the queue, one job at a time; nothing connects to them.
    const worker = new Worker(this, 'worker', {
      ...identity('worker', 'worker', v.worker.image.tag),
      lintWaivers: lintWaivers(),
      replicas: v.worker.replicas,
      disruptionBudget: { maxUnavailable: 1 },
      // Over zones as well as nodes: a zone outage leaves workers draining the queue.
      topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' }],
      podAntiAffinity: 'soft',
      nodePool: p.nodePool(v.worker.nodePool),
      priorityClassName: p.priorityClassName(v.worker.priorityClass),
      // A job in hand finishes: BRPOP returns at most every 30 s, and a job takes seconds.
      terminationGracePeriodSeconds: 60,
      config: [cliAuth],
      containers: [{
        name: 'worker',
        image: image(v.worker.image),
        runAsUser: 10001,
        runAsGroup: 10001,
        command: ['/bin/sh', '-c'],
        args: [[
          'set -u',
          'while true; do',
          `  job=$(${cli('--no-raw', 'BRPOP', v.worker.queue, '30')}) || { echo "queue unreachable" >&2; sleep 5; continue; }`,
          '  [ -n "$job" ] && echo "done: $job"',
          'done',
        ].join('\n')],
        resources: v.worker.resources,
        // Ready (a rollout goes on) once the queue has the schema the migration writes; alive while
        // it can reach the queue at all.
        readiness: { type: 'exec', command: ['/bin/sh', '-c', `test -n "$(${cli('GET', 'tasks:schema-version')})"`], periodSeconds: 10, timeoutSeconds: 5 },
        liveness: { type: 'exec', command: ['/bin/sh', '-c', `${cli('ping')} | grep -q PONG`], periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 4 },
        writablePaths: ['/tmp'],
      }],
    });

    // The one-off migration: writes the schema version the workers expect; a new version is a new Job.
    const migrate = new BatchJob(this, 'migrate', {
      ...identity('migrate', 'migration', v.worker.image.tag),
      // No TTL, on purpose: a Job deleted by its TTL would be created, and run, again by the next
      // apply; old Jobs leave with the prune once a new spec replaces them.
      lintWaivers: lintWaivers({ ...KUBE_LINTER_BATCH, 'job-ttl-seconds-after-finished': 'deleted by its TTL, the next apply would run it again; old Jobs leave with the prune' }),
      backoffLimit: 3,
      activeDeadlineSeconds: 600,
      restartPolicy: 'Never',
      nodePool: p.nodePool(v.worker.nodePool),
      priorityClassName: p.priorityClassName(v.worker.priorityClass),
      config: [cliAuth],
      containers: [{
        name: 'migrate',
        image: image(v.worker.image),
        runAsUser: 10001,
        runAsGroup: 10001,
        command: ['/bin/sh', '-c'],
        args: [`set -eu; ${cli('SET', 'tasks:schema-version', v.migration.schemaVersion)} | grep -q OK`],
        resources: { cpu: { request: '50m', limit: '200m' }, memory: { request: '32Mi', limit: '64Mi' } },
        writablePaths: ['/tmp'],
      }],
    });

    // The report: how many jobs wait, once a day, into the log.
    const report = new ScheduledJob(this, 'report', {
      ...identity('report', 'report', v.worker.image.tag),
      lintWaivers: lintWaivers(KUBE_LINTER_BATCH),
      schedule: v.report.schedule,
      timeZone: v.report.timeZone,
      suspend: v.report.suspend,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 600,
      backoffLimit: 1,
      activeDeadlineSeconds: 300,
      restartPolicy: 'Never',
      nodePool: p.nodePool(v.report.nodePool),
      priorityClassName: p.priorityClassName(v.report.priorityClass),
      config: [cliAuth],
      containers: [{
        name: 'report',
        image: image(v.worker.image),
        runAsUser: 10001,
        runAsGroup: 10001,
        command: ['/bin/sh', '-c'],
        args: [`set -eu; echo "waiting jobs: $(${cli('LLEN', v.worker.queue)})"; echo "schema version: $(${cli('GET', 'tasks:schema-version')})"`],
        resources: { cpu: { request: '20m', limit: '100m' }, memory: { request: '16Mi', limit: '32Mi' } },
        writablePaths: ['/tmp'],
      }],
    });

    // Exactly the flows to Redis: from the workers, the migration and the report.
    for (const [name, from] of [['worker', worker.identity.selector], ['migrate', migrate.identity.selector], ['report', report.identity.selector]] as const) {
      namespace.allowFlow({ name: `${name}-to-redis`, from, to: redis.identity.selector, ports: [REDIS_PORT] });
    }
  }
}
