import { createHash } from 'crypto';
import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceAccess, WorkloadAccountProps, workloadAccount } from './access';
import { ConfigInjection, injectionHash } from './configuration';
import { invalid } from './lib/errors';
import { SPEC_HASH_ANNOTATION } from './lib/labels';
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
   * Seconds a finished Job (and its pods) is kept before Kubernetes deletes it. Leave it unset for
   * output that is applied again (kubectl apply, Argo CD, Flux): once the TTL deleted the Job, the
   * next apply would create it, and run it, again. Old Jobs leave with a prune instead, since each
   * spec has a name of its own ({@link BatchJobProps.specHashSuffix}).
   * @default - none: the finished Job stays until it is pruned or deleted
   */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * Append a hash of the Job's spec to its name (`migrate-3f9a1c2b`), as kustomize does for
   * generated ConfigMaps. A Job's pod template is immutable: with a fixed name, changing anything
   * (an image, a ConfigMap it reads) makes the next `kubectl apply` fail with "field is immutable".
   * With the hash, a changed spec is a new Job, and the same spec applied again is the same Job,
   * never run twice.
   * @default true
   */
  readonly specHashSuffix?: boolean;
  /** Create the Job without starting any pod; set false later to start it. @default false */
  readonly suspend?: boolean;
}

/**
 * A hash of everything that shapes the Job: its props, with each config source by its content hash
 * and every construct by its path. Eight hex digits, as in kustomize's generated names.
 */
function specHash(props: BatchJobProps): string {
  const canonical = JSON.stringify(props, (key, value: unknown) => {
    if (key === 'config' && Array.isArray(value)) return injectionHash(value as ConfigInjection[]) ?? null;
    if (value instanceof Construct) return value.node.path;
    return value;
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 8);
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
    const hashed = props.specHashSuffix ?? true;
    // The suffix takes 9 of the 63 characters a Job name (and its pods' job-name label) may have.
    check(this, 'name', props.name, dns1123LabelProblem(props.name, hashed ? 63 - 9 : 63));
    const run = resolveJobRun(this, props);
    const ttl = props.ttlSecondsAfterFinished;
    if (ttl !== undefined) check(this, 'ttlSecondsAfterFinished', ttl, intProblem(ttl, 0));
    const suspend = props.suspend ?? false;
    const hash = hashed ? specHash(props) : undefined;
    this.name = hash ? `${props.name}-${hash}` : props.name;
    this.identity = podIdentity(this, props);

    const account = workloadAccount(this, props);
    this.access = account.access;

    this.job = new kplus.Job(this, 'Resource', {
      ...basePodProps(this, this.name, account.serviceAccountName, props, props.namespace),
      ...jobRunProps(run),
      ...(ttl !== undefined ? { ttlAfterFinished: Duration.seconds(ttl) } : {}),
    });
    const apiObject = ApiObject.of(this.job);
    labelObject(apiObject, this.identity, this, props.lintWaivers);
    if (hash) apiObject.metadata.addAnnotation(SPEC_HASH_ANNOTATION, hash);
    renderPod(this, { workload: this.job, templatePath: '/spec/template', hasSelector: false }, this.identity, props);
    patchJobRun(apiObject, '/spec', run);
    patchAdd(apiObject, '/spec/suspend', suspend);
  }
}
