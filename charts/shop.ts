import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { AutoscalingProps } from '../constructs/autoscaler';
import { AppConfig, SecretReference } from '../constructs/configuration';
import { GuardedNamespace } from '../constructs/guarded-namespace';
import { addLintWaivers } from '../constructs/lib/lint-waivers';
import { NodeAgent } from '../constructs/node-agent';
import { ScheduledJob } from '../constructs/scheduled-job';
import { StatefulService } from '../constructs/stateful-service';
import { Claim } from '../constructs/storage';
import { GOOGLE_LOAD_BALANCER_RANGES, HttpsGateway } from '../constructs/https-gateway';
import { TlsIngress } from '../constructs/tls-ingress';
import { WebService } from '../constructs/web-service';
import { gatewayNames } from '../environments/edge';
import type { PlatformContext } from '../environments/app';
import type { PlatformValues } from '../environments/schema';
import type { ShopValues } from './shop-values';
import { fluentBitConfig, nginxConfig } from './files';
import { KUBE_LINTER_BATCH, POLARIS_EVERY_WORKLOAD } from './lint-reasons';

export interface ShopChartProps {
  /** The environment's platform: its values, priority tiers, storage class and node pools. */
  readonly platform: PlatformContext;
  /** The shop's validated values in that environment. */
  readonly values: ShopValues;
}

/** The shop's values with the platform's beside them, as the chart reads them. */
type ShopView = PlatformValues & ShopValues;

/** Ports of the stack, in one place: policies, Services and probes all use these. */
export const PORTS = { web: 8080, api: 9898, db: 5432, dns: 53 } as const;

/** Keys of the database credentials Secret (created by the Pulumi program, never here). */
export const DB_SECRET_KEYS = ['database', 'password', 'username'];

/** kube-linter: db-credentials is created at deploy time (Pulumi, or kubectl as the README shows), never in the manifests. */
const CREDENTIALS_SECRET = 'db-credentials is created at deploy time (Pulumi, or by hand as the README shows), never in the manifests';
const CREDENTIALS_FROM_ENV = 'the image takes its database credentials from environment variables';

/** kube-score wants user and group ids above 10000; third-party images fix theirs. */
const LOW_ID_CHECK = 'container-security-context-user-group-id';
const POSTGRES_USER_REASON = 'postgres runs as the image\'s own user and group 70, which own the data directory; PostgreSQL refuses a data directory owned by another user, so existing volumes pin the id';

/**
 * The reference application "shop", composed only from constructs/: an nginx web frontend that
 * serves static files and proxies /api to a podinfo API, a PostgreSQL database on a dedicated tainted
 * node pool, a nightly backup, a TLS Ingress, a per-node log collector, and the guardrails around
 * them (namespaces with Pod Security, quotas, limits, default-deny networking, priorities).
 *
 * Everything that differs between environments arrives in `values`; nothing here branches on the
 * environment's name.
 */
export class ShopChart extends Chart {
  public readonly values: ShopView;

