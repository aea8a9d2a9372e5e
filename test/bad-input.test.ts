/**
 * The catalogue of bad inputs: every mistake a user can plausibly make, through each entry point it
 * can arrive by, and what the user is told.
 *
 * 1. The construct API: the message names the construct path, the field, the value and the fix.
 * 2. `--set` on the command line: a non-zero exit, exactly one `error:` message, no stack trace, the
 *    environment, the path and the value, and the previous output left byte-for-byte as it was.
 * 3. The environment files: a bad overlay, simulated on a copy of prod's merged values, is refused by
 *    the validation the command line uses, with the same message.
 *
 * Where today's message is a bare zod default with no fix, the case has `fix: undefined` and still
 * asserts the environment, path and value.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { PlatformChart } from '../charts/platform';
import { ShopChart } from '../charts/shop';
import { SHOP_DEFAULTS } from '../charts/shop-values';
import { TASKS_DEFAULTS } from '../charts/tasks-values';
import { AppConfig } from '../constructs/configuration';
import { ValidationError } from '../constructs/lib/errors';
import { NodePool, TaintEffect } from '../constructs/node-pool';
import { PriorityClasses } from '../constructs/priority-classes';
import { ScheduledJob, ScheduledJobProps } from '../constructs/scheduled-job';
import { StatefulService, StatefulServiceProps } from '../constructs/stateful-service';
import { Claim } from '../constructs/storage';
import { WebService, WebServiceProps } from '../constructs/web-service';
import { ContainerSpec } from '../constructs/workload';
import { ENVIRONMENTS, EnvironmentError, EnvironmentValues, OVERLAYS, deepMerge, loadEnvironment, validateEnvironment } from '../environments';
import { base } from '../environments/base';
import { main } from '../synth/cli';
import { scope } from './support/synth';

/** A name of `n` characters. */
const long = (n: number) => 'a'.repeat(n);

/** What `build` throws; fails the test when it throws nothing. */
function thrown(build: () => unknown): Error {
  try {
    build();
  } catch (e) {
    if (e instanceof Error) return e;
    throw e;
  }
  throw new Error('expected an error, but nothing was thrown');
}

// ---------------------------------------------------------------------------------------------------
// 1. The construct API
// ---------------------------------------------------------------------------------------------------

const RESOURCES = { cpu: { request: '100m' }, memory: { request: '64Mi', limit: '128Mi' } };
const nginx: ContainerSpec = {
  name: 'nginx',
  image: 'nginxinc/nginx-unprivileged:1.27.3-alpine',
  ports: [{ name: 'http', containerPort: 8080 }],
  resources: RESOURCES,
};
const postgres: ContainerSpec = {
  name: 'postgres',
  image: 'postgres:16.4-alpine3.20',
  ports: [{ name: 'postgres', containerPort: 5432 }],
  resources: { cpu: { request: '250m' }, memory: { request: '512Mi', limit: '512Mi' } },
  runAsUser: 70,
};
const pgDump: ContainerSpec = { name: 'pg-dump', image: 'postgres:16.4-alpine3.20', command: ['pg_dump'], resources: RESOURCES, runAsUser: 70 };
const DATA = { name: 'data', storageSize: '10Gi', mountPath: '/var/lib/postgresql/data' };

// Each builds in a fresh chart "test", so the construct path in messages is "test/<id>".
const web = (props: Partial<WebServiceProps>) => () => new WebService(scope(), 'web', { name: 'web', containers: [nginx], ...props });
const db = (props: Partial<StatefulServiceProps>) => () => new StatefulService(scope(), 'db', { name: 'db', containers: [postgres], volumeClaims: [DATA], ...props });
const backup = (props: Partial<ScheduledJobProps>) => () => new ScheduledJob(scope(), 'db-backup', { name: 'db-backup', schedule: '30 3 * * *', containers: [pgDump], ...props });
const pool = (name: string, effect: string = 'NoSchedule') => () => new NodePool({ name, taints: [{ key: 'k8s-stack.io/dedicated', value: 'db', effect: effect as TaintEffect }] });
const tier = (name: string) => () => new PriorityClasses(scope(), 'priorities', { tiers: [{ name, value: 1000, description: 'Batch tier.' }] });
const config = (configMapName: string) => () => new AppConfig(scope(), 'web-config', { name: 'web', configMapName, data: { LEVEL: 'info' } });
const claim = (storageSize: string) => () => new Claim(scope(), 'backup-volume', { name: 'db-backups', storageSize });
const withMemory = (memory: { request: string; limit: string }): ContainerSpec => ({ ...nginx, resources: { ...RESOURCES, memory } });
const hpa = (minReplicas: unknown, maxReplicas: unknown) => web({ autoscaling: { minReplicas: minReplicas as number, maxReplicas: maxReplicas as number } });

