import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from './lib/errors';
import { MANAGED_BY } from './lib/labels';
import { clusterScoped } from './lib/patch';
import { check, cidrProblem, dns1123LabelProblem, dns1123SubdomainProblem, intProblem, labelsProblem, parseQuantity, portProblem, quantityProblem } from './lib/validate';

/** A Pod Security Standard (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';
const PSA_LEVELS: readonly string[] = ['privileged', 'baseline', 'restricted'];
const PSA_PREFIX = 'pod-security.kubernetes.io/';

/** Object counts and compute / storage totals of a namespace (a ResourceQuota). */
export interface QuotaSpec {
  /** @default - not limited */
  readonly pods?: number;
  /** @default - not limited */
  readonly services?: number;
  /** `services.loadbalancers`: each one is a billed cloud load balancer. @default - not limited */
  readonly loadBalancers?: number;
  /** `services.nodeports`. @default - not limited */
  readonly nodePorts?: number;
  /** @default - not limited */
  readonly persistentVolumeClaims?: number;
  /** @default - not limited */
  readonly configMaps?: number;
  /** @default - not limited */
  readonly secrets?: number;
  /** Sum of cpu requests, e.g. "4". @default - not limited */
  readonly requestsCpu?: string;
  /** Sum of memory requests, e.g. "8Gi". @default - not limited */
  readonly requestsMemory?: string;
  /** Sum of cpu limits. @default - not limited */
  readonly limitsCpu?: string;
  /** Sum of memory limits. @default - not limited */
  readonly limitsMemory?: string;
  /** Sum of storage requested by all claims, e.g. "100Gi". @default - not limited */
  readonly requestsStorage?: string;
  /**
   * Sum of storage requested per StorageClass, e.g. `{ "premium-rwo": "50Gi" }`
   * (`<class>.storageclass.storage.k8s.io/requests.storage`).
   * @default - not limited per class
   */
  readonly storageClassRequests?: Record<string, string>;
}

/** Amounts of cpu and memory, e.g. `{ cpu: "500m", memory: "512Mi" }`. */
export interface ComputeAmounts {
  /** @default - not set */
  readonly cpu?: string;
  /** @default - not set */
  readonly memory?: string;
}

/** Defaults and bounds for the containers, pods and claims of a namespace (a LimitRange). */
export interface LimitRangeSpec {
  /** @default - no container defaults or maximums */
  readonly container?: {
    /** The limit a container gets when it sets none. @default - the max, when set (as the API server does) */
    readonly default?: ComputeAmounts;
    /** The request a container gets when it sets none. @default - the default limit (as the API server does) */
    readonly defaultRequest?: ComputeAmounts;
    /** @default - no maximum */
    readonly max?: ComputeAmounts;
  };
  /** The most a pod's containers may add up to. @default - no maximum */
  readonly pod?: {
    /** Needs a container default limit for each resource it bounds (the sum of limits is checked). @default - no maximum */
    readonly max?: ComputeAmounts;
  };
  /** Bounds on a claim's storage request (dynamic provisioning makes large volumes a kubectl away). @default - no bounds */
  readonly persistentVolumeClaim?: {
    /** @default - no minimum */
    readonly min?: string;
    /** @default - no maximum */
    readonly max?: string;
  };
}

export interface GuardedNamespaceProps {
  /** The namespace name (RFC 1123 label). */
  readonly name: string;
  /** Further namespace labels (`pod-security.kubernetes.io/*` are set from the props below). @default - none */
  readonly labels?: Record<string, string>;
  /** Pod Security level that admission enforces: violating pods are rejected. @default "restricted" */
  readonly enforce?: PodSecurityLevel;
  /** Level whose violations are recorded in the audit log. @default "restricted" */
  readonly audit?: PodSecurityLevel;
  /** Level whose violations are returned to the client as warnings. @default "restricted" */
  readonly warn?: PodSecurityLevel;
  /**
   * Version of the Pod Security Standards every mode uses, pinned so that a cluster upgrade does
   * not tighten the rules under running workloads: "vX.Y" or "latest".
   * @default "v1.28"
   */
  readonly version?: string;
  /** @default - `version` */
  readonly enforceVersion?: string;
  /** @default - `version` */
  readonly auditVersion?: string;
  /** @default - `version` */
  readonly warnVersion?: string;
  /** @default - no ResourceQuota */
  readonly quota?: QuotaSpec;
  /** @default - no LimitRange */
  readonly limitRange?: LimitRangeSpec;
}

