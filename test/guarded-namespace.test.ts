import { GuardedNamespace, GuardedNamespaceProps } from '../constructs/guarded-namespace';
import { KubeObject, find, scope, synth } from './support/synth';

const web = { 'app.kubernetes.io/name': 'web' };
const api = { 'app.kubernetes.io/name': 'api' };

function objectsOf(props: Partial<GuardedNamespaceProps>, more?: (ns: GuardedNamespace) => void): KubeObject[] {
  return synth((c) => {
    const ns = new GuardedNamespace(c, 'ns', { name: 'shop', ...props });
    more?.(ns);
  });
}

function build(props: Partial<GuardedNamespaceProps>, more?: (ns: GuardedNamespace) => void): () => void {
  return () => {
    const ns = new GuardedNamespace(scope(), 'ns', { name: 'shop', ...props });
    more?.(ns);
  };
}

describe('GuardedNamespace', () => {
  test('the Namespace is cluster-scoped and carries restricted Pod Security labels pinned to v1.28 by default', () => {
    const objects = objectsOf({});
    const ns = find(objects, 'Namespace');
    expect(ns.metadata.name).toBe('shop');
    expect(ns.metadata).not.toHaveProperty('namespace');
    expect(ns.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'cdk8s',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.28',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.28',
    });
    // Without quota or limitRange, only the Namespace and the default-deny policy.
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'NetworkPolicy']);
  });

  test('takes levels, a shared version, per-mode versions and extra labels', () => {
    const ns = find(objectsOf({ enforce: 'baseline', audit: 'restricted', warn: 'privileged', version: 'v1.27', warnVersion: 'latest', labels: { team: 'shop' } }), 'Namespace');
    expect(ns.metadata.labels).toMatchObject({
      team: 'shop',
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'v1.27',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.27',
      'pod-security.kubernetes.io/warn': 'privileged',
      'pod-security.kubernetes.io/warn-version': 'latest',
    });
    expect(find(objectsOf({ enforceVersion: 'v1.26', auditVersion: 'v1.25' }), 'Namespace').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce-version': 'v1.26',
      'pod-security.kubernetes.io/audit-version': 'v1.25',
      'pod-security.kubernetes.io/warn-version': 'v1.28',
    });
  });

  test('the default-deny policy selects every pod and allows nothing in either direction', () => {
    const deny = find(objectsOf({}), 'NetworkPolicy', 'default-deny');
    expect(deny.apiVersion).toBe('networking.k8s.io/v1');
    expect(deny.metadata.namespace).toBe('shop');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('the ResourceQuota renders every count and total as a quantity string', () => {
    const quota = find(objectsOf({
      quota: {
        pods: 20, services: 10, loadBalancers: 0, nodePorts: 0, persistentVolumeClaims: 5, configMaps: 30, secrets: 30,
        requestsCpu: '4', requestsMemory: '8Gi', limitsCpu: '8', limitsMemory: '16Gi', requestsStorage: '100Gi',
        storageClassRequests: { 'premium-rwo': '50Gi', standard: '200Gi' },
      },
      limitRange: { container: { default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } } },
    }), 'ResourceQuota');
    expect(quota.metadata).toMatchObject({ name: 'quota', namespace: 'shop' });
    expect(quota.spec.hard).toEqual({
      pods: '20', services: '10', 'services.loadbalancers': '0', 'services.nodeports': '0', persistentvolumeclaims: '5', configmaps: '30', secrets: '30',
      'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.cpu': '8', 'limits.memory': '16Gi', 'requests.storage': '100Gi',
      'premium-rwo.storageclass.storage.k8s.io/requests.storage': '50Gi',
      'standard.storageclass.storage.k8s.io/requests.storage': '200Gi',
    });
  });

  test('a compute quota is satisfied by a container max, which the API server uses as the default limit', () => {
    const quota = find(objectsOf({ quota: { limitsMemory: '4Gi', requestsMemory: '2Gi' }, limitRange: { container: { max: { memory: '1Gi' } } } }), 'ResourceQuota');
    expect(quota.spec.hard).toEqual({ 'limits.memory': '4Gi', 'requests.memory': '2Gi' });
  });

  test('the LimitRange renders container, pod and claim bounds as quantity strings', () => {
    const lr = find(objectsOf({
      limitRange: {
        container: { default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '256Mi' }, max: { cpu: '2', memory: '2Gi' } },
        pod: { max: { cpu: '4', memory: '4Gi' } },
        persistentVolumeClaim: { min: '1Gi', max: '20Gi' },
      },
    }), 'LimitRange');
    expect(lr.metadata).toMatchObject({ name: 'limits', namespace: 'shop' });
    expect(lr.spec.limits).toEqual([
      { type: 'Container', default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '256Mi' }, max: { cpu: '2', memory: '2Gi' } },
      { type: 'Pod', max: { cpu: '4', memory: '4Gi' } },
      { type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '20Gi' } },
    ]);
  });

  test('a LimitRange with only a claim maximum has only that item', () => {
    expect(find(objectsOf({ limitRange: { persistentVolumeClaim: { max: '10Gi' } } }), 'LimitRange').spec.limits)
      .toEqual([{ type: 'PersistentVolumeClaim', max: { storage: '10Gi' } }]);
  });

  test('allowDns lets every pod reach kube-dns in kube-system on 53 UDP and TCP, once', () => {
    const objects = objectsOf({}, (ns) => {
      const first = ns.allowDns();
      expect(ns.allowDns()).toBe(first);
    });
    const dns = find(objects, 'NetworkPolicy', 'allow-dns');
    expect(dns.metadata.namespace).toBe('shop');
    expect(dns.spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    });
  });

  test('allowFromIngressController admits the controller namespace to the selected pods', () => {
    const objects = objectsOf({}, (ns) => {
      ns.allowFromIngressController({ to: web, ports: [8080] });
      ns.allowFromIngressController({ name: 'gateway-to-api', to: api, ports: [{ port: 9000, protocol: 'TCP' }], controllerNamespace: 'gateway', controllerSelector: { 'app.kubernetes.io/name': 'gateway' } });
    });
    expect(find(objects, 'NetworkPolicy', 'allow-ingress-controller-to-web').spec).toEqual({
      podSelector: { matchLabels: web },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    expect(find(objects, 'NetworkPolicy', 'allow-gateway-to-api').spec).toEqual({
      podSelector: { matchLabels: api },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway' } } }],
        ports: [{ protocol: 'TCP', port: 9000 }],
      }],
    });
  });

  test('allowFlow opens both directions: ingress on the server pods, egress on the client pods', () => {
    const objects = objectsOf({}, (ns) => ns.allowFlow({ name: 'web-to-api', from: web, to: api, ports: [8080, { port: 9000, endPort: 9010, protocol: 'UDP' }] }));
    const ports = [{ protocol: 'TCP', port: 8080 }, { protocol: 'UDP', port: 9000, endPort: 9010 }];
    expect(find(objects, 'NetworkPolicy', 'allow-web-to-api-ingress').spec).toEqual({
      podSelector: { matchLabels: api }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: web } }], ports }],
    });
    expect(find(objects, 'NetworkPolicy', 'allow-web-to-api-egress').spec).toEqual({
      podSelector: { matchLabels: web }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: api } }], ports }],
    });
  });

  test('allowEgressToCidr lets the selected pods reach the networks on the ports', () => {
    const objects = objectsOf({}, (ns) => ns.allowEgressToCidr({ name: 'web-to-kube-api', from: web, cidrs: ['172.16.0.2/32', '2001:db8::/32'], ports: [443] }));
    expect(find(objects, 'NetworkPolicy', 'allow-web-to-kube-api').spec).toEqual({
      podSelector: { matchLabels: web },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '172.16.0.2/32' } }, { ipBlock: { cidr: '2001:db8::/32' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
  });

  test('namespaced objects go into the guarded namespace, not the chart\'s', () => {
    const objects = objectsOf({ quota: { pods: 1 }, limitRange: { persistentVolumeClaim: { max: '1Gi' } } }, (ns) => ns.allowDns());
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('shop');
  });

  test('snapshot', () => {
    expect(objectsOf({
      quota: { pods: 20, loadBalancers: 0, requestsCpu: '4', requestsMemory: '8Gi', limitsMemory: '16Gi', requestsStorage: '100Gi', storageClassRequests: { 'premium-rwo': '50Gi' } },
      limitRange: { container: { default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '256Mi' } }, persistentVolumeClaim: { max: '20Gi' } },
    }, (ns) => {
      ns.allowDns();
      ns.allowFromIngressController({ to: web, ports: [8080] });
      ns.allowFlow({ name: 'web-to-api', from: web, to: api, ports: [9000] });
      ns.allowEgressToCidr({ name: 'api-to-cloud', from: api, cidrs: ['199.36.153.8/30'], ports: [443] });
    })).toMatchSnapshot();
  });

  describe('fails when', () => {
    const cases: Array<[string, Partial<GuardedNamespaceProps>, string]> = [
      ['the name is not an RFC 1123 label', { name: 'shop.prod' }, 'test/ns: name "shop.prod" is not a valid RFC 1123 label'],
      ['a label is invalid', { labels: { team: 'a b' } }, 'test/ns: labels {"team":"a b"} has value "a b" for "team" that is not a valid label value'],
      ['a label is a Pod Security label', { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }, 'test/ns: labels["pod-security.kubernetes.io/enforce"] "privileged" is a Pod Security label; use enforce, audit, warn and version instead'],
      ['a Pod Security level is unknown', { warn: 'strict' as 'restricted' }, 'test/ns: warn "strict" is not a Pod Security level; use one of privileged, baseline, restricted'],
      ['the version is not vX.Y', { version: '1.28' }, 'test/ns: version "1.28" is not a Pod Security version; use "vX.Y" matching the cluster, e.g. "v1.28", or "latest"'],
      ['a per-mode version is not vX.Y', { auditVersion: 'v1' }, 'test/ns: auditVersion "v1" is not a Pod Security version'],
      ['a quota count is negative', { quota: { pods: -1 } }, 'test/ns: quota.pods -1 is out of range; use a whole number from 0 up'],
      ['a quota count is fractional', { quota: { secrets: 1.5 } }, 'test/ns: quota.secrets 1.5 is not a whole number'],
      ['a quota total is not a quantity', { quota: { requestsStorage: '10GB' } }, 'test/ns: quota.requestsStorage "10GB" is not a Kubernetes quantity; use e.g. "10Gi" (binary) or "10G" (decimal)'],
      ['a quota total is negative', { quota: { requestsStorage: '-1Gi' } }, 'test/ns: quota.requestsStorage "-1Gi" is negative; use a positive amount such as "100Gi"'],
      ['a storage class name is invalid', { quota: { storageClassRequests: { Premium_RWO: '10Gi' } } }, 'test/ns: quota.storageClassRequests "Premium_RWO" contains "_"'],
      ['a storage class total is not a quantity', { quota: { storageClassRequests: { ssd: '50 gigs' } } }, 'test/ns: quota.storageClassRequests["ssd"] "50 gigs" is not a Kubernetes quantity'],
      ['the quota limits nothing', { quota: {} }, 'test/ns: quota {} limits nothing; set at least one count or total, or leave quota out'],
      ['a cpu request quota has no LimitRange default', { quota: { requestsCpu: '4' } }, 'test/ns: quota.requestsCpu "4" makes the API server reject every pod with a container that sets no cpu request; give containers a default: set limitRange.container.defaultRequest.cpu'],
      ['a memory limit quota has no LimitRange default', { quota: { limitsMemory: '4Gi' }, limitRange: { container: { defaultRequest: { memory: '128Mi' } } } }, 'test/ns: quota.limitsMemory "4Gi" makes the API server reject every pod with a container that sets no memory limit; give containers a default: set limitRange.container.default.memory'],
      ['a LimitRange amount is not a quantity', { limitRange: { container: { max: { memory: '2GB' } } } }, 'test/ns: limitRange.container.max.memory "2GB" is not a Kubernetes quantity; use e.g. "2Gi" (binary) or "2G" (decimal)'],
      ['a container default is above the max', { limitRange: { container: { default: { cpu: '2' }, max: { cpu: '1' } } } }, 'test/ns: limitRange.container.default.cpu "2" is above limitRange.container.max.cpu "1"; lower limitRange.container.default.cpu or raise limitRange.container.max.cpu'],
      ['a default request is above the default', { limitRange: { container: { default: { memory: '256Mi' }, defaultRequest: { memory: '512Mi' } } } }, 'test/ns: limitRange.container.defaultRequest.memory "512Mi" is above limitRange.container.default.memory "256Mi"'],
      ['a default request is above the max', { limitRange: { container: { defaultRequest: { memory: '4Gi' }, max: { memory: '1Gi' } } } }, 'test/ns: limitRange.container.defaultRequest.memory "4Gi" is above limitRange.container.max.memory "1Gi"'],
      ['a pod max has no container default limit', { limitRange: { pod: { max: { cpu: '2' } } } }, 'test/ns: limitRange.pod.max.cpu "2" makes the API server reject every pod with a container that sets no cpu limit; give containers a default: set limitRange.container.default.cpu'],
      ['a claim bound is not a quantity', { limitRange: { persistentVolumeClaim: { max: '-5Gi' } } }, 'test/ns: limitRange.persistentVolumeClaim.max "-5Gi" is negative'],
      ['a claim minimum is not a quantity', { limitRange: { persistentVolumeClaim: { min: 'one' } } }, 'test/ns: limitRange.persistentVolumeClaim.min "one" is not a Kubernetes quantity'],
      ['the claim minimum is above the maximum', { limitRange: { persistentVolumeClaim: { min: '20Gi', max: '10Gi' } } }, 'test/ns: limitRange.persistentVolumeClaim.min "20Gi" is above limitRange.persistentVolumeClaim.max "10Gi"'],
      ['the LimitRange sets nothing', { limitRange: { container: {}, pod: {} } }, 'test/ns: limitRange {"container":{},"pod":{}} sets nothing; set a default, maximum or claim bound, or leave limitRange out'],
    ];
    test.each(cases)('%s', (_, props, message) => {
      expect(build(props)).toThrow(message);
    });

    const helperCases: Array<[string, (ns: GuardedNamespace) => void, string]> = [
      ['an ingress-controller flow has no name and no app label', (ns) => ns.allowFromIngressController({ to: { tier: 'web' }, ports: [80] }),
        'test/ns: allowFromIngressController.name undefined cannot be derived: to has no app.kubernetes.io/name label; give the flow a name'],
      ['the controller namespace is invalid', (ns) => ns.allowFromIngressController({ to: web, ports: [80], controllerNamespace: 'Ingress_Nginx' }),
        'test/ns: allowFromIngressController(ingress-controller-to-web).controllerNamespace "Ingress_Nginx" contains "_"'],
      ['the controller selector is empty', (ns) => ns.allowFromIngressController({ to: web, ports: [80], controllerSelector: {} }),
        'test/ns: allowFromIngressController(ingress-controller-to-web).controllerSelector {} is empty, which selects every pod of the namespace'],
      ['a to selector is empty', (ns) => ns.allowFlow({ name: 'x', from: web, to: {}, ports: [80] }),
        'test/ns: allowFlow(x).to {} is empty, which selects every pod of the namespace; select the pods by their stable labels'],
      ['a from selector is empty', (ns) => ns.allowEgressToCidr({ name: 'x', from: {}, cidrs: ['10.0.0.0/8'], ports: [443] }),
        'test/ns: allowEgressToCidr(x).from {} is empty, which selects every pod of the namespace'],
      ['a selector has an invalid label', (ns) => ns.allowFlow({ name: 'x', from: { 'bad key': 'web' }, to: api, ports: [80] }),
        'test/ns: allowFlow(x).from {"bad key":"web"} has key "bad key" that is not a valid label key'],
      ['no ports are listed', (ns) => ns.allowFlow({ name: 'x', from: web, to: api, ports: [] }),
        'test/ns: allowFlow(x).ports [] is empty, which allows every port; list the ports the flow uses'],
      ['a port is out of range', (ns) => ns.allowFlow({ name: 'x', from: web, to: api, ports: [0] }),
        'test/ns: allowFlow(x).ports[0].port 0 is out of range; use a whole number from 1 to 65535'],
      ['an end port is out of range', (ns) => ns.allowFlow({ name: 'x', from: web, to: api, ports: [{ port: 80, endPort: 70000 }] }),
        'test/ns: allowFlow(x).ports[0].endPort 70000 is out of range'],
      ['an end port is below the port', (ns) => ns.allowFlow({ name: 'x', from: web, to: api, ports: [{ port: 8080, endPort: 80 }] }),
        'test/ns: allowFlow(x).ports[0].endPort 80 is below port 8080; give a range whose end is at least its start'],
      ['no CIDRs are listed', (ns) => ns.allowEgressToCidr({ name: 'x', from: web, cidrs: [], ports: [443] }),
        'test/ns: allowEgressToCidr(x).cidrs [] is empty; list the destination networks'],
      ['a CIDR is invalid', (ns) => ns.allowEgressToCidr({ name: 'x', from: web, cidrs: ['10.0.0.0/33'], ports: [443] }),
        'test/ns: allowEgressToCidr(x).cidrs[0] "10.0.0.0/33" is not a CIDR; use e.g. "10.0.0.0/8" or "203.0.113.7/32"'],
      ['an address has no prefix length', (ns) => ns.allowEgressToCidr({ name: 'x', from: web, cidrs: ['10.0.0.1'], ports: [443] }),
        'test/ns: allowEgressToCidr(x).cidrs[0] "10.0.0.1" is not a CIDR'],
      ['a flow name makes an invalid policy name', (ns) => ns.allowFlow({ name: 'Web_To_Api', from: web, to: api, ports: [80] }),
        'test/ns: allowFlow(Web_To_Api).name "allow-Web_To_Api-ingress" contains "_"'],
      ['a flow name is used twice', (ns) => { ns.allowEgressToCidr({ name: 'out', from: web, cidrs: ['10.0.0.0/8'], ports: [443] }); ns.allowEgressToCidr({ name: 'out', from: api, cidrs: ['10.0.0.0/8'], ports: [443] }); },
        'test/ns: allowEgressToCidr(out).name "allow-out" names a NetworkPolicy this namespace already has; give the flow a name of its own'],
      ['a flow name is empty', (ns) => ns.allowFromIngressController({ name: '', to: web, ports: [80] }),
        'test/ns: allowFromIngressController().name "allow-" is not a valid RFC 1123 subdomain'],
    ];
    test.each(helperCases)('%s', (_, call, message) => {
      expect(build({}, call)).toThrow(message);
    });
  });
});
