import { App, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { SchemaError, validateNames, validateObject, validateObjects } from './support/k8s-schema';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are arbitrary Kubernetes JSON
type Obj = Record<string, any>;

const labels = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'shop-web' };

const podSpec = (): Obj => ({
  priorityClassName: 'shop-high',
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  nodeSelector: { 'k8s-stack.io/pool': 'general' },
  tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
  containers: [
    {
      name: 'web',
      image: 'nginxinc/nginx-unprivileged:1.27-alpine',
      ports: [{ name: 'http', containerPort: 8080 }],
      env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi', 'ephemeral-storage': '1Gi' } },
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    },
  ],
  volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
});

const deployment = (): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels, annotations: { 'k8s-stack.io/owner': 'team-shop' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: labels },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: { metadata: { labels }, spec: podSpec() },
  },
});

/** One valid object of each kind a stack like this one renders. */
const VALID: Obj[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
  deployment(),
  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'shop' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { 'app.kubernetes.io/name': 'db' } },
      template: { metadata: { labels: { 'app.kubernetes.io/name': 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16.4' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' },
    },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'shop' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'busybox:1.36' }] } } },
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web.config', namespace: 'shop' }, data: { 'app.yaml': 'a: 1\n' }, binaryData: { logo: 'iVBORw0KGgo=' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque', data: { password: 'cGFzc3dvcmQ=' }, stringData: { user: 'app' } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop' }, automountServiceAccountToken: false },
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'uploads', namespace: 'shop' },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard-rwo', resources: { requests: { storage: '5Gi' } } },
  },
  { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'quota', namespace: 'shop' }, spec: { hard: { 'requests.cpu': '4', 'limits.memory': '8Gi', pods: '20' } } },
  {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'limits', namespace: 'shop' },
    spec: { limits: [{ type: 'Container', default: { memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }] },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'shop', annotations: { 'kubernetes.io/ingress.class': 'gce' } },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }],
    },
  },
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      podSelector: { matchLabels: labels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }], ports: [{ port: 'http', protocol: 'TCP' }] }],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 5432 }] }],
    },
  },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } },
    },
  },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { maxUnavailable: '50%', selector: { matchLabels: labels } } },
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'backup', namespace: 'shop' },
    spec: {
      schedule: '30 3 * * *',
      timeZone: 'Asia/Tokyo',
      concurrencyPolicy: 'Forbid',
      jobTemplate: {
        metadata: { labels: { 'app.kubernetes.io/name': 'backup' } },
        spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'backup', image: 'postgres:16.4', args: ['pg_dump'] }] } } },
      },
    },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', namespace: 'shop' },
    spec: { ttlSecondsAfterFinished: 300, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'busybox:1.36', command: ['true'] }] } } },
  },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: 'shop' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'reader', namespace: 'shop' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'system:aggregate-to-view:shop', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
    rules: [{ apiGroups: ['shop.example.com'], resources: ['orders'], verbs: ['get'] }],
  },
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'shop-high' },
    value: 100000,
    globalDefault: false,
    preemptionPolicy: 'PreemptLowerPriority',
    description: 'Customer-facing shop workloads.',
  },
  {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'fast' },
    provisioner: 'pd.csi.storage.gke.io',
    parameters: { type: 'pd-ssd' },
    reclaimPolicy: 'Retain',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  },
  { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader', namespace: 'shop' }, spec: { holderIdentity: 'web-0', leaseDurationSeconds: 15 } },
  { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runsc', scheduling: { nodeSelector: { sandbox: 'gvisor' } } },
  {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'db-1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'db' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.0.0.5'], conditions: { ready: true } }],
    ports: [{ name: 'pg', port: 5432 }],
  },
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'shop-policy' },
    webhooks: [
      {
        name: 'policy.shop.example.com',
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        clientConfig: { service: { name: 'policy', namespace: 'shop', path: '/validate' } },
        rules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }],
      },
    ],
  },
  {
    // Free-form parts of a schema (default) hold anything; description and x-kubernetes-* are fields
    // although kubernetes-models' validators never read them.
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'orders.shop.example.com' },
    spec: {
      group: 'shop.example.com',
      scope: 'Namespaced',
      names: { plural: 'orders', singular: 'order', kind: 'Order' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          additionalPrinterColumns: [{ name: 'Total', type: 'string', jsonPath: '.spec.total', description: 'Order total' }],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'An order.',
              externalDocs: { description: 'Orders', url: 'https://shop.example.com/docs' },
              properties: {
                spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, default: { anything: { goes: [1, 2] } } },
                total: { 'x-kubernetes-int-or-string': true, 'x-kubernetes-validations': [{ rule: 'self != ""' }] },
                items: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
                metadata: { type: 'object', properties: { labels: { type: 'object' } } },
              },
            },
          },
        },
      ],
    },
  },
];

