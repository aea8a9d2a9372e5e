import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from './lib/errors';
import { MANAGED_BY } from './lib/labels';
import { clusterScoped } from './lib/patch';
import {
  ACCESS_MODES, AccessMode, accessModeProblem, accessModesProblem, check, dns1035LabelProblem, dns1123SubdomainProblem, labelKeyProblem, labelsProblem,
  parseQuantity, storageSizeProblem,
} from './lib/validate';

/** What happens to a volume when its claim is deleted. (Recycle is deprecated and not offered.) */
export type ReclaimPolicy = 'Delete' | 'Retain';
const RECLAIM_POLICIES: readonly string[] = ['Delete', 'Retain'];

/** A StorageClass: how volumes are provisioned on demand. */
export interface StorageClassSpec {
  /** Class name (RFC 1123 subdomain), e.g. "ssd". */
  readonly name: string;
  /** The provisioner, e.g. "pd.csi.storage.gke.io" (GKE) or "k8s.io/minikube-hostpath" (minikube). */
  readonly provisioner: string;
  /** Provisioner parameters, e.g. `{ type: "pd-ssd" }`. @default - none */
  readonly parameters?: Record<string, string>;
  /**
   * What happens to a provisioned volume when its claim is deleted. "Delete" is the Kubernetes
   * default and suits scratch and cache data; use "Retain" for databases, so that deleting a claim
   * (or a namespace) never deletes the data with it.
   * @default "Delete"
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /** Let claims grow (never shrink) by raising their request. @default true */
  readonly allowVolumeExpansion?: boolean;
  /**
   * When a volume is provisioned. WaitForFirstConsumer waits for the pod to be scheduled, so that a
   * zonal disk is created in the pod's zone.
   * @default "WaitForFirstConsumer"
   */
  readonly volumeBindingMode?: 'WaitForFirstConsumer' | 'Immediate';
  /** Mount options, e.g. ["noatime"]. @default - none */
  readonly mountOptions?: string[];
  /** Mark it the cluster's default class (`storageclass.kubernetes.io/is-default-class`). @default false */
  readonly isDefault?: boolean;
}

export type StorageClassProps = StorageClassSpec;

/** A StorageClass (storage.k8s.io/v1, cluster-scoped) for dynamic provisioning. */
export class StorageClass extends Construct {
  public readonly storageClassName: string;
  public readonly storageClass: k8s.KubeStorageClass;

  public constructor(scope: Construct, id: string, props: StorageClassProps) {
    super(scope, id);
    check(this, 'name', props.name, dns1123SubdomainProblem(props.name));
    check(this, 'provisioner', props.provisioner, labelKeyProblem(props.provisioner));
    const reclaimPolicy = props.reclaimPolicy ?? 'Delete';
    checkReclaimPolicy(this, 'reclaimPolicy', reclaimPolicy);
    const volumeBindingMode = props.volumeBindingMode ?? 'WaitForFirstConsumer';
    if (volumeBindingMode !== 'WaitForFirstConsumer' && volumeBindingMode !== 'Immediate') invalid(this, 'volumeBindingMode', volumeBindingMode, 'is not a binding mode', 'use "WaitForFirstConsumer" or "Immediate"');
    for (const [key, value] of Object.entries(props.parameters ?? {})) {
      if (key === '' || typeof value !== 'string') invalid(this, 'parameters', { [key]: value }, 'is not a string-valued parameter', 'give every parameter a name and a string value, e.g. { type: "pd-ssd" }');
    }
    (props.mountOptions ?? []).forEach((o, i) => {
      if (typeof o !== 'string' || o.trim() === '') invalid(this, `mountOptions[${i}]`, o, 'is empty', 'remove it or give an option such as "noatime"');
    });

    this.storageClassName = props.name;
    this.storageClass = clusterScoped(new k8s.KubeStorageClass(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: { 'app.kubernetes.io/managed-by': MANAGED_BY },
        ...((props.isDefault ?? false) ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
      },
      provisioner: props.provisioner,
      ...(props.parameters ? { parameters: props.parameters } : {}),
      reclaimPolicy,
      allowVolumeExpansion: props.allowVolumeExpansion ?? true,
      volumeBindingMode,
      ...(props.mountOptions ? { mountOptions: props.mountOptions } : {}),
    }));
  }
}

export interface ClaimProps {
  /** Claim name (RFC 1123 subdomain). */
  readonly name: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** The storage requested, e.g. "10Gi". */
  readonly storageSize: string;
  /**
   * The StorageClass to provision from; "" binds only to pre-provisioned volumes without a class.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /** @default ["ReadWriteOnce"] */
  readonly accessModes?: AccessMode[];
  /** Bind only to volumes with these labels. @default - any volume that fits */
  readonly selector?: Record<string, string>;
  /** Bind to exactly this PersistentVolume. @default - chosen by the control plane */
  readonly volumeName?: string;
  /** @default - none */
  readonly labels?: Record<string, string>;
}

/** A PersistentVolumeClaim on its own: storage of a size, class and access modes. */
export class Claim extends Construct {
  public readonly claimName: string;
  public readonly claim: k8s.KubePersistentVolumeClaim;

