import { Construct } from 'constructs';
import { GuardedNamespace } from '../constructs/guarded-namespace';
import { GATEWAY_API_VERSION, GKE_CERTMAP_ANNOTATION, GOOGLE_LOAD_BALANCER_RANGES, HttpsGateway, HttpsGatewayProps } from '../constructs/https-gateway';
import { NetworkService } from '../constructs/services';
import { WebService } from '../constructs/web-service';
import { scope, synth } from './support/synth';

const web = (c: Construct, namespace?: string) => new NetworkService(c, 'WebService', {
  name: 'web', namespace, selector: { 'app.kubernetes.io/name': 'web' },
  ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090 }],
});

const props = (c: Construct, extra: Partial<HttpsGatewayProps> = {}): HttpsGatewayProps => ({
  name: 'shop', gatewayClassName: 'gke-l7-global-external-managed', host: 'shop.example.com',
  tls: { certificateMap: 'shop-edge' }, ...extra, backend: extra.backend ?? { service: web(c), port: 'http' },
});

const objects = (extra: (c: Construct) => Partial<HttpsGatewayProps> = () => ({})) => synth((c) => new HttpsGateway(c, 'gw', props(c, extra(c))));
const of = (list: ReturnType<typeof synth>, kind: string, name?: string) => list.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const fails = (extra: (c: Construct) => Partial<HttpsGatewayProps>) => () => { const c = scope(); new HttpsGateway(c, 'gw', props(c, extra(c))); };

