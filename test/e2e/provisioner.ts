/**
 * What a real cluster's volume provisioner does, for the local control plane (which has none):
 * for each claim of a StorageClass whose provisioner it plays, once the scheduler has picked the
 * claim's node (WaitForFirstConsumer) or at once (Immediate), it creates a PersistentVolume
 * pre-bound to the claim and pinned to that node, as rancher's local-path provisioner does; and it
 * deletes released volumes whose reclaim policy is Delete. The PV controller and the scheduler do
 * the binding, exactly as they do with a real provisioner.
 */
import { KubeClient, KubeObject } from './kube';

interface Claim extends KubeObject {
  metadata: KubeObject['metadata'] & { uid: string; namespace: string };
  spec: { storageClassName?: string; volumeName?: string; accessModes: string[]; volumeMode?: string; resources: { requests: { storage: string } } };
  status: { phase: string };
}

export interface Provisioner {
  /** Volumes created so far (names). */
  readonly created: string[];
  /** The first error the loop met, if any (the suite fails the scenario on it). */
  error(): Error | undefined;
  stop(): Promise<void>;
}

export function startProvisioner(client: KubeClient, provisioner: string): Provisioner {
  const created: string[] = [];
  let failure: Error | undefined;
  let running = true;

  const once = async () => {
    const classes = new Map((await client.list('/apis/storage.k8s.io/v1/storageclasses'))
      .filter((c) => c.provisioner === provisioner)
      .map((c) => [c.metadata.name, c as KubeObject & { reclaimPolicy?: string; volumeBindingMode?: string }]));
    if (classes.size === 0) return;
    const volumes = await client.list('/api/v1/persistentvolumes');
    const existing = new Set(volumes.map((v) => v.metadata.name));
    for (const claim of (await client.list<Claim>('/api/v1/persistentvolumeclaims'))) {
      const cls = classes.get(claim.spec.storageClassName ?? '');
      if (!cls || claim.status.phase !== 'Pending' || claim.spec.volumeName) continue;
      const node = claim.metadata.annotations?.['volume.kubernetes.io/selected-node'];
      if (cls.volumeBindingMode === 'WaitForFirstConsumer' && !node) continue;
      const name = `pvc-${claim.metadata.uid}`;
      if (existing.has(name)) continue;
      await client.create('/api/v1/persistentvolumes', {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': provisioner } },
        spec: {
          capacity: { storage: claim.spec.resources.requests.storage },
          accessModes: claim.spec.accessModes,
          ...(claim.spec.volumeMode ? { volumeMode: claim.spec.volumeMode } : {}),
          persistentVolumeReclaimPolicy: cls.reclaimPolicy ?? 'Delete',
          storageClassName: cls.metadata.name,
          claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid },
          hostPath: { path: `/var/lib/local-path/${name}`, type: 'DirectoryOrCreate' },
          ...(node ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } } : {}),
        },
      });
      created.push(name);
    }
    for (const v of volumes) {
      const spec = v.spec as { persistentVolumeReclaimPolicy?: string };
      if (v.metadata.annotations?.['pv.kubernetes.io/provisioned-by'] === provisioner && (v.status as { phase?: string })?.phase === 'Released' && spec.persistentVolumeReclaimPolicy === 'Delete') {
        await client.request('DELETE', `/api/v1/persistentvolumes/${v.metadata.name}`);
      }
    }
  };

  const loop = (async () => {
    while (running) {
      try {
        await once();
      } catch (e) {
        failure ??= e as Error;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  })();

  return {
    created,
    error: () => failure,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
