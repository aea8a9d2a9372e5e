import { ContainerSpec } from '../constructs/workload';
import { StatefulService, StatefulServiceProps } from '../constructs/stateful-service';
import { KubeObject, RESTRICTED, find, podSpec, scope, synth } from './support/synth';

const RESOURCES = { cpu: { request: '250m' }, memory: { request: '512Mi', limit: '512Mi' } };
const postgres: ContainerSpec = {
  name: 'postgres',
  image: 'postgres:16.4-alpine',
  ports: [{ name: 'pg', containerPort: 5432 }],
  resources: RESOURCES,
  runAsUser: 70,
  writablePaths: ['/var/run/postgresql'],
};
const exporter: ContainerSpec = {
  name: 'exporter',
  image: 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0',
  ports: [{ name: 'metrics', containerPort: 9187 }],
  resources: { cpu: { request: '50m' }, memory: { request: '64Mi', limit: '64Mi' } },
};
const DATA = { name: 'data', storageSize: '10Gi', mountPath: '/var/lib/postgresql/data' };


/** The rendered objects of one StatefulService "db" in namespace "test". */
function db(props: Partial<StatefulServiceProps> = {}): KubeObject[] {
  return synth((chart) => {
    new StatefulService(chart, 'db', { name: 'db', containers: [postgres], volumeClaims: [DATA], ...props });
  });
}

/** A StatefulService "db" in a fresh chart: the construct path in messages is "test/db". */
function build(props: Partial<StatefulServiceProps>): () => unknown {
  return () => new StatefulService(scope(), 'db', { name: 'db', containers: [postgres], volumeClaims: [DATA], ...props });
}

