/**
 * What an application exposes, and what it lets in: network policy content, load balancers,
 * Ingress TLS, node paths, root groups, probes aimed elsewhere, credentials in ConfigMaps.
 */
import { item, list, record } from '../objects';
import { registryOf } from '../../constructs/lib/validate';
import { containersOf, PodTemplate, RUNNABLE_CONTAINERS } from '../pods';
import { defineRule } from '../rule';
import type { KubeObject } from '../types';

interface Peer { podSelector?: unknown; namespaceSelector?: unknown; ipBlock?: { cidr?: string } }
interface NetRule { from?: Peer[]; to?: Peer[]; ports?: unknown[] }

const OPEN_CIDRS = ['0.0.0.0/0', '::/0'];

/** Keys that name a credential: such values belong in a Secret. */
const CREDENTIAL_KEY = /(^|[_.-])(password|passwd|secret|token|api[_-]?key|private[_-]?key|credentials?)([_.-]|$)/i;

/** Host paths no pod may mount, waiver or not: the node's root, its runtime sockets, the kubelet's and the kernel's state. */
const SENSITIVE_HOST_PATHS = ['/', '/var/run', '/run', '/var/run/docker.sock', '/run/containerd', '/run/containerd/containerd.sock', '/var/run/containerd', '/run/crio', '/var/run/crio', '/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd', '/etc', '/etc/kubernetes', '/root', '/proc', '/sys', '/dev', '/boot'];

