import { ContainerSpec, WebService, WebServiceProps } from '../constructs';
import { KubeObject, expectValidationError, find, podSpec, scope, synth } from './support/synth';

const RESOURCES = { cpu: { request: '100m' }, memory: { request: '64Mi', limit: '128Mi' } };
const app: ContainerSpec = {
  name: 'app',
  image: 'nginxinc/nginx-unprivileged:1.27-alpine',
  ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9113 }],
  resources: RESOURCES,
  readiness: { type: 'http', path: '/ready', port: 'http' },
};
const SELECTOR = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'shop-web' };
const LABELS = {
  ...SELECTOR,
  'app.kubernetes.io/component': 'frontend',
  'app.kubernetes.io/part-of': 'shop',
  'app.kubernetes.io/version': '1.4.0',
  'app.kubernetes.io/managed-by': 'cdk8s',
};
const IDENTITY = { name: 'web', partOf: 'shop', component: 'frontend', version: '1.4.0' };

function web(props: Partial<WebServiceProps> = {}): KubeObject[] {
  return synth((chart) => new WebService(chart, 'web', { ...IDENTITY, containers: [app], ...props }));
}

function rejects(props: Partial<WebServiceProps>, message: RegExp): void {
  expectValidationError(() => new WebService(scope(), 'web', { ...IDENTITY, containers: [app], ...props }), message);
}