  public constructor(scope: Construct, id: string, props: ClaimProps) {
    super(scope, id);
    check(this, 'name', props.name, dns1123SubdomainProblem(props.name));
    checkSize(this, 'storageSize', props.storageSize);
    if (props.storageClassName !== undefined && props.storageClassName !== '') check(this, 'storageClassName', props.storageClassName, dns1123SubdomainProblem(props.storageClassName));
    const accessModes = props.accessModes ?? ['ReadWriteOnce'];
    checkAccessModes(this, 'accessModes', accessModes);
    if (props.selector !== undefined) check(this, 'selector', props.selector, labelsProblem(props.selector));
    if (props.labels !== undefined) check(this, 'labels', props.labels, labelsProblem(props.labels));
    if (props.volumeName !== undefined) check(this, 'volumeName', props.volumeName, dns1123SubdomainProblem(props.volumeName));

    this.claimName = props.name;
    this.claim = new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: { ...props.labels, 'app.kubernetes.io/managed-by': MANAGED_BY },
        ...(props.namespace ? { namespace: props.namespace } : {}),
      },
      spec: {
        accessModes,
        resources: { requests: { storage: k8s.Quantity.fromString(props.storageSize) } },
        ...(props.storageClassName !== undefined ? { storageClassName: props.storageClassName } : {}),
        ...(props.selector ? { selector: { matchLabels: props.selector } } : {}),
        ...(props.volumeName ? { volumeName: props.volumeName } : {}),
      },
    });
  }
}

/** Where the data of a pre-provisioned volume lives. */
export type VolumeSource =
  | {
      /** A directory on the node: for minikube only, since the data stays on one node. */
      readonly type: 'hostPath';
      readonly path: string;
      /** @default "DirectoryOrCreate" */
      readonly hostPathType?: 'DirectoryOrCreate' | 'Directory';
    }
  | { readonly type: 'csi'; /** e.g. "pd.csi.storage.gke.io" */ readonly driver: string; /** the driver's id of the volume */ readonly volumeHandle: string; /** @default - the driver's default */ readonly fsType?: string }
  | { readonly type: 'nfs'; readonly server: string; /** exported directory */ readonly path: string }
  | { readonly type: 'gcePersistentDisk'; /** an existing disk in the nodes' zone */ readonly pdName: string; /** @default "ext4" */ readonly fsType?: string };

/** The claim that takes a {@link StaticVolume}. */
export interface StaticClaimSpec {
  /** Claim name (RFC 1123 subdomain). */
  readonly name: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /**
   * The storage requested; at most the volume's capacity, or it would never bind. A smaller claim
   * binds the whole volume (the notes' warning), so the default asks for all of it.
   * @default - the volume's capacity
   */
  readonly storageSize?: string;
  /** A subset of the volume's modes. @default - the volume's access modes */
  readonly accessModes?: AccessMode[];
}

export interface StaticVolumeProps {
  /** PersistentVolume name (RFC 1123 subdomain). */
  readonly name: string;
  /** Size of the volume, e.g. "10Gi". */
  readonly capacity: string;
  /** @default ["ReadWriteOnce"] */
  readonly accessModes?: AccessMode[];
  /**
   * What happens to the volume when its claim is deleted. A pre-provisioned volume holds data
   * that existed before the cluster asked for it, so it is kept.
   * @default "Retain"
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /** The class the volume belongs to; "" means none, so no dynamic provisioning can take its claim. @default "" */
  readonly storageClassName?: string;
  /** Labels the claim selects the volume by (e.g. its kind, as the notes recommend). @default { "app.kubernetes.io/name": <name> } */
  readonly labels?: Record<string, string>;
  /** Where the data lives. */
  readonly source: VolumeSource;
  /** @default - none */
  readonly mountOptions?: string[];
  /**
   * The claim for it, selecting it by its labels. The pair is also reserved for each other
   * (`volumeName` on the claim, `claimRef` on the volume), so no other claim takes it.
   * @default - no claim: claims written elsewhere select the volume by its labels
   */
  readonly claim?: StaticClaimSpec;
}

/**
 * A pre-provisioned PersistentVolume (cluster-scoped) on a host path, CSI volume, NFS export or GCE
 * disk, labelled so a claim selects it, and optionally that claim.
 */
export class StaticVolume extends Construct {
  public readonly volumeName: string;
  public readonly volume: k8s.KubePersistentVolume;
  /** The labels the volume carries and a claim selects. */
  public readonly selector: Readonly<Record<string, string>>;
  public readonly claim?: Claim;

