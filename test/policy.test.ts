import { NodePoolSpec } from '../constructs/node-pool';
import { evaluate, formatViolation, KubeObject, NEVER_WAIVABLE, PolicyContext, PolicyWaiver, RULES, Violation, WAIVER_ANNOTATION_PREFIX } from '../policy';

// ---------------------------------------------------------------------------------------------
// A compliant environment: one namespace holding everything the rules ask for.
// ---------------------------------------------------------------------------------------------

const NS = 'shop';
const WEB = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'shop-web' };
const DB = { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'shop-db' };
const REPORT = { 'app.kubernetes.io/name': 'report', 'app.kubernetes.io/instance': 'shop-report' };

const POOLS: NodePoolSpec[] = [
  { name: 'general' },
  { name: 'batch', labels: { 'k8s-stack.io/workload': 'batch' }, taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] },
];
const CTX: PolicyContext = { environment: 'prod', production: true, nodePools: POOLS, allowedRegistries: ['docker.io', 'ghcr.io', 'registry.example.com'] };

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: NS, ...extra });

/** A container that passes every rule, as restrictedContainerSecurity() configures one. */
function container(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    image: `registry.example.com/shop/${name}:1.4.2`,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi', 'ephemeral-storage': '1Gi' } },
    securityContext: {
      runAsNonRoot: true,
      privileged: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...extra,
  };
}

/** A pod spec that passes every rule. */
function podSpec(containers: object[], extra: Record<string, unknown> = {}) {
  return {
    serviceAccountName: 'shop',
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    containers,
    volumes: [{ name: 'tmp', emptyDir: {} }],
    ...extra,
  };
}

const BASE = {
  namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } as Record<string, string> } },
  quota: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('quota'), spec: { hard: { 'requests.cpu': '8', 'limits.memory': '16Gi' } } },
  limits: { apiVersion: 'v1', kind: 'LimitRange', metadata: meta('limits'), spec: { limits: [{ type: 'Container', default: { memory: '256Mi' }, defaultRequest: { cpu: '100m' } }] } },
  denyAll: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('default-deny'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
  allowWeb: {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('allow-web'),
    spec: { podSelector: { matchLabels: WEB }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 8080 }] }] },
  },
  serviceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('shop'), automountServiceAccountToken: false },
  priorityClass: { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'shop-critical' }, value: 100000 },
  web: {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'),
    spec: {
      replicas: 2,
      selector: { matchLabels: WEB },
      template: {
        metadata: { labels: { ...WEB, 'app.kubernetes.io/version': '1.4.2' } },
        spec: podSpec(
          [container('web', {
            ports: [{ name: 'http', containerPort: 8080 }],
            env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
            livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
            readinessProbe: { tcpSocket: { port: 8080 } },
          })],
          {
            initContainers: [container('migrate')],
            priorityClassName: 'shop-critical',
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: WEB } }],
          },
        ),
      },
    },
  },
  webService: { apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec: { selector: WEB, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
  webBudget: {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('web'),
    spec: { selector: { matchLabels: WEB }, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  },
  webScaler: {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'),
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5 },
  },
  dbService: { apiVersion: 'v1', kind: 'Service', metadata: meta('db'), spec: { clusterIP: 'None', selector: DB, ports: [{ name: 'pg', port: 5432 }] } },
  db: {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db'),
    spec: {
      replicas: 1,
      serviceName: 'db',
      selector: { matchLabels: DB },
      template: {
        metadata: { labels: DB },
        spec: podSpec([container('db', { ports: [{ name: 'pg', containerPort: 5432 }], readinessProbe: { tcpSocket: { port: 'pg' } } })]),
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
    },
  },
  report: {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('report'),
    spec: {
      schedule: '30 2 * * *',
      startingDeadlineSeconds: 300,
      jobTemplate: {
        spec: {
          ttlSecondsAfterFinished: 3600,
          template: {
            metadata: { labels: REPORT },
            spec: podSpec([container('report')], {
              restartPolicy: 'OnFailure',
              nodeSelector: { 'k8s-stack.io/pool': 'batch' },
              tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }],
            }),
          },
        },
      },
    },
  },
  ingress: {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('web'),
    spec: {
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }],
    },
  },
} satisfies Record<string, KubeObject>;

type Fixture = Record<keyof typeof BASE, KubeObject>;

/** A deep copy of the compliant fixture, so that every case mutates its own. */
const fixture = (): Fixture => structuredClone(BASE);
const objectsOf = (f: Partial<Fixture>, extra: KubeObject[] = []): KubeObject[] => [...Object.values(f), ...extra];

/** The template spec paths of the fixture's workloads. */
const WEB_POD = 'spec.template.spec';
const REPORT_POD = 'spec.jobTemplate.spec.template.spec';

/** A node agent: needs the host's log directory, so it waives the two controls hostPath breaks. */
function nodeAgent(annotations: Record<string, string>): KubeObject {
  const labels = { 'app.kubernetes.io/name': 'log-agent', 'app.kubernetes.io/instance': 'shop-log-agent' };
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('log-agent', { annotations }),
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: podSpec([container('agent', { volumeMounts: [{ name: 'logs', mountPath: '/var/log', readOnly: true }] })], {
          volumes: [{ name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } }],
        }),
      },
    },
  };
}

const waive = (rule: string, reason: string) => ({ [`${WAIVER_ANNOTATION_PREFIX}${rule}`]: reason });

// ---------------------------------------------------------------------------------------------
// One firing case per rule (some rules have several); the ids they cover must be all of RULES.
// ---------------------------------------------------------------------------------------------

interface Firing {
  readonly rule: string;
  readonly when: string;
  /** Mutates the fixture; objects it returns are added to it. */
  readonly mutate: (f: Fixture) => KubeObject[] | void;
  /** One violation of `rule` must match this. */
  readonly expected: { readonly object: string; readonly path: string; readonly value: unknown; readonly message: RegExp };
  /** Rules that must fire with it because they judge the same field (PSS defines overlapping controls). */
  readonly alsoFires?: readonly string[];
}

const covered = new Set<string>();
function firing(cases: Firing[]): Firing[] {
  for (const c of cases) covered.add(c.rule);
  return cases;
}

const web = (f: Fixture) => f.web.spec.template.spec;
const webContainer = (f: Fixture) => web(f).containers[0];
const db = (f: Fixture) => f.db.spec.template.spec;
const reportPod = (f: Fixture) => f.report.spec.jobTemplate.spec.template.spec;

