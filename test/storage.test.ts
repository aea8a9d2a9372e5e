import { Claim, ClaimProps, StaticVolume, StaticVolumeProps, StorageClass, StorageClassProps, VolumeSource } from '../constructs/storage';
import { find, scope, synth } from './support/synth';

const gkeSsd: StorageClassProps = { name: 'ssd', provisioner: 'pd.csi.storage.gke.io', parameters: { type: 'pd-ssd' } };
const pv: StaticVolumeProps = { name: 'media', capacity: '10Gi', source: { type: 'hostPath', path: '/data/media' } };
const pvc: ClaimProps = { name: 'cache', storageSize: '5Gi' };

describe('StorageClass', () => {
  test('cluster-scoped, with Delete, volume expansion and WaitForFirstConsumer by default', () => {
    const sc = find(synth((c) => new StorageClass(c, 'sc', gkeSsd)), 'StorageClass');
    expect(sc.apiVersion).toBe('storage.k8s.io/v1');
    expect(sc.metadata).not.toHaveProperty('namespace');
    expect(sc.metadata.name).toBe('ssd');
    expect(sc.metadata.annotations).toBeUndefined();
    expect(sc).toMatchObject({
      provisioner: 'pd.csi.storage.gke.io', parameters: { type: 'pd-ssd' },
      reclaimPolicy: 'Delete', allowVolumeExpansion: true, volumeBindingMode: 'WaitForFirstConsumer',
    });
    expect(sc).not.toHaveProperty('mountOptions');
  });

  test('takes every prop', () => {
    const sc = find(synth((c) => new StorageClass(c, 'sc', {
      name: 'local', provisioner: 'k8s.io/minikube-hostpath', reclaimPolicy: 'Retain', allowVolumeExpansion: false,
      volumeBindingMode: 'Immediate', mountOptions: ['noatime'], isDefault: true,
    })), 'StorageClass');
    expect(sc.metadata.annotations).toEqual({ 'storageclass.kubernetes.io/is-default-class': 'true' });
    expect(sc).toMatchObject({ provisioner: 'k8s.io/minikube-hostpath', reclaimPolicy: 'Retain', allowVolumeExpansion: false, volumeBindingMode: 'Immediate', mountOptions: ['noatime'] });
    expect(sc).not.toHaveProperty('parameters');
  });

  test('snapshot', () => {
    expect(synth((c) => new StorageClass(c, 'sc', { ...gkeSsd, reclaimPolicy: 'Retain' }))).toMatchSnapshot();
  });

  describe('fails when', () => {
    const cases: Array<[string, Partial<StorageClassProps>, string]> = [
      ['the name is invalid', { name: 'SSD' }, 'test/sc: name "SSD" contains upper-case letters'],
      ['the provisioner is not a qualified name', { provisioner: 'pd csi' }, 'test/sc: provisioner "pd csi" is not a valid label key'],
      ['the reclaim policy is unknown', { reclaimPolicy: 'Recycle' as 'Delete' }, 'test/sc: reclaimPolicy "Recycle" is not a reclaim policy; use "Delete" or "Retain" (Recycle is deprecated)'],
      ['the binding mode is unknown', { volumeBindingMode: 'Lazy' as 'Immediate' }, 'test/sc: volumeBindingMode "Lazy" is not a binding mode; use "WaitForFirstConsumer" or "Immediate"'],
      ['a parameter value is not a string', { parameters: { replicas: 2 as unknown as string } }, 'test/sc: parameters {"replicas":2} is not a string-valued parameter'],
      ['a mount option is empty', { mountOptions: ['noatime', ''] }, 'test/sc: mountOptions[1] "" is empty; remove it or give an option such as "noatime"'],
    ];
    test.each(cases)('%s', (_, props, message) => {
      expect(() => new StorageClass(scope(), 'sc', { ...gkeSsd, ...props })).toThrow(message);
    });
  });
});

