import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from './lib/errors';
import { AppIdentity, standardLabels } from './lib/labels';
import { check, dns1035LabelProblem, dns1123LabelProblem, dns1123SubdomainProblem, hostnameProblem, labelKeyProblem, portNameProblem, portProblem } from './lib/validate';
import { NetworkService } from './services';

/** How an Ingress path matches the request path. */
export type IngressPathType = 'Prefix' | 'Exact' | 'ImplementationSpecific';
const PATH_TYPES: readonly string[] = ['Prefix', 'Exact', 'ImplementationSpecific'];

/** The annotation cert-manager's ingress-shim reads to issue the certificate into `tls.secretName`. */
export const CLUSTER_ISSUER_ANNOTATION = 'cert-manager.io/cluster-issuer';

interface IngressPathBase {
  /** The request path; absolute, e.g. "/" or "/api". */
  readonly path: string;
  /** @default "Prefix" */
  readonly pathType?: IngressPathType;
}

/** One path of a host and the Service it routes to: by name and port, or a {@link NetworkService}. */
export type IngressPathSpec = IngressPathBase & (
  | {
      /** The Service in the Ingress's namespace. */
      readonly serviceName: string;
      /** The Service port, by number or name. */
      readonly servicePort: number | string;
    }
  | {
      /** A Service of this library; the port is checked against the ports it exposes. */
      readonly service: NetworkService;
      /** The Service port, by number or name. @default - the Service's only port (required when it has several) */
      readonly servicePort?: number | string;
    }
);

/** The routes of one host. */
export interface IngressRuleSpec {
  /** A DNS name, optionally a "*." wildcard, e.g. "shop.example.com". */
  readonly host: string;
  /** At least one. */
  readonly paths: IngressPathSpec[];
}

/** TLS termination at the ingress controller, with a certificate held in a `kubernetes.io/tls` Secret. */
export interface IngressTlsSpec {
  /**
   * The Secret holding `tls.crt` and `tls.key`, referenced by name only: it is created at deploy
   * time (by the Pulumi layer, or by cert-manager with `certManager`), never written here.
   */
  readonly secretName: string;
  /** The host names the certificate covers. @default - every rule host */
  readonly hosts?: string[];
}

export interface TlsIngressProps extends AppIdentity {
  /** Ingress name. @default - the identity name */
  readonly ingressName?: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** Host and path rules; at least one. */
  readonly rules: IngressRuleSpec[];
  /** The IngressClass of the controller that serves it. @default "nginx" */
  readonly ingressClassName?: string;
  /** @default - no TLS: every host is served over plain HTTP */
  readonly tls?: IngressTlsSpec;
  /**
   * Let cert-manager issue the certificate into `tls.secretName`, by adding the
   * `cert-manager.io/cluster-issuer` annotation. Requires `tls`.
   * @default - the Secret is provided by someone else (the Pulumi layer)
   */
  readonly certManager?: { readonly clusterIssuer: string };
  /** Controller annotations, e.g. `nginx.ingress.kubernetes.io/ssl-redirect: "true"`. @default - none */
  readonly annotations?: Record<string, string>;
}

/** Whether the host pattern `pattern` (possibly "*.example.com") matches `host`. */
function covers(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (!pattern.startsWith('*.') || host.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot) === pattern.slice(1);
}

// What the API server refuses in Exact and Prefix paths (ImplementationSpecific paths are free-form).
const BAD_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const BAD_PATH_SUFFIXES = ['/..', '/.'];

/**
 * An Ingress (networking.k8s.io/v1) with host and path rules and, optionally, TLS terminated with a
 * certificate from a Secret that is only referenced: issued by cert-manager or created by the Pulumi
 * layer at deploy time. No certificate or key is ever written into a manifest.
 */
export class TlsIngress extends Construct {
  public readonly ingressName: string;
  public readonly ingress: k8s.KubeIngress;
  /** Every rule host. */
  public readonly hosts: readonly string[];
  /** The hosts served with TLS (empty without TLS). */
  public readonly tlsHosts: readonly string[];