function paths(errors: readonly SchemaError[]): string[] {
  return errors.map((e) => e.path);
}

describe('validateObject: valid objects', () => {
  test.each(VALID.map((o) => [`${o.apiVersion} ${o.kind}`, o]))('%s passes', (_, obj) => {
    expect(validateObject(obj)).toEqual([]);
    expect(validateNames(obj)).toEqual([]);
  });

  test('accepts null for optional fields, as YAML written by kubectl has it', () => {
    const obj = deployment();
    obj.metadata.creationTimestamp = null;
    obj.spec.template.metadata.creationTimestamp = null;
    obj.status = {};
    expect(validateObject(obj)).toEqual([]);
  });

  test('does not touch its input', () => {
    const obj = Object.freeze(deployment());
    const before = JSON.stringify(obj);
    validateObject(obj);
    expect(JSON.stringify(obj)).toBe(before);
  });

  test('passes what cdk8s-plus renders', () => {
    const chart = new Chart(new App(), 'shop', { namespace: 'shop' });
    const config = new kplus.ConfigMap(chart, 'config', { data: { a: 'b' } });
    const web = new kplus.Deployment(chart, 'web', {
      containers: [
        {
          image: 'nginx:1.27',
          portNumber: 8080,
          resources: { memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
          envFrom: [kplus.Env.fromConfigMap(config)],
        },
      ],
    });
    web.exposeViaIngress('/');
    new kplus.HorizontalPodAutoscaler(chart, 'hpa', { target: web, maxReplicas: 5, metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))] });
    new kplus.StatefulSet(chart, 'db', { containers: [{ image: 'postgres:16.4', portNumber: 5432 }], service: new kplus.Service(chart, 'db-svc', { ports: [{ port: 5432 }] }) });
    new kplus.CronJob(chart, 'backup', { schedule: Cron.daily(), containers: [{ image: 'busybox:1.36' }] });
    new kplus.Job(chart, 'migrate', { containers: [{ image: 'busybox:1.36' }], ttlAfterFinished: Duration.minutes(5) });
    new kplus.NetworkPolicy(chart, 'policy');
    new kplus.Secret(chart, 'secret', { stringData: { password: 'x' } });
    new kplus.Role(chart, 'role');
    new kplus.PersistentVolumeClaim(chart, 'pvc', { storage: Size.gibibytes(1) });
    const objects = chart.toJson();

    expect(objects.length).toBeGreaterThan(10);
    expect(validateObjects(objects)).toEqual([]);
    expect(objects.flatMap((o) => validateNames(o))).toEqual([]);
  });

  test('leaves custom resources alone: their schema is in a CRD', () => {
    expect(validateObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web' }, spec: { anything: 1 } })).toEqual([]);
    expect(validateObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'web' }, spec: {} })).toEqual([]);
  });

  // Every kind a default 1.28 API server serves in its own groups resolves to a kubernetes-models class.
  test.each([
    ...['Binding', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'Namespace', 'Node', 'PersistentVolume', 'PersistentVolumeClaim', 'Pod', 'PodTemplate',
      'ReplicationController', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount'].map((k) => ['v1', k]),
    ...['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'].map((k) => ['apps/v1', k]),
    ['batch/v1', 'CronJob'], ['batch/v1', 'Job'],
    ['autoscaling/v1', 'HorizontalPodAutoscaler'], ['autoscaling/v2', 'HorizontalPodAutoscaler'],
    ['policy/v1', 'PodDisruptionBudget'],
    ['networking.k8s.io/v1', 'Ingress'], ['networking.k8s.io/v1', 'IngressClass'], ['networking.k8s.io/v1', 'NetworkPolicy'],
    ...['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].map((k) => ['rbac.authorization.k8s.io/v1', k]),
    ...['CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment'].map((k) => ['storage.k8s.io/v1', k]),
    ['scheduling.k8s.io/v1', 'PriorityClass'],
    ['discovery.k8s.io/v1', 'EndpointSlice'],
    ['coordination.k8s.io/v1', 'Lease'],
    ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'], ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
    ['node.k8s.io/v1', 'RuntimeClass'],
    ['certificates.k8s.io/v1', 'CertificateSigningRequest'],
    ['events.k8s.io/v1', 'Event'],
    ['flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema'], ['flowcontrol.apiserver.k8s.io/v1beta2', 'PriorityLevelConfiguration'],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
    ['apiregistration.k8s.io/v1', 'APIService'],
  ])('%s %s is served and has a schema', (apiVersion, kind) => {
    const errors = validateObject({ apiVersion, kind, metadata: { name: 'x' }, unknownTopLevelField: true });
    // The schema is applied: the stray field is found, and nothing is said about apiVersion or kind.
    expect(paths(errors)).toContain('unknownTopLevelField');
    expect(paths(errors)).not.toContain('apiVersion');
  });
});

