import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from './lib/errors';
import { AppIdentity, standardLabels } from './lib/labels';
import { check, intProblem } from './lib/validate';

/** One direction of HPA `behavior`. */
export interface ScalingRules {
  /** Look-back window before acting, to avoid flapping. @default - 0 s up, 300 s down (Kubernetes defaults) */
  readonly stabilizationWindowSeconds?: number;
  /** At most this many pods per period. @default - no pod-count policy */
  readonly podsPerPeriod?: number;
  /** At most this percent of current pods per period. @default - no percent policy */
  readonly percentPerPeriod?: number;
  /** @default 60 */
  readonly periodSeconds?: number;
}

export interface AutoscalingProps {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Target average cpu utilization, percent of requests. @default 70 unless memory is set */
  readonly cpuUtilization?: number;
  /** Target average memory utilization, percent of requests. @default - none */
  readonly memoryUtilization?: number;
  /** @default - Kubernetes defaults */
  readonly scaleUp?: ScalingRules;
  /** @default - Kubernetes defaults */
  readonly scaleDown?: ScalingRules;
}

export interface AutoscalerProps extends AppIdentity, AutoscalingProps {
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** The workload to scale. */
  readonly target: { readonly kind: 'Deployment' | 'StatefulSet'; readonly name: string };
}

/**
 * A HorizontalPodAutoscaler (autoscaling/v2) on cpu and/or memory utilization, with `behavior`.
 * The workload it scales must leave `replicas` unset so that an apply never fights the HPA.
 */
export class Autoscaler extends Construct {
  public readonly hpa: k8s.KubeHorizontalPodAutoscalerV2;

  public constructor(scope: Construct, id: string, props: AutoscalerProps) {
    super(scope, id);
    check(this, 'minReplicas', props.minReplicas, intProblem(props.minReplicas, 1));
    check(this, 'maxReplicas', props.maxReplicas, intProblem(props.maxReplicas, 1));
    if (props.minReplicas > props.maxReplicas) invalid(this, 'minReplicas', props.minReplicas, `is above maxReplicas ${props.maxReplicas}`, 'lower minReplicas or raise maxReplicas');
    const cpu = props.cpuUtilization ?? (props.memoryUtilization === undefined ? 70 : undefined);
    if (cpu !== undefined) check(this, 'cpuUtilization', cpu, intProblem(cpu, 1, 1000));
    if (props.memoryUtilization !== undefined) check(this, 'memoryUtilization', props.memoryUtilization, intProblem(props.memoryUtilization, 1, 1000));
    const rules = (field: string, r: ScalingRules | undefined): k8s.HpaScalingRulesV2 | undefined => {
      if (!r) return undefined;
      const policies: k8s.HpaScalingPolicyV2[] = [];
      const period = r.periodSeconds ?? 60;
      check(this, `${field}.periodSeconds`, period, intProblem(period, 1, 1800));
      if (r.podsPerPeriod !== undefined) {
        check(this, `${field}.podsPerPeriod`, r.podsPerPeriod, intProblem(r.podsPerPeriod, 1));
        policies.push({ type: 'Pods', value: r.podsPerPeriod, periodSeconds: period });
      }
      if (r.percentPerPeriod !== undefined) {
        check(this, `${field}.percentPerPeriod`, r.percentPerPeriod, intProblem(r.percentPerPeriod, 1));
        policies.push({ type: 'Percent', value: r.percentPerPeriod, periodSeconds: period });
      }
      if (r.stabilizationWindowSeconds !== undefined) check(this, `${field}.stabilizationWindowSeconds`, r.stabilizationWindowSeconds, intProblem(r.stabilizationWindowSeconds, 0, 3600));
      return {
        ...(r.stabilizationWindowSeconds !== undefined ? { stabilizationWindowSeconds: r.stabilizationWindowSeconds } : {}),
        ...(policies.length ? { policies, selectPolicy: 'Max' } : {}),
      };
    };
    const scaleUp = rules('scaleUp', props.scaleUp);
    const scaleDown = rules('scaleDown', props.scaleDown);
    const metric = (name: 'cpu' | 'memory', utilization: number): k8s.MetricSpecV2 => ({
      type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization: utilization } },
    });
    this.hpa = new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: { name: props.target.name, labels: standardLabels(props), ...(props.namespace ? { namespace: props.namespace } : {}) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: props.target.kind, name: props.target.name },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [...(cpu !== undefined ? [metric('cpu', cpu)] : []), ...(props.memoryUtilization !== undefined ? [metric('memory', props.memoryUtilization)] : [])],
        ...(scaleUp || scaleDown ? { behavior: { ...(scaleUp ? { scaleUp } : {}), ...(scaleDown ? { scaleDown } : {}) } } : {}),
      },
    });
  }
}