  public constructor(scope: Construct, id: string, props: ShopChartProps) {
    super(scope, id, { namespace: props.values.namespace, disableResourceNameHashes: true });
    const v: ShopView = { ...props.platform.values, ...props.values };
    this.values = v;
    const app = v.app;
    const ns = v.namespace;
    const identity = (name: string, component: string, version?: string) => ({ name, partOf: app, component, version, namespace: ns });
    // Cluster-wide priority tiers, the storage class and the node pools belong to the platform (charts/platform.ts).
    const platform = props.platform;

    // The application namespace and its guardrails.
    const q = v.guardrails.quota;
    const l = v.guardrails.limits;
    const namespace = new GuardedNamespace(this, 'namespace', {
      name: ns,
      labels: { 'app.kubernetes.io/part-of': app, 'k8s-stack.io/environment': v.name },
      enforce: v.guardrails.podSecurity,
      quota: {
        pods: q.pods, services: q.services, loadBalancers: q.loadBalancers, nodePorts: q.nodePorts, persistentVolumeClaims: q.persistentVolumeClaims,
        requestsCpu: q.requestsCpu, requestsMemory: q.requestsMemory, limitsCpu: q.limitsCpu, limitsMemory: q.limitsMemory,
        requestsStorage: q.requestsStorage, storageClassRequests: { [platform.storageClassName]: q.requestsStorage },
      },
      limitRange: {
        container: {
          default: { cpu: l.containerDefaultCpu, memory: l.containerDefaultMemory },
          defaultRequest: { cpu: l.containerDefaultRequestCpu, memory: l.containerDefaultRequestMemory },
          max: { cpu: l.containerMaxCpu, memory: l.containerMaxMemory },
        },
        pod: { max: { cpu: l.podMaxCpu, memory: l.podMaxMemory } },
        persistentVolumeClaim: { max: l.pvcMaxStorage, min: '1Gi' },
      },
    });

    // The version goes into the pod-template hash: bumping it after a rotation rolls every pod that reads the Secret.
    const dbSecret = new SecretReference({ secretName: v.database.credentialsSecret, keys: DB_SECRET_KEYS, version: v.database.credentialsVersion });
    const image = (i: { repository: string; tag: string }) => `${i.repository}:${i.tag}`;

    // Web frontend: nginx serving static files and proxying /api/ to the API.
    const webConfig = new AppConfig(this, 'web-config', {
      ...identity('web', 'frontend'), configMapName: 'web-nginx', files: { 'default.conf': nginxConfig({ port: PORTS.web, apiService: 'api', apiPort: PORTS.api }) },
    });
    // What the two stateless tiers share: HPA bounds, PDB, spreading, pool and priority from their values.
    const replicated = (s: ShopValues['web'], behavior: Pick<AutoscalingProps, 'scaleUp' | 'scaleDown'>) => ({
      autoscaling: { minReplicas: s.autoscaling.minReplicas, maxReplicas: s.autoscaling.maxReplicas, cpuUtilization: s.autoscaling.cpuUtilization, ...behavior },
      disruptionBudget: { maxUnavailable: s.maxUnavailable },
      podAntiAffinity: 'soft' as const,
      topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' as const }],
      nodePool: platform.nodePool(s.nodePool),
      priorityClassName: platform.priorityClassName(s.priorityClass),
    });
    const web = new WebService(this, 'web', {
      ...identity('web', 'frontend', v.web.image.tag),
      lintWaivers: {
        kubeScore: { [LOW_ID_CHECK]: 'nginx-unprivileged runs as its own user and group 101, which own the files of the image' },
        polaris: { ...POLARIS_EVERY_WORKLOAD, deploymentMissingReplicas: 'the HorizontalPodAutoscaler owns the replica count (minReplicas 2)' },
      },
      // Scale in one pod a minute: nginx is cheap to keep, and slow scale-in avoids flapping.
      ...replicated(v.web, { scaleDown: { stabilizationWindowSeconds: 300, podsPerPeriod: 1, periodSeconds: 60 } }),
      terminationGracePeriodSeconds: 30,
      service: { ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      config: [{ source: webConfig, as: 'volume', volumeName: 'nginx-conf', mountPath: '/etc/nginx/conf.d' }],
      containers: [{
        name: 'nginx',
        image: image(v.web.image),
        // nginx-unprivileged's own numeric user.
        runAsUser: 101,
        runAsGroup: 101,
        ports: [{ name: 'http', containerPort: PORTS.web }],
        resources: v.web.resources,
        readiness: { type: 'http', path: '/healthz', port: 'http', periodSeconds: 5 },
        liveness: { type: 'tcp', port: 'http', periodSeconds: 10, failureThreshold: 6 },
        // Let endpoints drop the pod before nginx stops accepting connections.
        preStop: { type: 'exec', command: ['/bin/sh', '-c', 'sleep 5'] },
        writablePaths: ['/tmp', '/var/cache/nginx'],
      }],
    });

    // API: podinfo, with the database credentials from the Secret Pulumi creates.
    const apiConfig = new AppConfig(this, 'api-config', {
      ...identity('api', 'backend'), configMapName: 'api-settings',
      data: { PODINFO_LEVEL: v.api.logLevel, PODINFO_UI_MESSAGE: `shop ${v.name}`, DATABASE_HOST: 'db', DATABASE_PORT: String(PORTS.db) },
    });
    const api = new WebService(this, 'api', {
      ...identity('api', 'backend', v.api.image.tag),
      lintWaivers: {
        kubeLinter: { 'read-secret-from-env-var': CREDENTIALS_FROM_ENV, 'env-value-from': CREDENTIALS_SECRET },
        polaris: { ...POLARIS_EVERY_WORKLOAD, deploymentMissingReplicas: 'the HorizontalPodAutoscaler owns the replica count (minReplicas 2)' },
      },
      // Scale out fast on bursts (double, or four pods, every 30 s), in by half at most per minute.
      ...replicated(v.api, {
        scaleUp: { podsPerPeriod: 4, percentPerPeriod: 100, periodSeconds: 30 },
        scaleDown: { stabilizationWindowSeconds: 300, percentPerPeriod: 50, periodSeconds: 60 },
      }),
      service: { ports: [{ name: 'http', port: PORTS.api, targetPort: 'http' }] },
      // podinfo serves Prometheus metrics on its http port.
      ...(v.monitoring.enabled ? { metrics: { port: 'http', path: '/metrics', interval: v.monitoring.scrapeInterval } } : {}),
      config: [
        { source: apiConfig, as: 'envFrom' },
        { source: dbSecret, as: 'env', env: { DATABASE_NAME: 'database', DATABASE_USER: 'username', DATABASE_PASSWORD: 'password' } },
      ],
      containers: [{
        name: 'podinfo',
        image: image(v.api.image),
        // The image's USER is a name ("app"), which the kubelet cannot check against runAsNonRoot:
        // give a numeric user. podinfo only writes to its emptyDir paths, so any non-root uid works.
        runAsUser: 10001,
        runAsGroup: 10001,
        command: ['./podinfo'],
        args: [`--port=${PORTS.api}`, '--data-path=/data', '--level=$(PODINFO_LEVEL)'],
        ports: [{ name: 'http', containerPort: PORTS.api }],
        resources: v.api.resources,
        startup: { type: 'http', path: '/healthz', port: 'http', periodSeconds: 2, failureThreshold: 30 },
        readiness: { type: 'http', path: '/readyz', port: 'http', periodSeconds: 5 },
        liveness: { type: 'http', path: '/healthz', port: 'http', periodSeconds: 10, failureThreshold: 6 },
        preStop: { type: 'exec', command: ['/bin/sh', '-c', 'sleep 5'] },
        writablePaths: ['/data', '/tmp'],
      }],
    });

    // Database: PostgreSQL on the dedicated tainted pool, one volume per pod.
    const pgEnv = { POSTGRES_DB: 'database', POSTGRES_USER: 'username', POSTGRES_PASSWORD: 'password' };
    const db = new StatefulService(this, 'db', {
      ...identity('db', 'database', v.database.image.tag),
      lintWaivers: {
        kubeScore: { [LOW_ID_CHECK]: POSTGRES_USER_REASON },
        kubeLinter: { 'read-secret-from-env-var': CREDENTIALS_FROM_ENV, 'env-value-from': CREDENTIALS_SECRET },
        polaris: { ...POLARIS_EVERY_WORKLOAD, topologySpreadConstraint: 'one database pod, on the dedicated pool' },
      },
      replicas: v.database.replicas,
      nodePool: platform.nodePool(v.database.nodePool),
      priorityClassName: platform.priorityClassName(v.database.priorityClass),
      terminationGracePeriodSeconds: 60,
      qosClass: v.database.resources.cpu.limit === v.database.resources.cpu.request && v.database.resources.memory.limit === v.database.resources.memory.request ? 'Guaranteed' : 'Burstable',
      fsGroup: 70,
      volumeClaims: [{ name: 'data', storageSize: v.database.storageSize, storageClassName: platform.storageClassName, mountPath: '/var/lib/postgresql/data' }],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      config: [{ source: dbSecret, as: 'env', env: pgEnv }],
      containers: [{
        name: 'postgres',
        image: image(v.database.image),
        // The alpine image's postgres user; the data directory is a subfolder so lost+found is no problem.
        runAsUser: 70,
        runAsGroup: 70,
        env: { PGDATA: '/var/lib/postgresql/data/pgdata' },
        ports: [{ name: 'postgres', containerPort: PORTS.db }],
        resources: v.database.resources,
        startup: { type: 'exec', command: ['/bin/sh', '-c', 'pg_isready -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'], periodSeconds: 5, failureThreshold: 60 },
        readiness: { type: 'exec', command: ['/bin/sh', '-c', 'pg_isready -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'], periodSeconds: 10, timeoutSeconds: 5 },
        liveness: { type: 'tcp', port: 'postgres', periodSeconds: 15, failureThreshold: 6 },
        writablePaths: ['/var/run/postgresql', '/tmp'],
      }],
    });

    // Nightly logical backup to its own volume, on the batch tier.
    const backupClaim = new Claim(this, 'backup-volume', {
      name: 'db-backups', namespace: ns, storageSize: v.backup.storageSize, storageClassName: platform.storageClassName,
      labels: { 'app.kubernetes.io/name': 'db-backup', 'app.kubernetes.io/part-of': app, 'app.kubernetes.io/component': 'backup' },
    });
    const backup = new ScheduledJob(this, 'db-backup', {
      ...identity('db-backup', 'backup', v.database.image.tag),
      lintWaivers: {
        kubeScore: { [LOW_ID_CHECK]: POSTGRES_USER_REASON },
        kubeLinter: {
          'read-secret-from-env-var': CREDENTIALS_FROM_ENV, 'env-value-from': CREDENTIALS_SECRET,
          ...KUBE_LINTER_BATCH,
        },
        polaris: POLARIS_EVERY_WORKLOAD,
      },
      schedule: v.backup.schedule,
      timeZone: v.backup.timeZone,
      suspend: v.backup.suspend,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 600,
      backoffLimit: 2,
      activeDeadlineSeconds: 3600,
      restartPolicy: 'Never',
      nodePool: platform.nodePool(v.backup.nodePool),
      priorityClassName: platform.priorityClassName(v.backup.priorityClass),
      fsGroup: 70,
      volumes: [{ name: 'backups', type: 'persistentVolumeClaim', claimName: backupClaim.claimName }],
      config: [{ source: dbSecret, as: 'env', env: { PGDATABASE: 'database', PGUSER: 'username', PGPASSWORD: 'password' } }],
      containers: [{
        name: 'pg-dump',
        image: image(v.database.image),
        runAsUser: 70,
        runAsGroup: 70,
        command: ['/bin/sh', '-c'],
        // No pipe, so no lost exit status: pg_dump writes its own compressed archive, a failed or
        // empty dump fails the Job and leaves the earlier backups alone, and old ones are pruned
        // only after a good one is in place.
        args: [[
          'set -eu',
          'f="/backups/$PGDATABASE-$(date -u +%Y%m%dT%H%M%SZ).dump"',
          'trap \'rm -f "$f.partial"\' EXIT',
          `pg_dump -h db -p ${PORTS.db} --no-owner --format=custom --file="$f.partial"`,
          'test -s "$f.partial"',
          'mv "$f.partial" "$f"',
          'find /backups -name "*.dump" -mtime +7 -delete',
        ].join('; ')],
        resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
        mounts: [{ volume: 'backups', mountPath: '/backups', readOnly: false }],
        writablePaths: ['/tmp'],
      }],
    });

    // The edge. On minikube: the notes' TLS Ingress, its Secret created at deploy time (Pulumi or
    // cert-manager), never written here. On GKE: the built-in Gateway controller, with the
    // certificate map and reserved address the stack creates (infra/gke-edge.ts).
    const sel = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${app}-${name}` });
    namespace.allowDns();
    if (v.ingress.edge === 'gke-gateway') {
      const names = gatewayNames(v, app);
      new HttpsGateway(this, 'gateway', {
        ...identity('web', 'frontend'),
        gatewayName: 'shop',
        gatewayClassName: v.ingress.className,
        host: v.ingress.host,
        backend: { service: web.service!, port: 'http' },
        tls: { certificateMap: names.certificateMap },
        addressName: names.address,
      });
      // Google's load balancers reach the pods directly (container-native, through NEGs), from
      // their proxy and health-check ranges; nothing else from outside the cluster does.
      namespace.allowIngressFromCidr({ name: 'load-balancer-to-web', to: web.identity.selector, cidrs: [...GOOGLE_LOAD_BALANCER_RANGES], ports: [PORTS.web] });
    } else {
      new TlsIngress(this, 'ingress', {
        ...identity('web', 'frontend'),
        ingressName: 'shop',
        ingressClassName: v.ingress.className,
        rules: [{ host: v.ingress.host, paths: [{ path: '/', pathType: 'Prefix', service: web.service!, servicePort: 'http' }] }],
        tls: { secretName: v.ingress.tls.secretName!, hosts: [v.ingress.host] },
        certManager: v.ingress.tls.source === 'cert-manager' ? { clusterIssuer: v.ingress.tls.clusterIssuer! } : undefined,
        annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true', 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' },
      });
      // The real flows, and nothing else: ingress controller → web → api → db, backup → db, DNS.
      namespace.allowFromIngressController({ to: web.identity.selector, ports: [PORTS.web], controllerNamespace: v.guardrails.ingressControllerNamespace });
    }
    if (v.ingress.tls.source === 'cert-manager') {
      // cert-manager answers ACME HTTP-01 challenges from solver pods in this namespace, reached
      // through the same ingress controller; without this, default-deny stalls every issuance.
      const solver = namespace.allowFromIngressController({
        name: 'ingress-controller-to-acme-solver', to: { 'acme.cert-manager.io/http01-solver': 'true' }, ports: [8089],
        controllerNamespace: v.guardrails.ingressControllerNamespace,
      });
      const solverReason = 'the ACME solver pods it admits exist only while cert-manager answers a challenge';
      addLintWaivers(this, solver, { kubeScore: { 'networkpolicy-targets-pod': solverReason }, kubeLinter: { 'dangling-networkpolicy': solverReason } });
    }
    if (v.monitoring.enabled) {
      // Prometheus (kube-prometheus-stack, installed by the stack) scrapes the api's /metrics.
      namespace.allowFromIngressController({
        name: 'prometheus-to-api', to: api.identity.selector, ports: [PORTS.api],
        controllerNamespace: v.monitoring.namespace, controllerSelector: { 'app.kubernetes.io/name': 'prometheus' },
      });
    }
    namespace.allowFlow({ name: 'web-to-api', from: web.identity.selector, to: api.identity.selector, ports: [PORTS.api] });
    namespace.allowFlow({ name: 'api-to-db', from: api.identity.selector, to: db.identity.selector, ports: [PORTS.db] });
    namespace.allowFlow({ name: 'backup-to-db', from: backup.identity.selector, to: sel('db'), ports: [PORTS.db] });

    // Node agents: their own namespace, because a log collector needs read-only host paths, which
    // the "restricted" and "baseline" Pod Security levels forbid. The audit log still records every
    // departure from restricted; warnings follow the enforce level, since a warning on every apply
    // for the one reviewed and waived exception teaches people to ignore warnings (the API server
    // answered every `kubectl apply` with one until this was found by the end-to-end suite).
    const system = new GuardedNamespace(this, 'system-namespace', {
      name: v.systemNamespace,
      labels: { 'app.kubernetes.io/part-of': app, 'k8s-stack.io/environment': v.name },
      enforce: 'privileged',
      audit: 'restricted',
      warn: 'privileged',
      quota: { pods: 50, services: 0, loadBalancers: 0, nodePorts: 0, persistentVolumeClaims: 0, requestsCpu: '2', requestsMemory: '4Gi', limitsCpu: '8', limitsMemory: '8Gi' },
      limitRange: {
        container: {
          default: { cpu: '200m', memory: '128Mi' },
          defaultRequest: { cpu: '50m', memory: '64Mi' },
          max: { cpu: '1', memory: '1Gi' },
        },
      },
    });
    system.allowDns();
    const apiServer = v.cluster.kind === 'gke' && v.cluster.gke
      // Private GKE: pods reach the control plane's private endpoint.
      ? { cidrs: [v.cluster.gke.masterCidr], port: 443 }
      // minikube: the control-plane node's address, which every driver takes from 192.168.0.0/16
      // (docker 192.168.49.0/24 and up per profile, kvm2 .39, virtualbox .59, qemu .105).
      : { cidrs: ['192.168.0.0/16'], port: 8443 };
    const logsConfig = new AppConfig(this, 'logs-config', {
      name: 'log-agent', partOf: app, component: 'logging', namespace: v.systemNamespace,
      configMapName: 'log-agent', files: { 'fluent-bit.conf': fluentBitConfig({ cluster: v.name, ownNamespace: v.systemNamespace }), 'parsers.conf': '' },
    });
    const agent = new NodeAgent(this, 'log-agent', {
      lintWaivers: {
        kubeLinter: { 'no-node-affinity': 'a DaemonSet that belongs on every node' },
        polaris: {
          ...POLARIS_EVERY_WORKLOAD,
          hostPathSet: 'reads node logs from /var/log, read-only (waived in the environment)',
          topologySpreadConstraint: 'a DaemonSet runs one pod per node',
          automountServiceAccountToken: 'reads pod metadata from the API server to label log lines',
        },
      },
      name: 'log-agent', partOf: app, component: 'logging', version: v.logging.image.tag, namespace: v.systemNamespace,
      maxUnavailable: 1,
      tolerateNodePools: v.nodePools.map((p) => platform.nodePool(p.name)),
      priorityClassName: platform.priorityClassName(v.web.priorityClass),
      readPodMetadata: true,
      // Node log files are 0640 root:root: the group bit lets a non-root agent read them, so the
      // agent keeps runAsNonRoot (no root user, no capabilities) while reading through a read-only mount.
      supplementalGroups: [0],
      config: [{ source: logsConfig, as: 'volume', volumeName: 'config', mountPath: '/fluent-bit/etc' }],
      volumes: [{ name: 'varlog', type: 'hostPath', path: '/var/log', hostPathType: 'Directory' }],
      containers: [{
        name: 'fluent-bit',
        image: image(v.logging.image),
        runAsUser: 65534,
        runAsGroup: 65534,
        ports: [{ name: 'metrics', containerPort: 2020 }],
        resources: v.logging.resources,
        readiness: { type: 'http', path: '/api/v1/health', port: 'metrics', periodSeconds: 10 },
        liveness: { type: 'http', path: '/', port: 'metrics', periodSeconds: 20, failureThreshold: 6 },
        mounts: [{ volume: 'varlog', mountPath: '/var/log', readOnly: true }],
        writablePaths: ['/tmp'],
      }],
    });
    system.allowEgressToCidr({ name: 'log-agent-to-apiserver', from: agent.identity.selector, cidrs: apiServer.cidrs, ports: [apiServer.port] });
  }
}