const POD_SECURITY: Firing[] = firing([
  {
    rule: 'pss-host-process', when: 'the pod is a Windows HostProcess',
    mutate: (f) => { web(f).securityContext.windowsOptions = { hostProcess: true }; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.securityContext.windowsOptions.hostProcess`, value: true, message: /HostProcess/ },
  },
  {
    rule: 'pss-host-namespaces', when: 'the pod uses the host network',
    mutate: (f) => { web(f).hostNetwork = true; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.hostNetwork`, value: true, message: /node's network namespace/ },
  },
  {
    rule: 'pss-host-namespaces', when: 'the pod shares the host PID namespace',
    mutate: (f) => { db(f).hostPID = true; },
    expected: { object: 'StatefulSet shop/db', path: `${WEB_POD}.hostPID`, value: true, message: /process namespace/ },
  },
  {
    rule: 'pss-privileged', when: 'a container is privileged',
    mutate: (f) => { webContainer(f).securityContext.privileged = true; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].securityContext.privileged`, value: true, message: /privileged/ },
  },
  {
    rule: 'pss-capabilities', when: 'a container adds a capability outside the baseline list',
    mutate: (f) => { webContainer(f).securityContext.capabilities.add = ['SYS_ADMIN']; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].securityContext.capabilities.add[0]`, value: 'SYS_ADMIN', message: /baseline/ },
  },
  {
    rule: 'pss-capabilities', when: 'a container adds a baseline capability other than NET_BIND_SERVICE',
    mutate: (f) => { webContainer(f).securityContext.capabilities.add = ['NET_BIND_SERVICE', 'CHOWN']; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].securityContext.capabilities.add[1]`, value: 'CHOWN', message: /only NET_BIND_SERVICE/ },
  },
  {
    rule: 'pss-capabilities', when: 'an init container does not drop ALL',
    mutate: (f) => { web(f).initContainers[0].securityContext.capabilities = { drop: ['NET_RAW'] }; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.initContainers[0].securityContext.capabilities.drop`, value: ['NET_RAW'], message: /does not drop ALL/ },
  },
  {
    rule: 'pss-host-path-volumes', when: 'the pod mounts a hostPath volume',
    mutate: (f) => { web(f).volumes.push({ name: 'logs', hostPath: { path: '/var/log' } }); },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.volumes[1].hostPath`, value: { path: '/var/log' }, message: /node's filesystem/ },
    // hostPath breaks both the baseline HostPath control and the restricted Volume Types control.
    alsoFires: ['pss-volume-types'],
  },
  {
    rule: 'pss-host-ports', when: 'a container binds a host port',
    mutate: (f) => { webContainer(f).ports[0].hostPort = 8080; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].ports[0].hostPort`, value: 8080, message: /port of the node/ },
  },
  {
    rule: 'pss-apparmor', when: 'a container runs unconfined by AppArmor',
    mutate: (f) => { f.web.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' }; },
    expected: {
      object: 'Deployment shop/web', path: 'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]',
      value: 'unconfined', message: /AppArmor profile of container "web"/,
    },
  },
  {
    rule: 'pss-selinux', when: 'a container sets a privileged SELinux type',
    mutate: (f) => { webContainer(f).securityContext.seLinuxOptions = { type: 'spc_t' }; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].securityContext.seLinuxOptions.type`, value: 'spc_t', message: /SELinux type/ },
  },
  {
    rule: 'pss-selinux', when: 'the pod sets an SELinux role',
    mutate: (f) => { web(f).securityContext.seLinuxOptions = { role: 'sysadm_r', level: 's0:c123,c456' }; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.securityContext.seLinuxOptions.role`, value: 'sysadm_r', message: /custom SELinux role/ },
  },
  {
    rule: 'pss-proc-mount', when: 'a container unmasks /proc',
    mutate: (f) => { webContainer(f).securityContext.procMount = 'Unmasked'; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].securityContext.procMount`, value: 'Unmasked', message: /unmasks \/proc/ },
  },
  {
    rule: 'pss-seccomp', when: 'the pod is Unconfined',
    mutate: (f) => { web(f).securityContext.seccompProfile.type = 'Unconfined'; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.securityContext.seccompProfile.type`, value: 'Unconfined', message: /turns seccomp off/ },
  },
  {
    rule: 'pss-seccomp', when: 'neither the pod nor its container set a profile',
    mutate: (f) => { delete db(f).securityContext.seccompProfile; delete db(f).containers[0].securityContext.seccompProfile; },
    expected: { object: 'StatefulSet shop/db', path: `${WEB_POD}.securityContext.seccompProfile.type`, value: undefined, message: /neither is the profile of container "db"/ },
  },
  {
    rule: 'pss-sysctls', when: 'the pod sets an unsafe sysctl',
    mutate: (f) => { web(f).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.securityContext.sysctls[0].name`, value: 'kernel.msgmax', message: /not a namespaced sysctl/ },
  },
  {
    rule: 'pss-volume-types', when: 'the pod mounts an NFS volume',
    mutate: (f) => { web(f).volumes.push({ name: 'share', nfs: { server: 'nfs.example.com', path: '/exports' } }); },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.volumes[1]`, value: 'nfs', message: /of type nfs/ },
  },
  {
    rule: 'pss-privilege-escalation', when: 'a container leaves allowPrivilegeEscalation unset',
    mutate: (f) => { delete web(f).initContainers[0].securityContext.allowPrivilegeEscalation; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.initContainers[0].securityContext.allowPrivilegeEscalation`, value: undefined, message: /more privileges/ },
  },
  {
    rule: 'pss-run-as-non-root', when: 'a container sets runAsNonRoot false',
    mutate: (f) => { webContainer(f).securityContext.runAsNonRoot = false; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].securityContext.runAsNonRoot`, value: false, message: /run as root/ },
  },
  {
    rule: 'pss-run-as-non-root', when: 'neither the pod nor its container set runAsNonRoot',
    mutate: (f) => { delete db(f).securityContext.runAsNonRoot; delete db(f).containers[0].securityContext.runAsNonRoot; },
    expected: { object: 'StatefulSet shop/db', path: `${WEB_POD}.securityContext.runAsNonRoot`, value: undefined, message: /may run as root/ },
  },
  {
    rule: 'pss-run-as-user', when: 'a container runs as UID 0',
    mutate: (f) => { webContainer(f).securityContext.runAsUser = 0; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].securityContext.runAsUser`, value: 0, message: /as root/ },
  },
]);

const KUBE_LINTER: Firing[] = firing([
  {
    rule: 'no-read-only-root-fs', when: 'an init container has a writable root filesystem',
    mutate: (f) => { web(f).initContainers[0].securityContext.readOnlyRootFilesystem = false; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.initContainers[0].securityContext.readOnlyRootFilesystem`, value: false, message: /write to its image/ },
  },
  {
    rule: 'latest-tag', when: 'an image has no tag',
    mutate: (f) => { webContainer(f).image = 'nginx'; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].image`, value: 'nginx', message: /no tag/ },
  },
  {
    rule: 'latest-tag', when: 'an image uses :latest',
    mutate: (f) => { reportPod(f).containers[0].image = 'registry.example.com/report:latest'; },
    expected: { object: 'CronJob shop/report', path: `${REPORT_POD}.containers[0].image`, value: 'registry.example.com/report:latest', message: /"latest"/ },
  },
  {
    rule: 'unset-cpu-requirements', when: 'an init container requests no CPU',
    mutate: (f) => { delete web(f).initContainers[0].resources.requests.cpu; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.initContainers[0].resources.requests.cpu`, value: undefined, message: /not set for container "migrate"/ },
  },
  {
    rule: 'unset-memory-requirements', when: 'a container has no memory limit',
    mutate: (f) => { delete webContainer(f).resources.limits.memory; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].resources.limits.memory`, value: undefined, message: /all of the node's memory/ },
  },
  {
    rule: 'unset-memory-requirements', when: 'a memory limit is zero',
    mutate: (f) => { webContainer(f).resources.limits.memory = '0'; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].resources.limits.memory`, value: '0', message: /^is zero/ },
  },
  {
    rule: 'dangling-service', when: 'a Service selects no pod template',
    mutate: (f) => { f.webService.spec.selector = { 'app.kubernetes.io/name': 'frontend' }; },
    expected: { object: 'Service shop/web', path: 'spec.selector', value: { 'app.kubernetes.io/name': 'frontend' }, message: /no endpoints/ },
  },
  {
    rule: 'mismatching-selector', when: "a Deployment selector does not match its template's labels",
    mutate: (f) => { f.web.spec.selector = { matchLabels: { ...WEB, 'app.kubernetes.io/instance': 'other' } }; },
    expected: {
      object: 'Deployment shop/web', path: 'spec.selector', value: { matchLabels: { ...WEB, 'app.kubernetes.io/instance': 'other' } }, message: /does not select the pod template's labels/,
    },
  },
  {
    rule: 'default-service-account', when: "a pod runs as the default ServiceAccount with a token",
    mutate: (f) => { delete db(f).serviceAccountName; delete db(f).automountServiceAccountToken; },
    expected: { object: 'StatefulSet shop/db', path: `${WEB_POD}.serviceAccountName`, value: undefined, message: /"default" ServiceAccount/ },
  },
  {
    rule: 'probe-port', when: 'a probe names a port the container does not declare',
    mutate: (f) => { webContainer(f).livenessProbe.httpGet.port = 'metrics'; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].livenessProbe.httpGet.port`, value: 'metrics', message: /declared: http/ },
  },
  {
    rule: 'probe-port', when: 'a probe uses a port number the container does not declare',
    mutate: (f) => { webContainer(f).readinessProbe.tcpSocket.port = 9090; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].readinessProbe.tcpSocket.port`, value: 9090, message: /not a port container "web" declares/ },
  },
  {
    rule: 'duplicate-env-var', when: 'a container sets one variable twice',
    mutate: (f) => { webContainer(f).env.push({ name: 'LOG_LEVEL', value: 'debug' }); },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].env[2].name`, value: 'LOG_LEVEL', message: /repeats spec\.template\.spec\.containers\[0\]\.env\[0\]/ },
  },
  {
    rule: 'env-var-secret', when: 'a secret-looking variable has a literal value',
    mutate: (f) => { webContainer(f).env.push({ name: 'STRIPE_API_KEY', value: 'sk_live_123' }); },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].env[2].value`, value: '<redacted>', message: /literal secret in STRIPE_API_KEY/ },
  },
  {
    rule: 'no-anti-affinity', when: 'a 2-replica Deployment does not spread its pods',
    mutate: (f) => { delete web(f).topologySpreadConstraints; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.affinity.podAntiAffinity`, value: undefined, message: /all 5 replicas may land on one node/ },
  },
  {
    rule: 'no-anti-affinity', when: "the spread constraint selects other pods than the workload's",
    mutate: (f) => { web(f).topologySpreadConstraints[0].labelSelector = { matchLabels: DB }; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.affinity.podAntiAffinity`, value: undefined, message: /selects the workload's own pods/ },
  },
  {
    rule: 'pdb-max-unavailable', when: 'a PDB allows no unavailable pod',
    mutate: (f) => { f.webBudget.spec.maxUnavailable = '0%'; },
    expected: { object: 'PodDisruptionBudget shop/web', path: 'spec.maxUnavailable', value: '0%', message: /no pod be evicted/ },
  },
  {
    rule: 'pdb-min-available', when: "minAvailable equals the workload's fewest replicas",
    mutate: (f) => { delete f.webBudget.spec.maxUnavailable; f.webBudget.spec.minAvailable = 2; },
    expected: { object: 'PodDisruptionBudget shop/web', path: 'spec.minAvailable', value: 2, message: /Deployment web runs 2 pods at the least/ },
  },
  {
    rule: 'pdb-min-available', when: 'minAvailable is 100%',
    mutate: (f) => { delete f.webBudget.spec.maxUnavailable; f.webBudget.spec.minAvailable = '100%'; },
    expected: { object: 'PodDisruptionBudget shop/web', path: 'spec.minAvailable', value: '100%', message: /keeps every pod/ },
  },
  {
    rule: 'pdb-unhealthy-pod-eviction-policy', when: 'a PDB leaves unhealthyPodEvictionPolicy unset',
    mutate: (f) => { delete f.webBudget.spec.unhealthyPodEvictionPolicy; },
    expected: { object: 'PodDisruptionBudget shop/web', path: 'spec.unhealthyPodEvictionPolicy', value: undefined, message: /never become ready/ },
  },
  {
    rule: 'job-ttl-seconds-after-finished', when: 'a standalone Job has no TTL',
    mutate: (f) => {
      const spec = structuredClone(f.report.spec.jobTemplate.spec);
      delete spec.ttlSecondsAfterFinished;
      return [{ apiVersion: 'batch/v1', kind: 'Job', metadata: meta('backfill'), spec }];
    },
    expected: { object: 'Job shop/backfill', path: 'spec.ttlSecondsAfterFinished', value: undefined, message: /stay forever/ },
  },
]);

