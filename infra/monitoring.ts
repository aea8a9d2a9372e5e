import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';

/**
 * kube-prometheus-stack, pinned: Prometheus Operator v0.91.0 (whose ServiceMonitor CRD the
 * end-to-end suite installs to validate the monitors, toolchain/pins.ts), Prometheus and Grafana.
 */
export const KUBE_PROMETHEUS_STACK = {
  chart: 'kube-prometheus-stack',
  version: '86.0.0',
  repo: 'https://prometheus-community.github.io/helm-charts',
} as const;

/** The Secret Grafana takes its admin login from, and its keys. */
export const GRAFANA_ADMIN_SECRET = { name: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' } as const;

export interface MonitoringArgs {
  /** The namespace of Prometheus and Grafana, created here. */
  readonly namespace: string;
  /** Prometheus's scrape interval, e.g. "30s". */
  readonly scrapeInterval: string;
  /** Application name, for labels. */
  readonly app: string;
  /** @default - a generated 32-character password */
  readonly grafanaAdminPassword?: pulumi.Output<string>;
  /** Prometheus's volume in the cluster's default StorageClass. @default "20Gi" */
  readonly storageSize?: string;
  /** Helm's wait and the provider's. @default 900 */
  readonly timeoutSeconds?: number;
}

/**
 * The observability add-on of the notes: Prometheus and Grafana through kube-prometheus-stack as a
 * pinned Helm release the stack installs, upgrades and uninstalls. Prometheus selects every
 * ServiceMonitor and PodMonitor in the cluster, which the constructs emit with `metrics`.
 *
 * - Grafana's admin password is a Pulumi secret in a Secret of its own, never a Helm value (Helm
 *   values are stored in the release, readable by anyone who can read the namespace).
 * - node-exporter is off: it needs the host's PID and network namespaces. GKE's system metrics and
 *   minikube's metrics-server cover nodes; control-plane scrapers are off too, since GKE does not
 *   expose those components.
 * - The namespace enforces the baseline Pod Security level (warning and auditing at restricted),
 *   since not every component of the chart sets a restricted security context.
 */
export class Monitoring extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly grafanaAdmin: k8s.core.v1.Secret;
  public readonly release: k8s.helm.v3.Release;
  /** Grafana's admin password (secret). */
  public readonly adminPassword: pulumi.Output<string>;
  /** How to open Grafana (admin / the secret output `grafanaAdminPassword`). */
  public readonly grafanaCommand: string;

  public constructor(name: string, args: MonitoringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('k8sstack:infra:Monitoring', name, {}, opts);
    this.grafanaCommand = `kubectl -n ${args.namespace} port-forward svc/kube-prometheus-stack-grafana 3000:80`;
    // Children carry the component's dependencies themselves (a component's own are not passed
    // down): the namespace, and through it everything here, waits for the nodes.
    const labels = { 'app.kubernetes.io/part-of': args.app, 'app.kubernetes.io/managed-by': 'pulumi' };
    this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: {
        name: args.namespace,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'baseline',
        },
      },
    }, { parent: this, ...(opts.dependsOn !== undefined ? { dependsOn: opts.dependsOn } : {}) });
    const password = args.grafanaAdminPassword ?? pulumi.secret(new random.RandomPassword(`${name}-grafana-admin`, {
      length: 32, special: false,
    }, { parent: this, additionalSecretOutputs: ['result', 'bcryptHash'] }).result);
    this.adminPassword = password;
    this.grafanaAdmin = new k8s.core.v1.Secret(`${name}-grafana-admin`, {
      metadata: { name: GRAFANA_ADMIN_SECRET.name, namespace: this.namespace.metadata.name, labels },
      type: 'Opaque',
      stringData: pulumi.secret(password.apply((pw) => ({ [GRAFANA_ADMIN_SECRET.userKey]: 'admin', [GRAFANA_ADMIN_SECRET.passwordKey]: pw }))),
    }, { parent: this, additionalSecretOutputs: ['data', 'stringData'] });

    this.release = new k8s.helm.v3.Release(`${name}-kube-prometheus-stack`, {
      name: 'kube-prometheus-stack',
      chart: KUBE_PROMETHEUS_STACK.chart,
      version: KUBE_PROMETHEUS_STACK.version,
      repositoryOpts: { repo: KUBE_PROMETHEUS_STACK.repo },
      namespace: this.namespace.metadata.name,
      // A failed upgrade rolls back instead of leaving a half-applied release.
      atomic: true,
      cleanupOnFail: true,
      timeout: args.timeoutSeconds ?? 900,
      values: {
        crds: { enabled: true },
        nodeExporter: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeProxy: { enabled: false },
        grafana: {
          admin: { existingSecret: GRAFANA_ADMIN_SECRET.name, userKey: GRAFANA_ADMIN_SECRET.userKey, passwordKey: GRAFANA_ADMIN_SECRET.passwordKey },
        },
        prometheus: {
          prometheusSpec: {
            scrapeInterval: args.scrapeInterval,
            // Every monitor in the cluster, not only those labelled for this release.
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
            retention: '15d',
            storageSpec: {
              volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: args.storageSize ?? '20Gi' } } } },
            },
          },
        },
      },
    }, { parent: this, dependsOn: [this.grafanaAdmin] });
    this.registerOutputs({ namespace: args.namespace });
  }
}