describe('Claim', () => {
  test('a claim of the default class, ReadWriteOnce by default, with the size as a quantity string', () => {
    const claim = find(synth((c) => new Claim(c, 'pvc', pvc)), 'PersistentVolumeClaim');
    expect(claim.metadata).toMatchObject({ name: 'cache', namespace: 'test' });
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } });
  });

  test('takes namespace, class, access modes, selector, volume name and labels', () => {
    const claim = find(synth((c) => new Claim(c, 'pvc', {
      ...pvc, namespace: 'shop', storageClassName: 'ssd', accessModes: ['ReadWriteOncePod'], selector: { type: 'nfs' }, volumeName: 'nfs-1', labels: { team: 'shop' },
    })), 'PersistentVolumeClaim');
    expect(claim.metadata).toMatchObject({ namespace: 'shop', labels: { team: 'shop', 'app.kubernetes.io/managed-by': 'cdk8s' } });
    expect(claim.spec).toEqual({
      accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'ssd',
      selector: { matchLabels: { type: 'nfs' } }, volumeName: 'nfs-1',
    });
  });

  test('an empty class is kept: it opts out of dynamic provisioning', () => {
    expect(find(synth((c) => new Claim(c, 'pvc', { ...pvc, storageClassName: '' })), 'PersistentVolumeClaim').spec.storageClassName).toBe('');
  });

  test('snapshot', () => {
    expect(synth((c) => new Claim(c, 'pvc', { ...pvc, storageClassName: 'ssd', accessModes: ['ReadWriteMany'] }))).toMatchSnapshot();
  });

  describe('fails when', () => {
    const cases: Array<[string, Partial<ClaimProps>, string]> = [
      ['the name is invalid', { name: 'Cache' }, 'test/pvc: name "Cache" contains upper-case letters'],
      ['the size uses GB', { storageSize: '10GB' }, 'test/pvc: storageSize "10GB" is not a Kubernetes quantity; use e.g. "10Gi" (binary) or "10G" (decimal)'],
      ['the size is negative', { storageSize: '-1Gi' }, 'test/pvc: storageSize "-1Gi" is negative; use a positive amount such as "10Gi"'],
      ['the size is zero', { storageSize: '0' }, 'test/pvc: storageSize "0" is zero; give a size such as "10Gi"'],
      ['the class name is invalid', { storageClassName: 'SSD' }, 'test/pvc: storageClassName "SSD" contains upper-case letters'],
      ['no access mode is given', { accessModes: [] }, 'test/pvc: accessModes [] is empty; give at least one, e.g. ["ReadWriteOnce"]'],
      ['an access mode is unknown', { accessModes: ['RWO' as 'ReadWriteOnce'] }, 'test/pvc: accessModes "RWO" is not an access mode; use ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod'],
      ['an access mode is listed twice', { accessModes: ['ReadWriteOnce', 'ReadWriteOnce'] }, 'test/pvc: accessModes ["ReadWriteOnce","ReadWriteOnce"] lists a mode twice; list each mode once'],
      ['ReadWriteOncePod is combined with another mode', { accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'] }, 'test/pvc: accessModes ["ReadWriteOncePod","ReadOnlyMany"] combines ReadWriteOncePod with other modes, which the API server refuses; use ReadWriteOncePod alone'],
      ['the selector is invalid', { selector: { type: 'a b' } }, 'test/pvc: selector {"type":"a b"} has value "a b" for "type" that is not a valid label value'],
      ['a label is invalid', { labels: { 'bad key': 'x' } }, 'test/pvc: labels {"bad key":"x"} has key "bad key" that is not a valid label key'],
      ['the volume name is invalid', { volumeName: 'NFS_1' }, 'test/pvc: volumeName "NFS_1" contains "_"'],
    ];
    test.each(cases)('%s', (_, props, message) => {
      expect(() => new Claim(scope(), 'pvc', { ...pvc, ...props })).toThrow(message);
    });
  });
});

