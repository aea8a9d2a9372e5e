import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from './lib/errors';
import { AppIdentity, standardLabels } from './lib/labels';
import { check, cidrProblem, dns1035LabelProblem, hostnameProblem, intProblem, ipv4Problem, labelsProblem, portNameProblem, portProblem } from './lib/validate';

/** A port a Service exposes. */
export interface ServicePortSpec {
  /** Port name (IANA style, e.g. "http"); required when a Service has several ports. */
  readonly name: string;
  /** The port clients connect to. */
  readonly port: number;
  /** Container port name or number. @default - same as port */
  readonly targetPort?: string | number;
  /** Only for NodePort/LoadBalancer: a fixed node port (30000-32767). @default - allocated by the cluster */
  readonly nodePort?: number;
  /** @default "TCP" */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/** The kinds of Service the notes describe. */
export type ServiceKind =
  | { readonly type: 'ClusterIP'; /** a static virtual IP from the service CIDR @default - allocated */ readonly clusterIP?: string }
  | { readonly type: 'NodePort'; /** @default "Local" - no second hop, client IP kept */ readonly externalTrafficPolicy?: 'Local' | 'Cluster' }
  | { readonly type: 'LoadBalancer'; /** CIDRs allowed to connect; required: never open to the world by accident */ readonly sourceRanges: string[]; readonly externalTrafficPolicy?: 'Local' | 'Cluster' }
  | { readonly type: 'Headless' }
  | { readonly type: 'ExternalName'; readonly externalName: string }
  | { readonly type: 'Selectorless'; /** endpoints managed here, as one EndpointSlice */ readonly endpoints: { addresses: string[]; addressType?: 'IPv4' | 'IPv6' } };

export interface NetworkServiceProps extends AppIdentity {
  /** Service name: an RFC 1035 label (it becomes a DNS name). @default - the identity name */
  readonly serviceName?: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** @default { type: "ClusterIP" } */
  readonly kind?: ServiceKind;
  /** Pods to route to; required except for ExternalName and Selectorless, which have none. @default - none */
  readonly selector?: Record<string, string>;
  /** At least one, except for ExternalName. */
  readonly ports: ServicePortSpec[];
  /** Route a client to the same pod each time. @default "None" */
  readonly sessionAffinity?: 'None' | 'ClientIP';
  /** Publish addresses of pods that are not ready (StatefulSet peers that must find each other). @default false */
  readonly publishNotReadyAddresses?: boolean;
  /** @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * A Service of any of the kinds in the notes: ClusterIP (optionally a static IP), NodePort with
 * `externalTrafficPolicy: Local`, LoadBalancer restricted to source ranges, headless, ExternalName,
 * and selector-less with its endpoints in an EndpointSlice.
 */
export class NetworkService extends Construct {
  public readonly serviceName: string;
  public readonly service: k8s.KubeService;
  public readonly endpointSlice?: k8s.KubeEndpointSlice;
  public readonly ports: readonly ServicePortSpec[];