const NAME_FIX = 'use lower-case letters, digits and "-", starting and ending with a letter or digit';

describe('the construct API refuses bad input, naming the construct path, the field, the value and the fix', () => {
  test.each<[string, () => unknown, string]>([
    // Names: underscores and capitals.
    ['a WebService name with "_"', web({ name: 'db_backup' }), `test/web: name "db_backup" contains "_", which Kubernetes names do not allow; ${NAME_FIX}, e.g. "db-backup"`],
    ['a WebService name with capitals', web({ name: 'Web' }), `test/web: name "Web" contains upper-case letters; ${NAME_FIX}, e.g. "web"`],
    ['a StatefulService name with "_"', db({ name: 'db_backup' }), `test/db: name "db_backup" contains "_", which Kubernetes names do not allow; ${NAME_FIX}, e.g. "db-backup"`],
    ['a ScheduledJob name with "_"', backup({ name: 'db_backup' }), `test/db-backup: name "db_backup" contains "_", which Kubernetes names do not allow; ${NAME_FIX}, e.g. "db-backup"`],
    ['a ScheduledJob name with capitals', backup({ name: 'Web' }), `test/db-backup: name "Web" contains upper-case letters; ${NAME_FIX}, e.g. "web"`],
    ['a NodePool name with "_"', pool('db_backup'), `nodePool "db_backup": name "db_backup" contains "_", which Kubernetes names do not allow; ${NAME_FIX}, e.g. "db-backup"`],
    ['a PriorityClass name with capitals', tier('Web'), 'test/priorities: tiers[0].name "Web" contains upper-case letters; use dot-separated lower-case labels of letters, digits and "-"'],

    // Names: too long for the object they name.
    ['a WebService name of 64 characters (an RFC 1123 label, 63 at most)', web({ name: long(64) }), `test/web: name "${long(64)}" is 64 characters long, more than the 63 allowed; shorten it to at most 63 characters`],
    [
      'a ScheduledJob name of 53 characters (a CronJob, 52 at most)', backup({ name: long(53) }),
      `test/db-backup: name "${long(53)}" is 53 characters long, but the CronJob controller appends an 11-character suffix to each Job name and Job names may not exceed 63; shorten it to at most 52 characters`,
    ],
    [
      'a StatefulService name of 53 characters (a StatefulSet, 52 at most)', db({ name: long(53) }),
      `test/db: name "${long(53)}" is 53 characters long, but pods carry the label controller-revision-hash "<name>-<10-character hash>" and label values may not exceed 63; shorten it to at most 52 characters`,
    ],
    ['a ConfigMap name of 254 characters (a subdomain, 253 at most)', config(long(254)), `test/web-config: configMapName "${long(254)}" is 254 characters long, more than the 253 allowed; shorten it to at most 253 characters`],
    ['a PriorityClass name of 254 characters (a subdomain, 253 at most)', tier(long(254)), `test/priorities: tiers[0].name "${long(254)}" is 254 characters long, more than the 253 allowed; shorten it to at most 253 characters`],

    // Quantities: storage size and memory.
    ['a volume claim storageSize "10GB"', db({ volumeClaims: [{ ...DATA, storageSize: '10GB' }] }), 'test/db: volumeClaims[data].storageSize "10GB" is not a Kubernetes quantity; use e.g. "10Gi" (binary) or "10G" (decimal)'],
    ['a volume claim storageSize "-1Gi"', db({ volumeClaims: [{ ...DATA, storageSize: '-1Gi' }] }), 'test/db: volumeClaims[data].storageSize "-1Gi" is negative; use a positive amount such as "10Gi"'],
    ['a Claim storageSize "10GB"', claim('10GB'), 'test/backup-volume: storageSize "10GB" is not a Kubernetes quantity; use e.g. "10Gi" (binary) or "10G" (decimal)'],
    ['a Claim storageSize "-1Gi"', claim('-1Gi'), 'test/backup-volume: storageSize "-1Gi" is negative; use a positive amount such as "10Gi"'],
    [
      'a memory limit "10GB"', web({ containers: [withMemory({ request: '64Mi', limit: '10GB' })] }),
      'test/web: containers[nginx].resources.memory.limit "10GB" is not a Kubernetes quantity; use e.g. "10Gi" (binary) or "10G" (decimal)',
    ],
    [
      'a memory request "-1Gi"', web({ containers: [withMemory({ request: '-1Gi', limit: '128Mi' })] }),
      'test/web: containers[nginx].resources.memory.request "-1Gi" is negative; use a positive amount such as "256Mi"',
    ],

    // Cron schedules.
    ['a schedule with minute 61', backup({ schedule: '61 * * * *' }), 'test/db-backup: schedule "61 * * * *" has minute "61" outside 0-59; use five fields "minute hour day-of-month month day-of-week", e.g. "30 2 * * *"'],
    [
      'a schedule with a TZ= prefix', backup({ schedule: 'TZ=Asia/Tokyo 0 3 * * *' }),
      'test/db-backup: schedule "TZ=Asia/Tokyo 0 3 * * *" sets a time zone inside the schedule, which Kubernetes rejects; remove the TZ= prefix and set timeZone, e.g. "Asia/Tokyo"',
    ],

    // Replicas and autoscaling bounds.
    ['negative WebService replicas', web({ replicas: -1 }), 'test/web: replicas -1 is out of range; use a whole number from 0 up'],
    ['fractional WebService replicas', web({ replicas: 1.5 }), 'test/web: replicas 1.5 is not a whole number; use a whole number from 0 up'],
    ['negative StatefulService replicas', db({ replicas: -1 }), 'test/db: replicas -1 is out of range; use a whole number from 0 up'],
    ['fractional StatefulService replicas', db({ replicas: 1.5 }), 'test/db: replicas 1.5 is not a whole number; use a whole number from 0 up'],
    ['a negative autoscaling minReplicas', hpa(-1, 4), 'test/web: autoscaling.minReplicas -1 is out of range; use a whole number from 1 up'],
    ['a fractional autoscaling minReplicas', hpa(1.5, 4), 'test/web: autoscaling.minReplicas 1.5 is not a whole number; use a whole number from 1 up'],
    ['a negative autoscaling maxReplicas', hpa(2, -1), 'test/web/Autoscaler: maxReplicas -1 is out of range; use a whole number from 1 up'],
    ['a fractional autoscaling maxReplicas', hpa(2, 1.5), 'test/web/Autoscaler: maxReplicas 1.5 is not a whole number; use a whole number from 1 up'],
    ['autoscaling minReplicas above maxReplicas', hpa(5, 2), 'test/web/Autoscaler: minReplicas 5 is above maxReplicas 2; lower minReplicas or raise maxReplicas'],

    // A string where a number belongs (from untyped JSON or YAML).
    ['autoscaling maxReplicas "three"', hpa(2, 'three'), 'test/web/Autoscaler: maxReplicas "three" is not a whole number; use a whole number from 1 up'],
    ['autoscaling maxReplicas "3"', hpa(2, '3'), 'test/web/Autoscaler: maxReplicas "3" is not a whole number; use a whole number from 1 up'],

    // Node pools.
    ['an unknown taint effect', pool('db', 'NoSchedual'), 'nodePool "db": taints[0].effect "NoSchedual" is not a taint effect; use NoSchedule, PreferNoSchedule or NoExecute'],
  ])('%s', (_, build, message) => {
    const error = thrown(build);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe(message);
  });

  test.each<[string, () => unknown]>([
    ['a WebService name of 63 characters', web({ name: long(63) })],
    ['a ScheduledJob name of 52 characters', backup({ name: long(52) })],
    ['a StatefulService name of 52 characters', db({ name: long(52) })],
    ['a ConfigMap name of 253 characters', config(long(253))],
    ['a PriorityClass name of 253 characters', tier(long(253))],
  ])('accepts %s: each limit is exact, not off by one', (_, build) => {
    expect(build).not.toThrow();
  });

  test('a chart refuses a node pool the environment does not define, listing the ones it does', () => {
    // The schema stops this before the chart is built; here the chart is given the values unchecked.
    const prod = loadEnvironment('prod');
    const app = new App();
    const platform = new PlatformChart(app, 'platform', prod);
    const error = thrown(() => new ShopChart(app, 'shop', { platform, values: { ...prod.shop, web: { ...prod.shop.web, nodePool: 'gpu' } } }));
    expect(error.message).toBe('environment "prod": node pool "gpu" is not defined; defined pools: general, db, batch');
  });
});

