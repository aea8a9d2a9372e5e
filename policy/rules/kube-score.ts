import type { IIngressBackend } from 'kubernetes-models/networking.k8s.io/v1/IngressBackend';
import type { IServicePort } from 'kubernetes-models/v1/ServicePort';
import { item, list, record } from '../objects';
import { defineRule } from '../rule';
import { formatLabels, formatSelector, LabelSelector, selects } from '../selectors';

/** kube-score's checks (https://github.com/zegl/kube-score/blob/master/README_CHECKS.md), ids as kube-score names them. */

export const KUBE_SCORE_RULES = [
  defineRule({
    id: 'has-poddisruptionbudget',
    source: 'kube-score',
    description: 'kube-score deployment-has-poddisruptionbudget, statefulset-has-poddisruptionbudget: a Deployment or StatefulSet of 2 or more replicas is selected by a PodDisruptionBudget.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        if (t.object.kind !== 'Deployment' && t.object.kind !== 'StatefulSet') continue;
        const pods = inv.maxPods(t.object) ?? 1;
        if (pods < 2 || inv.budgetsFor(t).length > 0) continue;
        const selector = (t.object.spec?.selector as LabelSelector | undefined) ?? { matchLabels: { ...t.labels } };
        report(
          t.object,
          'spec.replicas',
          t.object.spec?.replicas,
          `runs up to ${pods} pods but no PodDisruptionBudget selects them, so a node drain may stop them all at once`,
          `add a PodDisruptionBudget selecting ${formatSelector(selector)} with maxUnavailable: 1 and unhealthyPodEvictionPolicy: AlwaysAllow`,
        );
      }
    },
  }),
  defineRule({
    id: 'statefulset-has-servicename',
    source: 'kube-score',
    description: 'kube-score statefulset-has-servicename: a StatefulSet names a headless Service of its namespace that selects its pods.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        if (t.object.kind !== 'StatefulSet') continue;
        const name = t.object.spec?.serviceName;
        const ns = t.namespace ?? '';
        const svc = typeof name === 'string' && name !== '' ? inv.find('Service', t.namespace, name) : undefined;
        const fix = `set spec.serviceName to a Service in namespace "${ns}" with clusterIP: None whose selector matches {${formatLabels(t.labels)}}`;
        if (name === undefined || name === '') report(t.object, 'spec.serviceName', name, 'is not set, so the pods get no stable DNS names', fix);
        else if (!svc) report(t.object, 'spec.serviceName', name, `names no Service in namespace "${ns}"`, fix);
        else if (svc.spec?.clusterIP !== 'None') {
          report(t.object, 'spec.serviceName', name, `names a Service that is not headless (clusterIP ${JSON.stringify(svc.spec?.clusterIP)}), so the pods get no stable DNS names`, `set spec.clusterIP: None on Service ${ns}/${name}`);
        } else if (Object.keys(record(svc.spec?.selector)).length === 0 || !selects({ matchLabels: record<string>(svc.spec?.selector) }, t.labels)) {
          report(t.object, 'spec.serviceName', name, 'names a headless Service whose selector does not select the StatefulSet\'s pods', `set the selector of Service ${ns}/${name} to {${formatLabels(t.labels)}}`);
        }
      }
    },
  }),
  defineRule({
    id: 'cronjob-has-deadline',
    source: 'kube-score',
    description: 'kube-score cronjob-has-deadline: a CronJob sets startingDeadlineSeconds.',
    check(inv, _ctx, report) {
      for (const cron of inv.ofKind('CronJob')) {
        if (cron.spec?.startingDeadlineSeconds === undefined) {
          report(cron, 'spec.startingDeadlineSeconds', undefined, 'is not set, so after 100 missed schedules the CronJob stops starting Jobs', 'set spec.startingDeadlineSeconds, e.g. 300');
        }
      }
    },
  }),
  defineRule({
    id: 'ingress-targets-service',
    source: 'kube-score',
    description: 'kube-score ingress-targets-service: every Ingress backend names a Service of its namespace and a port (number or name) that Service exposes.',
    check(inv, _ctx, report) {
      for (const ingress of inv.ofKind('Ingress')) {
        const backends: { backend: IIngressBackend; path: string }[] = [];
        if (ingress.spec?.defaultBackend) backends.push({ backend: ingress.spec.defaultBackend, path: 'spec.defaultBackend' });
        list<{ http?: { paths?: { backend: IIngressBackend }[] } }>(ingress.spec?.rules).forEach((rule, i) => {
          list(rule?.http?.paths).forEach((p, j) => {
            if (p?.backend) backends.push({ backend: p.backend, path: `${item(`${item('spec.rules', i)}.http.paths`, j)}.backend` });
          });
        });
        const ns = ingress.metadata?.namespace ?? '';
        for (const { backend, path } of backends) {
          const ref = backend.service;
          if (ref === undefined) continue; // a resource backend is not a Service
          const svc = inv.find('Service', ingress.metadata?.namespace, ref.name);
          if (!svc) {
            report(ingress, `${path}.service.name`, ref.name, `names no Service in namespace "${ns}"`, `set it to a Service of namespace "${ns}" or add the Service`);
            continue;
          }
          const ports = list<IServicePort>(svc.spec?.ports).filter((p) => p != null);
          const exposed = ports.map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port))).join(', ') || 'none';
          const port = ref.port;
          if (port?.number !== undefined && !ports.some((p) => p.port === port.number)) {
            report(ingress, `${path}.service.port.number`, port.number, `is not a port Service ${ns}/${ref.name} exposes (${exposed})`, 'use one of the Service\'s ports');
          } else if (port?.name !== undefined && !ports.some((p) => p.name === port.name)) {
            report(ingress, `${path}.service.port.name`, port.name, `is not a port name Service ${ns}/${ref.name} exposes (${exposed})`, 'use one of the Service\'s port names');
          } else if (port?.number === undefined && port?.name === undefined) {
            report(ingress, `${path}.service.port`, port, 'names no port', `set ${path}.service.port.name or .number to a port of Service ${ns}/${ref.name} (${exposed})`);
          }
        }
      }
    },
  }),
  defineRule({
    id: 'horizontalpodautoscaler-has-target',
    source: 'kube-score',
    description: 'kube-score horizontalpodautoscaler-has-target: an HPA scaleTargetRef names an existing workload of that kind in its namespace.',
    check(inv, _ctx, report) {
      for (const hpa of inv.ofKind('HorizontalPodAutoscaler')) {
        const ref = record<string>(hpa.spec?.scaleTargetRef);
        if (!inv.find(String(ref.kind), hpa.metadata?.namespace, String(ref.name))) {
          report(hpa, 'spec.scaleTargetRef.name', ref.name, `names no ${ref.kind ?? 'workload'} in namespace "${hpa.metadata?.namespace ?? ''}", so nothing is scaled`, 'set spec.scaleTargetRef to the kind and name of the workload it scales');
        }
      }
    },
  }),
  defineRule({
    id: 'horizontalpodautoscaler-replicas',
    source: 'kube-score',
    description: 'kube-score horizontalpodautoscaler-replicas: in production, an HPA keeps minReplicas at 2 or more.',
    check(inv, ctx, report) {
      if (!ctx.production) return;
      for (const hpa of inv.ofKind('HorizontalPodAutoscaler')) {
        const min = hpa.spec?.minReplicas ?? 1; // the API default
        if (typeof min === 'number' && min < 2) {
          report(hpa, 'spec.minReplicas', hpa.spec?.minReplicas, `lets the workload shrink to ${min} pod in production environment "${ctx.environment}", so one restart is an outage`, 'set spec.minReplicas to 2 or more');
        }
      }
    },
  }),
  defineRule({
    id: 'pod-networkpolicy',
    source: 'kube-score',
    description: 'kube-score pod-networkpolicy: every pod template is selected by a NetworkPolicy of its namespace.',
    check(inv, _ctx, report) {
      for (const t of inv.templates) {
        if (inv.networkPoliciesFor(t).length > 0) continue;
        const ns = t.namespace ?? '';
        report(t.object, `${t.metadataPath}.labels`, t.labels, `are selected by no NetworkPolicy in namespace "${ns}", so the pods accept and send any traffic`, `add a default-deny NetworkPolicy (podSelector: {}) to namespace "${ns}" and a policy allowing what the pods need`);
      }
    },
  }),
  defineRule({
    id: 'service-type',
    source: 'kube-score',
    description: 'kube-score service-type: no NodePort Service in production.',
    check(inv, ctx, report) {
      if (!ctx.production) return;
      for (const svc of inv.ofKind('Service')) {
        if (svc.spec?.type === 'NodePort') {
          report(svc, 'spec.type', 'NodePort', `opens a port on every node in production environment "${ctx.environment}"`, 'use type ClusterIP behind the Ingress, or LoadBalancer');
        }
      }
    },
  }),
];