describe('StaticVolume', () => {
  test('a cluster-scoped PersistentVolume: Retain, no class, ReadWriteOnce and a name label by default', () => {
    const objects = synth((c) => new StaticVolume(c, 'pv', pv));
    expect(objects.map((o) => o.kind)).toEqual(['PersistentVolume']);
    const vol = objects[0];
    expect(vol.metadata).not.toHaveProperty('namespace');
    expect(vol.metadata).toEqual({ name: 'media', labels: { 'app.kubernetes.io/name': 'media', 'app.kubernetes.io/managed-by': 'cdk8s' } });
    expect(vol.spec).toEqual({
      capacity: { storage: '10Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      hostPath: { path: '/data/media', type: 'DirectoryOrCreate' },
    });
  });

  test('takes access modes, reclaim policy, class, labels and mount options', () => {
    const vol = find(synth((c) => new StaticVolume(c, 'pv', {
      ...pv, accessModes: ['ReadWriteMany', 'ReadOnlyMany'], reclaimPolicy: 'Delete', storageClassName: 'nfs', labels: { type: 'nfs' }, mountOptions: ['nfsvers=4.1'],
      source: { type: 'nfs', server: 'nfs.example.internal', path: '/exports/media' },
    })), 'PersistentVolume');
    expect(vol.metadata.labels).toEqual({ type: 'nfs', 'app.kubernetes.io/managed-by': 'cdk8s' });
    expect(vol.spec).toEqual({
      capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadOnlyMany'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'nfs',
      mountOptions: ['nfsvers=4.1'], nfs: { server: 'nfs.example.internal', path: '/exports/media' },
    });
  });

  test.each<[VolumeSource, Record<string, unknown>]>([
    [{ type: 'hostPath', path: '/mnt/data', hostPathType: 'Directory' }, { hostPath: { path: '/mnt/data', type: 'Directory' } }],
    [{ type: 'csi', driver: 'pd.csi.storage.gke.io', volumeHandle: 'projects/p/zones/z/disks/d' }, { csi: { driver: 'pd.csi.storage.gke.io', volumeHandle: 'projects/p/zones/z/disks/d' } }],
    [{ type: 'csi', driver: 'pd.csi.storage.gke.io', volumeHandle: 'h', fsType: 'xfs' }, { csi: { driver: 'pd.csi.storage.gke.io', volumeHandle: 'h', fsType: 'xfs' } }],
    [{ type: 'nfs', server: '10.0.0.2', path: '/' }, { nfs: { server: '10.0.0.2', path: '/' } }],
    [{ type: 'gcePersistentDisk', pdName: 'media-disk' }, { gcePersistentDisk: { pdName: 'media-disk', fsType: 'ext4' } }],
  ])('renders the %j source', (source, rendered) => {
    const vol = find(synth((c) => new StaticVolume(c, 'pv', { ...pv, source })), 'PersistentVolume');
    expect(vol.spec).toMatchObject(rendered);
  });

  test('its claim selects it by its labels, asks for all of it by default, and the two are reserved for each other', () => {
    let sv!: StaticVolume;
    const objects = synth((c) => { sv = new StaticVolume(c, 'pv', { ...pv, labels: { type: 'hostpath', 'app.kubernetes.io/name': 'media' }, claim: { name: 'media' } }); });
    const claim = find(objects, 'PersistentVolumeClaim');
    expect(claim.metadata).toMatchObject({ name: 'media', namespace: 'test' });
    expect(claim.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
      storageClassName: '',
      selector: { matchLabels: { type: 'hostpath', 'app.kubernetes.io/name': 'media' } },
      volumeName: 'media',
    });
    const vol = find(objects, 'PersistentVolume');
    expect(vol.metadata).not.toHaveProperty('namespace');
    expect(vol.spec.claimRef).toEqual({ kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'test', name: 'media' });
    expect(sv.selector).toEqual({ type: 'hostpath', 'app.kubernetes.io/name': 'media' });
    expect(sv.claim?.claimName).toBe('media');
  });

  test('a claim may ask for less, in its own namespace, with fewer modes and the volume\'s class', () => {
    const objects = synth((c) => new StaticVolume(c, 'pv', {
      ...pv, storageClassName: 'manual', accessModes: ['ReadWriteOnce', 'ReadOnlyMany'],
      claim: { name: 'media', namespace: 'shop', storageSize: '8Gi', accessModes: ['ReadOnlyMany'] },
    }));
    const claim = find(objects, 'PersistentVolumeClaim');
    expect(claim.metadata.namespace).toBe('shop');
    expect(claim.spec).toMatchObject({ accessModes: ['ReadOnlyMany'], resources: { requests: { storage: '8Gi' } }, storageClassName: 'manual' });
    expect(find(objects, 'PersistentVolume').spec.claimRef).toMatchObject({ namespace: 'shop', name: 'media' });
  });

  test('snapshot', () => {
    expect(synth((c) => new StaticVolume(c, 'pv', { ...pv, labels: { type: 'hostpath' }, claim: { name: 'media' } }))).toMatchSnapshot();
  });

  describe('fails when', () => {
    const cases: Array<[string, Partial<StaticVolumeProps>, string]> = [
      ['the name is invalid', { name: 'Media' }, 'test/pv: name "Media" contains upper-case letters'],
      ['the capacity uses GB', { capacity: '10GB' }, 'test/pv: capacity "10GB" is not a Kubernetes quantity; use e.g. "10Gi" (binary) or "10G" (decimal)'],
      ['the capacity is negative', { capacity: '-1Gi' }, 'test/pv: capacity "-1Gi" is negative; use a positive amount such as "10Gi"'],
      ['the capacity is zero', { capacity: '0Gi' }, 'test/pv: capacity "0Gi" is zero'],
      ['an access mode is unknown', { accessModes: ['RWX' as 'ReadWriteMany'] }, 'test/pv: accessModes "RWX" is not an access mode'],
      ['the reclaim policy is unknown', { reclaimPolicy: 'Recycle' as 'Retain' }, 'test/pv: reclaimPolicy "Recycle" is not a reclaim policy'],
      ['the class name is invalid', { storageClassName: 'Manual' }, 'test/pv: storageClassName "Manual" contains upper-case letters'],
      ['the labels are empty', { labels: {} }, 'test/pv: labels {} is empty, so a claim selecting it would select every volume'],
      ['a label is invalid', { labels: { type: 'host path' } }, 'test/pv: labels {"type":"host path"} has value "host path" for "type" that is not a valid label value'],
      ['a host path is relative', { source: { type: 'hostPath', path: 'data' } }, 'test/pv: source.path "data" is not an absolute path; start it with "/", e.g. "/data"'],
      ['a CSI driver is invalid', { source: { type: 'csi', driver: 'PD_CSI', volumeHandle: 'h' } }, 'test/pv: source.driver "PD_CSI" contains "_"'],
      ['a CSI volume handle is empty', { source: { type: 'csi', driver: 'pd.csi.storage.gke.io', volumeHandle: '' } }, 'test/pv: source.volumeHandle "" is empty; give the driver\'s volume id'],
      ['an NFS server is empty', { source: { type: 'nfs', server: '', path: '/exports' } }, 'test/pv: source.server "" is empty; give the NFS server\'s host name or IP address'],
      ['an NFS path is relative', { source: { type: 'nfs', server: 'nfs', path: 'exports' } }, 'test/pv: source.path "exports" is not an absolute path'],
      ['a GCE disk name is invalid', { source: { type: 'gcePersistentDisk', pdName: '1disk' } }, 'test/pv: source.pdName "1disk" must start with a letter'],
      ['the source type is unknown', { source: { type: 'iscsi' } as unknown as VolumeSource }, 'test/pv: source.type "iscsi" is not a volume source; use "hostPath", "csi", "nfs" or "gcePersistentDisk"'],
      ['the claim asks for more than the capacity', { claim: { name: 'media', storageSize: '20Gi' } }, 'test/pv: claim.storageSize "20Gi" is more than the volume\'s capacity "10Gi", so the claim would never bind; ask for at most the capacity, or leave storageSize out to ask for all of it'],
      ['the claim size is not a quantity', { claim: { name: 'media', storageSize: '5 GiB' } }, 'test/pv: claim.storageSize "5 GiB" is not a Kubernetes quantity'],
      ['the claim asks for a mode the volume lacks', { claim: { name: 'media', accessModes: ['ReadWriteMany'] } }, 'test/pv: claim.accessModes "ReadWriteMany" is not offered by the volume (ReadWriteOnce), so the claim would never bind; ask only for modes the volume has'],
      ['the claim access modes are empty', { claim: { name: 'media', accessModes: [] } }, 'test/pv: claim.accessModes [] is empty'],
      ['the claim name is invalid', { claim: { name: 'Media' } }, 'test/pv/Claim: name "Media" contains upper-case letters'],
    ];
    test.each(cases)('%s', (_, props, message) => {
      expect(() => new StaticVolume(scope(), 'pv', { ...pv, ...props })).toThrow(message);
    });

    test('the claim has no namespace to be reserved in', () => {
      expect(() => synth((c) => new StaticVolume(c, 'pv', { ...pv, claim: { name: 'media' } }), ''))
        .toThrow('test/pv: claim.namespace undefined is unknown, so the volume cannot be reserved for the claim; set claim.namespace or give the chart a namespace');
    });
  });
});