  public constructor(scope: Construct, id: string, props: NetworkServiceProps) {
    super(scope, id);
    const name = props.serviceName ?? props.name;
    const kind: ServiceKind = props.kind ?? { type: 'ClusterIP' };
    check(this, 'serviceName', name, dns1035LabelProblem(name));
    if (kind.type !== 'ExternalName' && props.ports.length === 0) invalid(this, 'ports', props.ports, 'is empty', 'expose at least one port');
    const seenNames = new Set<string>();
    const seenPorts = new Set<string>();
    props.ports.forEach((p, i) => {
      check(this, `ports[${i}].port`, p.port, portProblem(p.port));
      if (props.ports.length > 1 && !p.name) invalid(this, `ports[${i}].name`, p.name, 'is empty on a multi-port Service', 'name every port');
      if (p.name) check(this, `ports[${i}].name`, p.name, portNameProblem(p.name));
      if (seenNames.has(p.name)) invalid(this, `ports[${i}].name`, p.name, 'is used twice', 'give each port a unique name');
      const key = `${p.port}/${p.protocol ?? 'TCP'}`;
      if (seenPorts.has(key)) invalid(this, `ports[${i}].port`, p.port, 'is exposed twice', 'expose each port once');
      seenNames.add(p.name);
      seenPorts.add(key);
      if (p.nodePort !== undefined) {
        if (kind.type !== 'NodePort' && kind.type !== 'LoadBalancer') invalid(this, `ports[${i}].nodePort`, p.nodePort, `is set on a ${kind.type} Service`, 'remove it or use type NodePort');
        check(this, `ports[${i}].nodePort`, p.nodePort, intProblem(p.nodePort, 30000, 32767));
      }
      if (typeof p.targetPort === 'number') check(this, `ports[${i}].targetPort`, p.targetPort, portProblem(p.targetPort));
      else if (p.targetPort !== undefined) check(this, `ports[${i}].targetPort`, p.targetPort, portNameProblem(p.targetPort));
    });
    const selects = kind.type !== 'ExternalName' && kind.type !== 'Selectorless';
    if (selects) {
      if (!props.selector || Object.keys(props.selector).length === 0) invalid(this, 'selector', props.selector, 'is empty', 'select the pods by their stable labels, e.g. app.kubernetes.io/name');
      check(this, 'selector', props.selector, labelsProblem(props.selector));
    }
    if (kind.type === 'ClusterIP' && kind.clusterIP !== undefined) {
      const p = ipv4Problem(kind.clusterIP);
      check(this, 'kind.clusterIP', kind.clusterIP, p && { ...p, fix: 'use an address from the cluster service CIDR, e.g. "10.96.0.50"' });
    }
    if (kind.type === 'LoadBalancer') {
      if (kind.sourceRanges.length === 0) invalid(this, 'kind.sourceRanges', kind.sourceRanges, 'is empty, which opens the load balancer to the whole internet', 'list the client CIDRs, e.g. ["203.0.113.0/24"]');
      for (const r of kind.sourceRanges) check(this, 'kind.sourceRanges', r, cidrProblem(r, 4));
    }
    if (kind.type === 'ExternalName') check(this, 'kind.externalName', kind.externalName, hostnameProblem(kind.externalName));
    if (kind.type === 'Selectorless') {
      if (kind.endpoints.addresses.length === 0) invalid(this, 'kind.endpoints.addresses', [], 'is empty', 'list the backend addresses');
      if ((kind.endpoints.addressType ?? 'IPv4') === 'IPv4') for (const a of kind.endpoints.addresses) check(this, 'kind.endpoints.addresses', a, ipv4Problem(a));
    }

    this.serviceName = name;
    this.ports = props.ports;
    const labels = standardLabels(props);
    const metadata = { name, labels, ...(props.namespace ? { namespace: props.namespace } : {}), ...(props.annotations ? { annotations: props.annotations } : {}) };
    const ports = props.ports.map((p) => {
      const target = p.targetPort ?? p.port;
      return {
        name: p.name,
        port: p.port,
        protocol: p.protocol ?? 'TCP',
        ...(kind.type !== 'ExternalName' ? { targetPort: typeof target === 'number' ? k8s.IntOrString.fromNumber(target) : k8s.IntOrString.fromString(target) } : {}),
        ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
      };
    });

    const spec: k8s.ServiceSpec = {
      ports: kind.type === 'ExternalName' && ports.length === 0 ? undefined : ports,
      ...(selects ? { selector: props.selector } : {}),
      ...(props.sessionAffinity ? { sessionAffinity: props.sessionAffinity } : {}),
      ...(props.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
      // `clusterIp`: the TypeScript spelling; the mapper silently drops `clusterIP` (spreads escape excess-property checks).
      ...(kind.type === 'ClusterIP' ? { type: 'ClusterIP', ...(kind.clusterIP ? { clusterIp: kind.clusterIP } : {}) } : {}),
      ...(kind.type === 'NodePort' ? { type: 'NodePort', externalTrafficPolicy: kind.externalTrafficPolicy ?? 'Local' } : {}),
      ...(kind.type === 'LoadBalancer' ? { type: 'LoadBalancer', loadBalancerSourceRanges: kind.sourceRanges, externalTrafficPolicy: kind.externalTrafficPolicy ?? 'Local' } : {}),
      ...(kind.type === 'Headless' ? { type: 'ClusterIP', clusterIp: 'None' } : {}),
      ...(kind.type === 'ExternalName' ? { type: 'ExternalName', externalName: kind.externalName } : {}),
      ...(kind.type === 'Selectorless' ? { type: 'ClusterIP' } : {}),
    };
    this.service = new k8s.KubeService(this, 'Resource', { metadata, spec });

    if (kind.type === 'Selectorless') {
      this.endpointSlice = new k8s.KubeEndpointSlice(this, 'Endpoints', {
        metadata: { ...metadata, name: `${name}-manual`, labels: { ...labels, 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'cdk8s' } },
        addressType: kind.endpoints.addressType ?? 'IPv4',
        endpoints: kind.endpoints.addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
        ports: props.ports.map((p) => ({ name: p.name, port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol ?? 'TCP' })),
      });
    }
  }
}
