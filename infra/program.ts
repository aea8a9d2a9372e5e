import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../constructs/lib/errors';
import { NodePool, NodePoolSpec } from '../constructs/node-pool';
import { EnvironmentError, EnvironmentValues, loadEnvironment } from '../environments';
import { PolicyError, synthesizeEnvironment } from '../synth/synthesize';
import { AppDeployment } from './app-deployment';
import { TlsSecretSource } from './app-secrets';
import { StackConfig, StackConfigError, readStackConfig } from './config';
import { gatewayNames } from '../environments/edge';
import { GkeEdge } from './gke-edge';
import { GkeCluster } from './gke-cluster';
import { Monitoring } from './monitoring';
import { MinikubeCluster } from './minikube-cluster';

/** What `pulumi stack output` shows. */
export interface StackOutputs {
  readonly environment: string;
  readonly clusterKind: 'minikube' | 'gke';
  readonly namespace: string;
  readonly ingressUrl: string;
  /** Where the certificate comes from, and the Secret that holds it (none for google-managed). */
  readonly tlsSecret: { readonly name?: string; readonly source: string };
  /** GKE: the edge's reserved address and the DNS records to create for the host. */
  readonly edgeAddress?: pulumi.Output<string>;
  readonly dnsRecords?: pulumi.Output<Array<{ name: string; type: string; data: string }>>;
  /** With monitoring: how to open Grafana, and its admin password (secret). */
  readonly grafanaCommand?: string;
  readonly grafanaAdminPassword?: pulumi.Output<string>;
  readonly databaseCredentialsSecret: string;
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
  /** What the routes wait for beyond the workloads (the GKE edge). */
  readonly routesDependOn: pulumi.Resource[];
  readonly outputs: Partial<StackOutputs>;
}

function gke(values: EnvironmentValues, config: StackConfig, pools: NodePool[]): TargetCluster {
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
    gatewayApi: values.ingress.edge === 'gke-gateway',
    protect: values.production,
  });
  let edge: GkeEdge | undefined;
  if (values.ingress.edge === 'gke-gateway') {
    const names = gatewayNames(values);
    edge = new GkeEdge(`${g.name}-edge`, {
      project: config.gcpProject!, host: values.ingress.host, addressName: names.address, certificateMapName: names.certificateMap, protect: values.production,
    }, { dependsOn: [cluster] });
  }
  return {
    provider: cluster.provider,
    readiness: cluster.readiness,
    awaitIngress: false,
    routesDependOn: edge?.dependencies ?? [],
    outputs: {
      clusterName: cluster.cluster.name, clusterLocation: g.zone, nodeServiceAccount: cluster.nodeServiceAccount.email, kubeconfig: cluster.kubeconfig,
      ...(edge ? { edgeAddress: edge.address.address, dnsRecords: pulumi.output(edge.dnsRecords) } : {}),
    },
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
  return { provider: cluster.provider, readiness: cluster.readiness, awaitIngress: cluster.managesIngressController, routesDependOn: [], outputs: { kubeContext: cluster.context } };
}

function tlsSource(values: EnvironmentValues, config: StackConfig): TlsSecretSource {
  const { source, secretName } = values.ingress.tls;
  // A certificate from config wins over generating one (config.ts allows it for self-signed only as a pair).
  if ((source === 'self-signed' || source === 'secret-config') && config.tls) return { source: 'secret-config', secretName: secretName!, cert: config.tls.cert, key: config.tls.key };
  if (source === 'self-signed') return { source, secretName: secretName!, host: values.ingress.host };
  if (source === 'google-managed') return { source };
  return { source: 'cert-manager' };
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
  const { objects } = synthesizeEnvironment(values);

  const target = values.cluster.kind === 'gke' ? gke(values, config, pools) : minikube(values, config, pools);
  // Add-ons come after the nodes and before the application, whose monitors need their CRDs.
  const monitoring = values.monitoring.enabled
    ? new Monitoring(`${values.name}-monitoring`, {
      namespace: values.monitoring.namespace, scrapeInterval: values.monitoring.scrapeInterval, app: values.app,
      ...(config.grafanaAdminPassword ? { grafanaAdminPassword: config.grafanaAdminPassword } : {}),
    }, { provider: target.provider, dependsOn: target.readiness })
    : undefined;
  new AppDeployment(values.name, {
    objects,
    provider: target.provider,
    dependsOn: [...target.readiness, ...(monitoring ? [monitoring] : [])],
    routesDependOn: target.routesDependOn,
    secrets: {
      namespace: values.namespace,
      app: values.app,
      tls: tlsSource(values, config),
      database: { secretName: values.database.credentialsSecret, ...(config.dbPassword ? { password: config.dbPassword } : {}) },
      // Wherever the database volume outlives its claim, the password must outlive a re-run too.
      protectPassword: values.production || values.storage.reclaimPolicy === 'Retain',
    },
    protectStatefulObjects: values.production,
    awaitIngress: target.awaitIngress,
  });

  return {
    environment: values.name,
    clusterKind: values.cluster.kind,
    namespace: values.namespace,
    ingressUrl: `https://${values.ingress.host}`,
    tlsSecret: { ...(values.ingress.tls.secretName ? { name: values.ingress.tls.secretName } : {}), source: values.ingress.tls.source },
    ...(monitoring ? { grafanaCommand: monitoring.grafanaCommand(values.monitoring.namespace), grafanaAdminPassword: monitoring.adminPassword } : {}),
    databaseCredentialsSecret: values.database.credentialsSecret,
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