describe('HttpsGateway', () => {
  test('renders a Gateway with HTTPS and HTTP listeners for the host, a route to the backend and a redirect', () => {
    const list = objects(() => ({ addressName: 'shop-edge-ip' }));
    const [gw] = of(list, 'Gateway');
    expect(gw.apiVersion).toBe(GATEWAY_API_VERSION);
    expect(gw.metadata).toMatchObject({ name: 'shop', namespace: 'test', annotations: { [GKE_CERTMAP_ANNOTATION]: 'shop-edge' } });
    expect((gw.spec as any).gatewayClassName).toBe('gke-l7-global-external-managed'); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect((gw.spec as any).listeners).toEqual([ // eslint-disable-line @typescript-eslint/no-explicit-any
      { name: 'https', protocol: 'HTTPS', port: 443, hostname: 'shop.example.com', allowedRoutes: { namespaces: { from: 'Same' } } },
      { name: 'http', protocol: 'HTTP', port: 80, hostname: 'shop.example.com', allowedRoutes: { namespaces: { from: 'Same' } } },
    ]);
    expect((gw.spec as any).addresses).toEqual([{ type: 'NamedAddress', value: 'shop-edge-ip' }]); // eslint-disable-line @typescript-eslint/no-explicit-any
    const [route] = of(list, 'HTTPRoute', 'shop');
    // Routes refer to Service ports by number.
    expect(route.spec).toEqual({
      parentRefs: [{ kind: 'Gateway', name: 'shop', sectionName: 'https' }],
      hostnames: ['shop.example.com'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web', port: 80 }] }],
    });
    const [redirect] = of(list, 'HTTPRoute', 'shop-https-redirect');
    expect(redirect.spec).toEqual({
      parentRefs: [{ kind: 'Gateway', name: 'shop', sectionName: 'http' }],
      hostnames: ['shop.example.com'],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
  });

  test('terminates TLS with a Secret when given one, and has no address of its own by default', () => {
    const [gw] = of(objects(() => ({ tls: { secretName: 'shop-tls' } })), 'Gateway');
    expect(gw.metadata.annotations).toBeUndefined();
    expect((gw.spec as any).listeners[0].tls).toEqual({ mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'shop-tls' }] }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect((gw.spec as any).addresses).toBeUndefined(); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  test('refuses bad input with the field, the value and the fix', () => {
    expect(fails(() => ({ tls: {} as never }))).toThrow(/tls .* names neither or both of certificateMap and secretName/);
    expect(fails(() => ({ tls: { certificateMap: 'a', secretName: 'b' } as never }))).toThrow(/names neither or both/);
    expect(fails(() => ({ host: 'Shop.Example.com' }))).toThrow(/host "Shop\.Example\.com"/);
    expect(fails((c) => ({ backend: { service: web(c), port: 'grpc' } }))).toThrow(/backend\.port "grpc" is not a port of Service "web"; use one of "http" \(80\), "metrics" \(9090\)/);
    expect(fails((c) => ({ backend: { service: web(c) } }))).toThrow(/backend\.port .*is needed: Service "web" has 2 ports/);
    expect(fails((c) => ({ backend: { service: web(c, 'other'), port: 'http' } }))).toThrow(/is in namespace "other", not the Gateway's "test"/);
  });
});

describe('GuardedNamespace.allowIngressFromCidr', () => {
  test('admits exactly the listed networks to the selected pods and ports', () => {
    const list = synth((c) => new GuardedNamespace(c, 'ns', { name: 'shop' }).allowIngressFromCidr({
      name: 'load-balancer-to-web', to: { 'app.kubernetes.io/name': 'web' }, cidrs: [...GOOGLE_LOAD_BALANCER_RANGES], ports: [8080],
    }));
    const [policy] = list.filter((o) => o.metadata.name === 'allow-load-balancer-to-web');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ipBlock: { cidr: '35.191.0.0/16' } }, { ipBlock: { cidr: '130.211.0.0/22' } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
  });

  test('refuses the whole internet and malformed ranges', () => {
    const ns = () => new GuardedNamespace(scope(), 'ns', { name: 'shop' });
    expect(() => ns().allowIngressFromCidr({ name: 'any', to: { a: 'b' }, cidrs: ['0.0.0.0/0'], ports: [80] })).toThrow(/cidrs\[0\] "0\.0\.0\.0\/0" admits the whole internet/);
    expect(() => ns().allowIngressFromCidr({ name: 'any', to: { a: 'b' }, cidrs: [], ports: [80] })).toThrow(/cidrs \[\] is empty/);
    expect(() => ns().allowIngressFromCidr({ name: 'any', to: { a: 'b' }, cidrs: ['10.0.0/8'], ports: [80] })).toThrow(/cidrs\[0\] "10\.0\.0\/8"/);
  });
});

describe('WebService metrics', () => {
  const container = { name: 'app', image: 'example/app:1.0', ports: [{ name: 'http', containerPort: 8080 }], resources: { cpu: { request: '100m' }, memory: { request: '64Mi', limit: '64Mi' } } };

  test('emits a ServiceMonitor for a named Service port', () => {
    const list = synth((c) => new WebService(c, 'api', { name: 'api', containers: [container], metrics: { port: 'http', interval: '30s' } }));
    const [monitor] = list.filter((o) => o.kind === 'ServiceMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } },
      endpoints: [{ port: 'http', path: '/metrics', interval: '30s' }],
    });
    // It selects the Service, whose labels carry the selector.
    const [svc] = list.filter((o) => o.kind === 'Service');
    expect(svc.metadata.labels).toMatchObject((monitor.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels);
  });

  test('refuses metrics without a Service, on an unknown port or with a bad interval', () => {
    const build = (extra: object) => () => new WebService(scope(), 'api', { name: 'api', containers: [container], ...extra });
    expect(build({ service: false, metrics: { port: 'http' } })).toThrow(/metrics .*is set with service: false/);
    expect(build({ metrics: { port: 'prom' } })).toThrow(/metrics\.port "prom" is not a named port of Service "api"; use one of "http"/);
    expect(build({ metrics: { port: 'http', interval: 'often' } })).toThrow(/metrics\.interval "often" is not a Prometheus duration/);
    expect(build({ metrics: { port: 'http', path: 'metrics' } })).toThrow(/metrics\.path "metrics" is not an absolute path/);
  });
});