describe('defaults', () => {
  const objects = web();
  const deployment = find(objects, 'Deployment');

  test('a ServiceAccount, a Deployment, a Service and a PDB, all in the chart namespace with the recommended labels', () => {
    expect(objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'Service', 'PodDisruptionBudget']);
    for (const o of objects) {
      expect(o.metadata.name).toBe('web');
      expect(o.metadata.namespace).toBe('test');
      expect(o.metadata.labels).toEqual(LABELS);
    }
  });

  test('Deployment: 2 replicas, RollingUpdate 25%/25%, revisionHistoryLimit 10, minReadySeconds 0, progressDeadlineSeconds 600', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(deployment.spec.revisionHistoryLimit).toBe(10);
    expect(deployment.spec.minReadySeconds).toBe(0);
    expect(deployment.spec.progressDeadlineSeconds).toBe(600);
  });

  test('the selector uses only app.kubernetes.io/name and instance, everywhere', () => {
    expect(deployment.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(find(objects, 'Service').spec.selector).toEqual(SELECTOR);
    expect(find(objects, 'PodDisruptionBudget').spec.selector).toEqual({ matchLabels: SELECTOR });
    // Version and component live on metadata only.
    expect(deployment.spec.template.metadata.labels).toEqual(LABELS);
  });

  test('no cdk8s.io/metadata.addr label anywhere', () => {
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io/metadata.addr');
  });

  test('its own ServiceAccount with no token mounted and no permissions', () => {
    expect(find(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(objects.filter((o) => /Role/.test(o.kind))).toEqual([]);
    expect(podSpec(deployment).serviceAccountName).toBe('web');
    expect(podSpec(deployment).automountServiceAccountToken).toBe(false);
  });

  test('a ClusterIP Service exposing every port of the first container by name', () => {
    expect(find(objects, 'Service').spec).toEqual({
      type: 'ClusterIP',
      selector: SELECTOR,
      ports: [
        { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 9113, targetPort: 'metrics', protocol: 'TCP' },
      ],
    });
  });

  test('a PDB with maxUnavailable 1 and unhealthyPodEvictionPolicy AlwaysAllow', () => {
    expect(find(objects, 'PodDisruptionBudget').spec).toEqual({ selector: { matchLabels: SELECTOR }, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  test('restricted pods', () => {
    const s = podSpec(deployment);
    expect(s.securityContext.runAsNonRoot).toBe(true);
    expect(s.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(s.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(s.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '64Mi', 'ephemeral-storage': '64Mi' }, limits: { memory: '128Mi', 'ephemeral-storage': '1Gi' } });
  });
});

describe('replicas and autoscaling', () => {
  test('with autoscaling the HPA owns the replica count: no spec.replicas on the Deployment', () => {
    const objects = web({ autoscaling: { minReplicas: 3, maxReplicas: 12, cpuUtilization: 60 } });
    const d = find(objects, 'Deployment');
    expect('replicas' in d.spec).toBe(false);
    const hpa = find(objects, 'HorizontalPodAutoscaler');
    expect(hpa.metadata).toEqual({ name: 'web', namespace: 'test', labels: LABELS });
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 3, maxReplicas: 12,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
    // The PDB is sized for the HPA floor.
    expect(find(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('no HPA without autoscaling', () => {
    expect(web({ replicas: 4 }).filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    expect(find(web({ replicas: 4 }), 'Deployment').spec.replicas).toBe(4);
  });

  test('no PDB for a single replica, or an HPA floor of 1, or when disabled', () => {
    expect(web({ replicas: 1 }).map((o) => o.kind)).not.toContain('PodDisruptionBudget');
    expect(web({ autoscaling: { minReplicas: 1, maxReplicas: 3 } }).map((o) => o.kind)).not.toContain('PodDisruptionBudget');
    expect(web({ replicas: 3, disruptionBudget: false }).map((o) => o.kind)).not.toContain('PodDisruptionBudget');
    expect(find(web({ replicas: 1 }), 'Deployment').spec.replicas).toBe(1);
  });

  test('an explicit budget', () => {
    expect(find(web({ replicas: 4, disruptionBudget: { minAvailable: '50%' } }), 'PodDisruptionBudget').spec).toEqual({
      selector: { matchLabels: SELECTOR }, minAvailable: '50%', unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });
});

describe('rollout', () => {
  test('Recreate strategy', () => {
    expect(find(web({ strategy: { type: 'Recreate' } }), 'Deployment').spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('RollingUpdate with absolute values', () => {
    expect(find(web({ strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 } }), 'Deployment').spec.strategy)
      .toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  test('revisionHistoryLimit, minReadySeconds, progressDeadlineSeconds and terminationGracePeriodSeconds', () => {
    const d = find(web({ revisionHistoryLimit: 3, minReadySeconds: 10, progressDeadlineSeconds: 300, terminationGracePeriodSeconds: 45 }), 'Deployment');
    expect(d.spec.revisionHistoryLimit).toBe(3);
    expect(d.spec.minReadySeconds).toBe(10);
    expect(d.spec.progressDeadlineSeconds).toBe(300);
    expect(podSpec(d).terminationGracePeriodSeconds).toBe(45);
  });
});

describe('service, account and namespace', () => {
  test('service: false writes no Service', () => {
    expect(web({ service: false }).map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'PodDisruptionBudget']);
  });

  test('explicit ports and kind', () => {
    const svc = find(web({ service: { kind: { type: 'LoadBalancer', sourceRanges: ['203.0.113.0/24'] }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } }), 'Service');
    expect(svc.spec).toEqual({
      type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'], externalTrafficPolicy: 'Local', selector: SELECTOR,
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
    const numeric = find(web({ service: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }), 'Service');
    expect(numeric.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
  });

  test('serviceAccount rules become a Role and RoleBinding for the account the pods use', () => {
    const objects = web({ serviceAccount: { rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['web-flags'], verbs: ['get', 'watch'] }], annotations: { 'iam.gke.io/gcp-service-account': 'web@proj.iam.gserviceaccount.com' } } });
    expect(find(objects, 'Role').rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['web-flags'], verbs: ['get', 'watch'] }]);
    expect(find(objects, 'RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'web', namespace: 'test' }]);
    expect(find(objects, 'RoleBinding').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web' });
    expect(find(objects, 'ServiceAccount').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'web@proj.iam.gserviceaccount.com' });
    expect(find(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  test('an existing ServiceAccount by name: none is written', () => {
    const objects = web({ serviceAccount: { existingName: 'shared-reader' } });
    expect(objects.map((o) => o.kind)).not.toContain('ServiceAccount');
    expect(podSpec(find(objects, 'Deployment')).serviceAccountName).toBe('shared-reader');
  });

  test('an explicit namespace applies to every object', () => {
    const objects = web({ namespace: 'shop', autoscaling: { minReplicas: 2, maxReplicas: 4 } });
    expect(objects.map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['ServiceAccount', 'shop'], ['Deployment', 'shop'], ['Service', 'shop'], ['HorizontalPodAutoscaler', 'shop'], ['PodDisruptionBudget', 'shop'],
    ]);
  });
});

test('snapshot', () => {
  expect(web({
    autoscaling: { minReplicas: 2, maxReplicas: 6, scaleDown: { stabilizationWindowSeconds: 300 } },
    strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
    podAntiAffinity: 'soft',
    topologySpread: [{ topologyKey: 'topology.kubernetes.io/zone' }],
    serviceAccount: { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
    containers: [{ ...app, writablePaths: ['/tmp'], liveness: { type: 'tcp', port: 'http' }, preStop: { type: 'exec', command: ['sleep', '5'] } }],
  })).toMatchSnapshot();
});

describe('validation', () => {
  test('fails when the name has an underscore', () => {
    rejects({ name: 'web_app' }, /^test\/web: name "web_app" contains "_", which Kubernetes names do not allow; use lower-case .* e\.g\. "web-app"$/);
  });

  test('fails when the name has capitals', () => {
    rejects({ name: 'WebApp' }, /^test\/web: name "WebApp" contains upper-case letters; use lower-case .* e\.g\. "webapp"$/);
  });

  test('fails when the name is too long', () => {
    rejects({ name: 'w'.repeat(64) }, /^test\/web: name "w{64}" is 64 characters long, more than the 63 allowed; shorten it to at most 63 characters$/);
  });

  test('fails when replicas is negative or fractional', () => {
    rejects({ replicas: -1 }, /^test\/web: replicas -1 is out of range; use a whole number from 0 up$/);
    rejects({ replicas: 1.5 }, /^test\/web: replicas 1\.5 is not a whole number; use a whole number from 0 up$/);
  });

  test('fails when replicas is set together with autoscaling', () => {
    rejects({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 5 } }, /^test\/web: replicas 3 is set together with autoscaling; remove replicas: the HPA owns the replica count \(minReplicas is the floor\)$/);
  });

  test('fails when the HPA minimum is above its maximum', () => {
    rejects({ autoscaling: { minReplicas: 5, maxReplicas: 3 } }, /^test\/web\/Autoscaler: minReplicas 5 is above maxReplicas 3; lower minReplicas or raise maxReplicas$/);
  });

  test('fails when the PDB would block every eviction', () => {
    rejects({ replicas: 3, disruptionBudget: { maxUnavailable: 0 } }, /^test\/web\/DisruptionBudget: maxUnavailable 0 blocks every voluntary eviction of the 3 replicas, so nodes can never be drained; allow at least one pod to be evicted, e\.g\. maxUnavailable: 1$/);
    rejects({ replicas: 3, disruptionBudget: { minAvailable: 3 } }, /^test\/web\/DisruptionBudget: minAvailable 3 blocks every voluntary eviction of the 3 replicas/);
    rejects({ replicas: 3, disruptionBudget: { minAvailable: '100%' } }, /^test\/web\/DisruptionBudget: minAvailable "100%" blocks every voluntary eviction of the 3 replicas/);
    rejects({ replicas: 1, disruptionBudget: { minAvailable: 1 } }, /^test\/web\/DisruptionBudget: minAvailable 1 blocks every voluntary eviction of the 1 replicas, so nodes can never be drained; run at least 2 replicas, or drop the budget for a single replica$/);
  });

  test('fails when maxSurge and maxUnavailable are both 0', () => {
    rejects({ strategy: { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 0 } }, /^test\/web: strategy \{"maxSurge":0,"maxUnavailable":0\} lets no pod be added or removed for 2 replicas, so the rollout can never progress; allow maxSurge or maxUnavailable of at least 1$/);
    // Percentages resolve against the replicas: 0% surge, and 25% of 2 rounds down to 0 unavailable.
    rejects({ replicas: 2, strategy: { type: 'RollingUpdate', maxSurge: '0%' } }, /^test\/web: strategy \{"maxSurge":"0%","maxUnavailable":"25%"\} lets no pod be added or removed for 2 replicas/);
  });

  test('fails when maxSurge or maxUnavailable is malformed', () => {
    rejects({ strategy: { type: 'RollingUpdate', maxSurge: -1 } }, /^test\/web: strategy\.maxSurge -1 is out of range; use a whole number from 0 up$/);
    rejects({ strategy: { type: 'RollingUpdate', maxUnavailable: '25' as `${number}%` } }, /^test\/web: strategy\.maxUnavailable "25" is not a whole number or percentage; use e\.g\. 1 or "25%"$/);
    rejects({ strategy: { type: 'RollingUpdate', maxUnavailable: '150%' } }, /^test\/web: strategy\.maxUnavailable "150%" is above 100%; use a percentage from 0% to 100%$/);
  });

  test('fails when revisionHistoryLimit is out of range', () => {
    rejects({ revisionHistoryLimit: 101 }, /^test\/web: revisionHistoryLimit 101 is out of range; use a whole number from 0 to 100$/);
    rejects({ revisionHistoryLimit: -1 }, /^test\/web: revisionHistoryLimit -1 is out of range/);
  });

  test('fails when minReadySeconds or progressDeadlineSeconds is invalid', () => {
    rejects({ minReadySeconds: -1 }, /^test\/web: minReadySeconds -1 is out of range; use a whole number from 0 up$/);
    rejects({ minReadySeconds: 2.5 }, /^test\/web: minReadySeconds 2\.5 is not a whole number; use a whole number from 0 up$/);
    rejects({ progressDeadlineSeconds: 0 }, /^test\/web: progressDeadlineSeconds 0 is out of range; use a whole number from 1 up$/);
    rejects({ minReadySeconds: 700 }, /^test\/web: progressDeadlineSeconds 600 is not above minReadySeconds 700; raise progressDeadlineSeconds or lower minReadySeconds$/);
  });

  test('fails when a Service port targets no declared container port', () => {
    rejects({ service: { ports: [{ name: 'http', port: 80, targetPort: 'web' }] } }, /^test\/web: service\.ports\[0\]\.targetPort "web" is not a port any container declares; point it at a declared container port name$/);
    rejects({ service: { ports: [{ name: 'http', port: 80 }] } }, /^test\/web: service\.ports\[0\]\.targetPort 80 is not a port any container declares/);
  });

  test('fails when a WebService mounts a hostPath', () => {
    rejects({ volumes: [{ name: 'docker', type: 'hostPath', path: '/var/run/docker.sock', hostPathType: 'File' }] },
      /^test\/web: volumes\[docker\] "\/var\/run\/docker\.sock" mounts a host path, which only node agents may do; use an emptyDir or a PersistentVolumeClaim, or a NodeAgent for per-node work$/);
  });

  test('fails when a LoadBalancer Service has no source ranges', () => {
    rejects({ service: { kind: { type: 'LoadBalancer', sourceRanges: [] } } }, /^test\/web\/Service: kind\.sourceRanges \[\] is empty, which opens the load balancer to the whole internet; list the client CIDRs/);
  });

  test('fails when the first container declares no port and the Service is not disabled, pointing to Worker', () => {
    rejects({ containers: [{ ...app, ports: [], readiness: undefined }] },
      /^test\/web: containers\[app\]\.ports \[\] is empty, so the Service would expose nothing; declare the port the pods serve on, or use a Worker \(or service: false\) for a workload that serves nothing, such as a queue consumer$/);
    rejects({ containers: [{ ...app, ports: undefined, readiness: undefined }] }, /^test\/web: containers\[app\]\.ports \[\] is empty, so the Service would expose nothing; .* use a Worker/);
    rejects({ service: { ports: [] } }, /^test\/web: service\.ports \[\] is empty, so the Service would expose nothing; declare the port the pods serve on, or use a Worker \(or service: false\)/);
    // Without a Service, no port is needed.
    expect(web({ service: false, containers: [{ ...app, ports: [], readiness: undefined }] }).map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'PodDisruptionBudget']);
  });

  test('fails when the image is :latest or untagged', () => {
    rejects({ containers: [{ ...app, image: 'nginx:latest' }] }, /^test\/web: containers\[app\]\.image "nginx:latest" uses the moving tag "latest"; pin a version tag or a digest$/);
    rejects({ containers: [{ ...app, image: 'nginx' }] }, /^test\/web: containers\[app\]\.image "nginx" has no tag, so it means ":latest" and changes under you; pin a version, e\.g\. "nginx:1\.2\.3", or a digest$/);
  });

  test('fails when the service account rules grant wildcard verbs', () => {
    rejects({ serviceAccount: { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*' as 'get'] }] } }, /^test\/web\/Access: rules\[0\]\.verbs "\*" is not a least-privilege verb/);
  });
});

describe('one name per object', () => {
  test('fails when two WebServices named alike write the same Deployment', () => {
    expectValidationError(() => synth((chart) => {
      for (const id of ['web', 'web-again']) new WebService(chart, id, { name: 'web', containers: [{ name: 'nginx', image: 'nginxinc/nginx-unprivileged:1.27.3-alpine', ports: [{ name: 'http', containerPort: 8080 }], resources: { cpu: { request: '100m' }, memory: { request: '64Mi', limit: '128Mi' } } }] });
    }), /^test\/web-again: name "web" is the name of the Deployment that test\/web already writes in namespace "test"/);
  });
});
