import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceAccess, WorkloadAccountProps, workloadAccount } from './access';
import { invalid } from './lib/errors';
import { patchAdd } from './lib/patch';
import { check, dns1123LabelProblem, intProblem } from './lib/validate';
import { PodIdentity, PodProps, basePodProps, labelObject, podIdentity, renderPod } from './workload';

/** What happens to a failed container of a Job pod. */
export type JobRestartPolicy = 'OnFailure' | 'Never';
const RESTART_POLICIES: readonly JobRestartPolicy[] = ['OnFailure', 'Never'];

/**
 * How each Job runs to completion: the knobs BatchJob and ScheduledJob share, validated and
 * rendered by the same code ({@link resolveJobRun}, {@link jobRunProps}, {@link patchJobRun}).
 */
export interface JobRunProps {
  /**
   * Successful pods needed to complete the Job.
   * @default - not set: the Job is complete when one pod succeeds; with parallelism above 1 it is a
   * work queue, complete when any pod succeeds and all pods have exited
   */
  readonly completions?: number;
  /**
   * Pods running at once. When `completions` is set, parallelism may not exceed it: Kubernetes never
   * runs more pods than the completions still missing, so the excess would only mislead a reader.
   * @default 1
   */
  readonly parallelism?: number;
  /** Failed pods (or container restarts, with OnFailure) before the Job is marked failed. @default 6 - the Kubernetes default, made explicit */
  readonly backoffLimit?: number;
  /** Seconds the Job may run in all, retries included, before it is failed and its pods are stopped. @default - no deadline */
  readonly activeDeadlineSeconds?: number;
  /**
   * OnFailure restarts a failed container in place (same pod, same node); Never replaces the pod for
   * each retry, which keeps the failed pod and its logs for inspection.
   * @default "OnFailure"
   */
  readonly restartPolicy?: JobRestartPolicy;
}

/** {@link JobRunProps} with every default applied. */
export interface ResolvedJobRun {
  readonly completions?: number;
  readonly parallelism: number;
  readonly backoffLimit: number;
  readonly activeDeadlineSeconds?: number;
  readonly restartPolicy: JobRestartPolicy;
}

/** Validates the run knobs and applies their documented defaults. */
export function resolveJobRun(scope: Construct, props: JobRunProps): ResolvedJobRun {
  const parallelism = props.parallelism ?? 1;
  const backoffLimit = props.backoffLimit ?? 6;
  const restartPolicy = props.restartPolicy ?? 'OnFailure';
  if (props.completions !== undefined) check(scope, 'completions', props.completions, intProblem(props.completions, 1));
  check(scope, 'parallelism', parallelism, intProblem(parallelism, 1));
  if (props.completions !== undefined && parallelism > props.completions) {
    invalid(scope, 'parallelism', parallelism, `is above completions ${props.completions}, and Kubernetes never runs more pods than the completions still missing`,
      `lower parallelism to at most ${props.completions}, or raise completions`);
  }
  check(scope, 'backoffLimit', backoffLimit, intProblem(backoffLimit, 0));
  if (props.activeDeadlineSeconds !== undefined) check(scope, 'activeDeadlineSeconds', props.activeDeadlineSeconds, intProblem(props.activeDeadlineSeconds, 1));
  if (!RESTART_POLICIES.includes(restartPolicy)) {
    invalid(scope, 'restartPolicy', restartPolicy, 'is not a restart policy a Job accepts (Always would never let it complete)', 'use "OnFailure" or "Never"');
  }
  return { completions: props.completions, parallelism, backoffLimit, activeDeadlineSeconds: props.activeDeadlineSeconds, restartPolicy };
}

/** The kplus Job / CronJob props for the knobs cdk8s-plus-28 renders itself. */
export function jobRunProps(run: ResolvedJobRun): { restartPolicy: kplus.RestartPolicy; backoffLimit: number; activeDeadline?: Duration } {
  return {
    restartPolicy: run.restartPolicy === 'Never' ? kplus.RestartPolicy.NEVER : kplus.RestartPolicy.ON_FAILURE,
    backoffLimit: run.backoffLimit,
    ...(run.activeDeadlineSeconds !== undefined ? { activeDeadline: Duration.seconds(run.activeDeadlineSeconds) } : {}),
  };
}

/**
 * Patches the knobs cdk8s-plus-28 lacks (completions, parallelism) into the Job spec at
 * `jobSpecPath`: "/spec" for a Job, "/spec/jobTemplate/spec" for a CronJob.
 */
export function patchJobRun(apiObject: ApiObject, jobSpecPath: string, run: ResolvedJobRun): void {
  if (run.completions !== undefined) patchAdd(apiObject, `${jobSpecPath}/completions`, run.completions);
  patchAdd(apiObject, `${jobSpecPath}/parallelism`, run.parallelism);
}

export interface BatchJobProps extends WorkloadAccountProps, PodProps, JobRunProps {
  /**
   * Seconds a finished Job (and its pods) is kept before Kubernetes deletes it. Standalone Jobs always
   * get one: finished Jobs otherwise pile up forever.
   * @default 3600
   */
  readonly ttlSecondsAfterFinished?: number;
  /** Create the Job without starting any pod; set false later to start it. @default false */
  readonly suspend?: boolean;
}

/**
 * A run-to-completion task: a Job with explicit completions, parallelism, retries, deadline and
 * clean-up, its own least-privilege ServiceAccount, and pods that pass the "restricted" Pod Security
 * Standard.
 */
export class BatchJob extends Construct {
  public readonly name: string;
  public readonly job: kplus.Job;
  public readonly access?: ServiceAccess;
  public readonly identity: PodIdentity;

  public constructor(scope: Construct, id: string, props: BatchJobProps) {
    super(scope, id);
    check(this, 'name', props.name, dns1123LabelProblem(props.name));
    const run = resolveJobRun(this, props);
    const ttl = props.ttlSecondsAfterFinished ?? 3600;
    check(this, 'ttlSecondsAfterFinished', ttl, intProblem(ttl, 0));
    const suspend = props.suspend ?? false;
    this.name = props.name;
    this.identity = podIdentity(this, props);

    const account = workloadAccount(this, props);
    this.access = account.access;

    this.job = new kplus.Job(this, 'Resource', {
      ...basePodProps(this, props.name, account.serviceAccountName, props, props.namespace),
      ...jobRunProps(run),
      ttlAfterFinished: Duration.seconds(ttl),
    });
    const apiObject = ApiObject.of(this.job);
    labelObject(apiObject, this.identity, this, props.lintWaivers);
    renderPod(this, { workload: this.job, templatePath: '/spec/template', hasSelector: false }, this.identity, props);
    patchJobRun(apiObject, '/spec', run);
    patchAdd(apiObject, '/spec/suspend', suspend);
  }
}