const KUBE_SCORE: Firing[] = firing([
  {
    rule: 'has-poddisruptionbudget', when: 'a scaled Deployment has no PDB',
    mutate: (f) => { delete (f as Partial<Fixture>).webBudget; },
    expected: { object: 'Deployment shop/web', path: 'spec.replicas', value: 2, message: /runs up to 5 pods but no PodDisruptionBudget/ },
  },
  {
    rule: 'statefulset-has-servicename', when: 'the StatefulSet names a Service that is not headless',
    mutate: (f) => { delete f.dbService.spec.clusterIP; },
    expected: { object: 'StatefulSet shop/db', path: 'spec.serviceName', value: 'db', message: /not headless/ },
  },
  {
    rule: 'statefulset-has-servicename', when: 'the StatefulSet names a missing Service',
    mutate: (f) => { f.db.spec.serviceName = 'postgres'; },
    expected: { object: 'StatefulSet shop/db', path: 'spec.serviceName', value: 'postgres', message: /names no Service in namespace "shop"/ },
  },
  {
    rule: 'cronjob-has-deadline', when: 'a CronJob has no startingDeadlineSeconds',
    mutate: (f) => { delete f.report.spec.startingDeadlineSeconds; },
    expected: { object: 'CronJob shop/report', path: 'spec.startingDeadlineSeconds', value: undefined, message: /100 missed schedules/ },
  },
  {
    rule: 'ingress-targets-service', when: 'an Ingress backend names a port the Service does not expose',
    mutate: (f) => { f.ingress.spec.rules[0].http.paths[0].backend.service.port = { name: 'https' }; },
    expected: { object: 'Ingress shop/web', path: 'spec.rules[0].http.paths[0].backend.service.port.name', value: 'https', message: /exposes \(http \(80\)\)/ },
  },
  {
    rule: 'ingress-targets-service', when: 'an Ingress backend names a missing Service',
    mutate: (f) => { f.ingress.spec.rules[0].http.paths[0].backend.service.name = 'api'; },
    expected: { object: 'Ingress shop/web', path: 'spec.rules[0].http.paths[0].backend.service.name', value: 'api', message: /names no Service/ },
  },
  {
    rule: 'horizontalpodautoscaler-has-target', when: 'an HPA targets a missing Deployment',
    mutate: (f) => { f.webScaler.spec.scaleTargetRef.name = 'frontend'; },
    expected: { object: 'HorizontalPodAutoscaler shop/web', path: 'spec.scaleTargetRef.name', value: 'frontend', message: /names no Deployment/ },
  },
  {
    rule: 'horizontalpodautoscaler-replicas', when: 'a production HPA may shrink to one pod',
    mutate: (f) => { delete f.webScaler.spec.minReplicas; },
    expected: { object: 'HorizontalPodAutoscaler shop/web', path: 'spec.minReplicas', value: undefined, message: /shrink to 1 pod in production environment "prod"/ },
  },
  {
    // The default-deny policy selects every pod, so the rule only bites where that policy is waived.
    rule: 'pod-networkpolicy', when: 'no NetworkPolicy selects a pod',
    mutate: (f) => { delete (f as Partial<Fixture>).denyAll; },
    expected: { object: 'StatefulSet shop/db', path: 'spec.template.metadata.labels', value: DB, message: /selected by no NetworkPolicy/ },
    alsoFires: ['namespace-default-deny'],
  },
  {
    rule: 'service-type', when: 'a production Service is a NodePort',
    mutate: (f) => { f.webService.spec.type = 'NodePort'; },
    expected: { object: 'Service shop/web', path: 'spec.type', value: 'NodePort', message: /every node/ },
  },
]);

