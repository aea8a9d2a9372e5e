/**
 * What "converged" means, read from the API server: the checks the convergence and Pulumi
 * scenarios share. Each returns the problems it sees (none: converged), so a wait can print them
 * when its deadline passes.
 */
import { NodeTaint, Toleration, tolerates } from '../../constructs/node-pool';
import { KubeClient, KubeObject } from './kube';

type Conditions = Array<{ type: string; status: string; reason?: string; message?: string }>;

const conditionTrue = (o: KubeObject, type: string) => ((o.status?.conditions ?? []) as Conditions).some((c) => c.type === type && c.status === 'True');
/** A status count, 0 when the controller has not written it yet. */
export const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/** Every Deployment Available and rolled out, every StatefulSet ready, every DaemonSet ready on all its nodes. */
export async function workloadProblems(client: KubeClient, namespaces: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const ns of namespaces) {
    for (const d of await client.list(`/apis/apps/v1/namespaces/${ns}/deployments`)) {
      const want = num((d.spec as { replicas?: number }).replicas ?? 1);
      const s = d.status ?? {};
      if (num(s.observedGeneration) < num(d.metadata.generation) || num(s.updatedReplicas) !== want || num(s.availableReplicas) !== want || num(s.replicas) !== want || !conditionTrue(d, 'Available')) {
        problems.push(`Deployment ${ns}/${d.metadata.name}: ${num(s.availableReplicas)}/${want} available, ${num(s.updatedReplicas)} updated, ${num(s.replicas)} total`);
      }
    }
    // Autoscaled workloads leave their replica count to the autoscaler, which raises it to its floor
    // on its first sync: until then the workload is not at the size the environment asks for.
    for (const hpa of await client.list(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`)) {
      const spec = hpa.spec as { minReplicas?: number; maxReplicas: number; scaleTargetRef: { kind: string; name: string } };
      if (spec.scaleTargetRef.kind !== 'Deployment' && spec.scaleTargetRef.kind !== 'StatefulSet') continue;
      const target = await client.get(`/apis/apps/v1/namespaces/${ns}/${spec.scaleTargetRef.kind.toLowerCase()}s/${spec.scaleTargetRef.name}`);
      const replicas = num((target?.spec as { replicas?: number } | undefined)?.replicas);
      if (replicas < (spec.minReplicas ?? 1) || replicas > spec.maxReplicas) problems.push(`HorizontalPodAutoscaler ${ns}/${hpa.metadata.name}: ${spec.scaleTargetRef.kind} at ${replicas} replicas, outside ${spec.minReplicas ?? 1}..${spec.maxReplicas}`);
    }
    for (const st of await client.list(`/apis/apps/v1/namespaces/${ns}/statefulsets`)) {
      const want = num((st.spec as { replicas?: number }).replicas ?? 1);
      const s = st.status ?? {};
      if (num(s.observedGeneration) < num(st.metadata.generation) || num(s.readyReplicas) !== want || s.currentRevision !== s.updateRevision) {
        problems.push(`StatefulSet ${ns}/${st.metadata.name}: ${num(s.readyReplicas)}/${want} ready, revision ${String(s.currentRevision)} -> ${String(s.updateRevision)}`);
      }
      // Each replica's claims, named <template>-<set>-<ordinal>, bound by the provisioner and the PV controller.
      for (const tpl of ((st.spec as { volumeClaimTemplates?: KubeObject[] }).volumeClaimTemplates ?? [])) {
        for (let i = 0; i < want; i++) {
          const claim = `${tpl.metadata.name}-${st.metadata.name}-${i}`;
          const pvc = await client.get(`/api/v1/namespaces/${ns}/persistentvolumeclaims/${claim}`);
          const phase = (pvc?.status as { phase?: string } | undefined)?.phase;
          if (phase !== 'Bound') problems.push(`PersistentVolumeClaim ${ns}/${claim}: ${phase ?? 'missing'}`);
        }
      }
    }
    for (const ds of await client.list(`/apis/apps/v1/namespaces/${ns}/daemonsets`)) {
      const s = ds.status ?? {};
      const desired = num(s.desiredNumberScheduled);
      if (num(s.observedGeneration) < num(ds.metadata.generation) || desired === 0 || num(s.numberReady) !== desired || num(s.updatedNumberScheduled) !== desired) {
        problems.push(`DaemonSet ${ns}/${ds.metadata.name}: ${num(s.numberReady)}/${desired} ready`);
      }
    }
  }
  return problems;
}

/** The pods of a namespace that are not finished, with their node. */
export async function livePods(client: KubeClient, ns: string): Promise<KubeObject[]> {
  return (await client.list(`/api/v1/namespaces/${ns}/pods`)).filter((p) => !['Succeeded', 'Failed'].includes(String((p.status as { phase?: string })?.phase)) && !p.metadata.deletionTimestamp);
}

/** Warning events of the namespaces, newest last: what a failed wait prints. */
export async function recentWarnings(client: KubeClient, namespaces: readonly string[]): Promise<string> {
  const lines: Array<[string, string]> = [];
  for (const ns of namespaces) {
    for (const e of await client.list(`/api/v1/namespaces/${ns}/events`)) {
      if (e.type !== 'Warning') continue;
      const obj = e.involvedObject as { kind: string; name: string };
      lines.push([String(e.lastTimestamp ?? e.eventTime ?? ''), `  ${ns} ${obj.kind}/${obj.name}: ${String(e.reason)}: ${String(e.message)}`]);
    }
  }
  return lines.sort((a, b) => a[0].localeCompare(b[0])).slice(-25).map((l) => l[1]).join('\n');
}

/** The nodes a pod template's tolerations admit (taints with NoSchedule or NoExecute), as the DaemonSet controller decides. */
export function nodesAdmitting(nodes: readonly KubeObject[], tolerations: readonly Toleration[]): string[] {
  return nodes.filter((n) => ((n.spec as { taints?: NodeTaint[] }).taints ?? [])
    .filter((t) => t.effect !== 'PreferNoSchedule')
    .every((t) => tolerations.some((tol) => tolerates(tol, t))))
    .map((n) => n.metadata.name)
    .sort();
}
