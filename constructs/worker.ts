import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ServiceAccess } from './access';
import { Autoscaler } from './autoscaler';
import { DisruptionBudget } from './disruption-budget';
import { invalid } from './lib/errors';
import { DeploymentWorkloadProps, renderDeployment, scaleDeployment } from './web-service';
import { PodIdentity } from './workload';

/** A Worker takes the Deployment props of a WebService, and nothing about a Service. */
export type WorkerProps = DeploymentWorkloadProps;

/**
 * Pods that serve nothing, such as a queue consumer: a Deployment with no Service and no ports
 * required, with optional HPA and a PDB, spread over nodes, its own least-privilege ServiceAccount,
 * and pods that pass the "restricted" Pod Security Standard. The same Deployment a
 * {@link WebService} renders, with the same defaults.
 */
export class Worker extends Construct {
  public readonly name: string;
  public readonly deployment: kplus.Deployment;
  public readonly autoscaler?: Autoscaler;
  public readonly disruptionBudget?: DisruptionBudget;
  public readonly access?: ServiceAccess;
  public readonly identity: PodIdentity;

  public constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    // WebService props spread into a Worker pass the type check; they would be dropped in silence.
    for (const field of ['service', 'metrics'] as const) {
      const value = (props as { readonly [k in typeof field]?: unknown })[field];
      if (value !== undefined && value !== false) invalid(this, field, value, 'is not a Worker prop: a Worker has no Service', 'use a WebService for pods that serve traffic, or leave it out');
    }
    const workload = renderDeployment(this, props);
    this.name = props.name;
    this.deployment = workload.deployment;
    this.identity = workload.identity;
    this.access = workload.access;
    const scaling = scaleDeployment(this, props, workload);
    this.autoscaler = scaling.autoscaler;
    this.disruptionBudget = scaling.disruptionBudget;
  }
}
