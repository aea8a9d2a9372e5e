import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from './lib/errors';
import { AppIdentity, standardLabels } from './lib/labels';
import { check, dns1123SubdomainProblem, hostnameProblem } from './lib/validate';
import { NetworkService } from './services';

/** The Gateway API version the objects are written for (GA kinds only: Gateway, HTTPRoute). */
export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';

/** GKE's Gateway annotation naming the Certificate Manager map that serves the listener's certificates. */
export const GKE_CERTMAP_ANNOTATION = 'networking.gke.io/certmap';

/**
 * Where Google's load balancers connect from, health checks and proxied requests alike (global
 * external Application Load Balancers). A NetworkPolicy admitting the edge admits these, nothing wider.
 */
export const GOOGLE_LOAD_BALANCER_RANGES: readonly string[] = ['35.191.0.0/16', '130.211.0.0/22'];

export interface HttpsGatewayProps extends AppIdentity {
  /** Gateway name; the routes are named after it. @default - the identity name */
  readonly gatewayName?: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** The GatewayClass, e.g. "gke-l7-global-external-managed" (GKE's global external Application Load Balancer). */
  readonly gatewayClassName: string;
  /** The host served, e.g. "shop.example.com". */
  readonly host: string;
  /** The Service requests go to, and its port (by number or name: routes refer to it by number). */
  readonly backend: { readonly service: NetworkService; readonly port?: number | string };
  /**
   * Where the certificate comes from: a GKE Certificate Manager map (`certificateMap`, with
   * Google-managed certificates) or a `kubernetes.io/tls` Secret in the namespace (`secretName`).
   */
  readonly tls: { readonly certificateMap: string; readonly secretName?: undefined } | { readonly secretName: string; readonly certificateMap?: undefined };
  /**
   * A reserved address by name (GKE: a global static IP), so the DNS record outlives the Gateway.
   * @default - an ephemeral address
   */
  readonly addressName?: string;
}

/**
 * HTTPS at the edge through the Gateway API: a Gateway with an HTTPS listener on 443 and an HTTP
 * listener on 80, an HTTPRoute from the host to the backend Service on the HTTPS listener, and one
 * on the HTTP listener that only redirects to HTTPS (301). Nothing is served over plain HTTP.
 *
 * On GKE the built-in Gateway controller runs it as a Google load balancer; the certificate comes
 * from a Certificate Manager map and the address from a reserved global IP, both named here and
 * created by the Pulumi layer. Deleting the Gateway deletes the load balancer.
 */
export class HttpsGateway extends Construct {
  public readonly gatewayName: string;
  public readonly gateway: ApiObject;
  public readonly route: ApiObject;
  public readonly redirect: ApiObject;

  public constructor(scope: Construct, id: string, props: HttpsGatewayProps) {
    super(scope, id);
    const name = props.gatewayName ?? props.name;
    check(this, 'gatewayName', name, dns1123SubdomainProblem(name));
    check(this, 'gatewayClassName', props.gatewayClassName, dns1123SubdomainProblem(props.gatewayClassName));
    check(this, 'host', props.host, hostnameProblem(props.host));
    const namespace = props.namespace ?? Chart.of(this).namespace;
    const tls = props.tls;
    if ((tls.certificateMap === undefined) === (tls.secretName === undefined)) {
      invalid(this, 'tls', tls, 'names neither or both of certificateMap and secretName', 'give one: { certificateMap: "shop-edge" } on GKE, or { secretName: "shop-tls" }');
    }
    if (tls.certificateMap !== undefined) check(this, 'tls.certificateMap', tls.certificateMap, dns1123SubdomainProblem(tls.certificateMap));
    if (tls.secretName !== undefined) check(this, 'tls.secretName', tls.secretName, dns1123SubdomainProblem(tls.secretName));
    if (props.addressName !== undefined) check(this, 'addressName', props.addressName, dns1123SubdomainProblem(props.addressName));

    const svc = props.backend.service;
    if (svc.service.metadata.namespace !== namespace) invalid(this, 'backend.service', svc.serviceName, `is in namespace "${svc.service.metadata.namespace}", not the Gateway's "${namespace}"`, 'route only to Services of the same namespace');
    const wanted = props.backend.port;
    if (wanted === undefined && svc.ports.length !== 1) invalid(this, 'backend.port', undefined, `is needed: Service "${svc.serviceName}" has ${svc.ports.length} ports`, `name one of ${svc.ports.map((p) => p.name).join(', ')}`);
    const port = wanted === undefined ? svc.ports[0] : svc.ports.find((p) => p.port === wanted || (p.name !== '' && p.name === wanted));
    if (!port) invalid(this, 'backend.port', wanted, `is not a port of Service "${svc.serviceName}"`, `use one of ${svc.ports.map((p) => (p.name ? `"${p.name}" (${p.port})` : String(p.port))).join(', ')}`);

    const labels = standardLabels(props);
    const meta = (n: string, annotations?: Record<string, string>) => ({ name: n, labels, ...(props.namespace ? { namespace: props.namespace } : {}), ...(annotations ? { annotations } : {}) });
    const sameNamespace = { namespaces: { from: 'Same' } };
    this.gatewayName = name;
    this.gateway = new ApiObject(this, 'Resource', {
      apiVersion: GATEWAY_API_VERSION,
      kind: 'Gateway',
      metadata: meta(name, tls.certificateMap !== undefined ? { [GKE_CERTMAP_ANNOTATION]: tls.certificateMap } : undefined),
      spec: {
        gatewayClassName: props.gatewayClassName,
        listeners: [
          {
            name: 'https', protocol: 'HTTPS', port: 443, hostname: props.host, allowedRoutes: sameNamespace,
            // With a certificate map the listener names no certificate: GKE serves the map's.
            ...(tls.secretName !== undefined ? { tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: tls.secretName }] } } : {}),
          },
          { name: 'http', protocol: 'HTTP', port: 80, hostname: props.host, allowedRoutes: sameNamespace },
        ],
        ...(props.addressName !== undefined ? { addresses: [{ type: 'NamedAddress', value: props.addressName }] } : {}),
      },
    });
    const parent = (sectionName: string) => [{ kind: 'Gateway', name, sectionName }];
    this.route = new ApiObject(this, 'Route', {
      apiVersion: GATEWAY_API_VERSION,
      kind: 'HTTPRoute',
      metadata: meta(name),
      spec: {
        parentRefs: parent('https'),
        hostnames: [props.host],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: svc.serviceName, port: port!.port }] }],
      },
    });
    this.redirect = new ApiObject(this, 'Redirect', {
      apiVersion: GATEWAY_API_VERSION,
      kind: 'HTTPRoute',
      metadata: meta(`${name}-https-redirect`),
      spec: {
        parentRefs: parent('http'),
        hostnames: [props.host],
        rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      },
    });
  }
}