describe('validateObject: failures', () => {
  const web = 'Deployment shop/web';

  test('fails when a required field is missing', () => {
    const obj = deployment();
    delete obj.spec.selector;
    delete obj.spec.template.spec.containers[0].name;
    expect(validateObject(obj)).toEqual([
      { object: web, path: 'spec.selector', message: 'is required' },
      { object: web, path: 'spec.template.spec.containers[0].name', message: 'is required' },
    ]);
  });

  test('fails when a field has the wrong type', () => {
    const obj = deployment();
    obj.spec.replicas = '3';
    obj.spec.template.spec.containers[0].args = 'serve';
    obj.spec.template.spec.securityContext.runAsNonRoot = 'yes';
    expect(validateObject(obj)).toEqual([
      { object: web, path: 'spec.replicas', message: 'must be an integer, not the string "3"' },
      { object: web, path: 'spec.template.spec.containers[0].args', message: 'must be a list, not the string "serve"' },
      { object: web, path: 'spec.template.spec.securityContext.runAsNonRoot', message: 'must be a boolean (true or false), not the string "yes"' },
    ]);
  });

  test('fails for a quantity such as "10GB", naming the Kubernetes spelling', () => {
    const obj = deployment();
    obj.spec.template.spec.containers[0].resources.limits.memory = '10GB';
    obj.spec.template.spec.containers[0].resources.requests.cpu = true;
    expect(validateObject(obj)).toEqual([
      { object: web, path: 'spec.template.spec.containers[0].resources.limits.memory', message: '"10GB" is not a Kubernetes quantity; use e.g. "10Gi" (binary) or "10G" (decimal)' },
      { object: web, path: 'spec.template.spec.containers[0].resources.requests.cpu', message: 'must be a quantity such as "10Gi" or "500m", or a number, not the boolean true' },
    ]);
  });

  test('fails for an int-or-string that is neither', () => {
    const obj = deployment();
    obj.spec.strategy.rollingUpdate.maxSurge = 1.5;
    expect(validateObject(obj)).toEqual([
      { object: web, path: 'spec.strategy.rollingUpdate.maxSurge', message: 'must be an integer or a string (e.g. 8080, "http", "25%"), not the number 1.5' },
    ]);
  });

  test('fails for a value outside an enum', () => {
    const obj = deployment();
    obj.spec.template.spec.restartPolicy = 'Sometimes';
    obj.spec.strategy.type = 'Rolling';
    expect(validateObject(obj)).toEqual([
      { object: web, path: 'spec.strategy.type', message: '"Rolling" is not one of "Recreate", "RollingUpdate"' },
      { object: web, path: 'spec.template.spec.restartPolicy', message: '"Sometimes" is not one of "Always", "Never", "OnFailure"' },
    ]);
  });

  test('fails for a field the schema does not define, deep inside a pod spec, and suggests the right one', () => {
    const obj = deployment();
    const spec = obj.spec.template.spec;
    spec.priorityClasName = spec.priorityClassName;
    delete spec.priorityClassName;
    spec.containers[0].env[0].valueFrom.secretKeyRef.nmae = 'db';
    spec.containers[0].resources.limit = { cpu: '1' };
    expect(validateObject(obj)).toEqual([
      { object: web, path: 'spec.template.spec.priorityClasName', message: 'is not a field the Kubernetes API defines here; did you mean "priorityClassName"?' },
      { object: web, path: 'spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.nmae', message: 'is not a field the Kubernetes API defines here; did you mean "name"?' },
      { object: web, path: 'spec.template.spec.containers[0].resources.limit', message: 'is not a field the Kubernetes API defines here; did you mean "limits"?' },
    ]);
  });

  test('fails for an unknown field at the top, in metadata, and in a claim template; maps stay open', () => {
    const obj: Obj = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'shop', lables: { a: 'b' } },
      sepc: {},
      spec: {
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16.4' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi', anyResource: '1' } }, size: '1Gi' } }],
      },
    };
    expect(validateObject(obj)).toEqual([
      { object: 'StatefulSet shop/db', path: 'sepc', message: 'is not a field the Kubernetes API defines here; did you mean "spec"?' },
      { object: 'StatefulSet shop/db', path: 'metadata.lables', message: 'is not a field the Kubernetes API defines here; did you mean "labels"?' },
      { object: 'StatefulSet shop/db', path: 'spec.volumeClaimTemplates[0].spec.size', message: 'is not a field the Kubernetes API defines here; check its spelling and indentation' },
    ]);
  });

  test('knows description only where the Kubernetes schema has it', () => {
    const obj = deployment();
    obj.spec.description = 'web tier';
    const crd = VALID.find((o) => o.kind === 'CustomResourceDefinition')!;
    const typo = JSON.parse(JSON.stringify(crd));
    typo.spec.versions[0].schema.openAPIV3Schema['x-kubernetes-preserve-unknown-field'] = true;
    expect(paths(validateObject(obj))).toEqual(['spec.description']);
    expect(validateObject(typo)).toEqual([
      {
        object: 'CustomResourceDefinition orders.shop.example.com',
        path: 'spec.versions[0].schema.openAPIV3Schema["x-kubernetes-preserve-unknown-field"]',
        message: 'is not a field the Kubernetes API defines here; did you mean "x-kubernetes-preserve-unknown-fields"?',
      },
    ]);
  });

  test('fails for a field put at the wrong level', () => {
    const obj = deployment();
    obj.spec.containers = obj.spec.template.spec.containers;
    expect(validateObject(obj)).toEqual([
      { object: web, path: 'spec.containers', message: 'is not a field the Kubernetes API defines here; check its spelling and indentation' },
    ]);
  });

  test('fails for Secret data that is not base64, without printing the secret', () => {
    const errors = validateObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { password: 'hunter2!' } });
    expect(errors).toEqual([
      { object: 'Secret shop/db', path: 'data.password', message: '<redacted> is not base64; base64-encode it, or put the plain text under stringData' },
    ]);
    expect(JSON.stringify(errors)).not.toContain('hunter2');
  });

  test.each([
    ['policy/v1beta1', 'PodDisruptionBudget', '"policy/v1beta1" is not served by Kubernetes 1.28: PodDisruptionBudget policy/v1beta1 was removed in 1.25; use apiVersion "policy/v1"'],
    ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', '"autoscaling/v2beta2" is not served by Kubernetes 1.28: HorizontalPodAutoscaler autoscaling/v2beta2 was removed in 1.26; use apiVersion "autoscaling/v2"'],
    ['autoscaling/v2beta1', 'HorizontalPodAutoscaler', '"autoscaling/v2beta1" is not served by Kubernetes 1.28: HorizontalPodAutoscaler autoscaling/v2beta1 was removed in 1.25; use apiVersion "autoscaling/v2"'],
    ['batch/v1beta1', 'CronJob', '"batch/v1beta1" is not served by Kubernetes 1.28: CronJob batch/v1beta1 was removed in 1.25; use apiVersion "batch/v1"'],
    ['extensions/v1beta1', 'Ingress', '"extensions/v1beta1" is not served by Kubernetes 1.28: Ingress extensions/v1beta1 was removed in 1.22; use apiVersion "networking.k8s.io/v1"'],
    ['extensions/v1beta1', 'Deployment', '"extensions/v1beta1" is not served by Kubernetes 1.28: Deployment extensions/v1beta1 was removed in 1.16; use apiVersion "apps/v1"'],
    ['storage.k8s.io/v1beta1', 'CSIStorageCapacity', '"storage.k8s.io/v1beta1" is not served by Kubernetes 1.28: CSIStorageCapacity storage.k8s.io/v1beta1 was removed in 1.27; use apiVersion "storage.k8s.io/v1"'],
    [
      'policy/v1beta1',
      'PodSecurityPolicy',
      '"policy/v1beta1" is not served by Kubernetes 1.28: PodSecurityPolicy was removed in 1.25 with no replacement; enforce Pod Security Standards with the namespace label "pod-security.kubernetes.io/enforce"',
    ],
    ['apps/v1beta3', 'Deployment', '"apps/v1beta3" does not serve Deployment in Kubernetes 1.28; use apiVersion "apps/v1"'],
    ['apps/v1', 'Ingress', '"apps/v1" does not serve Ingress in Kubernetes 1.28; use apiVersion "networking.k8s.io/v1"'],
    ['apps/v1', 'Deploymnet', 'kind "Deploymnet" is not served by apps/v1 in Kubernetes 1.28; did you mean "Deployment"?'],
    ['v2', 'Pod', '"v2" does not serve Pod in Kubernetes 1.28; use apiVersion "v1"'],
  ])('fails for %s %s, naming the replacement', (apiVersion, kind, message) => {
    expect(validateObject({ apiVersion, kind, metadata: { name: 'web', namespace: 'shop' }, spec: {} })).toEqual([
      { object: `${kind} shop/web`, path: 'apiVersion', message },
    ]);
  });

  test('fails without apiVersion or kind', () => {
    expect(validateObject({ metadata: { name: 'web' } })).toEqual([
      { object: '<no kind> web', path: 'apiVersion', message: 'is required, e.g. "apps/v1"' },
      { object: '<no kind> web', path: 'kind', message: 'is required, e.g. "Deployment"' },
    ]);
  });

  test('validateObjects reports every object, in order', () => {
    const bad = deployment();
    bad.spec.replicas = -1.5;
    const errors = validateObjects([...VALID, bad, { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'old' } }]);
    expect(errors.map((e) => `${e.object}: ${e.path}`)).toEqual(['Deployment shop/web: spec.replicas', 'CronJob old: apiVersion']);
  });
});

