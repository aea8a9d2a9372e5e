import { Construct } from 'constructs';
import { NetworkService } from '../constructs/services';
import { IngressPathSpec, TlsIngress, TlsIngressProps } from '../constructs/tls-ingress';
import { find, scope, synth } from './support/synth';

const web = (c: Construct, namespace?: string) => new NetworkService(c, 'WebService', {
  name: 'web', namespace, selector: { 'app.kubernetes.io/name': 'web' },
  ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090 }],
});

const minimal: TlsIngressProps = {
  name: 'shop',
  rules: [{ host: 'shop.example.com', paths: [{ path: '/', serviceName: 'web', servicePort: 'http' }] }],
};

function ingressOf(props: Partial<TlsIngressProps>) {
  return find(synth((c) => new TlsIngress(c, 'ing', { ...minimal, ...props })), 'Ingress');
}

function build(props: Partial<TlsIngressProps>): () => void {
  return () => new TlsIngress(scope(), 'ing', { ...minimal, ...props });
}

const path = (p: Partial<IngressPathSpec> & { path?: string }): IngressPathSpec => ({ path: '/', serviceName: 'web', servicePort: 'http', ...p } as IngressPathSpec);

describe('TlsIngress', () => {
  test('renders host and path rules with the documented defaults', () => {
    const ing = ingressOf({});
    expect(ing.apiVersion).toBe('networking.k8s.io/v1');
    expect(ing.metadata.name).toBe('shop');
    expect(ing.metadata.namespace).toBe('test');
    expect(ing.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/managed-by': 'cdk8s' });
    expect(ing.metadata.annotations).toBeUndefined();
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls).toBeUndefined();
    expect(ing.spec.rules).toEqual([{
      host: 'shop.example.com',
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] },
    }]);
  });

  test('takes ingressName, namespace, ingressClassName, path types and numbered ports', () => {
    const ing = ingressOf({
      ingressName: 'public', namespace: 'shop', ingressClassName: 'gce',
      rules: [{
        host: 'shop.example.com',
        paths: [path({ path: '/api', pathType: 'Exact', serviceName: 'api', servicePort: 8080 }), path({ path: '/static(/|$)(.*)', pathType: 'ImplementationSpecific' })],
      }],
    });
    expect(ing.metadata.name).toBe('public');
    expect(ing.metadata.namespace).toBe('shop');
    expect(ing.spec.ingressClassName).toBe('gce');
    expect(ing.spec.rules[0].http.paths).toEqual([
      { path: '/api', pathType: 'Exact', backend: { service: { name: 'api', port: { number: 8080 } } } },
      { path: '/static(/|$)(.*)', pathType: 'ImplementationSpecific', backend: { service: { name: 'web', port: { name: 'http' } } } },
    ]);
  });

  test('TLS references the Secret by name and covers every rule host by default', () => {
    const ing = ingressOf({
      rules: [
        { host: 'shop.example.com', paths: [path({})] },
        { host: 'api.example.com', paths: [path({})] },
      ],
      tls: { secretName: 'shop-tls' },
    });
    expect(ing.spec.tls).toEqual([{ secretName: 'shop-tls', hosts: ['shop.example.com', 'api.example.com'] }]);
  });

  test('explicit TLS hosts, including a wildcard that covers rule hosts', () => {
    const ing = ingressOf({
      rules: [{ host: 'shop.example.com', paths: [path({})] }, { host: 'api.example.com', paths: [path({})] }],
      tls: { secretName: 'wildcard-tls', hosts: ['*.example.com'] },
    });
    expect(ing.spec.tls).toEqual([{ secretName: 'wildcard-tls', hosts: ['*.example.com'] }]);
  });

  test('writes no certificate or key material: no Secret, only the reference', () => {
    const objects = synth((c) => new TlsIngress(c, 'ing', { ...minimal, tls: { secretName: 'shop-tls' }, certManager: { clusterIssuer: 'letsencrypt' } }));
    expect(objects.map((o) => o.kind)).toEqual(['Ingress']);
    const text = JSON.stringify(objects);
    expect(text).not.toMatch(/tls\.crt|tls\.key|BEGIN (CERTIFICATE|.*PRIVATE KEY)/);
  });

  test('certManager adds the cluster-issuer annotation next to the given annotations', () => {
    const ing = ingressOf({
      tls: { secretName: 'shop-tls' },
      certManager: { clusterIssuer: 'letsencrypt-prod' },
      annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' },
    });
    expect(ing.metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
    });
  });

  test('annotations alone are passed through', () => {
    expect(ingressOf({ annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' } }).metadata.annotations)
      .toEqual({ 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' });
  });

  test('accepts a NetworkService as backend: its only port by default, else the port named', () => {
    const objects = synth((c) => {
      const svc = web(c);
      const single = new NetworkService(c, 'Single', { name: 'docs', selector: { 'app.kubernetes.io/name': 'docs' }, ports: [{ name: 'http', port: 8080 }] });
      new TlsIngress(c, 'ing', {
        name: 'shop',
        rules: [{ host: 'shop.example.com', paths: [{ path: '/', service: svc, servicePort: 'http' }, { path: '/metrics', service: svc, servicePort: 9090 }, { path: '/docs', service: single }] }],
      });
    });
    expect(find(objects, 'Ingress').spec.rules[0].http.paths.map((p: { backend: unknown }) => p.backend)).toEqual([
      { service: { name: 'web', port: { name: 'http' } } },
      { service: { name: 'web', port: { number: 9090 } } },
      { service: { name: 'docs', port: { name: 'http' } } },
    ]);
  });

  test('exposes its hosts', () => {
    let ing!: TlsIngress;
    synth((c) => { ing = new TlsIngress(c, 'ing', { ...minimal, tls: { secretName: 'shop-tls' } }); });
    expect(ing.ingressName).toBe('shop');
    expect(ing.hosts).toEqual(['shop.example.com']);
    expect(ing.tlsHosts).toEqual(['shop.example.com']);
  });

  test('snapshot', () => {
    expect(synth((c) => new TlsIngress(c, 'ing', {
      name: 'shop', partOf: 'shop', component: 'edge',
      rules: [{ host: 'shop.example.com', paths: [path({}), path({ path: '/api', serviceName: 'api', servicePort: 8080 })] }],
      tls: { secretName: 'shop-tls' },
      certManager: { clusterIssuer: 'letsencrypt-prod' },
      annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' },
    }))).toMatchSnapshot();
  });

  describe('fails when', () => {
    const cases: Array<[string, Partial<TlsIngressProps>, string]> = [
      ['the ingress name is invalid', { ingressName: 'Shop' }, 'test/ing: ingressName "Shop" contains upper-case letters'],
      ['the ingress class name is invalid', { ingressClassName: 'my_class' }, 'test/ing: ingressClassName "my_class" contains "_"'],
      ['there are no rules', { rules: [] }, 'test/ing: rules [] is empty; route at least one host'],
      ['a host is not fully qualified', { rules: [{ host: 'shop', paths: [path({})] }] }, 'test/ing: rules[0].host "shop" is not a fully qualified host name; use a DNS name such as "shop.example.com"'],
      ['a host is not a DNS name', { rules: [{ host: 'Shop.Example.com', paths: [path({})] }] }, 'test/ing: rules[0].host "Shop.Example.com" contains upper-case letters; use a DNS name'],
      ['a host has two rules', { rules: [{ host: 'shop.example.com', paths: [path({})] }, { host: 'shop.example.com', paths: [path({ path: '/x' })] }] }, 'test/ing: rules[1].host "shop.example.com" has a second rule; merge its paths into one rule per host'],
      ['a rule has no paths', { rules: [{ host: 'shop.example.com', paths: [] }] }, 'test/ing: rules[0].paths [] is empty; route at least one path'],
      ['a path type is unknown', { rules: [{ host: 'shop.example.com', paths: [path({ pathType: 'Regex' as 'Exact' })] }] }, 'test/ing: rules[0].paths[0].pathType "Regex" is not a path type; use one of Prefix, Exact, ImplementationSpecific'],
      ['a path is not absolute', { rules: [{ host: 'shop.example.com', paths: [path({ path: 'api' })] }] }, 'test/ing: rules[0].paths[0].path "api" is not an absolute path; start it with "/", e.g. "/api"'],
      ['a Prefix path is not normal', { rules: [{ host: 'shop.example.com', paths: [path({ path: '/a//b' })] }] }, 'test/ing: rules[0].paths[0].path "/a//b" contains "//", which the API server refuses in Prefix paths; write the path in its normal form'],
      ['an Exact path ends in "/."', { rules: [{ host: 'shop.example.com', paths: [path({ path: '/a/.', pathType: 'Exact' })] }] }, 'test/ing: rules[0].paths[0].path "/a/." contains "/.", which the API server refuses in Exact paths'],
      ['a path is routed twice', { rules: [{ host: 'shop.example.com', paths: [path({}), path({ serviceName: 'other' })] }] }, 'test/ing: rules[0].paths[1].path "/" is routed twice for shop.example.com; route each path once'],
      ['a service name is invalid', { rules: [{ host: 'shop.example.com', paths: [path({ serviceName: '1web' })] }] }, 'test/ing: rules[0].paths[0].serviceName "1web" must start with a letter'],
      ['a service port number is out of range', { rules: [{ host: 'shop.example.com', paths: [path({ servicePort: 70000 })] }] }, 'test/ing: rules[0].paths[0].servicePort 70000 is out of range; use a whole number from 1 to 65535'],
      ['a backend refers to no port', { rules: [{ host: 'shop.example.com', paths: [path({ servicePort: undefined })] }] }, 'test/ing: rules[0].paths[0].servicePort undefined is missing, so the backend refers to no port; give the Service port number or name'],
      ['a service port name is invalid', { rules: [{ host: 'shop.example.com', paths: [path({ servicePort: 'very-long-port-name' })] }] }, 'test/ing: rules[0].paths[0].servicePort "very-long-port-name" is 19 characters long, more than the 15 allowed'],
      ['a service port name has no letter', { rules: [{ host: 'shop.example.com', paths: [path({ servicePort: '8080' })] }] }, 'test/ing: rules[0].paths[0].servicePort "8080" is not a valid port name; use at most 15 lower-case letters, digits and "-", with at least one letter, e.g. "http"'],
      ['a service port name doubles "-"', { rules: [{ host: 'shop.example.com', paths: [path({ servicePort: 'grpc--web' })] }] }, 'test/ing: rules[0].paths[0].servicePort "grpc--web" is not a valid port name'],
      ['an annotation key is invalid', { annotations: { 'bad key': 'x' } }, 'test/ing: annotations "bad key" is not a valid label key'],
      ['the TLS secret name is invalid', { tls: { secretName: 'Shop_TLS' } }, 'test/ing: tls.secretName "Shop_TLS" contains "_"'],
      ['tls.hosts is empty', { tls: { secretName: 'shop-tls', hosts: [] } }, 'test/ing: tls.hosts [] is empty; leave it out to cover every rule host'],
      ['a TLS host is invalid', { tls: { secretName: 'shop-tls', hosts: ['shop'] } }, 'test/ing: tls.hosts[0] "shop" is not a fully qualified host name'],
      ['a TLS host matches no rule host', { tls: { secretName: 'shop-tls', hosts: ['shop.example.com', 'admin.example.com'] } }, 'test/ing: tls.hosts[1] "admin.example.com" matches no rule host, so the certificate would cover a host nothing routes; add a rule for it or remove it; rule hosts: shop.example.com'],
      ['a rule host is left out of tls.hosts', {
        rules: [{ host: 'shop.example.com', paths: [path({})] }, { host: 'api.example.com', paths: [path({})] }],
        tls: { secretName: 'shop-tls', hosts: ['shop.example.com'] },
      }, 'test/ing: rules[1].host "api.example.com" is not in tls.hosts, so it would be served without TLS; add "api.example.com" to tls.hosts, or leave tls.hosts out to cover every rule host'],
      ['a wildcard rule host is only partly covered', {
        rules: [{ host: '*.example.com', paths: [path({})] }],
        tls: { secretName: 'shop-tls', hosts: ['shop.example.com'] },
      }, 'test/ing: rules[0].host "*.example.com" is not in tls.hosts, so it would be served without TLS'],
      ['certManager is set without tls', { certManager: { clusterIssuer: 'letsencrypt' } }, 'test/ing: certManager {"clusterIssuer":"letsencrypt"} is set without tls, so cert-manager has no Secret to issue into; set tls: { secretName: "..." }'],
      ['the cluster issuer name is invalid', { tls: { secretName: 'shop-tls' }, certManager: { clusterIssuer: 'Lets_Encrypt' } }, 'test/ing: certManager.clusterIssuer "Lets_Encrypt" contains "_"'],
      ['the cluster-issuer annotation is also given', { tls: { secretName: 'shop-tls' }, certManager: { clusterIssuer: 'a' }, annotations: { 'cert-manager.io/cluster-issuer': 'b' } }, 'test/ing: annotations["cert-manager.io/cluster-issuer"] "b" is also set by certManager; leave it out of annotations'],
    ];
    test.each(cases)('%s', (_, props, message) => {
      expect(build(props)).toThrow(message);
    });

    test('a NetworkService backend lives in another namespace', () => {
      const c = scope();
      const svc = web(c, 'other');
      expect(() => new TlsIngress(c, 'ing', { name: 'shop', rules: [{ host: 'shop.example.com', paths: [{ path: '/', service: svc, servicePort: 'http' }] }] }))
        .toThrow('test/ing: rules[0].paths[0].service "web" is in namespace "other", not the Ingress\'s "test"; route only to Services of the same namespace');
    });

    test('a NetworkService with several ports is given no port', () => {
      const c = scope();
      const svc = web(c);
      expect(() => new TlsIngress(c, 'ing', { name: 'shop', rules: [{ host: 'shop.example.com', paths: [{ path: '/', service: svc }] }] }))
        .toThrow('test/ing: rules[0].paths[0].servicePort undefined is needed: Service "web" has 2 ports; name one of http, metrics');
    });

    test('a NetworkService does not have the port', () => {
      const c = scope();
      const svc = web(c);
      expect(() => new TlsIngress(c, 'ing', { name: 'shop', rules: [{ host: 'shop.example.com', paths: [{ path: '/', service: svc, servicePort: 'grpc' }] }] }))
        .toThrow('test/ing: rules[0].paths[0].servicePort "grpc" is not a port of Service "web"; use one of "http" (80), "metrics" (9090)');
    });
  });
});
