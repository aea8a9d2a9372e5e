import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceAccess, WorkloadAccountProps, workloadAccount } from './access';
import { Autoscaler, AutoscalingProps } from './autoscaler';
import { DisruptionBudget, PodCount, podsOf } from './disruption-budget';
import { invalid } from './lib/errors';
import { standardLabels } from './lib/labels';
import { patchAdd } from './lib/patch';
import { check, dns1123LabelProblem, intProblem } from './lib/validate';
import { NetworkService, ServiceKind, ServicePortSpec } from './services';
import { PodIdentity, PodProps, basePodProps, checkServiceTargets, labelObject, podIdentity, renderPod, servicePortsOf } from './workload';

/** How a Deployment replaces pods. */
export type RolloutStrategy =
  | {
      readonly type: 'RollingUpdate';
      /** Extra pods during a rollout; percentages round up. @default "25%" */
      readonly maxSurge?: PodCount;
      /** Pods that may be missing during a rollout; percentages round down. @default "25%" */
      readonly maxUnavailable?: PodCount;
    }
  | { readonly type: 'Recreate' };

/**
 * What a WebService and a Worker share: a Deployment of pods, optionally autoscaled, with a
 * PodDisruptionBudget and its own ServiceAccount.
 */
export interface DeploymentWorkloadProps extends WorkloadAccountProps, PodProps {
  /** Replicas when not autoscaled. @default 2 */
  readonly replicas?: number;
  /** @default RollingUpdate with maxSurge 25% and maxUnavailable 25% */
  readonly strategy?: RolloutStrategy;
  /** Old ReplicaSets kept for `kubectl rollout undo`. @default 10 */
  readonly revisionHistoryLimit?: number;
  /** @default 0 */
  readonly minReadySeconds?: number;
  /** @default 600 */
  readonly progressDeadlineSeconds?: number;
  /** HorizontalPodAutoscaler; when set, the Deployment leaves `replicas` to it. @default - no autoscaling */
  readonly autoscaling?: AutoscalingProps;
  /**
   * PodDisruptionBudget. Give exactly one of minAvailable / maxUnavailable.
   * @default - maxUnavailable 1 when there are at least 2 replicas, none for a single replica
   */
  readonly disruptionBudget?: { readonly minAvailable?: PodCount; readonly maxUnavailable?: PodCount } | false;
}

export interface WebServiceProps extends DeploymentWorkloadProps {
  /**
   * The Service in front of the pods. `false` for pods that serve nothing; a {@link Worker} says
   * that more plainly.
   * @default - a ClusterIP Service exposing every port of the first container
   */
  readonly service?: { readonly kind?: ServiceKind; readonly ports?: ServicePortSpec[] } | false;
  /**
   * Have Prometheus scrape the pods: a ServiceMonitor (monitoring.coreos.com/v1, the Prometheus
   * Operator's, as kube-prometheus-stack installs it) for the named Service port.
   * @default - not scraped
   */
  readonly metrics?: MetricsEndpoint;
}

/** Where a workload serves Prometheus metrics. */
export interface MetricsEndpoint {
  /** A port of the Service, by name. */
  readonly port: string;
  /** @default "/metrics" */
  readonly path?: string;
  /** Scrape interval, e.g. "30s". @default - Prometheus's own */
  readonly interval?: string;
}

/** Internal: the Deployment a WebService or Worker renders, with what it rendered it from. */
export interface DeploymentWorkload {
  readonly deployment: kplus.Deployment;
  readonly identity: PodIdentity;
  readonly access?: ServiceAccess;
  /** The replica count, or with autoscaling the HPA floor (what the PDB is sized for). */
  readonly replicas: number;
}

/**
 * Internal: validates the Deployment props of `scope` (a WebService or a Worker) and renders its
 * ServiceAccount and its Deployment (child id "Resource"), pods included. The companions that
 * follow it, a Service first, then {@link scaleDeployment}, keep this order of children, which is
 * the order of the synthesized objects.
 */