/** A port a NetworkPolicy allows: a number (TCP), or a port with protocol and optional range end. */
export type PolicyPort = number | {
  readonly port: number;
  /** @default "TCP" */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  /** Allow the range port..endPort. @default - the single port */
  readonly endPort?: number;
};

export interface IngressControllerFlow {
  /** The pods that receive traffic from the ingress controller (their stable labels). */
  readonly to: Record<string, string>;
  /** The pods' ports the controller connects to; at least one. */
  readonly ports: PolicyPort[];
  /** The namespace the controller runs in (minikube's ingress addon and the Helm chart use "ingress-nginx"). @default "ingress-nginx" */
  readonly controllerNamespace?: string;
  /** Further narrow the sources to the controller's pods. @default - every pod of the controller namespace */
  readonly controllerSelector?: Record<string, string>;
  /**
   * Names the policy `allow-<name>`.
   * @default - "ingress-controller-to-<app.kubernetes.io/name of to>" (required when `to` has no such label)
   */
  readonly name?: string;
}

export interface PodFlow {
  /** Names the two policies `allow-<name>-ingress` and `allow-<name>-egress`, e.g. "web-to-api". */
  readonly name: string;
  /** The client pods (their stable labels). */
  readonly from: Record<string, string>;
  /** The server pods (their stable labels). */
  readonly to: Record<string, string>;
  /** The server ports; at least one. */
  readonly ports: PolicyPort[];
}

export interface CidrFlow {
  /** Names the policy `allow-<name>`, e.g. "egress-kube-api". */
  readonly name: string;
  /** The client pods (their stable labels). */
  readonly from: Record<string, string>;
  /** Destination networks, e.g. ["172.16.0.2/32"] for a GKE control plane endpoint. */
  readonly cidrs: string[];
  /** Destination ports; at least one. */
  readonly ports: PolicyPort[];
}

/** The label every namespace carries with its own name (set by the API server since 1.22). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

// What the API server fills into a container that leaves a resource out: the default limit is the
// max when no default is given, the default request is the default limit when none is given.
function containerDefaultLimit(lr: LimitRangeSpec | undefined, r: keyof ComputeAmounts): string | undefined {
  return lr?.container?.default?.[r] ?? lr?.container?.max?.[r];
}
function containerDefaultRequest(lr: LimitRangeSpec | undefined, r: keyof ComputeAmounts): string | undefined {
  return lr?.container?.defaultRequest?.[r] ?? containerDefaultLimit(lr, r);
}

/**
 * A namespace for one environment or tenant, guarded: Pod Security admission labels (restricted by
 * default, version pinned), an optional ResourceQuota and LimitRange, and a NetworkPolicy that
 * denies all traffic in both directions. The flows the application needs are then allowed one by
 * one with {@link allowDns}, {@link allowFromIngressController}, {@link allowFlow} and
 * {@link allowEgressToCidr}, each as its own, readably named NetworkPolicy.
 */
export class GuardedNamespace extends Construct {
  public readonly namespaceName: string;
  public readonly namespace: k8s.KubeNamespace;
  public readonly quota?: k8s.KubeResourceQuota;
  public readonly limitRange?: k8s.KubeLimitRange;
  public readonly defaultDeny: k8s.KubeNetworkPolicy;
  private readonly policies = new Map<string, k8s.KubeNetworkPolicy>();