// ---------------------------------------------------------------------------------------------------
// 2 and 3. The command line and the environment files share one catalogue of bad values
// ---------------------------------------------------------------------------------------------------

/** One bad value, made both with `--set` on prod and in an overlay merged into prod's values. */
interface BadValue {
  readonly title: string;
  /** The `--set` assignment that makes the mistake on the command line. */
  readonly set: string;
  /** The same mistake in an environment file, made on a copy of prod's merged values. */
  readonly overlay: (v: EnvironmentValues) => void;
  /** `<path> <value>` as the message must show them, after `environment "prod": `. */
  readonly subject: string;
  /** How the message says to fix it; undefined where today's message (a zod default) gives no fix. */
  readonly fix: string | undefined;
}

// The overlays write through `as never` where the mistake is a wrong type: that is the point.
const BAD_VALUES: BadValue[] = [
  // Names.
  { title: 'a namespace with "_"', set: 'shop.namespace=db_backup', overlay: (v) => { v.shop.namespace = 'db_backup'; }, subject: 'shop.namespace "db_backup" contains "_"', fix: 'e.g. "db-backup"' },
  { title: 'an app name with capitals', set: 'shop.app=Web', overlay: (v) => { v.shop.app = 'Web'; }, subject: 'shop.app "Web" contains upper-case letters', fix: 'e.g. "web"' },
  { title: 'a node pool name with "_"', set: 'nodePools.0.name=db_backup', overlay: (v) => { v.nodePools[0].name = 'db_backup'; }, subject: 'nodePools.0.name "db_backup" contains "_"', fix: 'e.g. "db-backup"' },
  { title: 'a namespace of 64 characters', set: `shop.namespace=${long(64)}`, overlay: (v) => { v.shop.namespace = long(64); }, subject: `shop.namespace "${long(64)}" is 64 characters long`, fix: 'shorten it to at most 63 characters' },
  { title: 'a StorageClass name of 254 characters', set: `storage.className=${long(254)}`, overlay: (v) => { v.storage.className = long(254); }, subject: `storage.className "${long(254)}" is 254 characters long`, fix: 'shorten it to at most 253 characters' },
  { title: 'a PriorityClass name of 254 characters', set: `priorities.0.name=${long(254)}`, overlay: (v) => { v.priorities[0].name = long(254); }, subject: `priorities.0.name "${long(254)}" is 254 characters long`, fix: 'shorten it to at most 253 characters' },

  // Images: named by their setting, not by the label the tag becomes.
  { title: 'an image tag with "+"', set: 'shop.web.image.tag=1.2+build', overlay: (v) => { v.shop.web.image.tag = '1.2+build'; }, subject: 'shop.web.image.tag "1.2+build" is not an image tag', fix: 'e.g. "1.27.4-alpine"' },
  { title: 'an image tag of 70 characters', set: `shop.api.image.tag=1${long(69)}`, overlay: (v) => { v.shop.api.image.tag = `1${long(69)}`; }, subject: `shop.api.image.tag "1${long(69)}" becomes the app.kubernetes.io/version label and is then 70 characters long`, fix: 'use a tag of at most 63 characters' },
  { title: 'an image repository with capitals', set: 'shop.database.image.repository=Postgres', overlay: (v) => { v.shop.database.image.repository = 'Postgres'; }, subject: 'shop.database.image.repository "Postgres" is not an image repository', fix: 'e.g. "nginxinc/nginx-unprivileged"' },

  { title: 'a moving image tag', set: 'shop.web.image.tag=stable', overlay: (v) => { v.shop.web.image.tag = 'stable'; }, subject: 'shop.web.image.tag "stable" names no version', fix: 'pin a version such as "1.27.4-alpine"' },
  { title: 'an image from a registry the environment does not allow', set: 'shop.api.image.repository=evil.example.com/podinfo', overlay: (v) => { v.shop.api.image.repository = 'evil.example.com/podinfo'; }, subject: 'shop.api.image.repository "evil.example.com/podinfo" comes from registry "evil.example.com", which is not in allowedRegistries', fix: 'add the registry to allowedRegistries once it is reviewed' },

  { title: 'a control-plane range open to the internet', set: 'cluster.gke.masterCidr=0.0.0.0/0', overlay: (v) => { v.cluster.gke!.masterCidr = '0.0.0.0/0'; }, subject: 'cluster.gke.masterCidr "0.0.0.0/0" is not inside a private range', fix: 'use a private range the VPC does not use yet' },
  { title: 'a control-plane range that is not a /28', set: 'cluster.gke.masterCidr=172.16.0.0/24', overlay: (v) => { v.cluster.gke!.masterCidr = '172.16.0.0/24'; }, subject: 'cluster.gke.masterCidr "172.16.0.0/24" is not a /28', fix: 'use e.g. "172.16.0.16/28"' },

  // Waivers: reviewed in the environment, each with a reason and an object as violations name it.
  { title: 'a waiver without a reason', set: 'waivers.0.reason=', overlay: (v) => { v.waivers![0] = { ...v.waivers![0], reason: '' }; }, subject: 'waivers.0.reason "" is empty', fix: 'say why the rule does not apply to this object' },
  { title: 'a waiver naming an object by its name alone', set: 'waivers.0.object=log-agent', overlay: (v) => { v.waivers![0] = { ...v.waivers![0], object: 'log-agent' }; }, subject: 'waivers.0.object "log-agent" is not an object as violations name it', fix: 'use "<Kind> <namespace>/<name>"' },

  // Quantities.
  { title: 'a storage size "10GB"', set: 'shop.database.storageSize=10GB', overlay: (v) => { v.shop.database.storageSize = '10GB'; }, subject: 'shop.database.storageSize "10GB" is not a Kubernetes quantity', fix: 'use e.g. "10Gi" (binary) or "10G" (decimal)' },
  { title: 'a storage size "-1Gi"', set: 'shop.backup.storageSize=-1Gi', overlay: (v) => { v.shop.backup.storageSize = '-1Gi'; }, subject: 'shop.backup.storageSize "-1Gi" is negative', fix: 'use a positive amount such as "20Gi"' },
  { title: 'a memory limit "10GB"', set: 'shop.web.resources.memory.limit=10GB', overlay: (v) => { v.shop.web.resources.memory.limit = '10GB'; }, subject: 'shop.web.resources.memory.limit "10GB" is not a Kubernetes quantity', fix: 'use e.g. "10Gi" (binary) or "10G" (decimal)' },
  { title: 'a memory request "-1Gi"', set: 'shop.web.resources.memory.request=-1Gi', overlay: (v) => { v.shop.web.resources.memory.request = '-1Gi'; }, subject: 'shop.web.resources.memory.request "-1Gi" is negative', fix: 'use a positive amount such as "256Mi"' },

  // Cron.
  { title: 'a schedule with minute 61', set: 'shop.backup.schedule=61 * * * *', overlay: (v) => { v.shop.backup.schedule = '61 * * * *'; }, subject: 'shop.backup.schedule "61 * * * *" has minute "61" outside 0-59', fix: 'use five fields "minute hour day-of-month month day-of-week"' },
  {
    title: 'a schedule with a TZ= prefix', set: 'shop.backup.schedule=TZ=Asia/Tokyo 0 3 * * *', overlay: (v) => { v.shop.backup.schedule = 'TZ=Asia/Tokyo 0 3 * * *'; },
    subject: 'shop.backup.schedule "TZ=Asia/Tokyo 0 3 * * *" sets a time zone inside the schedule', fix: 'remove the TZ= prefix and set timeZone',
  },

  // Replicas and autoscaling.
  { title: 'negative database replicas', set: 'shop.database.replicas=-1', overlay: (v) => { v.shop.database.replicas = -1 as never; }, subject: 'shop.database.replicas -1 must be 1', fix: 'replicas need streaming replication' },
  { title: 'fractional database replicas', set: 'shop.database.replicas=1.5', overlay: (v) => { v.shop.database.replicas = 1.5 as never; }, subject: 'shop.database.replicas 1.5 must be 1', fix: 'replicas need streaming replication' },
  { title: 'a negative minReplicas', set: 'shop.web.autoscaling.minReplicas=-1', overlay: (v) => { v.shop.web.autoscaling.minReplicas = -1; }, subject: 'shop.web.autoscaling.minReplicas -1', fix: undefined },
  { title: 'a fractional minReplicas', set: 'shop.web.autoscaling.minReplicas=1.5', overlay: (v) => { v.shop.web.autoscaling.minReplicas = 1.5; }, subject: 'shop.web.autoscaling.minReplicas 1.5', fix: undefined },
  { title: 'a negative maxReplicas', set: 'shop.api.autoscaling.maxReplicas=-1', overlay: (v) => { v.shop.api.autoscaling.maxReplicas = -1; }, subject: 'shop.api.autoscaling.maxReplicas -1', fix: undefined },
  { title: 'a fractional maxReplicas', set: 'shop.api.autoscaling.maxReplicas=1.5', overlay: (v) => { v.shop.api.autoscaling.maxReplicas = 1.5; }, subject: 'shop.api.autoscaling.maxReplicas 1.5', fix: undefined },
  { title: 'minReplicas above maxReplicas', set: 'shop.web.autoscaling.minReplicas=20', overlay: (v) => { v.shop.web.autoscaling.minReplicas = 20; }, subject: 'shop.web.autoscaling.minReplicas 20 is above maxReplicas 10', fix: 'lower minReplicas or raise maxReplicas' },

  // Node pools.
  {
    title: 'an unknown taint effect', set: 'nodePools.1.taints.0.effect=NoSchedual', overlay: (v) => { v.nodePools[1].taints![0].effect = 'NoSchedual' as never; },
    subject: 'nodePools.1.taints.0.effect "NoSchedual"', fix: undefined,
  },
  { title: 'a node pool that does not exist', set: 'shop.web.nodePool=gpu', overlay: (v) => { v.shop.web.nodePool = 'gpu'; }, subject: 'shop.web.nodePool "gpu" names no node pool of this environment', fix: 'use one of: general, db, batch' },

  // A string where a number belongs.
  { title: 'a word for a number', set: 'shop.web.autoscaling.maxReplicas=three', overlay: (v) => { v.shop.web.autoscaling.maxReplicas = 'three' as never; }, subject: 'shop.web.autoscaling.maxReplicas "three"', fix: undefined },
  { title: 'a number as a JSON string', set: 'shop.web.autoscaling.maxReplicas="3"', overlay: (v) => { v.shop.web.autoscaling.maxReplicas = '3' as never; }, subject: 'shop.web.autoscaling.maxReplicas "3"', fix: undefined },
];

