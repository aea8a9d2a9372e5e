import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../constructs/lib/errors';
import { NodePool, NodePoolSpec } from '../constructs/node-pool';
import { EnvironmentError, EnvironmentValues, PROJECT, loadEnvironment } from '../environments';
import { KubeObject, PolicyError, synthesizeEnvironment } from '../synth/synthesize';
import { AppDeployment } from './app-deployment';
import { APP_INFRA } from './apps';
import { StackConfig, StackConfigError, readStackConfig } from './config';
import { GkeCluster } from './gke-cluster';
import { Monitoring } from './monitoring';
import { MinikubeCluster } from './minikube-cluster';

/** What `pulumi stack output` shows. */
export interface StackOutputs {
  readonly environment: string;
  readonly clusterKind: 'minikube' | 'gke';
  /** Each app's outputs, by name (namespace, URL, Secrets, the edge's address and DNS records). */
  readonly apps: Record<string, Record<string, unknown>>;
  /** With monitoring: how to open Grafana, and its admin password (secret). */
  readonly grafanaCommand?: string;
  readonly grafanaAdminPassword?: pulumi.Output<string>;
  /** minikube: the kubeconfig context deployed into. */
  readonly kubeContext?: string;
  /** GKE: cluster name, location and the node service account. */
  readonly clusterName?: pulumi.Output<string>;
  readonly clusterLocation?: string;
  readonly nodeServiceAccount?: pulumi.Output<string>;
  /** GKE: a kubeconfig using gke-gcloud-auth-plugin (secret): `pulumi stack output --show-secrets kubeconfig`. */
  readonly kubeconfig?: pulumi.Output<string>;
}

interface TargetCluster {
  readonly provider: k8s.Provider;
  readonly readiness: pulumi.Resource[];
  readonly awaitIngress: boolean;
  /** GKE: the project and the cluster, for the apps' cloud-side resources. */
  readonly gke?: { readonly project: string; readonly cluster: pulumi.Resource };
  readonly outputs: Partial<StackOutputs>;
}

function gke(values: EnvironmentValues, config: StackConfig, pools: NodePool[], objects: readonly KubeObject[]): TargetCluster {
  const g = values.cluster.gke!;
  const cluster = new GkeCluster(g.name, {
    project: config.gcpProject!,
    ...g,
    nodePools: pools,
    authorizedNetworks: config.authorizedNetworks,
    operatorEmail: config.operatorEmail!,
    deletionProtection: config.deletionProtection,
    maintenanceWindow: g.maintenanceWindow!,
    ...(values.production ? { binaryAuthorization: { allowedRegistries: values.allowedRegistries } } : {}),
    secretsEncryption: values.production,
    // GKE's Gateway controller, wherever an app routes through a Gateway.
    gatewayApi: objects.some((o) => o.kind === 'Gateway'),
    protect: values.production,
  });
  return {
    provider: cluster.provider,
    readiness: cluster.readiness,
    awaitIngress: false,
    gke: { project: config.gcpProject!, cluster: cluster.cluster },
    outputs: { clusterName: cluster.cluster.name, clusterLocation: g.zone, nodeServiceAccount: cluster.nodeServiceAccount.email, kubeconfig: cluster.kubeconfig },
  };
}

function minikube(values: EnvironmentValues, config: StackConfig, pools: NodePool[]): TargetCluster {
  const m = values.cluster.minikube!;
  const cluster = new MinikubeCluster(m.profile, {
    ...m,
    kubernetesVersion: values.cluster.kubernetesVersion,
    nodePools: pools,
    ...(config.kubeContext !== undefined ? { kubeContext: config.kubeContext } : {}),
    ...(config.nodeNames !== undefined ? { nodeNames: config.nodeNames } : {}),
  });
  return { provider: cluster.provider, readiness: cluster.readiness, awaitIngress: cluster.managesIngressController, outputs: { kubeContext: cluster.context } };
}

/**
 * Declares everything of the environment named like the stack, and returns the stack outputs.
 * `sets` overrides environment values as `npm run synth -- --set` does (an inline Automation API
 * program can pass them; the CLI program uses the environment as written).
 */
export function deployStack(stack: string, sets: readonly string[] = []): StackOutputs {
  // Everything that can be wrong with the inputs is found here, before any resource is declared.
  const values = loadEnvironment(stack, sets);
  const config = readStackConfig(values);
  const pools = values.nodePools.map((p) => new NodePool(p as NodePoolSpec));
  const { objects } = synthesizeEnvironment(PROJECT, values);

  const target = values.cluster.kind === 'gke' ? gke(values, config, pools, objects) : minikube(values, config, pools);
  // Add-ons come after the nodes and before the application, whose monitors need their CRDs.
  const monitoring = values.monitoring.enabled
    ? new Monitoring(`${values.name}-monitoring`, {
      namespace: values.monitoring.namespace, scrapeInterval: values.monitoring.scrapeInterval, app: 'platform',
      ...(config.grafanaAdminPassword ? { grafanaAdminPassword: config.grafanaAdminPassword } : {}),
    }, { provider: target.provider, dependsOn: target.readiness })
    : undefined;
  // Each app's secrets, cloud-side edge and outputs (infra/apps.ts).
  const apps = values.apps.map((name) => ({ name, infra: APP_INFRA[name]?.({ values, config, ...(target.gke ? { gke: target.gke } : {}) }) }));
  new AppDeployment(values.name, {
    objects,
    provider: target.provider,
    dependsOn: [...target.readiness, ...(monitoring ? [monitoring] : [])],
    routesDependOn: apps.flatMap((a) => a.infra?.routesDependOn ?? []),
    // The first app's Secrets keep the deployment's own name, as the shop's always had.
    secrets: apps.filter((a) => a.infra?.secrets).map((a, i) => ({ name: i === 0 ? values.name : `${values.name}-${a.name}`, args: a.infra!.secrets! })),
    protectStatefulObjects: values.production,
    awaitIngress: target.awaitIngress,
  });

  return {
    environment: values.name,
    clusterKind: values.cluster.kind,
    apps: Object.fromEntries(apps.map((a) => [a.name, a.infra?.outputs ?? {}])),
    ...(monitoring ? { grafanaCommand: monitoring.grafanaCommand, grafanaAdminPassword: monitoring.adminPassword } : {}),
    ...target.outputs,
  };
}

/** The Pulumi program: the stack name selects the environment. Input errors are shown without a stack trace. */
export function main(): StackOutputs {
  try {
    return deployStack(pulumi.getStack());
  } catch (e) {
    if (e instanceof EnvironmentError || e instanceof StackConfigError || e instanceof PolicyError || e instanceof ValidationError) {
      throw new pulumi.RunError(e.message);
    }
    throw e;
  }
}