  public constructor(scope: Construct, id: string, props: GuardedNamespaceProps) {
    super(scope, id);
    check(this, 'name', props.name, dns1123LabelProblem(props.name));
    const labels = props.labels ?? {};
    check(this, 'labels', labels, labelsProblem(labels));
    const reserved = Object.keys(labels).find((k) => k.startsWith(PSA_PREFIX));
    if (reserved) invalid(this, `labels["${reserved}"]`, labels[reserved], 'is a Pod Security label', 'use enforce, audit, warn and version instead');

    const version = props.version ?? 'v1.28';
    const psa: Record<string, string> = {};
    const modes = [
      ['enforce', props.enforce ?? 'restricted', props.enforceVersion ?? version],
      ['audit', props.audit ?? 'restricted', props.auditVersion ?? version],
      ['warn', props.warn ?? 'restricted', props.warnVersion ?? version],
    ] as const;
    for (const [mode, level, v] of modes) {
      if (!PSA_LEVELS.includes(level)) invalid(this, mode, level, 'is not a Pod Security level', `use one of ${PSA_LEVELS.join(', ')}`);
      if (typeof v !== 'string' || !/^(latest|v\d+\.\d+)$/.test(v)) invalid(this, props[`${mode}Version`] !== undefined ? `${mode}Version` : 'version', v, 'is not a Pod Security version', 'use "vX.Y" matching the cluster, e.g. "v1.28", or "latest"');
      psa[`${PSA_PREFIX}${mode}`] = level;
      psa[`${PSA_PREFIX}${mode}-version`] = v;
    }

    this.namespaceName = props.name;
    const metadata = { namespace: props.name, labels: { 'app.kubernetes.io/managed-by': MANAGED_BY } };
    this.namespace = clusterScoped(new k8s.KubeNamespace(this, 'Resource', {
      metadata: { name: props.name, labels: { ...labels, ...psa, 'app.kubernetes.io/managed-by': MANAGED_BY } },
    }));

    const limits = props.limitRange ? this.validateLimitRange(props.limitRange) : undefined;
    if (props.quota) {
      const hard = this.validateQuota(props.quota, props.limitRange);
      this.quota = new k8s.KubeResourceQuota(this, 'Quota', { metadata: { ...metadata, name: 'quota' }, spec: { hard } });
    }
    if (limits) {
      this.limitRange = new k8s.KubeLimitRange(this, 'LimitRange', { metadata: { ...metadata, name: 'limits' }, spec: { limits } });
    }
    this.defaultDeny = this.policy('defaultDeny', 'default-deny', {}, { policyTypes: ['Ingress', 'Egress'] });
  }