describe('StatefulSet', () => {
  const objects = db({ replicas: 3, fsGroup: 70 });
  const sts = find(objects, 'StatefulSet');

  test('is named after the workload, labelled, and selects only the stable labels', () => {
    expect(sts.metadata.name).toBe('db');
    expect(sts.metadata.namespace).toBe('test');
    expect(sts.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/managed-by': 'cdk8s' });
    expect(sts.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' } });
    expect(sts.spec.template.metadata.labels).toEqual(sts.metadata.labels);
  });

  test('replicas, pod management, update strategy, history and minReadySeconds have their documented defaults', () => {
    const one = find(db(), 'StatefulSet');
    expect(one.spec.replicas).toBe(1);
    expect(one.spec.podManagementPolicy).toBe('OrderedReady');
    expect(one.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(one.spec.revisionHistoryLimit).toBe(10);
    expect(one.spec.minReadySeconds).toBe(0);
    expect(sts.spec.replicas).toBe(3);
  });

  test('the claim retention policy defaults to Retain/Retain and takes Delete', () => {
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    const custom = find(db({ persistentVolumeClaimRetentionPolicy: { whenScaled: 'Delete' } }), 'StatefulSet');
    expect(custom.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Delete' });
  });

  test('Parallel pod management', () => {
    expect(find(db({ podManagementPolicy: 'Parallel' }), 'StatefulSet').spec.podManagementPolicy).toBe('Parallel');
  });

  test('a partitioned rolling update with maxUnavailable', () => {
    const s = find(db({ replicas: 5, updateStrategy: { type: 'RollingUpdate', partition: 3, maxUnavailable: 2 } }), 'StatefulSet');
    expect(s.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 3, maxUnavailable: 2 } });
    const pct = find(db({ replicas: 4, updateStrategy: { type: 'RollingUpdate', maxUnavailable: '50%' } }), 'StatefulSet');
    expect(pct.spec.updateStrategy.rollingUpdate).toEqual({ partition: 0, maxUnavailable: '50%' });
  });

  test('an OnDelete update strategy', () => {
    expect(find(db({ updateStrategy: { type: 'OnDelete' } }), 'StatefulSet').spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  test('revisionHistoryLimit and minReadySeconds', () => {
    const s = find(db({ revisionHistoryLimit: 3, minReadySeconds: 15 }), 'StatefulSet');
    expect(s.spec.revisionHistoryLimit).toBe(3);
    expect(s.spec.minReadySeconds).toBe(15);
  });

  test('a name of 52 characters is accepted', () => {
    const name = `d${'b'.repeat(51)}`;
    expect(find(db({ name }), 'StatefulSet').metadata.name).toBe(name);
  });
});

describe('volume claim templates', () => {
  test('render the size as a quantity, the default access mode and stable labels only', () => {
    const sts = find(db({ version: '16.4' }), 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
    }]);
  });

  test('storage class, access modes and several claims', () => {
    const sts = find(db({
      volumeClaims: [
        { ...DATA, storageClassName: 'premium-rwo', accessModes: ['ReadWriteOncePod'] },
        { name: 'wal', storageSize: '2Gi', mountPath: '/var/lib/postgresql/wal', storageClassName: 'standard-rwo' },
      ],
    }), 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates.map((t: { metadata: { name: string }; spec: unknown }) => [t.metadata.name, t.spec])).toEqual([
      ['data', { accessModes: ['ReadWriteOncePod'], storageClassName: 'premium-rwo', resources: { requests: { storage: '10Gi' } } }],
      ['wal', { accessModes: ['ReadWriteOnce'], storageClassName: 'standard-rwo', resources: { requests: { storage: '2Gi' } } }],
    ]);
  });

  test('are mounted read-write into the first container by default, and are no pod volumes', () => {
    const spec = podSpec(find(db({ containers: [postgres, exporter] }), 'StatefulSet'));
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data', readOnly: false });
    expect(spec.containers[1].volumeMounts).toBeUndefined();
    expect(spec.volumes.map((v: { name: string }) => v.name)).not.toContain('data');
  });

  test('are mounted into the named container or init container', () => {
    const init: ContainerSpec = { name: 'init-data', image: 'busybox:1.36.1', resources: RESOURCES };
    const spec = podSpec(find(db({
      initContainers: [init],
      containers: [postgres, exporter],
      volumeClaims: [{ ...DATA, container: 'init-data' }, { name: 'cache', storageSize: '1Gi', mountPath: '/cache', container: 'exporter' }],
    }), 'StatefulSet'));
    expect(spec.initContainers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data', readOnly: false }]);
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'cache', mountPath: '/cache', readOnly: false }]);
    expect(spec.containers[0].volumeMounts.map((m: { name: string }) => m.name)).toEqual(['postgres-var-run-postgresql']);
  });

  test('none is rendered without claims', () => {
    expect(find(db({ volumeClaims: [] }), 'StatefulSet').spec.volumeClaimTemplates).toBeUndefined();
  });
});

describe('services', () => {
  test('the headless Service is the governing serviceName, and cdk8s-plus creates no Service of its own', () => {
    const objects = db();
    const services = objects.filter((o) => o.kind === 'Service');
    expect(services.map((s) => s.metadata.name)).toEqual(['db']);
    expect(find(objects, 'StatefulSet').spec.serviceName).toBe('db');
    expect(services[0].spec).toMatchObject({
      type: 'ClusterIP',
      clusterIP: 'None',
      selector: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' },
      ports: [{ name: 'pg', port: 5432, targetPort: 'pg', protocol: 'TCP' }],
    });
    expect(services[0].spec.publishNotReadyAddresses).toBeUndefined();
  });

  test('the StatefulSet depends on its headless Service, so it is applied after it', () => {
    const kinds = db().map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds.indexOf('Service/db')).toBeLessThan(kinds.indexOf('StatefulSet/db'));
  });

  test('headless Service name, ports and publishNotReadyAddresses', () => {
    const objects = db({
      containers: [postgres, exporter],
      headlessService: { serviceName: 'db-peers', publishNotReadyAddresses: true, ports: [{ name: 'pg', port: 5432, targetPort: 'pg' }, { name: 'metrics', port: 9187, targetPort: 9187 }] },
    });
    const headless = find(objects, 'Service', 'db-peers');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    expect(headless.spec.ports.map((p: { name: string; port: number; targetPort: unknown }) => [p.name, p.port, p.targetPort])).toEqual([['pg', 5432, 'pg'], ['metrics', 9187, 9187]]);
    expect(find(objects, 'StatefulSet').spec.serviceName).toBe('db-peers');
  });

  test('no client Service by default; one on request, load-balanced over the same pods', () => {
    expect(db().filter((o) => o.kind === 'Service')).toHaveLength(1);
    const client = find(db({ clientService: {} }), 'Service', 'db-client');
    expect(client.spec).toMatchObject({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' },
      ports: [{ name: 'pg', port: 5432, targetPort: 'pg', protocol: 'TCP' }],
    });
    expect(client.spec.clusterIP).toBeUndefined();
  });

  test('a client Service of another kind and name', () => {
    const client = find(db({ clientService: { serviceName: 'postgres', kind: { type: 'NodePort' } } }), 'Service', 'postgres');
    expect(client.spec.type).toBe('NodePort');
    expect(client.spec.externalTrafficPolicy).toBe('Local');
  });
});