  public constructor(scope: Construct, id: string, props: StaticVolumeProps) {
    super(scope, id);
    check(this, 'name', props.name, dns1123SubdomainProblem(props.name));
    checkSize(this, 'capacity', props.capacity);
    const accessModes = props.accessModes ?? ['ReadWriteOnce'];
    checkAccessModes(this, 'accessModes', accessModes);
    const reclaimPolicy = props.reclaimPolicy ?? 'Retain';
    checkReclaimPolicy(this, 'reclaimPolicy', reclaimPolicy);
    const storageClassName = props.storageClassName ?? '';
    if (storageClassName !== '') check(this, 'storageClassName', storageClassName, dns1123SubdomainProblem(storageClassName));
    const selector = props.labels ?? { 'app.kubernetes.io/name': props.name };
    if (Object.keys(selector).length === 0) invalid(this, 'labels', selector, 'is empty, so a claim selecting it would select every volume', 'label the volume, e.g. { type: "nfs", "app.kubernetes.io/name": "media" }');
    check(this, 'labels', selector, labelsProblem(selector));
    const source = this.renderSource(props.source);

    let claimRef: k8s.ObjectReference | undefined;
    const claim = props.claim;
    if (claim) {
      const size = claim.storageSize ?? props.capacity;
      checkSize(this, 'claim.storageSize', size);
      if (parseQuantity(size) > parseQuantity(props.capacity)) invalid(this, 'claim.storageSize', size, `is more than the volume's capacity "${props.capacity}", so the claim would never bind`, 'ask for at most the capacity, or leave storageSize out to ask for all of it');
      const claimModes = claim.accessModes ?? accessModes;
      checkAccessModes(this, 'claim.accessModes', claimModes);
      const missing = claimModes.find((m) => !accessModes.includes(m));
      if (missing) invalid(this, 'claim.accessModes', missing, `is not offered by the volume (${accessModes.join(', ')}), so the claim would never bind`, 'ask only for modes the volume has');
      const namespace = claim.namespace ?? Chart.of(this).namespace;
      if (namespace === undefined) invalid(this, 'claim.namespace', undefined, 'is unknown, so the volume cannot be reserved for the claim', 'set claim.namespace or give the chart a namespace');
      claimRef = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace, name: claim.name };
      this.claim = new Claim(this, 'Claim', {
        name: claim.name, namespace: claim.namespace, storageSize: size, accessModes: claimModes,
        storageClassName, selector, volumeName: props.name,
      });
    }

    this.volumeName = props.name;
    this.selector = selector;
    this.volume = clusterScoped(new k8s.KubePersistentVolume(this, 'Resource', {
      metadata: { name: props.name, labels: { ...selector, 'app.kubernetes.io/managed-by': MANAGED_BY } },
      spec: {
        capacity: { storage: k8s.Quantity.fromString(props.capacity) },
        accessModes,
        persistentVolumeReclaimPolicy: reclaimPolicy,
        storageClassName,
        ...(props.mountOptions ? { mountOptions: props.mountOptions } : {}),
        ...(claimRef ? { claimRef } : {}),
        ...source,
      },
    }));
  }

  private renderSource(s: VolumeSource): Partial<k8s.PersistentVolumeSpec> {
    const absolute = (field: string, path: string) => {
      if (typeof path !== 'string' || !path.startsWith('/')) invalid(this, field, path, 'is not an absolute path', 'start it with "/", e.g. "/data"');
    };
    switch (s.type) {
      case 'hostPath':
        absolute('source.path', s.path);
        return { hostPath: { path: s.path, type: s.hostPathType ?? 'DirectoryOrCreate' } };
      case 'csi':
        check(this, 'source.driver', s.driver, dns1123SubdomainProblem(s.driver, 63));
        if (typeof s.volumeHandle !== 'string' || s.volumeHandle.trim() === '') invalid(this, 'source.volumeHandle', s.volumeHandle, 'is empty', 'give the driver\'s volume id, e.g. "projects/p/zones/asia-northeast1-a/disks/data"');
        return { csi: { driver: s.driver, volumeHandle: s.volumeHandle, ...(s.fsType ? { fsType: s.fsType } : {}) } };
      case 'nfs':
        if (typeof s.server !== 'string' || s.server.trim() === '') invalid(this, 'source.server', s.server, 'is empty', 'give the NFS server\'s host name or IP address');
        absolute('source.path', s.path);
        return { nfs: { server: s.server, path: s.path } };
      case 'gcePersistentDisk':
        check(this, 'source.pdName', s.pdName, dns1035LabelProblem(s.pdName));
        return { gcePersistentDisk: { pdName: s.pdName, fsType: s.fsType ?? 'ext4' } };
      default:
        return invalid(this, 'source.type', (s as { type: unknown }).type, 'is not a volume source', 'use "hostPath", "csi", "nfs" or "gcePersistentDisk"');
    }
  }
}

function checkSize(scope: Construct, field: string, value: string): void {
  check(scope, field, value, storageSizeProblem(value));
}

function checkAccessModes(scope: Construct, field: string, modes: readonly AccessMode[]): void {
  for (const m of modes) {
    const p = accessModeProblem(m);
    // Claims and volumes have always listed the modes without "one of"; their tests pin that wording.
    check(scope, field, m, p && { ...p, fix: `use ${ACCESS_MODES.join(', ')}` });
  }
  check(scope, field, modes, accessModesProblem(modes));
}

function checkReclaimPolicy(scope: Construct, field: string, value: string): void {
  if (!RECLAIM_POLICIES.includes(value)) invalid(scope, field, value, 'is not a reclaim policy', 'use "Delete" or "Retain" (Recycle is deprecated)');
}
