import { NetworkService, NetworkServiceProps } from '../constructs';
import { KubeObject, expectValidationError, find, scope, synth } from './support/synth';

const SELECTOR = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' };
const LABELS = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/managed-by': 'cdk8s' };
const HTTP = { name: 'http', port: 80, targetPort: 'http' };

function service(props: Partial<NetworkServiceProps>): KubeObject[] {
  return synth((chart) => new NetworkService(chart, 'svc', { name: 'web', selector: SELECTOR, ports: [HTTP], ...props }));
}

function rejects(props: Partial<NetworkServiceProps>, message: RegExp): void {
  expectValidationError(() => new NetworkService(scope(), 'svc', { name: 'web', selector: SELECTOR, ports: [HTTP], ...props }), message);
}

describe('kinds', () => {
  test('ClusterIP (the default): selector, ports with targetPort, standard labels', () => {
    const objects = service({});
    expect(objects).toHaveLength(1);
    const svc = find(objects, 'Service');
    expect(svc.metadata).toEqual({ name: 'web', namespace: 'test', labels: LABELS });
    expect(svc.spec).toEqual({ type: 'ClusterIP', selector: SELECTOR, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] });
  });

  test('ClusterIP with a static IP', () => {
    const svc = find(service({ kind: { type: 'ClusterIP', clusterIP: '10.96.0.50' } }), 'Service');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.clusterIP).toBe('10.96.0.50');
  });

  test('NodePort keeps client IPs with externalTrafficPolicy Local by default, and a fixed nodePort', () => {
    const svc = find(service({ kind: { type: 'NodePort' }, ports: [{ ...HTTP, nodePort: 30080 }] }), 'Service');
    expect(svc.spec).toEqual({ type: 'NodePort', externalTrafficPolicy: 'Local', selector: SELECTOR, ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP' }] });
    expect(find(service({ kind: { type: 'NodePort', externalTrafficPolicy: 'Cluster' } }), 'Service').spec.externalTrafficPolicy).toBe('Cluster');
  });

  test('LoadBalancer is restricted to its source ranges', () => {
    const svc = find(service({ kind: { type: 'LoadBalancer', sourceRanges: ['203.0.113.0/24', '198.51.100.7/32'] } }), 'Service');
    expect(svc.spec).toEqual({
      type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24', '198.51.100.7/32'], externalTrafficPolicy: 'Local',
      selector: SELECTOR, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  test('Headless: clusterIP None, and publishNotReadyAddresses for peers that must find each other', () => {
    const svc = find(service({ kind: { type: 'Headless' }, publishNotReadyAddresses: true, ports: [{ name: 'pg', port: 5432 }] }), 'Service');
    expect(svc.spec).toEqual({ type: 'ClusterIP', clusterIP: 'None', publishNotReadyAddresses: true, selector: SELECTOR, ports: [{ name: 'pg', port: 5432, targetPort: 5432, protocol: 'TCP' }] });
  });

  test('ExternalName: no selector, no ports needed, no targetPort', () => {
    const svc = find(service({ kind: { type: 'ExternalName', externalName: 'db.example.com' }, ports: [] }), 'Service');
    expect(svc.spec).toEqual({ type: 'ExternalName', externalName: 'db.example.com' });
    const withPort = find(service({ kind: { type: 'ExternalName', externalName: 'db.example.com' }, ports: [{ name: 'pg', port: 5432 }] }), 'Service');
    expect(withPort.spec.ports).toEqual([{ name: 'pg', port: 5432, protocol: 'TCP' }]);
    expect(withPort.spec.selector).toBeUndefined();
  });

  test('Selectorless: a Service without selector and its endpoints as one EndpointSlice', () => {
    const objects = service({ kind: { type: 'Selectorless', endpoints: { addresses: ['10.0.0.12', '10.0.0.13'] } }, ports: [{ name: 'pg', port: 5432, targetPort: 15432 }] });
    const svc = find(objects, 'Service');
    expect(svc.spec).toEqual({ type: 'ClusterIP', ports: [{ name: 'pg', port: 5432, targetPort: 15432, protocol: 'TCP' }] });
    const slice = find(objects, 'EndpointSlice');
    expect(slice.apiVersion).toBe('discovery.k8s.io/v1');
    expect(slice.metadata).toEqual({
      name: 'web-manual', namespace: 'test',
      labels: { ...LABELS, 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'cdk8s' },
    });
    expect(slice.addressType).toBe('IPv4');
    expect(slice.endpoints).toEqual([{ addresses: ['10.0.0.12'], conditions: { ready: true } }, { addresses: ['10.0.0.13'], conditions: { ready: true } }]);
    // The slice carries the port the backends listen on, named like the Service port.
    expect(slice.ports).toEqual([{ name: 'pg', port: 15432, protocol: 'TCP' }]);
  });

  test('Selectorless with IPv6 addresses', () => {
    const slice = find(service({ kind: { type: 'Selectorless', endpoints: { addresses: ['fd00::12'], addressType: 'IPv6' } }, ports: [{ name: 'pg', port: 5432 }] }), 'EndpointSlice');
    expect(slice.addressType).toBe('IPv6');
    expect(slice.endpoints).toEqual([{ addresses: ['fd00::12'], conditions: { ready: true } }]);
    expect(slice.ports).toEqual([{ name: 'pg', port: 5432, protocol: 'TCP' }]);
  });
});

describe('options', () => {
  test('serviceName, namespace, sessionAffinity, annotations, UDP ports and identity labels', () => {
    const svc = find(service({
      serviceName: 'web-public', namespace: 'shop', sessionAffinity: 'ClientIP', partOf: 'shop', version: '1.0.0',
      annotations: { 'cloud.google.com/neg': '{"ingress": true}' },
      ports: [HTTP, { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' }],
    }), 'Service');
    expect(svc.metadata).toEqual({
      name: 'web-public', namespace: 'shop', annotations: { 'cloud.google.com/neg': '{"ingress": true}' },
      labels: { ...LABELS, 'app.kubernetes.io/instance': 'shop-web', 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/version': '1.0.0' },
    });
    expect(svc.spec.sessionAffinity).toBe('ClientIP');
    expect(svc.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
    ]);
    // The selector is the one given, untouched by the identity labels.
    expect(svc.spec.selector).toEqual(SELECTOR);
  });

  test('the same port number may be exposed once per protocol', () => {
    const svc = find(service({ ports: [{ name: 'dns-tcp', port: 53 }, { name: 'dns-udp', port: 53, protocol: 'UDP' }] }), 'Service');
    expect(svc.spec.ports.map((p: { port: number; protocol: string }) => `${p.port}/${p.protocol}`)).toEqual(['53/TCP', '53/UDP']);
  });
});

test('snapshot: every kind of Service', () => {
  const objects = synth((chart) => {
    new NetworkService(chart, 'cluster-ip', { name: 'web', selector: SELECTOR, ports: [HTTP], kind: { type: 'ClusterIP', clusterIP: '10.96.0.50' } });
    new NetworkService(chart, 'node-port', { name: 'web', serviceName: 'web-nodeport', selector: SELECTOR, ports: [{ ...HTTP, nodePort: 30080 }], kind: { type: 'NodePort' } });
    new NetworkService(chart, 'lb', { name: 'web', serviceName: 'web-lb', selector: SELECTOR, ports: [HTTP], kind: { type: 'LoadBalancer', sourceRanges: ['203.0.113.0/24'] } });
    new NetworkService(chart, 'headless', { name: 'db', selector: { 'app.kubernetes.io/name': 'db' }, ports: [{ name: 'pg', port: 5432 }], kind: { type: 'Headless' }, publishNotReadyAddresses: true });
    new NetworkService(chart, 'external', { name: 'mail', ports: [], kind: { type: 'ExternalName', externalName: 'smtp.example.com' } });
    new NetworkService(chart, 'manual', { name: 'legacy', ports: [{ name: 'http', port: 80, targetPort: 8080 }], kind: { type: 'Selectorless', endpoints: { addresses: ['10.0.0.12'] } } });
  });
  expect(objects).toMatchSnapshot();
});

describe('validation', () => {
  test('fails when the Service name is not an RFC 1035 label', () => {
    rejects({ serviceName: '1web' }, /^test\/svc: serviceName "1web" must start with a letter \(RFC 1035 label\); prefix it with a letter, e\.g\. "s-1web"$/);
    rejects({ serviceName: 'web_public' }, /^test\/svc: serviceName "web_public" contains "_", which Kubernetes names do not allow; .* e\.g\. "web-public"$/);
    rejects({ serviceName: 'WebPublic' }, /^test\/svc: serviceName "WebPublic" contains upper-case letters; .* e\.g\. "webpublic"$/);
    rejects({ serviceName: 'w'.repeat(64) }, /^test\/svc: serviceName "w{64}" is 64 characters long, more than the 63 allowed; shorten it to at most 63 characters$/);
  });

  test('fails when there is no port (except for ExternalName)', () => {
    rejects({ ports: [] }, /^test\/svc: ports \[\] is empty; expose at least one port$/);
    rejects({ ports: [], kind: { type: 'Headless' } }, /^test\/svc: ports \[\] is empty/);
  });

  test('fails when a port is out of range', () => {
    rejects({ ports: [{ name: 'http', port: 0 }] }, /^test\/svc: ports\[0\]\.port 0 is out of range; use a whole number from 1 to 65535$/);
    rejects({ ports: [{ name: 'http', port: 80.5 }] }, /^test\/svc: ports\[0\]\.port 80\.5 is not a whole number; use a whole number from 1 to 65535$/);
  });

  test('fails when a port of a multi-port Service has no name', () => {
    rejects({ ports: [HTTP, { name: '', port: 443 }] }, /^test\/svc: ports\[1\]\.name "" is empty on a multi-port Service; name every port$/);
  });

  test('fails when a port name is not an IANA service name', () => {
    rejects({ ports: [{ name: 'HTTP', port: 80 }] }, /^test\/svc: ports\[0\]\.name "HTTP" is not a valid port name; use at most 15 lower-case letters, digits and "-", with at least one letter, e\.g\. "http"$/);
    rejects({ ports: [{ name: 'metrics-endpoint1', port: 9090 }] }, /^test\/svc: ports\[0\]\.name "metrics-endpoint1" is not a valid port name/);
    rejects({ ports: [{ name: '8080', port: 8080 }] }, /^test\/svc: ports\[0\]\.name "8080" is not a valid port name/);
  });

  test('fails when a named targetPort is not an IANA service name', () => {
    rejects({ ports: [{ name: 'http', port: 80, targetPort: 'Http_Alt' }] }, /^test\/svc: ports\[0\]\.targetPort "Http_Alt" is not a valid port name; use at most 15 lower-case letters/);
  });

  test('fails when two ports share a name', () => {
    rejects({ ports: [HTTP, { name: 'http', port: 8080 }] }, /^test\/svc: ports\[1\]\.name "http" is used twice; give each port a unique name$/);
  });

  test('fails when a port is exposed twice (duplicate ports)', () => {
    rejects({ ports: [HTTP, { name: 'http-alt', port: 80 }] }, /^test\/svc: ports\[1\]\.port 80 is exposed twice; expose each port once$/);
  });

  test('fails when a nodePort is set on a Service that has none, or out of range', () => {
    rejects({ ports: [{ ...HTTP, nodePort: 30080 }] }, /^test\/svc: ports\[0\]\.nodePort 30080 is set on a ClusterIP Service; remove it or use type NodePort$/);
    rejects({ ports: [{ ...HTTP, nodePort: 8080 }], kind: { type: 'NodePort' } }, /^test\/svc: ports\[0\]\.nodePort 8080 is out of range; use a whole number from 30000 to 32767$/);
  });

  test('fails when a numeric targetPort is out of range', () => {
    rejects({ ports: [{ name: 'http', port: 80, targetPort: 70000 }] }, /^test\/svc: ports\[0\]\.targetPort 70000 is out of range; use a whole number from 1 to 65535$/);
  });

  test('fails when a selecting Service has no selector, or an invalid one', () => {
    rejects({ selector: undefined }, /^test\/svc: selector undefined is empty; select the pods by their stable labels, e\.g\. app\.kubernetes\.io\/name$/);
    rejects({ selector: {} }, /^test\/svc: selector \{\} is empty/);
    rejects({ selector: { app: 'web server' } }, /^test\/svc: selector \{"app":"web server"\} has value "web server" for "app" that is not a valid label value; use letters, digits/);
  });

  test('fails when a static clusterIP is not an IPv4 address', () => {
    rejects({ kind: { type: 'ClusterIP', clusterIP: '10.96.0.300' } }, /^test\/svc: kind\.clusterIP "10\.96\.0\.300" is not an IPv4 address; use an address from the cluster service CIDR, e\.g\. "10\.96\.0\.50"$/);
  });

  test('fails when a LoadBalancer has no source ranges', () => {
    rejects({ kind: { type: 'LoadBalancer', sourceRanges: [] } }, /^test\/svc: kind\.sourceRanges \[\] is empty, which opens the load balancer to the whole internet; list the client CIDRs, e\.g\. \["203\.0\.113\.0\/24"\]$/);
  });

  test('fails when a static clusterIP has an octet with a leading zero (ambiguous: octal or decimal)', () => {
    rejects({ kind: { type: 'ClusterIP', clusterIP: '10.96.0.050' } }, /^test\/svc: kind\.clusterIP "10\.96\.0\.050" is not an IPv4 address; use an address from the cluster service CIDR/);
  });

  test('fails when a LoadBalancer source range is IPv6 (the Service is single-stack IPv4)', () => {
    rejects({ kind: { type: 'LoadBalancer', sourceRanges: ['2001:db8::/32'] } }, /^test\/svc: kind\.sourceRanges "2001:db8::\/32" is not an IPv4 CIDR; use e\.g\. "203\.0\.113\.0\/24"$/);
  });

  test('fails when a LoadBalancer source range is not a CIDR', () => {
    rejects({ kind: { type: 'LoadBalancer', sourceRanges: ['203.0.113.0'] } }, /^test\/svc: kind\.sourceRanges "203\.0\.113\.0" is not an IPv4 CIDR; use e\.g\. "203\.0\.113\.0\/24"$/);
    rejects({ kind: { type: 'LoadBalancer', sourceRanges: ['0.0.0.0/33'] } }, /^test\/svc: kind\.sourceRanges "0\.0\.0\.0\/33" is not an IPv4 CIDR/);
  });

  test('fails when an ExternalName is not a fully qualified host name', () => {
    rejects({ kind: { type: 'ExternalName', externalName: 'db' }, ports: [] }, /^test\/svc: kind\.externalName "db" is not a fully qualified host name; use a DNS name such as "shop\.example\.com"$/);
    rejects({ kind: { type: 'ExternalName', externalName: 'DB.example.com' }, ports: [] }, /^test\/svc: kind\.externalName "DB\.example\.com" contains upper-case letters; use a DNS name such as "shop\.example\.com"$/);
  });

  test('fails when a Selectorless Service has no addresses, or an invalid IPv4 one', () => {
    rejects({ kind: { type: 'Selectorless', endpoints: { addresses: [] } } }, /^test\/svc: kind\.endpoints\.addresses \[\] is empty; list the backend addresses$/);
    rejects({ kind: { type: 'Selectorless', endpoints: { addresses: ['10.0.0.256'] } } }, /^test\/svc: kind\.endpoints\.addresses "10\.0\.0\.256" is not an IPv4 address; use e\.g\. "10\.0\.0\.12"$/);
  });
});