const role = (rules: unknown[], kind = 'Role') => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: kind === 'Role' ? meta('app') : { name: 'app' }, rules });
const binding = (roleRef: { kind: string; name: string }, subjects: unknown[], kind = 'RoleBinding') => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: kind === 'RoleBinding' ? meta('app') : { name: 'app' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects });

const RBAC: Firing[] = firing([
  {
    rule: 'rbac-no-wildcards', when: 'a ClusterRole grants every verb on every resource',
    mutate: () => [role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { apiGroups: ['apps'], resources: ['*'], verbs: ['get'] }], 'ClusterRole')],
    expected: { object: 'ClusterRole app', path: 'rules[1].resources[0]', value: '*', message: /grants everything/ },
  },
  {
    rule: 'rbac-no-escalation', when: 'a Role may create RoleBindings',
    mutate: () => [role([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create', 'get'] }])],
    expected: { object: 'Role shop/app', path: 'rules[0].resources', value: 'rolebindings', message: /write RBAC objects/ },
  },
  {
    rule: 'rbac-no-exec-or-proxy', when: 'a Role grants pods/exec',
    mutate: () => [role([{ apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['create', 'get'] }])],
    expected: { object: 'Role shop/app', path: 'rules[0].resources[1]', value: 'pods/exec', message: /shell or a tunnel into running pods/ },
  },
  {
    rule: 'rbac-secrets-by-name', when: 'a Role lists Secrets',
    mutate: () => [role([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }])],
    expected: { object: 'Role shop/app', path: 'rules[0].verbs', value: 'list', message: /reads every Secret/ },
  },
  {
    rule: 'rbac-no-broad-bindings', when: 'cluster-admin is bound to every service account',
    mutate: () => [binding({ kind: 'ClusterRole', name: 'cluster-admin' }, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts' }], 'ClusterRoleBinding')],
    expected: { object: 'ClusterRoleBinding app', path: 'roleRef.name', value: 'cluster-admin', message: /gives the whole cluster away/ },
  },
]);

const EXPOSURE: Firing[] = firing([
  {
    rule: 'webhook-in-cluster', when: 'a mutating webhook points at an outside URL',
    mutate: () => [{ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'inject' }, webhooks: [{ name: 'inject.example.com', clientConfig: { url: 'https://hooks.example.com/mutate' }, admissionReviewVersions: ['v1'], sideEffects: 'None' }] }],
    expected: { object: 'MutatingWebhookConfiguration inject', path: 'webhooks[0].clientConfig.url', value: 'https://hooks.example.com/mutate', message: /outside the cluster/ },
  },
  {
    rule: 'service-pods-readiness', when: 'a Service-fronted container has no readiness probe',
    mutate: (f) => { delete webContainer(f).readinessProbe; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].readinessProbe`, value: undefined, message: /before it can answer/ },
  },
  {
    rule: 'ephemeral-storage-limits', when: 'a container sets no ephemeral-storage limit',
    mutate: (f) => { delete webContainer(f).resources.limits['ephemeral-storage']; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].resources.limits.ephemeral-storage`, value: undefined, message: /fill the node's disk/ },
  },
  {
    rule: 'image-registry-allowed', when: 'an image comes from a registry the environment does not allow',
    mutate: (f) => { webContainer(f).image = 'evil.example.com/nginx:1.27.4'; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].image`, value: 'evil.example.com/nginx:1.27.4', message: /which the environment does not allow \(docker.io, ghcr.io, registry.example.com\)/ },
  },
  {
    rule: 'no-sensitive-host-path', when: 'a pod mounts the container runtime socket',
    mutate: (f) => { web(f).volumes = [...(web(f).volumes ?? []), { name: 'sock', hostPath: { path: '/var/run/docker.sock' } }]; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.volumes[${BASE.web.spec.template.spec.volumes?.length ?? 0}].hostPath.path`, value: '/var/run/docker.sock', message: /hands the pod the node itself/ },
    alsoFires: ['pss-host-path-volumes', 'pss-volume-types'],
  },
  {
    rule: 'namespace-restricted', when: 'an application namespace enforces baseline (--set guardrails.podSecurity=baseline)',
    mutate: (f) => { f.namespace.metadata.labels = { ...f.namespace.metadata.labels, 'pod-security.kubernetes.io/enforce': 'baseline' }; },
    expected: { object: 'Namespace shop', path: 'metadata.labels["pod-security.kubernetes.io/enforce"]', value: 'baseline', message: /below the "restricted" profile/ },
  },
  {
    rule: 'networkpolicy-no-allow-all', when: 'a NetworkPolicy admits every source',
    mutate: (f) => { f.allowWeb.spec.ingress = [{}]; },
    expected: { object: 'NetworkPolicy shop/allow-web', path: 'spec.ingress[0]', value: {}, message: /admits every source/ },
  },
  {
    rule: 'loadbalancer-source-ranges', when: 'a LoadBalancer Service is open to the world',
    mutate: (f) => { f.webService.spec.type = 'LoadBalancer'; },
    expected: { object: 'Service shop/web', path: 'spec.loadBalancerSourceRanges', value: undefined, message: /open to the internet/ },
  },
  {
    rule: 'ingress-tls', when: 'an Ingress serves plain HTTP',
    mutate: (f) => { delete f.ingress.spec.tls; },
    expected: { object: 'Ingress shop/web', path: 'spec.tls', value: undefined, message: /plain HTTP/ },
  },
  {
    rule: 'no-hostpath-volume', when: 'a PersistentVolume mounts the node\'s root',
    mutate: () => [{ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'root' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/' } } }],
    expected: { object: 'PersistentVolume root', path: 'spec.hostPath.path', value: '/', message: /node's file system/ },
  },
  {
    rule: 'no-root-group', when: 'a pod runs with fsGroup 0',
    mutate: (f) => { web(f).securityContext.fsGroup = 0; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.securityContext.fsGroup`, value: 0, message: /root group/ },
  },
  {
    rule: 'probe-own-pod', when: 'a probe is aimed at the metadata server',
    mutate: (f) => { webContainer(f).readinessProbe = { httpGet: { host: '169.254.169.254', path: '/', port: 8080 } }; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.containers[0].readinessProbe.httpGet.host`, value: '169.254.169.254', message: /another address/ },
  },
  {
    rule: 'configmap-no-credentials', when: 'a ConfigMap holds a password',
    mutate: () => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings'), data: { DB_PASSWORD: 'hunter2' } }],
    expected: { object: 'ConfigMap shop/settings', path: 'data.DB_PASSWORD', value: '<redacted>', message: /names a credential/ },
  },
]);

const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n';

const STACK: Firing[] = firing([
  {
    rule: 'unique-object', when: 'two objects share kind, namespace and name (a second allow-all policy under a taken name)',
    mutate: (f) => { const twin = structuredClone(f.allowWeb); return [twin]; },
    expected: { object: 'NetworkPolicy shop/allow-web', path: 'metadata.name', value: 'allow-web', message: /kubectl apply keeps only the one written last/ },
  },
  {
    rule: 'pss-privileged', when: 'a ReplicationController (a kind nobody should write, which still runs pods) carries a privileged container',
    mutate: (f) => {
      const template = structuredClone(f.web.spec.template);
      template.spec.containers[0].securityContext.privileged = true;
      return [{ apiVersion: 'v1', kind: 'ReplicationController', metadata: meta('legacy'), spec: { replicas: 1, selector: template.metadata.labels, template } }];
    },
    expected: { object: 'ReplicationController shop/legacy', path: 'spec.template.spec.containers[0].securityContext.privileged', value: true, message: /privileged/ },
  },
  {
    rule: 'known-pod-carrier', when: 'a kind the engine does not know carries a privileged container',
    mutate: () => [{ apiVersion: 'example.com/v1', kind: 'Runner', metadata: meta('runner'), spec: { podTemplate: { spec: { containers: [{ name: 'x', image: 'busybox:1.36.1', securityContext: { privileged: true } }] } } } }],
    expected: { object: 'Runner shop/runner', path: 'spec.podTemplate.spec', value: '(a pod spec)', message: /kind the policy engine does not inspect/ },
  },
  {
    rule: 'explicit-namespace', when: 'a namespaced object has no namespace',
    mutate: (f) => { delete f.allowWeb.metadata.namespace; },
    expected: { object: 'NetworkPolicy allow-web', path: 'metadata.namespace', value: undefined, message: /lands in whatever namespace/ },
  },
  {
    rule: 'namespace-exists', when: 'an object names an undefined namespace',
    mutate: (f) => { f.allowWeb.metadata.namespace = 'shop-old'; },
    expected: { object: 'NetworkPolicy shop-old/allow-web', path: 'metadata.namespace', value: 'shop-old', message: /names no Namespace/ },
  },
  {
    rule: 'cluster-scoped-without-namespace', when: 'a PriorityClass carries a namespace',
    mutate: (f) => { f.priorityClass.metadata.namespace = NS; },
    expected: { object: 'PriorityClass shop/shop-critical', path: 'metadata.namespace', value: NS, message: /cluster-scoped/ },
  },
  {
    rule: 'namespace-has-resource-quota', when: 'the namespace has no ResourceQuota',
    mutate: (f) => { delete (f as Partial<Fixture>).quota; },
    expected: { object: 'Namespace shop', path: 'metadata.name', value: NS, message: /no ResourceQuota/ },
  },
  {
    rule: 'namespace-has-limit-range', when: 'the namespace has no LimitRange',
    mutate: (f) => { delete (f as Partial<Fixture>).limits; },
    expected: { object: 'Namespace shop', path: 'metadata.name', value: NS, message: /no LimitRange/ },
  },
  {
    rule: 'namespace-default-deny', when: 'the catch-all policy allows ingress',
    mutate: (f) => { f.denyAll.spec.ingress = [{}]; },
    expected: { object: 'Namespace shop', path: 'metadata.name', value: NS, message: /no default-deny NetworkPolicy/ },
    alsoFires: ['networkpolicy-no-allow-all'],
  },
  {
    rule: 'no-secret-data', when: 'a Secret carries data',
    mutate: () => [{ apiVersion: 'v1', kind: 'Secret', metadata: meta('db'), data: { password: 'aHVudGVyMg==' } }],
    expected: { object: 'Secret shop/db', path: 'data', value: ['password'], message: /secret values/ },
  },
  {
    rule: 'no-private-key', when: 'a ConfigMap holds a PEM private key',
    mutate: () => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('tls'), data: { 'server.pem': PEM } }],
    expected: { object: 'ConfigMap shop/tls', path: 'data["server.pem"]', value: '<redacted>', message: /private-key material/ },
  },
  {
    rule: 'no-private-key', when: 'a ConfigMap holds a base64 PEM private key',
    mutate: () => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('tls'), binaryData: { 'key.pem': Buffer.from(PEM).toString('base64') } }],
    expected: { object: 'ConfigMap shop/tls', path: 'binaryData["key.pem"]', value: '<redacted>', message: /private-key material/ },
  },
  {
    rule: 'no-private-key', when: 'an object has a tls.key field',
    mutate: () => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('tls'), data: { 'tls.key': 'placeholder' } }],
    expected: { object: 'ConfigMap shop/tls', path: 'data["tls.key"]', value: '<redacted>', message: /private-key field/ },
  },
  {
    rule: 'priority-class-exists', when: 'a pod names a missing PriorityClass',
    mutate: (f) => { web(f).priorityClassName = 'critical'; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.priorityClassName`, value: 'critical', message: /no PriorityClass/ },
  },
  {
    rule: 'service-account-exists', when: 'a pod names a missing ServiceAccount',
    mutate: (f) => { web(f).serviceAccountName = 'web'; },
    expected: { object: 'Deployment shop/web', path: `${WEB_POD}.serviceAccountName`, value: 'web', message: /no ServiceAccount in namespace "shop"/ },
  },
  {
    rule: 'node-pool-exists', when: 'a nodeSelector names a pool the environment lacks',
    mutate: (f) => { reportPod(f).nodeSelector['k8s-stack.io/pool'] = 'gpu'; },
    expected: { object: 'CronJob shop/report', path: `${REPORT_POD}.nodeSelector["k8s-stack.io/pool"]`, value: 'gpu', message: /not a node pool of environment "prod"/ },
  },
  {
    rule: 'node-pool-exists', when: 'a node affinity term names a pool the environment lacks',
    mutate: (f) => {
      delete reportPod(f).nodeSelector;
      reportPod(f).affinity = {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k8s-stack.io/pool', operator: 'In', values: ['batch', 'gpu'] }] }] } },
      };
    },
    expected: {
      object: 'CronJob shop/report', path: `${REPORT_POD}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[1]`,
      value: 'gpu', message: /not a node pool/,
    },
  },
  {
    rule: 'node-pool-tolerations', when: 'a pod targets a tainted pool without tolerating it',
    mutate: (f) => { delete reportPod(f).tolerations; },
    expected: { object: 'CronJob shop/report', path: `${REPORT_POD}.tolerations`, value: undefined, message: /does not tolerate dedicated=batch:NoSchedule of node pool "batch"/ },
  },
  {
    rule: 'node-pool-tolerations', when: 'a pod targets a pool by a label only that pool carries',
    mutate: (f) => { db(f).nodeSelector = { 'k8s-stack.io/workload': 'batch', 'kubernetes.io/os': 'linux' }; },
    expected: { object: 'StatefulSet shop/db', path: `${WEB_POD}.tolerations`, value: undefined, message: /node pool "batch"/ },
  },
]);

const ALL_FIRING = [...POD_SECURITY, ...KUBE_LINTER, ...KUBE_SCORE, ...STACK, ...RBAC, ...EXPOSURE];

const ruleIds = (violations: readonly Violation[]) => [...new Set(violations.map((v) => v.rule))].sort();

describe('policy engine', () => {
  test('the compliant fixture has no violations and nothing waived', () => {
    expect(evaluate(objectsOf(fixture()), CTX)).toEqual({ violations: [], waived: [] });
  });

  test('every rule has a firing case, and every firing case a rule', () => {
    expect([...covered].sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  test('rule ids are unique kebab-case and every rule says what it checks', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(['pod-security', 'kube-linter', 'kube-score', 'stack']).toContain(rule.source);
      expect(rule.description.length).toBeGreaterThan(20);
    }
  });

  test.each(ALL_FIRING)('$rule fires when $when', ({ rule, mutate, expected, alsoFires }) => {
    const f = fixture();
    const extra = mutate(f) ?? [];
    const { violations } = evaluate(objectsOf(f, extra), CTX);
    expect(ruleIds(violations)).toEqual([rule, ...(alsoFires ?? [])].sort());
    const mine = violations.filter((v) => v.rule === rule);
    expect(mine).toContainEqual(expect.objectContaining({ rule, object: expected.object, path: expected.path }));
    const v = mine.find((m) => m.object === expected.object && m.path === expected.path) as Violation;
    expect(v.value).toEqual(expected.value);
    expect(v.message).toMatch(expected.message);
    expect(v.fix).not.toBe('');
  });
});

// Each case keeps the fixture compliant while exercising an exemption a rule must honour.
describe.each<{ when: string; ctx?: Partial<PolicyContext>; mutate: (f: Fixture) => KubeObject[] | void }>([
  { when: 'NodePort Services and single-replica HPAs are outside production', ctx: { production: false }, mutate: (f) => { f.webService.spec.type = 'NodePort'; f.webScaler.spec.minReplicas = 1; } },
  { when: 'a Service without selector is not dangling', mutate: () => [{ apiVersion: 'v1', kind: 'Service', metadata: meta('external-db'), spec: { ports: [{ port: 5432 }] } }] },
  { when: 'the default ServiceAccount does not mount a token', mutate: (f) => { delete db(f).serviceAccountName; } },
  { when: 'the default ServiceAccount object disables the token', mutate: (f) => { delete db(f).serviceAccountName; delete db(f).automountServiceAccountToken; return [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('default'), automountServiceAccountToken: false }]; } },
  { when: 'seccomp and runAsNonRoot are set only at pod level', mutate: (f) => { delete webContainer(f).securityContext.seccompProfile; delete webContainer(f).securityContext.runAsNonRoot; } },
  { when: 'seccomp is set only on every container', mutate: (f) => { delete web(f).securityContext.seccompProfile; } },
  { when: 'seccomp uses a Localhost profile', mutate: (f) => { web(f).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/web.json' }; } },
  { when: 'a container adds only NET_BIND_SERVICE', mutate: (f) => { webContainer(f).securityContext.capabilities.add = ['NET_BIND_SERVICE']; } },
  { when: 'AppArmor uses runtime/default or a localhost profile', mutate: (f) => { f.web.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'localhost/web', 'container.apparmor.security.beta.kubernetes.io/migrate': 'runtime/default' }; } },
  { when: 'SELinux uses container_t with a level', mutate: (f) => { web(f).securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c1,c2' }; } },
  { when: 'the pod sets a safe sysctl', mutate: (f) => { web(f).securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]; } },
  { when: 'an image is pinned by digest', mutate: (f) => { webContainer(f).image = `nginx@sha256:${'a'.repeat(64)}`; } },
  { when: 'a probe port is a numeric string of a declared port', mutate: (f) => { webContainer(f).readinessProbe.tcpSocket.port = '8080'; } },
  { when: 'a secret-looking variable comes from valueFrom, and a literal one is empty', mutate: (f) => { webContainer(f).env.push({ name: 'API_TOKEN', value: '' }); } },
  { when: 'a podAntiAffinity term selects the own pods', mutate: (f) => { delete web(f).topologySpreadConstraints; web(f).affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: WEB } } }] } }; } },
  { when: 'minAvailable leaves one pod to evict', mutate: (f) => { delete f.webBudget.spec.maxUnavailable; f.webBudget.spec.minAvailable = 1; } },
  { when: 'minAvailable is a percentage below the pod count', mutate: (f) => { delete f.webBudget.spec.maxUnavailable; f.webBudget.spec.minAvailable = '50%'; } },
  { when: 'the same name is used by two kinds, or in two namespaces', mutate: () => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('allow-web'), data: {} }] },
  { when: 'a Role reads named Secrets and a binding names one ServiceAccount', mutate: () => [role([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db-credentials'] }]), binding({ kind: 'Role', name: 'app' }, [{ kind: 'ServiceAccount', name: 'api', namespace: 'shop' }])] },
  { when: 'egress leaves the cluster only on a named port, and a LoadBalancer names its ranges', mutate: (f) => { f.webService.spec.type = 'LoadBalancer'; f.webService.spec.loadBalancerSourceRanges = ['203.0.113.0/24']; return [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('egress-https'), spec: { podSelector: { matchLabels: WEB }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }] } }]; } },
  { when: 'a ConfigMap points at a Secret without holding a credential', mutate: () => [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings'), data: { DATABASE_HOST: 'db', DATABASE_USER_SOURCE: 'db-credentials' } }] },
  { when: 'a namespace the environment names as a system namespace enforces privileged', ctx: { systemNamespaces: [NS] }, mutate: (f) => { f.namespace.metadata.labels = { ...f.namespace.metadata.labels, 'pod-security.kubernetes.io/enforce': 'privileged' }; } },
  { when: 'a custom resource carries no containers', mutate: () => [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: meta('w'), spec: { containers: 'none', size: 3 } }] },
  { when: 'a Job named after its spec hash has no TTL', mutate: (f) => { const spec = structuredClone(f.report.spec.jobTemplate.spec); delete spec.ttlSecondsAfterFinished; return [{ apiVersion: 'batch/v1', kind: 'Job', metadata: meta('migrate-0a1b2c3d', { annotations: { 'k8s-stack.io/spec-hash': '0a1b2c3d' } }), spec }]; } },
  { when: 'a Job owned by a CronJob has no TTL', mutate: (f) => { const spec = structuredClone(f.report.spec.jobTemplate.spec); delete spec.ttlSecondsAfterFinished; return [{ apiVersion: 'batch/v1', kind: 'Job', metadata: meta('report-28999999', { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: 'u' }] }), spec }]; } },
  { when: 'a single-replica StatefulSet has no PDB and no anti-affinity', mutate: (f) => { f.db.spec.replicas = 1; } },
  { when: 'a toleration with operator Exists and no key tolerates every taint', mutate: (f) => { reportPod(f).tolerations = [{ operator: 'Exists' }]; } },
  { when: 'a nodeSelector on labels every node has targets no pool', mutate: (f) => { db(f).nodeSelector = { 'kubernetes.io/os': 'linux' }; } },
  { when: 'a node affinity term excluding a pool targets none', mutate: (f) => { db(f).affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k8s-stack.io/pool', operator: 'NotIn', values: ['batch'] }] }] } } }; } },
  { when: 'pods use a built-in PriorityClass', mutate: (f) => { reportPod(f).priorityClassName = 'system-cluster-critical'; } },
  { when: 'a Secret only names a type and is filled in the cluster', mutate: () => [{ apiVersion: 'v1', kind: 'Secret', metadata: meta('tls'), type: 'kubernetes.io/tls' }] },
  { when: 'an Ingress backend uses a port number the Service exposes', mutate: (f) => { f.ingress.spec.rules[0].http.paths[0].backend.service.port = { number: 80 }; } },
  { when: 'a Windows pod leaves the Linux-only controls unset', mutate: (f) => { web(f).os = { name: 'windows' }; delete webContainer(f).securityContext.allowPrivilegeEscalation; delete webContainer(f).securityContext.capabilities; delete web(f).initContainers[0].securityContext.seccompProfile; delete web(f).securityContext.seccompProfile; } },
])('no violation when $when', ({ ctx, mutate }) => {
  test('evaluate finds nothing', () => {
    const f = fixture();
    const extra = mutate(f) ?? [];
    expect(evaluate(objectsOf(f, extra), { ...CTX, ...ctx }).violations).toEqual([]);
  });
});

describe('waivers', () => {
  const reason = 'node agent: reads container logs from the host';
  const ctx = (...waivers: PolicyWaiver[]): PolicyContext => ({ ...CTX, waivers });
  const agentWaiver = (rule: string, extra: Partial<PolicyWaiver> = {}): PolicyWaiver => ({ rule, object: 'DaemonSet shop/log-agent', reason, ...extra });

  test('the environment waives the hostPath and volume-type controls of a node agent, with a reason', () => {
    const { violations, waived } = evaluate(objectsOf(fixture(), [nodeAgent({})]), ctx(agentWaiver('pss-host-path-volumes'), agentWaiver('pss-volume-types')));
    expect(violations).toEqual([]);
    expect(waived).toEqual([
      expect.objectContaining({ rule: 'pss-host-path-volumes', object: 'DaemonSet shop/log-agent', path: `${WEB_POD}.volumes[0].hostPath`, reason }),
      expect.objectContaining({ rule: 'pss-volume-types', object: 'DaemonSet shop/log-agent', path: `${WEB_POD}.volumes[0]`, value: 'hostPath', reason }),
    ]);
  });

  test('a waiver on the object that benefits is not honoured: it is a violation naming where waivers live', () => {
    const agent = nodeAgent({ ...waive('pss-host-path-volumes', reason), ...waive('pss-volume-types', reason) });
    const { violations, waived } = evaluate(objectsOf(fixture(), [agent]), CTX);
    expect(waived).toEqual([]);
    expect(ruleIds(violations)).toEqual(['pss-host-path-volumes', 'pss-volume-types', 'waiver'].sort());
    expect(violations.find((v) => v.rule === 'waiver')).toMatchObject({
      object: 'DaemonSet shop/log-agent', path: 'metadata.annotations["policy.k8s-stack.io/waive.pss-host-path-volumes"]',
      message: expect.stringMatching(/does not honour/), fix: expect.stringMatching(/waivers live in the environment's "waivers" list/),
    });
  });

  test('a waiver scoped to a field covers only that field', () => {
    const f = fixture();
    const agent = nodeAgent({});
    const spec = (agent.spec!.template as { spec: { volumes: unknown[]; containers: Array<{ volumeMounts: unknown[] }> } }).spec;
    spec.volumes.push({ name: 'more', hostPath: { path: '/var/lib/docker/containers', type: 'Directory' } });
    spec.containers[0].volumeMounts.push({ name: 'more', mountPath: '/containers', readOnly: true });
    const { violations, waived } = evaluate(objectsOf(f, [agent]), ctx(agentWaiver('pss-host-path-volumes', { path: `${WEB_POD}.volumes[0].hostPath` }), agentWaiver('pss-volume-types')));
    expect(waived.map((w) => `${w.rule} ${w.path}`)).toEqual([`pss-host-path-volumes ${WEB_POD}.volumes[0].hostPath`, `pss-volume-types ${WEB_POD}.volumes[0]`, `pss-volume-types ${WEB_POD}.volumes[1]`]);
    expect(violations.map((v) => `${v.rule} ${v.path}`)).toEqual([`pss-host-path-volumes ${WEB_POD}.volumes[1].hostPath`]);
  });

  test('a waiver with an empty reason is a violation and waives nothing', () => {
    const { violations, waived } = evaluate(objectsOf(fixture(), [nodeAgent({})]), ctx(agentWaiver('pss-host-path-volumes', { reason: '  ' }), agentWaiver('pss-volume-types')));
    expect(violations.map((v) => [v.rule, v.path])).toEqual([
      ['pss-host-path-volumes', `${WEB_POD}.volumes[0].hostPath`],
      ['waiver', 'waivers[0].reason'],
    ]);
    expect(violations[1]).toMatchObject({ object: 'DaemonSet shop/log-agent', value: '  ', message: /no reason/ });
    expect(waived.map((w) => w.rule)).toEqual(['pss-volume-types']);
  });

  test('a waiver naming an unknown rule is a violation that suggests the right id', () => {
    const { violations } = evaluate(objectsOf(fixture()), ctx({ rule: 'pss-hostpath-volumes', object: 'Deployment shop/web', reason: 'typo' }));
    expect(violations).toEqual([
      expect.objectContaining({ rule: 'waiver', object: 'Deployment shop/web', path: 'waivers[0].rule', value: 'pss-hostpath-volumes', message: expect.stringMatching(/does not exist/), fix: 'did you mean "pss-host-path-volumes"?' }),
    ]);
  });

  test('a waiver for a rule the object does not break, or for an object that does not exist, is a violation', () => {
    const { violations, waived } = evaluate(objectsOf(fixture()), ctx(
      { rule: 'pss-host-path-volumes', object: 'Deployment shop/web', reason: 'left over from an old version' },
      { rule: 'pss-host-ports', object: 'Deployment shop/gone', reason: 'removed last year' },
    ));
    expect(waived).toEqual([]);
    expect(violations).toEqual(expect.arrayContaining([
      expect.objectContaining({ rule: 'waiver', object: 'Deployment shop/web', path: 'waivers[0]', message: 'waives pss-host-path-volumes, which this object does not break' }),
      expect.objectContaining({ rule: 'waiver', object: 'Deployment shop/gone', path: 'waivers[1]', message: 'waives pss-host-ports for an object this environment does not have' }),
    ]));
  });

  test('the waiver rule itself cannot be waived', () => {
    expect(ruleIds(evaluate(objectsOf(fixture()), ctx({ rule: 'waiver', object: 'Deployment shop/web', reason: 'no' })).violations)).toEqual(['waiver']);
  });

  test('a waiver covers only the object it names', () => {
    const f = fixture();
    webContainer(f).ports[0].hostPort = 8080;
    db(f).containers[0].ports[0].hostPort = 5432;
    const { violations, waived } = evaluate(objectsOf(f), ctx({ rule: 'pss-host-ports', object: 'Deployment shop/web', reason: 'debug image' }));
    expect(violations.map((v) => `${v.object} ${v.rule}`)).toEqual(['StatefulSet shop/db pss-host-ports']);
    expect(waived.map((w) => `${w.object} ${w.rule}`)).toEqual(['Deployment shop/web pss-host-ports']);
  });

  test.each([...NEVER_WAIVABLE])('%s can never be waived: the waiver is a violation and the rule still applies', (rule) => {
    const { violations, waived } = evaluate(objectsOf(fixture()), ctx({ rule, object: 'Deployment shop/web', reason: 'we really need it' }));
    expect(waived).toEqual([]);
    expect(violations).toContainEqual(expect.objectContaining({ rule: 'waiver', object: 'Deployment shop/web', path: 'waivers[0].rule', value: rule, message: expect.stringMatching(/can never be waived/) }));
  });

  test('the attack: a privileged, host-PID agent mounting / and the runtime socket, waiving everything, is refused', () => {
    const agent = nodeAgent({});
    const pod = agent.spec!.template as { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } };
    pod.spec.hostPID = true;
    pod.spec.volumes = [{ name: 'root', hostPath: { path: '/' } }, { name: 'sock', hostPath: { path: '/run/containerd/containerd.sock' } }];
    pod.spec.containers[0].securityContext = { ...(pod.spec.containers[0].securityContext as object), privileged: true };
    pod.spec.containers[0].volumeMounts = [{ name: 'root', mountPath: '/host' }, { name: 'sock', mountPath: '/sock' }];
    const all = ['pss-privileged', 'pss-host-namespaces', 'pss-host-path-volumes', 'pss-volume-types', 'no-sensitive-host-path'].map((r) => agentWaiver(r));
    const { violations } = evaluate(objectsOf(fixture(), [agent]), ctx(...all));
    const rules = new Set(violations.filter((v) => v.object === 'DaemonSet shop/log-agent').map((v) => v.rule));
    for (const r of ['pss-privileged', 'pss-host-namespaces', 'no-sensitive-host-path', 'waiver']) expect(rules).toContain(r);
  });
});

describe('reporting', () => {
  test('a violation of an object the construct library wrote names the construct prop that fixes it', () => {
    const f = fixture();
    delete web(f).topologySpreadConstraints;
    const plain = evaluate(objectsOf(f), CTX).violations.find((v) => v.rule === 'no-anti-affinity')!;
    expect(plain.fix).not.toMatch(/in the construct/);
    f.web.metadata.labels = { ...f.web.metadata.labels, 'app.kubernetes.io/managed-by': 'cdk8s' };
    const ours = evaluate(objectsOf(f), CTX).violations.find((v) => v.rule === 'no-anti-affinity')!;
    expect(ours.fix).toBe(`${plain.fix} (in the construct: podAntiAffinity: 'soft', or topologySpread)`);
  });

  test('formatViolation prints one line with the value as JSON', () => {
    const v: Violation = {
      rule: 'pss-seccomp', object: 'Deployment shop/web', path: `${WEB_POD}.securityContext.seccompProfile.type`, value: 'Unconfined',
      message: 'turns seccomp off for the pod', fix: `set ${WEB_POD}.securityContext.seccompProfile.type to RuntimeDefault`,
    };
    expect(formatViolation(v)).toBe(
      'Deployment shop/web: [pss-seccomp] spec.template.spec.securityContext.seccompProfile.type "Unconfined" turns seccomp off for the pod; set spec.template.spec.securityContext.seccompProfile.type to RuntimeDefault',
    );
    expect(formatViolation({ ...v, value: undefined })).toContain('seccompProfile.type undefined turns');
  });

  test('secret values never reach the report', () => {
    const f = fixture();
    webContainer(f).env.push({ name: 'DB_PASSWORD_LITERAL', value: 'hunter2' });
    const extra = [
      { apiVersion: 'v1', kind: 'Secret', metadata: meta('db'), stringData: { password: 'hunter2' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('tls'), data: { 'server.pem': PEM } },
    ];
    const lines = evaluate(objectsOf(f, extra), CTX).violations.map(formatViolation).join('\n');
    expect(lines).toMatch(/DB_PASSWORD_LITERAL/);
    expect(lines).not.toMatch(/hunter2|MIIEow/);
  });

  test('violations come grouped by object in object order, then in rule order', () => {
    const f = fixture();
    webContainer(f).securityContext.privileged = true;
    webContainer(f).image = 'nginx';
    f.webBudget.spec.maxUnavailable = 0;
    db(f).hostIPC = true;
    const objects = objectsOf(f);
    const first = evaluate(objects, CTX).violations;
    expect(first.map((v) => `${v.object} ${v.rule}`)).toEqual([
      'Deployment shop/web pss-privileged',
      'Deployment shop/web latest-tag',
      'PodDisruptionBudget shop/web pdb-max-unavailable',
      'StatefulSet shop/db pss-host-namespaces',
    ]);
    expect(evaluate(objects, CTX).violations).toEqual(first);
  });
});

describe('scale', () => {
  // Correctness at the size of the scale benchmark; its speed is measured by `npm run bench`, not here.
  test('3000 objects in 200 namespaces are judged correctly', () => {
    const copies: KubeObject[] = [];
    for (let i = 0; copies.length < 3000; i++) {
      const objects = objectsOf(fixture()).filter((o) => i === 0 || o.kind !== 'PriorityClass');
      copies.push(...(JSON.parse(JSON.stringify(objects).replaceAll('"shop"', `"shop-${i}"`)) as KubeObject[]));
    }
    const { violations } = evaluate(copies, CTX);
    // Every copy indexes into its own namespace, so the set stays compliant.
    expect(violations).toEqual([]);
  });
});