/** A copy of prod's values as base + overlay, before validation: what an edited prod.ts produces. */
const mergedProd = (): EnvironmentValues => {
  const merged = deepMerge(base, OVERLAYS.prod) as unknown as Record<string, unknown>;
  return { ...merged, shop: deepMerge(SHOP_DEFAULTS, merged.shop), tasks: deepMerge(TASKS_DEFAULTS, merged.tasks) } as unknown as EnvironmentValues;
};

/** Every file and folder under `root`, with its inode, mtime and (for files) bytes. */
type Tree = Record<string, { ino: number; mtimeMs: number; bytes?: Buffer }>;
function snapshot(root: string): Tree {
  const tree: Tree = {};
  const walk = (rel: string): void => {
    const abs = path.join(root, rel);
    const st = fs.statSync(abs);
    if (st.isDirectory()) {
      tree[`${rel}/`] = { ino: st.ino, mtimeMs: st.mtimeMs };
      for (const name of fs.readdirSync(abs).sort()) walk(path.join(rel, name));
    } else {
      tree[rel] = { ino: st.ino, mtimeMs: st.mtimeMs, bytes: fs.readFileSync(abs) };
    }
  };
  walk('.');
  return tree;
}

/** Runs the command line in-process and captures what it prints. */
function run(argv: readonly string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

describe('the command line refuses bad input and leaves the previous output untouched', () => {
  let outdir: string;
  let previous: Tree;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
    const first = run(['dev', 'prod', '--outdir', outdir]);
    if (first.code !== 0) throw new Error(`the first, good synthesis failed:\n${first.err}`);
    previous = snapshot(outdir);
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  /** Runs a bad command and checks the shape every refusal shares; returns stderr. */
  function refused(argv: readonly string[]): string {
    const { code, out, err } = run([...argv, '--outdir', outdir]);
    expect(code).not.toBe(0);
    expect(out).toBe('');
    expect(err.match(/^error:/gm)).toHaveLength(1);
    expect(err).not.toMatch(/^\s+at /m);
    expect(err).toMatch(/\nnothing was written\.\n$/);
    expect(snapshot(outdir)).toEqual(previous);
    return err;
  }

  test('there is previous output to protect: both environments, every file written', () => {
    const files = Object.keys(previous).filter((f) => !f.endsWith('/'));
    expect(files.filter((f) => f.startsWith('dev/')).length).toBeGreaterThan(3);
    expect(files.filter((f) => f.startsWith('prod/')).length).toBeGreaterThan(3);
  });

  test.each(BAD_VALUES.map((c) => [c.title, c] as const))('%s', (_, c) => {
    const err = refused(['prod', '--set', c.set]);
    expect(err).toContain(`environment "prod": ${c.subject}`);
    if (c.fix !== undefined) expect(err).toContain(c.fix);
  });

  test.each<[string, string, string]>([
    ['a misspelt path', 'shop.web.imag.tag=x', 'environment "prod": --set path "shop.web.imag.tag" (value "x") is not a known setting; did you mean "shop.web.image.tag"?'],
    ['an index past the end of a list', 'nodePools.9.maxNodes=4', 'environment "prod": --set path "nodePools.9.maxNodes" indexes item 9 of nodePools, which has 3 items; use an index below 3'],
    ['an assignment without "="', 'shop.web.image.tag', 'environment "prod": --set "shop.web.image.tag" is not of the form path=value; e.g. --set shop.web.image.tag=1.27.4-alpine'],
    ['an assignment without a path', '=1.27.4-alpine', 'environment "prod": --set "=1.27.4-alpine" is not of the form path=value; e.g. --set shop.web.image.tag=1.27.4-alpine'],
  ])('%s: --set %s', (_, set, message) => {
    expect(refused(['prod', '--set', set])).toContain(message);
  });

  test('an unknown environment, listing the known ones', () => {
    expect(refused(['qa'])).toBe(`error: unknown environment "qa"; known environments: ${ENVIRONMENTS.join(', ')}\nnothing was written.\n`);
  });

  test('an unknown environment among good ones writes none of them', () => {
    expect(refused(['dev', 'qa', 'prod'])).toContain('unknown environment "qa"; known environments: dev, staging, prod');
  });

  describe('a failure in the last of several environments leaves the earlier ones untouched too', () => {
    test('when prod\'s values are invalid: a fourth node pool replaces prod\'s third, which its backup needs', () => {
      const set = 'nodePools.2={"name":"gpu"}';
      // Valid for dev (a third pool for a three-node minikube), so only the last environment fails.
      expect(() => loadEnvironment('dev', [set])).not.toThrow();
      const err = refused(['dev', 'prod', '--set', set]);
      expect(err).toContain('environment "prod": shop.backup.nodePool "batch" names no node pool of this environment; use one of: general, db, gpu');
      expect(err).not.toContain('environment "dev"');
    });
  });
});

test('a good run does replace the output, so the comparison above can see a change', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-control-'));
  try {
    expect(run(['dev', '--outdir', outdir]).code).toBe(0);
    const first = snapshot(outdir);
    expect(run(['dev', '--outdir', outdir]).code).toBe(0);
    expect(snapshot(outdir)).not.toEqual(first);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

describe('the environment files: a bad overlay is refused by the validation the command line uses', () => {
  test('the unmodified prod values pass, so each failure below is the one mistake', () => {
    expect(() => validateEnvironment('prod', mergedProd())).not.toThrow();
  });

  test.each(BAD_VALUES.map((c) => [c.title, c] as const))('%s', (_, c) => {
    const values = mergedProd();
    c.overlay(values);
    const error = thrown(() => validateEnvironment('prod', values));
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error.message).toContain(`environment "prod": ${c.subject}`);
    if (c.fix !== undefined) expect(error.message).toContain(c.fix);
    expect(error.message).not.toMatch(/^\s+at /m);
  });

  test('a misspelt key', () => {
    const values = mergedProd();
    (values.shop.web as unknown as Record<string, unknown>).imag = { tag: 'x' };
    expect(thrown(() => validateEnvironment('prod', values)).message)
      .toBe('environment "prod": shop.web.imag is not a known setting; did you mean "shop.web.image"?');
  });

  test('an unknown environment, listing the known ones', () => {
    const error = thrown(() => loadEnvironment('qa'));
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error.message).toBe('unknown environment "qa"; known environments: dev, staging, prod');
  });
});