describe('availability', () => {
  test('a single replica gets neither a PDB nor anti-affinity', () => {
    const objects = db();
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(0);
    expect(podSpec(find(objects, 'StatefulSet')).affinity).toBeUndefined();
  });

  test('several replicas get a PDB of maxUnavailable 1 and soft anti-affinity over hostnames', () => {
    const objects = db({ replicas: 3 });
    expect(find(objects, 'PodDisruptionBudget').spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' } },
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    expect(podSpec(find(objects, 'StatefulSet')).affinity).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' } }, topologyKey: 'kubernetes.io/hostname' },
        }],
      },
    });
  });

  test('hard anti-affinity, a custom budget, or none', () => {
    const objects = db({ replicas: 3, podAntiAffinity: 'hard', disruptionBudget: { minAvailable: 2 } });
    expect(podSpec(find(objects, 'StatefulSet')).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(find(objects, 'PodDisruptionBudget').spec.minAvailable).toBe(2);
    expect(db({ replicas: 3, disruptionBudget: false }).filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(0);
  });
});

describe('pods', () => {
  const spec = podSpec(find(db({
    fsGroup: 70,
    initContainers: [{ name: 'init-perms', image: 'busybox:1.36.1', resources: RESOURCES }],
    containers: [postgres, exporter],
  }), 'StatefulSet'));

  test('every container, init containers included, gets the restricted security context', () => {
    const containers = [...spec.initContainers, ...spec.containers];
    expect(containers.map((c: { name: string }) => c.name)).toEqual(['init-perms', 'postgres', 'exporter']);
    for (const c of containers) expect(c.securityContext).toMatchObject(RESTRICTED);
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, fsGroup: 70, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('run under their own ServiceAccount without a token', () => {
    expect(spec.serviceAccountName).toBe('db');
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  test('an existing ServiceAccount creates none', () => {
    const objects = db({ serviceAccount: { existingName: 'shared' } });
    expect(objects.filter((o) => o.kind === 'ServiceAccount')).toHaveLength(0);
    expect(podSpec(find(objects, 'StatefulSet')).serviceAccountName).toBe('shared');
  });

  test('a ServiceAccount with rules gets a Role', () => {
    const objects = db({ serviceAccount: { rules: [{ apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list'] }] } });
    expect(find(objects, 'Role').rules).toEqual([{ apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list'] }]);
  });
});

test('snapshot', () => {
  expect(db({
    replicas: 3,
    partOf: 'shop',
    version: '16.4',
    fsGroup: 70,
    containers: [postgres, exporter],
    volumeClaims: [{ ...DATA, storageClassName: 'premium-rwo' }],
    updateStrategy: { type: 'RollingUpdate', partition: 1 },
    headlessService: { publishNotReadyAddresses: true },
    clientService: {},
  })).toMatchSnapshot();
});

describe('fails when', () => {
  test('the name is longer than 52 characters', () => {
    expect(build({ name: 'd'.repeat(53) })).toThrow(/^test\/db: name "d{53}" is 53 characters long, but pods carry the label controller-revision-hash "<name>-<10-character hash>" and label values may not exceed 63; shorten it to at most 52 characters$/);
  });

  test('the name is not an RFC 1123 label', () => {
    expect(build({ name: 'main_db' })).toThrow(/^test\/db: name "main_db" contains "_", which Kubernetes names do not allow; use lower-case letters.*e\.g\. "main-db"$/);
  });

  test('replicas is negative or fractional', () => {
    expect(build({ replicas: -1 })).toThrow(/^test\/db: replicas -1 is out of range; use a whole number from 0 up$/);
    expect(build({ replicas: 1.5 })).toThrow(/^test\/db: replicas 1\.5 is not a whole number; use a whole number from 0 up$/);
  });

  test('podManagementPolicy is unknown', () => {
    expect(build({ podManagementPolicy: 'Ordered' as never })).toThrow(/^test\/db: podManagementPolicy "Ordered" is not a pod management policy; use "OrderedReady" or "Parallel"$/);
  });

  test('the partition is outside 0..replicas', () => {
    expect(build({ replicas: 3, updateStrategy: { type: 'RollingUpdate', partition: 4 } })).toThrow(/^test\/db: updateStrategy\.partition 4 is out of range; use a whole number from 0 to 3$/);
    expect(build({ replicas: 3, updateStrategy: { type: 'RollingUpdate', partition: -1 } })).toThrow(/^test\/db: updateStrategy\.partition -1 is out of range; use a whole number from 0 to 3$/);
  });

  test('maxUnavailable is 0 or not a percentage from 1% to 100%', () => {
    expect(build({ updateStrategy: { type: 'RollingUpdate', maxUnavailable: 0 } })).toThrow(/^test\/db: updateStrategy\.maxUnavailable 0 is out of range; use a whole number from 1 up$/);
    expect(build({ updateStrategy: { type: 'RollingUpdate', maxUnavailable: '0%' } })).toThrow(/^test\/db: updateStrategy\.maxUnavailable "0%" is not a whole number from 1 or a percentage from 1% to 100%; use e\.g\. 1 or "25%"$/);
    expect(build({ updateStrategy: { type: 'RollingUpdate', maxUnavailable: '150%' } })).toThrow(/^test\/db: updateStrategy\.maxUnavailable "150%" is not a whole number/);
  });

  test('the update strategy type is unknown', () => {
    expect(build({ updateStrategy: { type: 'Recreate' } as never })).toThrow(/^test\/db: updateStrategy\.type "Recreate" is not a StatefulSet update strategy; use "RollingUpdate" or "OnDelete"$/);
  });

  test('a claim retention policy is unknown', () => {
    expect(build({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Keep' as never } })).toThrow(/^test\/db: persistentVolumeClaimRetentionPolicy\.whenDeleted "Keep" is not a retention policy; use "Retain" or "Delete"$/);
  });

  test('minReadySeconds or revisionHistoryLimit is out of range', () => {
    expect(build({ minReadySeconds: -5 })).toThrow(/^test\/db: minReadySeconds -5 is out of range; use a whole number from 0 up$/);
    expect(build({ revisionHistoryLimit: 101 })).toThrow(/^test\/db: revisionHistoryLimit 101 is out of range; use a whole number from 0 to 100$/);
  });

  test('a claim name is not an RFC 1123 label', () => {
    expect(build({ volumeClaims: [{ ...DATA, name: 'Data' }] })).toThrow(/^test\/db: volumeClaims\[Data\]\.name "Data" contains upper-case letters; use lower-case letters.*e\.g\. "data"$/);
  });

  test('two claims share a name', () => {
    expect(build({ volumeClaims: [DATA, { ...DATA, mountPath: '/other' }] })).toThrow(/^test\/db: volumeClaims\[data\]\.name "data" is used by another claim; give each claim a unique name$/);
  });

  test('a claim is named like a pod volume', () => {
    expect(build({ volumes: [{ name: 'data', type: 'emptyDir' }] })).toThrow(/^test\/db: volumeClaims\[data\]\.name "data" is also the name of a pod volume; rename the claim or the volume$/);
  });

  test('the storage size is not a Kubernetes quantity, suggesting the binary unit', () => {
    expect(build({ volumeClaims: [{ ...DATA, storageSize: '10GB' }] })).toThrow(/^test\/db: volumeClaims\[data\]\.storageSize "10GB" is not a Kubernetes quantity; use e\.g\. "10Gi" \(binary\) or "10G" \(decimal\)$/);
  });

  test('the storage size is negative', () => {
    expect(build({ volumeClaims: [{ ...DATA, storageSize: '-1Gi' }] })).toThrow(/^test\/db: volumeClaims\[data\]\.storageSize "-1Gi" is negative; use a positive amount such as "10Gi"$/);
  });

  test('the storage size is zero', () => {
    expect(build({ volumeClaims: [{ ...DATA, storageSize: '0Gi' }] })).toThrow(/^test\/db: volumeClaims\[data\]\.storageSize "0Gi" is zero; request the space the data needs, e\.g\. "10Gi"$/);
  });

  test('the storage class name is not a DNS subdomain', () => {
    expect(build({ volumeClaims: [{ ...DATA, storageClassName: 'Premium_SSD' }] })).toThrow(/^test\/db: volumeClaims\[data\]\.storageClassName "Premium_SSD" contains "_", which Kubernetes names do not allow; use dot-separated lower-case labels/);
  });

  test('access modes are empty, unknown or repeated', () => {
    expect(build({ volumeClaims: [{ ...DATA, accessModes: [] }] })).toThrow(/^test\/db: volumeClaims\[data\]\.accessModes \[\] is empty; give at least one, e\.g\. \["ReadWriteOnce"\]$/);
    expect(build({ volumeClaims: [{ ...DATA, accessModes: ['RWO' as never] }] })).toThrow(/^test\/db: volumeClaims\[data\]\.accessModes "RWO" is not an access mode; use one of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod$/);
    expect(build({ volumeClaims: [{ ...DATA, accessModes: ['ReadWriteOnce', 'ReadWriteOnce'] }] })).toThrow(/^test\/db: volumeClaims\[data\]\.accessModes \["ReadWriteOnce","ReadWriteOnce"\] lists a mode twice; list each mode once$/);
  });

  test('ReadWriteOncePod is combined with another access mode', () => {
    expect(build({ volumeClaims: [{ ...DATA, accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'] }] })).toThrow(/^test\/db: volumeClaims\[data\]\.accessModes \["ReadWriteOncePod","ReadWriteOnce"\] combines ReadWriteOncePod with other modes, which the API server refuses; use ReadWriteOncePod alone$/);
  });

  test('the mount path is not absolute', () => {
    expect(build({ volumeClaims: [{ ...DATA, mountPath: 'data' }] })).toThrow(/^test\/db: volumeClaims\[data\]\.mountPath "data" is not an absolute path; start it with "\/", e\.g\. "\/var\/lib\/data"$/);
  });

  test('the claim names no container', () => {
    expect(build({ volumeClaims: [{ ...DATA, container: 'pg' }] })).toThrow(/^test\/db: volumeClaims\[data\]\.container "pg" names no container of this pod; use one of: postgres$/);
  });

  test('the mount path is already used in the container', () => {
    expect(build({ volumeClaims: [{ ...DATA, mountPath: '/var/run/postgresql' }] })).toThrow(/^test\/db: volumeClaims\[data\]\.mountPath "\/var\/run\/postgresql" is already a mount path of container "postgres"; mount each volume at its own path$/);
  });

  test('the headless Service would have no port', () => {
    expect(build({ containers: [{ ...postgres, ports: [] }] })).toThrow(/^test\/db: headlessService\.ports \[\] is empty because the first container declares no ports; declare a container port, or give headlessService\.ports$/);
  });

  test('a Service port targets no container port', () => {
    expect(build({ headlessService: { ports: [{ name: 'pg', port: 5432, targetPort: 'postgres' }] } })).toThrow(/^test\/db: headlessService\.ports\[0\]\.targetPort "postgres" is not a port any container declares; point it at a declared container port name$/);
    expect(build({ clientService: { ports: [{ name: 'pg', port: 5432, targetPort: 5433 }] } })).toThrow(/^test\/db: clientService\.ports\[0\]\.targetPort 5433 is not a port any container declares/);
  });

  test('the client Service is not load-balanced', () => {
    expect(build({ clientService: { kind: { type: 'Headless' } } })).toThrow(/^test\/db: clientService\.kind\.type "Headless" is not a Service type that load-balances over the pods; use "ClusterIP", "NodePort" or "LoadBalancer"/);
  });
});
