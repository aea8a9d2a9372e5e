import { Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { BatchJob, BatchJobProps } from '../constructs/batch-job';
import { AppConfig } from '../constructs/configuration';
import { NodePool } from '../constructs/node-pool';
import { ScheduledJob, ScheduledJobProps } from '../constructs/scheduled-job';
import { ContainerSpec } from '../constructs/workload';
import { KubeObject, RESTRICTED, expectValidationError, find, podSpec, scope, synth } from './support/synth';

const RESOURCES = { cpu: { request: '100m' }, memory: { request: '128Mi', limit: '128Mi' } };
const migrate: ContainerSpec = { name: 'migrate', image: 'migrate/migrate:v4.17.1', args: ['up'], resources: RESOURCES };
const backup: ContainerSpec = { name: 'backup', image: 'postgres:16.4-alpine', command: ['pg_dump'], resources: RESOURCES, writablePaths: ['/tmp'] };
const wait: ContainerSpec = { name: 'wait-db', image: 'busybox:1.36.1', command: ['sh', '-c', 'until nc -z db 5432; do sleep 1; done'], resources: RESOURCES };

const SELECTOR = { 'app.kubernetes.io/name': 'backup', 'app.kubernetes.io/instance': 'backup' };

/** The rendered objects of one BatchJob "migrate" in namespace "test". */
function job(props: Partial<BatchJobProps> = {}): KubeObject[] {
  return synth((chart) => {
    new BatchJob(chart, 'migrate', { name: 'migrate', containers: [migrate], ...props });
  });
}

/** The rendered objects of one ScheduledJob "backup" in namespace "test". */
function cron(props: Partial<ScheduledJobProps> = {}): KubeObject[] {
  return synth((chart) => {
    new ScheduledJob(chart, 'backup', { name: 'backup', schedule: '30 2 * * *', containers: [backup], ...props });
  });
}

/** Constructors in a fresh chart: the construct paths in messages are "test/migrate" and "test/backup". */
function buildJob(props: Partial<BatchJobProps>): () => unknown {
  return () => new BatchJob(scope(), 'migrate', { name: 'migrate', containers: [migrate], ...props });
}
function buildCron(props: Partial<ScheduledJobProps>): () => unknown {
  return () => new ScheduledJob(scope(), 'backup', { name: 'backup', schedule: '30 2 * * *', containers: [backup], ...props });
}

describe('BatchJob', () => {
  test('the Job knobs have their documented defaults', () => {
    const spec = find(job(), 'Job').spec;
    expect(spec.completions).toBeUndefined();
    expect(spec.parallelism).toBe(1);
    expect(spec.backoffLimit).toBe(6);
    expect(spec.activeDeadlineSeconds).toBeUndefined();
    // No TTL: a Job deleted by its TTL would be created, and run, again by the next apply.
    expect(spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(spec.suspend).toBe(false);
    expect(spec.template.spec.restartPolicy).toBe('OnFailure');
    expect(spec.selector).toBeUndefined();
  });

  test('completions, parallelism, retries, deadline, TTL, suspend and restart policy', () => {
    const spec = find(job({
      completions: 10, parallelism: 3, backoffLimit: 2, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 0, suspend: true, restartPolicy: 'Never',
    }), 'Job').spec;
    expect(spec).toMatchObject({ completions: 10, parallelism: 3, backoffLimit: 2, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 0, suspend: true });
    expect(spec.template.spec.restartPolicy).toBe('Never');
  });

  test('its name carries a hash of its spec: the same spec keeps the name, any change gets a new one', () => {
    const name = (props: Partial<BatchJobProps> = {}) => find(job(props), 'Job').metadata.name;
    expect(name()).toMatch(/^migrate-[0-9a-f]{8}$/);
    expect(name()).toBe(name());
    expect(name({ backoffLimit: 2 })).not.toBe(name());
    expect(name({ containers: [{ ...migrate, env: { LEVEL: 'debug' } }] })).not.toBe(name());
    // Its pods' job-name label and the ServiceAccount keep to the stable name where they must.
    expect(find(job(), 'ServiceAccount').metadata.name).toBe('migrate');
  });

  test('a change in a ConfigMap it reads renames the Job, so an apply never meets an immutable template', () => {
    const withConfig = (value: string) => find(synth((chart) => {
      const settings = new AppConfig(chart, 'settings', { name: 'migrate', configMapName: 'migrate-settings', data: { LEVEL: value } });
      new BatchJob(chart, 'migrate', { name: 'migrate', containers: [migrate], config: [{ source: settings, as: 'env', env: { LEVEL: 'LEVEL' } }] });
    }), 'Job').metadata.name;
    expect(withConfig('info')).toBe(withConfig('info'));
    expect(withConfig('debug')).not.toBe(withConfig('info'));
  });

  test('a node pool enters the hash as its description, in either form, with the hash of the time it was no construct', () => {
    const spec = { name: 'batch', labels: { tier: 'batch' }, taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' as const }] };
    const name = (pool: (chart: Chart) => NodePool) => find(synth((chart) => {
      new BatchJob(chart, 'migrate', { name: 'migrate', containers: [migrate], nodePool: pool(chart) });
    }), 'Job').metadata.name;
    // Pinned: a new hash for an unchanged spec would run every such Job again.
    expect(name(() => new NodePool(spec))).toBe('migrate-7b35a506');
    expect(name((chart) => new NodePool(chart, 'pool', spec))).toBe('migrate-7b35a506');
    // A change of the pool changes the pod template, so the name.
    expect(name(() => new NodePool({ ...spec, taints: [] }))).not.toBe('migrate-7b35a506');
    expect(name(() => new NodePool({ ...spec, selectBy: 'labels' }))).not.toBe('migrate-7b35a506');
  });

  test('specHashSuffix: false keeps the plain name', () => {
    expect(find(job({ specHashSuffix: false }), 'Job').metadata.name).toBe('migrate');
  });

  test('fails when the name leaves no room for the hash', () => {
    expectValidationError(buildJob({ name: 'a'.repeat(55) }), /name "a{55}" is 55 characters long, more than the 54 allowed/);
  });

  test('a work queue: parallelism without completions', () => {
    const spec = find(job({ parallelism: 4 }), 'Job').spec;
    expect(spec.parallelism).toBe(4);
    expect(spec.completions).toBeUndefined();
  });

  test('is labelled, its pods carry the labels without the cdk8s-plus address label', () => {
    const obj = find(job(), 'Job');
    const labels = { 'app.kubernetes.io/name': 'migrate', 'app.kubernetes.io/instance': 'migrate', 'app.kubernetes.io/managed-by': 'cdk8s' };
    expect(obj.metadata.labels).toEqual(labels);
    expect(obj.spec.template.metadata.labels).toEqual(labels);
  });

  test('every container, init containers included, gets the restricted security context; own ServiceAccount, no token', () => {
    const objects = job({ initContainers: [wait] });
    const spec = podSpec(find(objects, 'Job'));
    for (const c of [...spec.initContainers, ...spec.containers]) expect(c.securityContext).toEqual(RESTRICTED);
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.serviceAccountName).toBe('migrate');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(find(objects, 'ServiceAccount').metadata.name).toBe('migrate');
  });

  test('an existing ServiceAccount creates none', () => {
    const objects = job({ serviceAccount: { existingName: 'migrator' } });
    expect(objects.filter((o) => o.kind === 'ServiceAccount')).toHaveLength(0);
    expect(podSpec(find(objects, 'Job')).serviceAccountName).toBe('migrator');
  });

  test('snapshot', () => {
    expect(job({ partOf: 'shop', version: '4.17.1', completions: 1, backoffLimit: 3, activeDeadlineSeconds: 900, initContainers: [wait] })).toMatchSnapshot();
  });

  describe('fails when', () => {
    test('the name is not an RFC 1123 label', () => {
      expect(buildJob({ name: 'Migrate' })).toThrow(/^test\/migrate: name "Migrate" contains upper-case letters; use lower-case letters.*e\.g\. "migrate"$/);
    });

    test('completions is below 1 or fractional', () => {
      expect(buildJob({ completions: 0 })).toThrow(/^test\/migrate: completions 0 is out of range; use a whole number from 1 up$/);
      expect(buildJob({ completions: 2.5 })).toThrow(/^test\/migrate: completions 2\.5 is not a whole number; use a whole number from 1 up$/);
    });

    test('parallelism is below 1', () => {
      expect(buildJob({ parallelism: 0 })).toThrow(/^test\/migrate: parallelism 0 is out of range; use a whole number from 1 up$/);
    });

    test('parallelism is above completions', () => {
      expect(buildJob({ completions: 2, parallelism: 5 })).toThrow(/^test\/migrate: parallelism 5 is above completions 2, and Kubernetes never runs more pods than the completions still missing; lower parallelism to at most 2, or raise completions$/);
    });

    test('backoffLimit is negative', () => {
      expect(buildJob({ backoffLimit: -1 })).toThrow(/^test\/migrate: backoffLimit -1 is out of range; use a whole number from 0 up$/);
    });

    test('activeDeadlineSeconds is not positive', () => {
      expect(buildJob({ activeDeadlineSeconds: 0 })).toThrow(/^test\/migrate: activeDeadlineSeconds 0 is out of range; use a whole number from 1 up$/);
    });

    test('the restart policy is Always', () => {
      expect(buildJob({ restartPolicy: 'Always' as never })).toThrow(/^test\/migrate: restartPolicy "Always" is not a restart policy a Job accepts \(Always would never let it complete\); use "OnFailure" or "Never"$/);
    });

    test('ttlSecondsAfterFinished is negative', () => {
      expect(buildJob({ ttlSecondsAfterFinished: -60 })).toThrow(/^test\/migrate: ttlSecondsAfterFinished -60 is out of range; use a whole number from 0 up$/);
    });
  });
});

describe('ScheduledJob', () => {
  const obj = find(cron(), 'CronJob');

  test('the cron fields have their documented defaults', () => {
    expect(obj.spec).toMatchObject({
      schedule: '30 2 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      suspend: false,
    });
  });

  test('the Job knobs are shared with BatchJob, without a TTL (the history limits clean up)', () => {
    const spec = obj.spec.jobTemplate.spec;
    expect(spec.parallelism).toBe(1);
    expect(spec.completions).toBeUndefined();
    expect(spec.backoffLimit).toBe(6);
    expect(spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(spec.template.spec.restartPolicy).toBe('OnFailure');
    const custom = find(cron({ completions: 4, parallelism: 2, backoffLimit: 1, activeDeadlineSeconds: 3000, restartPolicy: 'Never' }), 'CronJob').spec.jobTemplate.spec;
    expect(custom).toMatchObject({ completions: 4, parallelism: 2, backoffLimit: 1, activeDeadlineSeconds: 3000 });
    expect(custom.template.spec.restartPolicy).toBe('Never');
  });

  test('time zone, concurrency, starting deadline, history and suspend', () => {
    const spec = find(cron({
      timeZone: 'Asia/Tokyo', concurrencyPolicy: 'Replace', startingDeadlineSeconds: 60, successfulJobsHistoryLimit: 5, failedJobsHistoryLimit: 0, suspend: true,
    }), 'CronJob').spec;
    expect(spec).toMatchObject({ timeZone: 'Asia/Tokyo', concurrencyPolicy: 'Replace', startingDeadlineSeconds: 60, successfulJobsHistoryLimit: 5, failedJobsHistoryLimit: 0, suspend: true });
    expect(find(cron({ concurrencyPolicy: 'Allow' }), 'CronJob').spec.concurrencyPolicy).toBe('Allow');
  });

  test('macros become their five fields, and a cdk8s Cron is taken as is', () => {
    expect(find(cron({ schedule: '@daily' }), 'CronJob').spec.schedule).toBe('0 0 * * *');
    expect(find(cron({ schedule: '@weekly' }), 'CronJob').spec.schedule).toBe('0 0 * * 0');
    expect(find(cron({ schedule: '@hourly' }), 'CronJob').spec.schedule).toBe('0 * * * *');
    expect(find(cron({ schedule: Cron.schedule({ minute: '*/15', hour: '9-17', weekDay: 'MON-FRI' }) }), 'CronJob').spec.schedule).toBe('*/15 9-17 * * MON-FRI');
    expect(find(cron({ schedule: '  0  3 1 * *  ' }), 'CronJob').spec.schedule).toBe('0 3 1 * *');
  });

  test('the CronJob, its Jobs and their pods carry the labels; the pod template has no cdk8s-plus address label', () => {
    const labels = { ...SELECTOR, 'app.kubernetes.io/managed-by': 'cdk8s' };
    expect(obj.metadata.labels).toEqual(labels);
    expect(obj.spec.jobTemplate.metadata.labels).toEqual(labels);
    expect(obj.spec.jobTemplate.spec.template.metadata.labels).toEqual(labels);
    expect(JSON.stringify(obj)).not.toContain(kplus.Pod.ADDRESS_LABEL);
  });

  test('pods are rendered at /spec/jobTemplate/spec/template: security, resources, writable paths', () => {
    const spec = podSpec(find(cron({ initContainers: [wait], fsGroup: 70 }), 'CronJob'));
    expect([...spec.initContainers, ...spec.containers].map((c: { name: string }) => c.name)).toEqual(['wait-db', 'backup']);
    for (const c of [...spec.initContainers, ...spec.containers]) expect(c.securityContext).toEqual(RESTRICTED);
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, fsGroup: 70, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' }, limits: { memory: '128Mi', 'ephemeral-storage': '1Gi' } });
    expect(spec.volumes).toEqual([{ name: 'backup-tmp', emptyDir: {} }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'backup-tmp', mountPath: '/tmp' }]);
    expect(spec.serviceAccountName).toBe('backup');
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  test('a name of 52 characters is accepted', () => {
    const name = `b${'a'.repeat(51)}`;
    expect(find(cron({ name }), 'CronJob').metadata.name).toBe(name);
  });

  test('snapshot', () => {
    expect(cron({ partOf: 'shop', timeZone: 'Asia/Tokyo', initContainers: [wait], activeDeadlineSeconds: 3600 })).toMatchSnapshot();
  });

  describe('fails when', () => {
    test('the name is longer than 52 characters', () => {
      expect(buildCron({ name: 'b'.repeat(53) })).toThrow(/^test\/backup: name "b{53}" is 53 characters long, but the CronJob controller appends an 11-character suffix to each Job name and Job names may not exceed 63; shorten it to at most 52 characters$/);
    });

    test('the name is not an RFC 1123 label', () => {
      expect(buildCron({ name: 'nightly_backup' })).toThrow(/^test\/backup: name "nightly_backup" contains "_", which Kubernetes names do not allow; use lower-case letters.*e\.g\. "nightly-backup"$/);
    });

    test('the schedule does not have five fields', () => {
      expect(buildCron({ schedule: '0 30 2 * * *' })).toThrow(/^test\/backup: schedule "0 30 2 \* \* \*" has 6 fields, not 5; use five fields "minute hour day-of-month month day-of-week", e\.g\. "30 2 \* \* \*"$/);
    });

    test('a schedule field is out of range', () => {
      expect(buildCron({ schedule: '30 24 * * *' })).toThrow(/^test\/backup: schedule "30 24 \* \* \*" has hour "24" outside 0-23; use five fields/);
      expect(buildCron({ schedule: Cron.schedule({ minute: '61' }) })).toThrow(/^test\/backup: schedule "61 \* \* \* \*" has minute "61" outside 0-59; use five fields/);
    });

    test('the schedule sets a time zone', () => {
      expect(buildCron({ schedule: 'CRON_TZ=Asia/Tokyo 30 2 * * *' })).toThrow(/^test\/backup: schedule "CRON_TZ=Asia\/Tokyo 30 2 \* \* \*" sets a time zone inside the schedule, which Kubernetes rejects; remove the TZ= prefix and set timeZone, e\.g\. "Asia\/Tokyo"$/);
    });

    test('the time zone is not an IANA name', () => {
      expect(buildCron({ timeZone: 'Asia/Tokio' })).toThrow(/^test\/backup: timeZone "Asia\/Tokio" is not an IANA time zone name; use a name such as "Asia\/Tokyo" or "Etc\/UTC"$/);
    });

    test('the concurrency policy is unknown', () => {
      expect(buildCron({ concurrencyPolicy: 'Skip' as never })).toThrow(/^test\/backup: concurrencyPolicy "Skip" is not a concurrency policy; use "Allow", "Forbid" or "Replace"$/);
    });

    test('startingDeadlineSeconds is below the controller\'s 10-second tick', () => {
      expect(buildCron({ startingDeadlineSeconds: 5 })).toThrow(/^test\/backup: startingDeadlineSeconds 5 is out of range; use a whole number from 10 up$/);
    });

    test('a history limit is out of range', () => {
      expect(buildCron({ successfulJobsHistoryLimit: -1 })).toThrow(/^test\/backup: successfulJobsHistoryLimit -1 is out of range; use a whole number from 0 to 100$/);
      expect(buildCron({ failedJobsHistoryLimit: 1000 })).toThrow(/^test\/backup: failedJobsHistoryLimit 1000 is out of range; use a whole number from 0 to 100$/);
    });

    test('a shared Job knob is invalid', () => {
      expect(buildCron({ completions: 1, parallelism: 2 })).toThrow(/^test\/backup: parallelism 2 is above completions 1, and Kubernetes never runs more pods than the completions still missing; lower parallelism to at most 1, or raise completions$/);
      expect(buildCron({ restartPolicy: 'Always' as never })).toThrow(/^test\/backup: restartPolicy "Always" is not a restart policy a Job accepts/);
      expect(buildCron({ backoffLimit: 0.5 })).toThrow(/^test\/backup: backoffLimit 0\.5 is not a whole number; use a whole number from 0 up$/);
    });
  });
});