export function renderDeployment(scope: Construct, props: DeploymentWorkloadProps): DeploymentWorkload {
  check(scope, 'name', props.name, dns1123LabelProblem(props.name));
  const replicas = props.autoscaling?.minReplicas ?? props.replicas ?? 2;
  if (props.autoscaling && props.replicas !== undefined) invalid(scope, 'replicas', props.replicas, 'is set together with autoscaling', 'remove replicas: the HPA owns the replica count (minReplicas is the floor)');
  // Name the field the value came from: with autoscaling, the replica count is minReplicas (at least 1).
  if (props.autoscaling) check(scope, 'autoscaling.minReplicas', replicas, intProblem(replicas, 1));
  else check(scope, 'replicas', replicas, intProblem(replicas, 0));
  const strategy = props.strategy ?? { type: 'RollingUpdate' };
  if (strategy.type === 'RollingUpdate') {
    const surge = strategy.maxSurge ?? '25%';
    const unavailable = strategy.maxUnavailable ?? '25%';
    for (const [field, v] of [['strategy.maxSurge', surge], ['strategy.maxUnavailable', unavailable]] as const) {
      if (typeof v === 'number') check(scope, field, v, intProblem(v, 0));
      else if (!/^\d{1,3}%$/.test(v)) invalid(scope, field, v, 'is not a whole number or percentage', 'use e.g. 1 or "25%"');
      else if (field === 'strategy.maxUnavailable' && Number(v.slice(0, -1)) > 100) invalid(scope, field, v, 'is above 100%', 'use a percentage from 0% to 100%');
    }
    if (podsOf(surge, Math.max(replicas, 1), true) === 0 && podsOf(unavailable, Math.max(replicas, 1), false) === 0) {
      invalid(scope, 'strategy', { maxSurge: surge, maxUnavailable: unavailable }, `lets no pod be added or removed for ${replicas} replicas, so the rollout can never progress`, 'allow maxSurge or maxUnavailable of at least 1');
    }
  }
  const history = props.revisionHistoryLimit ?? 10;
  check(scope, 'revisionHistoryLimit', history, intProblem(history, 0, 100));
  // Checked here because cdk8s Duration and the kplus Deployment throw path-less errors on these.
  const minReady = props.minReadySeconds ?? 0;
  const progressDeadline = props.progressDeadlineSeconds ?? 600;
  check(scope, 'minReadySeconds', minReady, intProblem(minReady, 0));
  check(scope, 'progressDeadlineSeconds', progressDeadline, intProblem(progressDeadline, 1));
  if (progressDeadline <= minReady) invalid(scope, 'progressDeadlineSeconds', progressDeadline, `is not above minReadySeconds ${minReady}`, 'raise progressDeadlineSeconds or lower minReadySeconds');
  const identity = podIdentity(scope, props);

  const account = workloadAccount(scope, props);

  const deployment = new kplus.Deployment(scope, 'Resource', {
    ...basePodProps(scope, props.name, account.serviceAccountName, props, props.namespace),
    replicas: props.autoscaling ? undefined : replicas,
    strategy: strategy.type === 'Recreate'
      ? kplus.DeploymentStrategy.recreate()
      : kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: toPercentOrAbsolute(strategy.maxSurge ?? '25%'),
        maxUnavailable: toPercentOrAbsolute(strategy.maxUnavailable ?? '25%'),
      }),
    minReady: Duration.seconds(minReady),
    progressDeadline: Duration.seconds(progressDeadline),
    // terminationGracePeriodSeconds is validated and patched by renderPod; a negative value
    // passed here would throw in Duration.seconds before that validation could run.
  });
  const apiObject = ApiObject.of(deployment);
  labelObject(apiObject, identity, scope, props.lintWaivers);
  // Two replicas or more spread over nodes unless told how: one node's loss must not take them all.
  const spread = props.podAntiAffinity ?? (replicas >= 2 && !props.topologySpread?.length ? 'soft' : 'none');
  renderPod(scope, { workload: deployment, templatePath: '/spec/template', hasSelector: true }, identity, { ...props, podAntiAffinity: spread });
  patchAdd(apiObject, '/spec/revisionHistoryLimit', history);
  if (props.autoscaling) deployment.markHasAutoscaler();
  return { deployment, identity, access: account.access, replicas };
}

/**
 * Internal: the HorizontalPodAutoscaler (child id "Autoscaler", with `autoscaling`) and the
 * PodDisruptionBudget (child id "DisruptionBudget", by default for two replicas or more) of a
 * Deployment rendered by {@link renderDeployment}.
 */