  public constructor(scope: Construct, id: string, props: TlsIngressProps) {
    super(scope, id);
    const name = props.ingressName ?? props.name;
    check(this, 'ingressName', name, dns1123SubdomainProblem(name));
    const namespace = props.namespace ?? Chart.of(this).namespace;
    const ingressClassName = props.ingressClassName ?? 'nginx';
    check(this, 'ingressClassName', ingressClassName, dns1123SubdomainProblem(ingressClassName));
    if (props.rules.length === 0) invalid(this, 'rules', props.rules, 'is empty', 'route at least one host, e.g. { host: "shop.example.com", paths: [...] }');

    const hosts: string[] = [];
    const rules: k8s.IngressRule[] = props.rules.map((rule, r) => {
      const field = `rules[${r}]`;
      check(this, `${field}.host`, rule.host, hostnameProblem(rule.host));
      if (hosts.includes(rule.host)) invalid(this, `${field}.host`, rule.host, 'has a second rule', 'merge its paths into one rule per host');
      hosts.push(rule.host);
      if (rule.paths.length === 0) invalid(this, `${field}.paths`, rule.paths, 'is empty', 'route at least one path, e.g. { path: "/", serviceName: "web", servicePort: "http" }');
      const seen = new Set<string>();
      const paths = rule.paths.map((p, i) => {
        const f = `${field}.paths[${i}]`;
        const pathType = p.pathType ?? 'Prefix';
        if (!PATH_TYPES.includes(pathType)) invalid(this, `${f}.pathType`, pathType, 'is not a path type', `use one of ${PATH_TYPES.join(', ')}`);
        if (typeof p.path !== 'string' || !p.path.startsWith('/')) invalid(this, `${f}.path`, p.path, 'is not an absolute path', `start it with "/", e.g. "/${p.path ?? ''}"`);
        if (pathType !== 'ImplementationSpecific') {
          const bad = BAD_PATH_SEQUENCES.find((s) => p.path.includes(s)) ?? BAD_PATH_SUFFIXES.find((s) => p.path.endsWith(s));
          if (bad) invalid(this, `${f}.path`, p.path, `contains "${bad}", which the API server refuses in ${pathType} paths`, 'write the path in its normal form');
        }
        const key = `${pathType} ${p.path}`;
        if (seen.has(key)) invalid(this, `${f}.path`, p.path, `is routed twice for ${rule.host}`, 'route each path once');
        seen.add(key);
        return { path: p.path, pathType, backend: { service: this.backend(f, p, namespace) } };
      });
      return { host: rule.host, http: { paths } };
    });

    const annotations: Record<string, string> = { ...props.annotations };
    for (const key of Object.keys(annotations)) check(this, 'annotations', key, labelKeyProblem(key));
    let tlsHosts: string[] = [];
    if (props.tls) {
      const tls = props.tls;
      check(this, 'tls.secretName', tls.secretName, dns1123SubdomainProblem(tls.secretName));
      tlsHosts = tls.hosts ?? hosts;
      if (tlsHosts.length === 0) invalid(this, 'tls.hosts', tlsHosts, 'is empty', 'leave it out to cover every rule host');
      tlsHosts.forEach((h, i) => {
        check(this, `tls.hosts[${i}]`, h, hostnameProblem(h));
        if (!hosts.some((r) => covers(h, r) || covers(r, h))) invalid(this, `tls.hosts[${i}]`, h, 'matches no rule host, so the certificate would cover a host nothing routes', `add a rule for it or remove it; rule hosts: ${hosts.join(', ')}`);
      });
      for (const [r, host] of hosts.entries()) {
        if (!tlsHosts.some((t) => covers(t, host))) invalid(this, `rules[${r}].host`, host, 'is not in tls.hosts, so it would be served without TLS', `add "${host}" to tls.hosts, or leave tls.hosts out to cover every rule host`);
      }
    }
    if (props.certManager) {
      if (!props.tls) invalid(this, 'certManager', props.certManager, 'is set without tls, so cert-manager has no Secret to issue into', 'set tls: { secretName: "..." }');
      const issuer = props.certManager.clusterIssuer;
      check(this, 'certManager.clusterIssuer', issuer, dns1123SubdomainProblem(issuer));
      if (annotations[CLUSTER_ISSUER_ANNOTATION] !== undefined) invalid(this, `annotations["${CLUSTER_ISSUER_ANNOTATION}"]`, annotations[CLUSTER_ISSUER_ANNOTATION], 'is also set by certManager', 'leave it out of annotations');
      annotations[CLUSTER_ISSUER_ANNOTATION] = issuer;
    }

    this.ingressName = name;
    this.hosts = hosts;
    this.tlsHosts = tlsHosts;
    this.ingress = new k8s.KubeIngress(this, 'Resource', {
      metadata: {
        name,
        labels: standardLabels(props),
        ...(props.namespace ? { namespace: props.namespace } : {}),
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: {
        ingressClassName,
        rules,
        ...(props.tls ? { tls: [{ secretName: props.tls.secretName, hosts: tlsHosts }] } : {}),
      },
    });
  }

  /** The Service backend of one path; its port must be one the Service has. */
  private backend(field: string, p: IngressPathSpec, namespace: string | undefined): k8s.IngressServiceBackend {
    let serviceName: string;
    let port: number | string | undefined = p.servicePort;
    if ('service' in p) {
      const svc = p.service;
      serviceName = svc.serviceName;
      const svcNamespace = svc.service.metadata.namespace;
      if (svcNamespace !== namespace) invalid(this, `${field}.service`, serviceName, `is in namespace "${svcNamespace}", not the Ingress's "${namespace}"`, 'route only to Services of the same namespace');
      if (port === undefined) {
        if (svc.ports.length !== 1) invalid(this, `${field}.servicePort`, undefined, `is needed: Service "${serviceName}" has ${svc.ports.length} ports`, `name one of ${svc.ports.map((sp) => sp.name).join(', ')}`);
        port = svc.ports[0].name || svc.ports[0].port;
      } else if (!svc.ports.some((sp) => sp.port === port || (sp.name !== '' && sp.name === port))) {
        invalid(this, `${field}.servicePort`, port, `is not a port of Service "${serviceName}"`, `use one of ${svc.ports.map((sp) => (sp.name ? `"${sp.name}" (${sp.port})` : String(sp.port))).join(', ')}`);
      }
    } else {
      serviceName = p.serviceName;
      check(this, `${field}.serviceName`, serviceName, dns1035LabelProblem(serviceName));
    }
    if (typeof port === 'number') check(this, `${field}.servicePort`, port, portProblem(port));
    else if (typeof port !== 'string' || port === '') invalid(this, `${field}.servicePort`, port, 'is missing, so the backend refers to no port', 'give the Service port number or name, e.g. "http"');
    // The length and case messages come first: they say more than "not a valid port name".
    else check(this, `${field}.servicePort`, port, dns1123LabelProblem(port, 15) ?? portNameProblem(port));
    return { name: serviceName, port: typeof port === 'number' ? { number: port } : { name: port } };
  }
}