export const EXPOSURE_RULES = [
  defineRule({
    id: 'webhook-in-cluster',
    source: 'stack',
    description: 'Admission webhooks call a Service in the cluster, never a URL.',
    check(inv, _ctx, report) {
      for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
        for (const cfg of inv.ofKind(kind)) {
          list((cfg as { webhooks?: Array<{ clientConfig?: { url?: string } }> }).webhooks).forEach((w, i) => {
            const url = w?.clientConfig?.url;
            if (url !== undefined) report(cfg, `${item('webhooks', i)}.clientConfig.url`, url, 'sends every matching API request, Secrets included, to an address outside the cluster, and can rewrite or block them', 'point clientConfig.service at a Service of the webhook in the cluster');
          });
        }
      }
    },
  }),
  defineRule({
    id: 'service-pods-readiness',
    source: 'stack',
    description: 'Every container that serves a port in a pod a Service selects has a readiness probe.',
    check(inv, _ctx, report) {
      const fronted = new Set<PodTemplate>();
      for (const svc of inv.ofKind('Service')) {
        const selector = record((svc.spec as { selector?: Record<string, string> } | undefined)?.selector);
        if (Object.keys(selector).length === 0) continue;
        // The inventory's label index: linear in Services, not Services times pod templates.
        for (const t of inv.templatesSelected(svc.metadata?.namespace, { matchLabels: selector })) fronted.add(t);
      }
      for (const t of fronted) {
        for (const c of containersOf(t, ['containers'])) {
          if (list(c.container.ports).length > 0 && !(c.container as { readinessProbe?: unknown }).readinessProbe) {
            report(t.object, `${c.path}.readinessProbe`, undefined, `is not set, so a Service sends traffic to container "${c.name}" before it can answer, and during every restart`, 'add a readiness probe on the port it serves (the construct prop: readiness)');
          }
        }
      }
    },
  }),
  defineRule({
    id: 'ephemeral-storage-limits',
    source: 'stack',
    description: 'Every container limits its ephemeral storage, so one that fills the node\'s disk is evicted alone.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const c of containersOf(t, RUNNABLE_CONTAINERS)) {
          const limits = record(c.container.resources?.limits as Record<string, unknown> | undefined);
          if (limits['ephemeral-storage'] === undefined) report(t.object, `${c.path}.resources.limits.ephemeral-storage`, undefined, 'is not set, so a container writing logs or scratch files can fill the node\'s disk and get its neighbours evicted', 'set a limit such as "1Gi" (the construct library sets one unless resources.ephemeralStorage says otherwise)');
        }
      }
    },
  }),
  defineRule({
    id: 'image-registry-allowed',
    source: 'stack',
    description: 'Every image comes from a registry the environment allows (allowedRegistries).',
    check(inv, ctx, report) {
      if (!ctx.allowedRegistries) return;
      for (const t of inv.templates) {
        for (const c of containersOf(t)) {
          const image = String(c.container.image ?? '');
          const registry = registryOf(image.split('@')[0].replace(/:[^/]*$/, ''));
          if (!ctx.allowedRegistries.includes(registry)) report(t.object, `${c.path}.image`, image, `comes from registry "${registry}", which the environment does not allow (${ctx.allowedRegistries.join(', ')})`, 'use an image from an allowed registry, or add the registry to the environment\'s allowedRegistries once it is reviewed');
        }
      }
    },
  }),
  defineRule({
    id: 'no-sensitive-host-path',
    source: 'stack',
    description: 'No pod mounts the node\'s root, a container runtime socket, or the kubelet\'s or kernel\'s state (never waivable).',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        list(t.spec.volumes).forEach((v, i) => {
          const raw = v?.hostPath?.path;
          if (typeof raw !== 'string') return;
          const p = raw.replace(/\/+$/, '') || '/';
          const sensitive = SENSITIVE_HOST_PATHS.includes(p) || /\.sock$/.test(p) || p.startsWith('/var/lib/kubelet/') || p.startsWith('/etc/kubernetes/');
          if (sensitive) report(t.object, `${item(`${t.specPath}.volumes`, i)}.hostPath.path`, raw, 'hands the pod the node itself: its root, a container runtime socket or the kubelet\'s credentials', 'mount only the directories the agent reads (e.g. /var/log/pods), read-only; this rule cannot be waived');
        });
      }
    },
  }),
  defineRule({
    id: 'namespace-restricted',
    source: 'stack',
    description: 'Every Namespace enforces the "restricted" Pod Security level, except the system namespaces the environment names.',
    check(inv, ctx, report) {
      for (const ns of inv.ofKind('Namespace')) {
        const level = ns.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
        if (level !== 'restricted' && !(ctx.systemNamespaces ?? []).includes(ns.metadata?.name ?? '')) {
          report(ns, 'metadata.labels["pod-security.kubernetes.io/enforce"]', level, `lets pods run below the "restricted" profile in an application namespace${level === undefined ? ' (unset: the cluster default, usually privileged)' : ''}`, `enforce "restricted" (guardrails.podSecurity); only the environment's systemNamespace (${(ctx.systemNamespaces ?? []).join(', ') || 'none'}) may enforce less`);
        }
      }
    },
  }),
  defineRule({
    id: 'networkpolicy-no-allow-all',
    source: 'stack',
    description: 'No NetworkPolicy admits all ingress, and egress to any address only on named ports.',
    check(inv, _ctx, report) {
      for (const np of inv.ofKind('NetworkPolicy')) {
        const spec = (np.spec ?? {}) as { ingress?: NetRule[]; egress?: NetRule[] };
        list(spec.ingress).forEach((r, i) => {
          const from = list(r?.from);
          if (from.length === 0) report(np, item('spec.ingress', i), r, 'admits every source, in the cluster and outside it', 'name the peers in "from": a podSelector, a namespaceSelector or an ipBlock');
          from.forEach((p, j) => {
            if (OPEN_CIDRS.includes(String(p?.ipBlock?.cidr))) report(np, `${item('spec.ingress', i)}.${item('from', j)}.ipBlock.cidr`, p.ipBlock!.cidr, 'admits the whole internet', 'name the source ranges');
          });
        });
        list(spec.egress).forEach((r, i) => {
          const to = list(r?.to);
          const open = to.length === 0 || to.some((p) => OPEN_CIDRS.includes(String(p?.ipBlock?.cidr)) && !p.podSelector && !p.namespaceSelector);
          if (open && list(r?.ports).length === 0) report(np, item('spec.egress', i), r, 'lets the pods connect anywhere on every port', 'name the destinations in "to", or the ports the pods need outside the cluster (e.g. 443)');
        });
      }
    },
  }),
  defineRule({
    id: 'loadbalancer-source-ranges',
    source: 'stack',
    description: 'A LoadBalancer Service names the ranges it admits (loadBalancerSourceRanges), never the whole internet.',
    check(inv, _ctx, report) {
      for (const svc of inv.ofKind('Service')) {
        const spec = (svc.spec ?? {}) as { type?: string; loadBalancerSourceRanges?: string[] };
        if (spec.type !== 'LoadBalancer') continue;
        const ranges = list(spec.loadBalancerSourceRanges);
        if (ranges.length === 0) report(svc, 'spec.loadBalancerSourceRanges', spec.loadBalancerSourceRanges, 'is empty, so the load balancer is open to the internet', 'list the CIDRs that may connect, or serve through the Ingress');
        ranges.forEach((r, i) => {
          if (OPEN_CIDRS.includes(r)) report(svc, item('spec.loadBalancerSourceRanges', i), r, 'admits the whole internet', 'list the CIDRs that may connect');
        });
      }
    },
  }),
  defineRule({
    id: 'ingress-tls',
    source: 'stack',
    description: 'Every Ingress serves each of its hosts over TLS.',
    check(inv, _ctx, report) {
      for (const ing of inv.ofKind('Ingress')) {
        const spec = (ing.spec ?? {}) as { rules?: Array<{ host?: string }>; tls?: Array<{ hosts?: string[] }> };
        const covered = new Set(list(spec.tls).flatMap((t) => list(t?.hosts)));
        if (list(spec.tls).length === 0) {
          report(ing, 'spec.tls', spec.tls, 'is empty, so the Ingress serves plain HTTP', 'add a tls entry with the hosts and the Secret of their certificate (TlsIngress does)');
          continue;
        }
        list(spec.rules).forEach((r, i) => {
          if (r?.host && !covered.has(r.host)) report(ing, `${item('spec.rules', i)}.host`, r.host, 'is not in any tls entry, so it is served over plain HTTP', 'add the host to spec.tls');
        });
      }
    },
  }),
  defineRule({
    id: 'no-hostpath-volume',
    source: 'stack',
    description: 'No PersistentVolume is a hostPath: it hands a node\'s file system to whatever pod claims it.',
    check(inv, _ctx, report) {
      for (const pv of inv.ofKind('PersistentVolume')) {
        const path = (pv.spec as { hostPath?: { path?: string } } | undefined)?.hostPath?.path;
        if (path !== undefined) report(pv, 'spec.hostPath.path', path, 'mounts a node\'s file system into any pod that claims the volume, past Pod Security admission', 'use a StorageClass and a provisioner, or a local volume with node affinity (StaticVolume type "local")');
      }
    },
  }),
  defineRule({
    id: 'no-root-group',
    source: 'stack',
    description: 'No pod or container runs with group 0 (runAsGroup, fsGroup).',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        const pod = record(t.spec.securityContext as Record<string, unknown> | undefined);
        for (const f of ['runAsGroup', 'fsGroup'] as const) {
          if (pod[f] === 0) report(t.object, `${t.specPath}.securityContext.${f}`, 0, `is the root group, which owns most of the node's and the image's files`, `set ${f} to the image's own group id (or leave it to the image)`);
        }
        for (const c of containersOf(t, RUNNABLE_CONTAINERS)) {
          if (c.container.securityContext?.runAsGroup === 0) report(t.object, `${c.path}.securityContext.runAsGroup`, 0, 'is the root group, which owns most of the node\'s and the image\'s files', 'set runAsGroup to the image\'s own group id');
        }
      }
    },
  }),
  defineRule({
    id: 'probe-own-pod',
    source: 'stack',
    description: 'Probes check the pod itself: no httpGet host, which would send the kubelet elsewhere.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        for (const c of containersOf(t, RUNNABLE_CONTAINERS)) {
          for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
            const host = (c.container as unknown as Record<string, { httpGet?: { host?: string } } | undefined>)[p]?.httpGet?.host;
            if (host !== undefined && host !== '') report(t.object, `${c.path}.${p}.httpGet.host`, host, 'sends the kubelet\'s requests to another address (a metadata service, another workload) instead of this pod', 'remove host: the kubelet then probes the pod\'s own IP');
          }
        }
      }
    },
  }),
  defineRule({
    id: 'configmap-no-credentials',
    source: 'stack',
    description: 'No ConfigMap key names a credential (password, token, secret, API key, private key).',
    check(inv, _ctx, report) {
      for (const cm of inv.ofKind('ConfigMap')) {
        const data = record((cm as KubeObject & { data?: Record<string, string> }).data);
        for (const key of Object.keys(data)) {
          if (CREDENTIAL_KEY.test(key)) report(cm, `data.${key}`, '<redacted>', 'names a credential, and ConfigMaps are readable by anyone who may read the namespace\'s configuration', 'put the value in a Secret, referenced by name (SecretReference), and inject it from there');
        }
      }
    },
  }),
];
