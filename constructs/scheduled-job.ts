import { ApiObject, Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceAccess, WorkloadAccountProps, workloadAccount } from './access';
import { JobRunProps, jobRunProps, patchJobRun, resolveJobRun } from './batch-job';
import { invalid } from './lib/errors';
import { patchAdd } from './lib/patch';
import { check, cronProblem, dns1123LabelProblem, intProblem, timeZoneProblem } from './lib/validate';
import { PodIdentity, PodProps, basePodProps, labelObject, podIdentity, renderPod } from './workload';

/** What the CronJob controller does when a run is due while the previous one is still running. */
export type ConcurrencyPolicy = 'Allow' | 'Forbid' | 'Replace';
const CONCURRENCY_POLICIES: readonly ConcurrencyPolicy[] = ['Allow', 'Forbid', 'Replace'];

/**
 * The longest CronJob name: the controller names each Job `<cronjob>-<minutes since the epoch>`,
 * an 11-character suffix, and a Job name (and its `job-name` pod label) may not exceed 63.
 */
export const MAX_SCHEDULED_JOB_NAME = 52;

/** The controller's cron macros, as the five-field schedules they stand for. */
const MACROS: Record<string, () => Cron> = {
  '@hourly': Cron.hourly,
  '@daily': Cron.daily,
  '@midnight': Cron.daily,
  '@weekly': Cron.weekly,
  '@monthly': Cron.monthly,
  '@yearly': Cron.annually,
  '@annually': Cron.annually,
};

export interface ScheduledJobProps extends WorkloadAccountProps, PodProps, JobRunProps {
  /**
   * When to run: five cron fields "minute hour day-of-month month day-of-week" (e.g. "30 2 * * *"),
   * a macro such as "@daily", or a cdk8s `Cron`. Read in `timeZone`, never in the controller's zone.
   */
  readonly schedule: string | Cron;
  /** IANA time zone the schedule is read in. @default "Etc/UTC" - explicit, so a cluster's zone never shifts a run */
  readonly timeZone?: string;
  /** What to do when a run is due while the previous one still runs. @default "Forbid" - runs never overlap */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * Seconds after its scheduled time a missed run may still start (after controller downtime, or while
   * Forbid holds it back); later than that it is skipped. At least 10: the controller checks every 10s.
   * @default 300
   */
  readonly startingDeadlineSeconds?: number;
  /** Succeeded Jobs kept for inspection; older ones are deleted. @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** Failed Jobs kept for inspection; older ones are deleted. @default 1 */
  readonly failedJobsHistoryLimit?: number;
  /** Stop starting new runs; running ones finish. @default false */
  readonly suspend?: boolean;
}

/**
 * A recurring task: a CronJob with a validated schedule in an explicit time zone, no overlapping runs
 * by default, a bounded history, the Job knobs of {@link BatchJob}, its own least-privilege
 * ServiceAccount, and pods that pass the "restricted" Pod Security Standard.
 *
 * Finished Jobs are cleaned up by the history limits, not by `ttlSecondsAfterFinished`: a TTL would
 * delete them behind the controller's back, and cdk8s-plus-28 refuses the two together.
 */
export class ScheduledJob extends Construct {
  public readonly name: string;
  public readonly cronJob: kplus.CronJob;
  public readonly access?: ServiceAccess;
  public readonly identity: PodIdentity;

  public constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    if (typeof props.name === 'string' && props.name.length > MAX_SCHEDULED_JOB_NAME) {
      invalid(this, 'name', props.name, `is ${props.name.length} characters long, but the CronJob controller appends an 11-character suffix to each Job name and Job names may not exceed 63`,
        `shorten it to at most ${MAX_SCHEDULED_JOB_NAME} characters`);
    }
    check(this, 'name', props.name, dns1123LabelProblem(props.name, MAX_SCHEDULED_JOB_NAME));
    const expression = typeof props.schedule === 'string' ? props.schedule.trim() : props.schedule.expressionString;
    check(this, 'schedule', expression, cronProblem(expression));
    const timeZone = props.timeZone ?? 'Etc/UTC';
    check(this, 'timeZone', timeZone, timeZoneProblem(timeZone));
    const concurrencyPolicy = props.concurrencyPolicy ?? 'Forbid';
    if (!CONCURRENCY_POLICIES.includes(concurrencyPolicy)) invalid(this, 'concurrencyPolicy', concurrencyPolicy, 'is not a concurrency policy', 'use "Allow", "Forbid" or "Replace"');
    const startingDeadline = props.startingDeadlineSeconds ?? 300;
    check(this, 'startingDeadlineSeconds', startingDeadline, intProblem(startingDeadline, 10));
    const successfulHistory = props.successfulJobsHistoryLimit ?? 3;
    const failedHistory = props.failedJobsHistoryLimit ?? 1;
    check(this, 'successfulJobsHistoryLimit', successfulHistory, intProblem(successfulHistory, 0, 100));
    check(this, 'failedJobsHistoryLimit', failedHistory, intProblem(failedHistory, 0, 100));
    const run = resolveJobRun(this, props);
    this.name = props.name;
    this.identity = podIdentity(this, props);

    const account = workloadAccount(this, props);
    this.access = account.access;

    this.cronJob = new kplus.CronJob(this, 'Resource', {
      ...basePodProps(this, props.name, account.serviceAccountName, props, props.namespace),
      ...jobRunProps(run),
      schedule: toCron(expression),
      timeZone,
      concurrencyPolicy: concurrencyPolicy as kplus.ConcurrencyPolicy,
      startingDeadline: Duration.seconds(startingDeadline),
      successfulJobsRetained: successfulHistory,
      failedJobsRetained: failedHistory,
      suspend: props.suspend ?? false,
    });
    const apiObject = ApiObject.of(this.cronJob);
    labelObject(apiObject, this.identity, this, props.lintWaivers);
    renderPod(this, { workload: this.cronJob, templatePath: '/spec/jobTemplate/spec/template', hasSelector: false }, this.identity, props);
    patchJobRun(apiObject, '/spec/jobTemplate/spec', run);
    // The Jobs it creates carry the same labels, so `kubectl get jobs -l app.kubernetes.io/name=...` finds them.
    patchAdd(apiObject, '/spec/jobTemplate/metadata', { labels: { ...this.identity.labels } });
  }
}

/** A validated schedule as the cdk8s `Cron` cdk8s-plus wants; macros become their five fields. */
function toCron(expression: string): Cron {
  const macro = MACROS[expression];
  if (macro) return macro();
  const [minute, hour, day, month, weekDay] = expression.split(/\s+/);
  return Cron.schedule({ minute, hour, day, month, weekDay });
}