export function scaleDeployment(scope: Construct, props: DeploymentWorkloadProps, workload: DeploymentWorkload): { autoscaler?: Autoscaler; disruptionBudget?: DisruptionBudget } {
  const autoscaler = props.autoscaling
    ? new Autoscaler(scope, 'Autoscaler', { ...props, ...props.autoscaling, namespace: props.namespace, target: { kind: 'Deployment', name: props.name } })
    : undefined;
  const budget = props.disruptionBudget ?? (workload.replicas >= 2 ? {} : false);
  const disruptionBudget = budget !== false
    ? new DisruptionBudget(scope, 'DisruptionBudget', {
      ...props, namespace: props.namespace, selector: workload.identity.selector, replicas: workload.replicas,
      minAvailable: budget.minAvailable, maxUnavailable: budget.maxUnavailable,
    })
    : undefined;
  return { autoscaler, disruptionBudget };
}

/**
 * A stateless HTTP (or TCP) service: Deployment + Service, with optional HPA and a PDB, spread over
 * nodes or zones, its own least-privilege ServiceAccount, and pods that pass the "restricted" Pod
 * Security Standard. For pods that serve nothing (queue consumers), see {@link Worker}.
 */
export class WebService extends Construct {
  public readonly name: string;
  public readonly deployment: kplus.Deployment;
  public readonly service?: NetworkService;
  public readonly autoscaler?: Autoscaler;
  public readonly disruptionBudget?: DisruptionBudget;
  public readonly access?: ServiceAccess;
  public readonly identity: PodIdentity;
  /** The ServiceMonitor, with `metrics`. */
  public readonly monitor?: ApiObject;

  public constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const workload = renderDeployment(this, props);
    this.name = props.name;
    this.deployment = workload.deployment;
    this.identity = workload.identity;
    this.access = workload.access;

    if (props.service !== false) {
      const ports = props.service?.ports ?? servicePortsOf(props.containers[0]);
      if (ports.length === 0 && props.service?.kind?.type !== 'ExternalName') {
        const field = props.service?.ports ? 'service.ports' : `containers[${props.containers[0].name}].ports`;
        invalid(this, field, ports, 'is empty, so the Service would expose nothing', 'declare the port the pods serve on, or use a Worker (or service: false) for a workload that serves nothing, such as a queue consumer');
      }
      checkServiceTargets(this, 'service', ports, props.containers);
      this.service = new NetworkService(this, 'Service', {
        ...props, serviceName: props.name, namespace: props.namespace, kind: props.service?.kind, selector: this.identity.selector, ports,
      });
    }
    if (props.metrics) {
      const m = props.metrics;
      if (!this.service) invalid(this, 'metrics', m, 'is set with service: false, and Prometheus scrapes through the Service', 'keep the Service, or leave metrics out');
      if (!this.service.ports.some((p) => p.name === m.port)) invalid(this, 'metrics.port', m.port, `is not a named port of Service "${this.service.serviceName}"`, `use one of ${this.service.ports.filter((p) => p.name).map((p) => `"${p.name}"`).join(', ') || '(none: name the Service ports)'}`);
      const path = m.path ?? '/metrics';
      if (!path.startsWith('/')) invalid(this, 'metrics.path', path, 'is not an absolute path', `start it with "/", e.g. "/${path}"`);
      if (m.interval !== undefined && !/^\d+(ms|s|m|h)$/.test(m.interval)) invalid(this, 'metrics.interval', m.interval, 'is not a Prometheus duration', 'use e.g. "30s" or "1m"');
      this.monitor = new ApiObject(this, 'Monitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: props.name, ...(props.namespace ? { namespace: props.namespace } : {}), labels: standardLabels(props) },
        spec: {
          selector: { matchLabels: { ...this.identity.selector } },
          endpoints: [{ port: m.port, path, ...(m.interval ? { interval: m.interval } : {}) }],
        },
      });
    }
    const scaling = scaleDeployment(this, props, workload);
    this.autoscaler = scaling.autoscaler;
    this.disruptionBudget = scaling.disruptionBudget;
  }
}

function toPercentOrAbsolute(v: PodCount): kplus.PercentOrAbsolute {
  return typeof v === 'number' ? kplus.PercentOrAbsolute.absolute(v) : kplus.PercentOrAbsolute.percent(Number(v.slice(0, -1)));
}