describe('validateNames', () => {
  const named = (kind: string, name: string, apiVersion = 'v1'): Obj => ({ apiVersion, kind, metadata: { name, namespace: 'shop' } });

  test.each([
    named('ConfigMap', 'web.config-1'),
    named('Secret', `${'a'.repeat(70)}.b`),
    named('Deployment', 'web-1', 'apps/v1'),
    named('CronJob', 'a'.repeat(52), 'batch/v1'),
    named('ClusterRole', 'system:controller:shop'),
    named('Service', 'web'),
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'migrate-', namespace: 'shop' } },
  ])('accepts %p', (obj) => {
    expect(validateNames(obj)).toEqual([]);
  });

  test.each<[Obj, string, string]>([
    [named('Deployment', 'web_api', 'apps/v1'), 'metadata.name', '"web_api" contains "_", which Kubernetes names do not allow; use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "web-api"'],
    [named('ConfigMap', 'web_config'), 'metadata.name', '"web_config" contains "_", which Kubernetes names do not allow; use dot-separated lower-case labels of letters, digits and "-"'],
    [named('StatefulSet', 'db.primary', 'apps/v1'), 'metadata.name', '"db.primary" is not a valid RFC 1123 label; use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "db-primary"'],
    [named('Namespace', 'Shop'), 'metadata.name', '"Shop" contains upper-case letters; use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "shop"'],
    [named('Service', '1web'), 'metadata.name', '"1web" must start with a letter (RFC 1035 label); prefix it with a letter, e.g. "s-1web"'],
    [
      named('CronJob', 'a'.repeat(53), 'batch/v1'),
      'metadata.name',
      `"${'a'.repeat(53)}" is 53 characters long, more than the 52 allowed; shorten it to at most 52 characters (the CronJob controller appends 11 characters to name each Job)`,
    ],
    [named('Job', 'a'.repeat(64), 'batch/v1'), 'metadata.name', `"${'a'.repeat(64)}" is 64 characters long, more than the 63 allowed; shorten it to at most 63 characters`],
    [named('Role', 'team/reader', 'rbac.authorization.k8s.io/v1'), 'metadata.name', '"team/reader" is not a valid RBAC name; use a name without "/" or "%", other than "." and ".."'],
    [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }, 'metadata.name', 'is required; give the object a name'],
    [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'shop.prod' } }, 'metadata.namespace', '"shop.prod" is not a valid RFC 1123 label; use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "shop-prod"'],
  ])('fails for %p at %s', (obj, path, message) => {
    expect(validateNames(obj)).toEqual([{ object: expect.any(String), path, message }]);
  });

  test('fails for a label value that is too long, wherever the label is', () => {
    const long = 'v'.repeat(64);
    const obj = deployment();
    obj.metadata.labels = { ...labels, 'app.kubernetes.io/version': long };
    obj.spec.template.metadata.labels = { ...labels, 'bad key': 'x' };
    obj.spec.selector.matchLabels = { ...labels, tier: 'front end' };
    obj.spec.template.spec.nodeSelector = { 'k8s-stack.io/pool': '-general' };
    const invalidValue = 'is not a valid label value; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
    expect(validateNames(obj)).toEqual([
      { object: 'Deployment shop/web', path: 'metadata.labels["app.kubernetes.io/version"]', message: `"${long}" is 64 characters long, more than 63; shorten it to at most 63 characters` },
      { object: 'Deployment shop/web', path: 'spec.selector.matchLabels.tier', message: `"front end" ${invalidValue}` },
      {
        object: 'Deployment shop/web',
        path: 'spec.template.metadata.labels',
        message: 'key "bad key" is not a valid label key; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      },
      { object: 'Deployment shop/web', path: 'spec.template.spec.nodeSelector["k8s-stack.io/pool"]', message: `"-general" ${invalidValue}` },
    ]);
  });

  test('checks a Service selector, a map of labels', () => {
    const obj = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web app' } } };
    expect(paths(validateNames(obj))).toEqual(['spec.selector.app']);
  });

  test('fails for an invalid annotation key', () => {
    const obj = named('ConfigMap', 'web');
    obj.metadata.annotations = { 'Example.com/owner': 'team' };
    expect(validateNames(obj)).toEqual([
      {
        object: 'ConfigMap shop/web',
        path: 'metadata.annotations',
        message: 'key "Example.com/owner" has a prefix "Example.com" that is not a DNS subdomain; use a lower-case DNS prefix such as "example.com/"',
      },
    ]);
  });

  test('fails when annotations exceed 256 KiB in total, and not before', () => {
    const obj = named('ConfigMap', 'web');
    obj.metadata.annotations = { a: 'x'.repeat(128 * 1024), b: 'x'.repeat(128 * 1024 - 2) };
    expect(validateNames(obj)).toEqual([]);
    obj.metadata.annotations.b += 'x';
    expect(validateNames(obj)).toEqual([
      { object: 'ConfigMap shop/web', path: 'metadata.annotations', message: 'total 262145 bytes of keys and values, more than the 262144 (256 KiB) allowed; move large values into a ConfigMap' },
    ]);
  });
});