  /**
   * Lets every pod of the namespace resolve names: egress to the cluster DNS (kube-dns / CoreDNS
   * pods, labelled `k8s-app: kube-dns` in kube-system on GKE and minikube) on port 53, UDP and TCP.
   * Calling it again returns the same policy.
   */
  public allowDns(): k8s.KubeNetworkPolicy {
    return this.policies.get('allow-dns') ?? this.policy('allowDns', 'allow-dns', {}, {
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
      }],
    });
  }

  /** Lets the ingress controller reach the `to` pods on `ports`, as the policy `allow-<name>`. */
  public allowFromIngressController(flow: IngressControllerFlow): k8s.KubeNetworkPolicy {
    const app = flow.to?.['app.kubernetes.io/name'];
    if (flow.name === undefined && app === undefined) invalid(this, 'allowFromIngressController.name', undefined, 'cannot be derived: to has no app.kubernetes.io/name label', 'give the flow a name, e.g. "ingress-controller-to-web"');
    const name = flow.name ?? `ingress-controller-to-${app}`;
    const field = `allowFromIngressController(${name})`;
    const controllerNamespace = flow.controllerNamespace ?? 'ingress-nginx';
    check(this, `${field}.controllerNamespace`, controllerNamespace, dns1123LabelProblem(controllerNamespace));
    const to = this.selector(`${field}.to`, flow.to);
    const ports = this.ports(`${field}.ports`, flow.ports);
    if (flow.controllerSelector !== undefined) this.selector(`${field}.controllerSelector`, flow.controllerSelector);
    return this.policy(field, `allow-${name}`, to, {
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{
          namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: controllerNamespace } },
          ...(flow.controllerSelector ? { podSelector: { matchLabels: flow.controllerSelector } } : {}),
        }],
        ports,
      }],
    });
  }

  /**
   * Lets the `from` pods connect to the `to` pods on `ports`. Default-deny blocks both directions,
   * so this is two policies: `allow-<name>-ingress` on the server pods and `allow-<name>-egress` on
   * the client pods.
   */
  public allowFlow(flow: PodFlow): [ingress: k8s.KubeNetworkPolicy, egress: k8s.KubeNetworkPolicy] {
    const field = `allowFlow(${flow.name})`;
    const from = this.selector(`${field}.from`, flow.from);
    const to = this.selector(`${field}.to`, flow.to);
    const ports = this.ports(`${field}.ports`, flow.ports);
    return [
      this.policy(field, `allow-${flow.name}-ingress`, to, { policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: from }], ports }] }),
      this.policy(field, `allow-${flow.name}-egress`, from, { policyTypes: ['Egress'], egress: [{ to: [{ podSelector: to }], ports }] }),
    ];
  }

  /**
   * Lets the `from` pods connect to networks outside the cluster, such as the Kubernetes API or
   * cloud APIs, as the policy `allow-<name>`.
   */
  public allowEgressToCidr(flow: CidrFlow): k8s.KubeNetworkPolicy {
    const field = `allowEgressToCidr(${flow.name})`;
    const from = this.selector(`${field}.from`, flow.from);
    if (flow.cidrs.length === 0) invalid(this, `${field}.cidrs`, flow.cidrs, 'is empty', 'list the destination networks, e.g. ["203.0.113.0/24"]');
    flow.cidrs.forEach((c, i) => check(this, `${field}.cidrs[${i}]`, c, cidrProblem(c)));
    const ports = this.ports(`${field}.ports`, flow.ports);
    return this.policy(field, `allow-${flow.name}`, from, { policyTypes: ['Egress'], egress: [{ to: flow.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports }] });
  }

  /**
   * Lets networks outside the cluster reach the `to` pods, as the policy `allow-<name>`: a cloud
   * load balancer's proxies and health checks, e.g. GOOGLE_LOAD_BALANCER_RANGES for GKE's Gateway.
   */
  public allowIngressFromCidr(flow: { readonly name: string; readonly to: Record<string, string>; readonly cidrs: string[]; readonly ports: PolicyPort[] }): k8s.KubeNetworkPolicy {
    const field = `allowIngressFromCidr(${flow.name})`;
    const to = this.selector(`${field}.to`, flow.to);
    if (flow.cidrs.length === 0) invalid(this, `${field}.cidrs`, flow.cidrs, 'is empty', 'list the source networks, e.g. ["35.191.0.0/16", "130.211.0.0/22"]');
    flow.cidrs.forEach((c, i) => {
      check(this, `${field}.cidrs[${i}]`, c, cidrProblem(c));
      if (c.endsWith('/0')) invalid(this, `${field}.cidrs[${i}]`, c, 'admits the whole internet', 'list the load balancer or client ranges that need the pods');
    });
    const ports = this.ports(`${field}.ports`, flow.ports);
    return this.policy(field, `allow-${flow.name}`, to, { policyTypes: ['Ingress'], ingress: [{ from: flow.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports }] });
  }

  /** One NetworkPolicy named `name`, whose id is its name; `field` is the call that asked for it. */
  private policy(field: string, name: string, podSelector: k8s.LabelSelector, spec: Omit<k8s.NetworkPolicySpec, 'podSelector'>): k8s.KubeNetworkPolicy {
    check(this, `${field}.name`, name, dns1123SubdomainProblem(name));
    if (this.policies.has(name)) invalid(this, `${field}.name`, name, 'names a NetworkPolicy this namespace already has', 'give the flow a name of its own');
    const policy = new k8s.KubeNetworkPolicy(this, name, {
      metadata: { name, namespace: this.namespaceName, labels: { 'app.kubernetes.io/managed-by': MANAGED_BY } },
      spec: { podSelector, ...spec },
    });
    this.policies.set(name, policy);
    return policy;
  }

  private selector(field: string, labels: Record<string, string>): k8s.LabelSelector {
    if (!labels || Object.keys(labels).length === 0) invalid(this, field, labels, 'is empty, which selects every pod of the namespace', 'select the pods by their stable labels, e.g. { "app.kubernetes.io/name": "web" }');
    check(this, field, labels, labelsProblem(labels));
    return { matchLabels: labels };
  }

  private ports(field: string, ports: readonly PolicyPort[]): k8s.NetworkPolicyPort[] {
    if (ports.length === 0) invalid(this, field, ports, 'is empty, which allows every port', 'list the ports the flow uses');
    return ports.map((p, i) => {
      const { port, protocol, endPort } = typeof p === 'number' ? { port: p, protocol: undefined, endPort: undefined } : p;
      check(this, `${field}[${i}].port`, port, portProblem(port));
      if (endPort !== undefined) {
        check(this, `${field}[${i}].endPort`, endPort, portProblem(endPort));
        if (endPort < port) invalid(this, `${field}[${i}].endPort`, endPort, `is below port ${port}`, 'give a range whose end is at least its start');
      }
      return { protocol: protocol ?? 'TCP', port: k8s.IntOrString.fromNumber(port), ...(endPort !== undefined ? { endPort } : {}) };
    });
  }

  private validateQuota(q: QuotaSpec, lr: LimitRangeSpec | undefined): Record<string, k8s.Quantity> {
    const hard: Record<string, k8s.Quantity> = {};
    const counts: Array<[keyof QuotaSpec, string]> = [
      ['pods', 'pods'], ['services', 'services'], ['loadBalancers', 'services.loadbalancers'], ['nodePorts', 'services.nodeports'],
      ['persistentVolumeClaims', 'persistentvolumeclaims'], ['configMaps', 'configmaps'], ['secrets', 'secrets'],
    ];
    for (const [field, key] of counts) {
      const n = q[field] as number | undefined;
      if (n === undefined) continue;
      check(this, `quota.${field}`, n, intProblem(n, 0));
      hard[key] = k8s.Quantity.fromString(String(n));
    }
    const amounts: Array<[keyof QuotaSpec, string, string]> = [
      ['requestsCpu', 'requests.cpu', '4'], ['requestsMemory', 'requests.memory', '8Gi'],
      ['limitsCpu', 'limits.cpu', '8'], ['limitsMemory', 'limits.memory', '16Gi'], ['requestsStorage', 'requests.storage', '100Gi'],
    ];
    for (const [field, key, example] of amounts) {
      const v = q[field] as string | undefined;
      if (v === undefined) continue;
      check(this, `quota.${field}`, v, quantityProblem(v, example));
      hard[key] = k8s.Quantity.fromString(v);
    }
    for (const [cls, v] of Object.entries(q.storageClassRequests ?? {})) {
      check(this, 'quota.storageClassRequests', cls, dns1123SubdomainProblem(cls, 253 - '.storageclass.storage.k8s.io'.length));
      check(this, `quota.storageClassRequests["${cls}"]`, v, quantityProblem(v, '50Gi'));
      hard[`${cls}.storageclass.storage.k8s.io/requests.storage`] = k8s.Quantity.fromString(v);
    }
    if (Object.keys(hard).length === 0) invalid(this, 'quota', q, 'limits nothing', 'set at least one count or total, or leave quota out');

    // A compute quota makes the API server reject every pod that does not state that request or
    // limit; the LimitRange must fill it in for containers that leave it out.
    for (const [field, kind, resource] of [['requestsCpu', 'requests', 'cpu'], ['requestsMemory', 'requests', 'memory'], ['limitsCpu', 'limits', 'cpu'], ['limitsMemory', 'limits', 'memory']] as const) {
      const filled = kind === 'requests' ? containerDefaultRequest(lr, resource) : containerDefaultLimit(lr, resource);
      if (q[field] !== undefined && filled === undefined) {
        invalid(this, `quota.${field}`, q[field], `makes the API server reject every pod with a container that sets no ${resource} ${kind === 'requests' ? 'request' : 'limit'}`,
          `give containers a default: set limitRange.container.${kind === 'requests' ? 'defaultRequest' : 'default'}.${resource}`);
      }
    }
    return hard;
  }

  private validateLimitRange(lr: LimitRangeSpec): k8s.LimitRangeItem[] {
    const amounts = (field: string, a: ComputeAmounts | undefined): Record<string, k8s.Quantity> | undefined => {
      if (a === undefined) return undefined;
      const out: Record<string, k8s.Quantity> = {};
      if (a.cpu !== undefined) {
        check(this, `${field}.cpu`, a.cpu, quantityProblem(a.cpu, '500m'));
        out.cpu = k8s.Quantity.fromString(a.cpu);
      }
      if (a.memory !== undefined) {
        check(this, `${field}.memory`, a.memory, quantityProblem(a.memory, '512Mi'));
        out.memory = k8s.Quantity.fromString(a.memory);
      }
      return Object.keys(out).length > 0 ? out : undefined;
    };
    // The order the API server requires: defaultRequest <= default <= max, and min <= max.
    const notAbove = (lowField: string, low: string | undefined, highField: string, high: string | undefined) => {
      if (low !== undefined && high !== undefined && parseQuantity(low) > parseQuantity(high)) {
        invalid(this, lowField, low, `is above ${highField} "${high}"`, `lower ${lowField} or raise ${highField}`);
      }
    };
    const items: k8s.LimitRangeItem[] = [];
    const c = lr.container;
    if (c) {
      const item = {
        type: 'Container',
        default: amounts('limitRange.container.default', c.default),
        defaultRequest: amounts('limitRange.container.defaultRequest', c.defaultRequest),
        max: amounts('limitRange.container.max', c.max),
      };
      for (const r of ['cpu', 'memory'] as const) {
        notAbove(`limitRange.container.default.${r}`, c.default?.[r], `limitRange.container.max.${r}`, c.max?.[r]);
        notAbove(`limitRange.container.defaultRequest.${r}`, c.defaultRequest?.[r], `limitRange.container.default.${r}`, c.default?.[r]);
        notAbove(`limitRange.container.defaultRequest.${r}`, c.defaultRequest?.[r], `limitRange.container.max.${r}`, c.max?.[r]);
      }
      if (item.default || item.defaultRequest || item.max) items.push(item);
    }
    const podMax = amounts('limitRange.pod.max', lr.pod?.max);
    for (const r of ['cpu', 'memory'] as const) {
      // The pod maximum is checked against the sum of the containers' limits: a container without one fails it.
      if (lr.pod?.max?.[r] !== undefined && containerDefaultLimit(lr, r) === undefined) {
        invalid(this, `limitRange.pod.max.${r}`, lr.pod.max[r], `makes the API server reject every pod with a container that sets no ${r} limit`, `give containers a default: set limitRange.container.default.${r}`);
      }
    }
    if (podMax) items.push({ type: 'Pod', max: podMax });
    const pvc = lr.persistentVolumeClaim;
    if (pvc && (pvc.min !== undefined || pvc.max !== undefined)) {
      if (pvc.min !== undefined) check(this, 'limitRange.persistentVolumeClaim.min', pvc.min, quantityProblem(pvc.min, '1Gi'));
      if (pvc.max !== undefined) check(this, 'limitRange.persistentVolumeClaim.max', pvc.max, quantityProblem(pvc.max, '100Gi'));
      notAbove('limitRange.persistentVolumeClaim.min', pvc.min, 'limitRange.persistentVolumeClaim.max', pvc.max);
      items.push({
        type: 'PersistentVolumeClaim',
        ...(pvc.min !== undefined ? { min: { storage: k8s.Quantity.fromString(pvc.min) } } : {}),
        ...(pvc.max !== undefined ? { max: { storage: k8s.Quantity.fromString(pvc.max) } } : {}),
      });
    }
    if (items.length === 0) invalid(this, 'limitRange', lr, 'sets nothing', 'set a default, maximum or claim bound, or leave limitRange out');
    return items;
  }
}
