/**
 * The shape of the end-to-end suite's local cluster (test/e2e/cluster.ts), checked without starting
 * it: one fake node per node the environment would have, with its pool's labels and taints.
 */
import { NodePool } from '../constructs/node-pool';
import { loadEnvironment } from '../environments';
import { KWOK_ANNOTATION, ZONE_LABEL, environmentNodes, nodeObject } from './e2e/cluster';

describe('local cluster nodes', () => {
  test('dev: the three minikube nodes, pools assigned as the Pulumi program assigns them, over three zones', () => {
    const nodes = environmentNodes(loadEnvironment('dev'));
    expect(nodes.map((n) => [n.name, n.pool.name, n.zone])).toEqual([
      ['shop-dev', 'general', 'local-a'],
      ['shop-dev-m02', 'general', 'local-b'],
      ['shop-dev-m03', 'db', 'local-c'],
    ]);
  });

  test('GKE environments: each pool at its minNodes (at least one), machine sizes from the type', () => {
    const prod = loadEnvironment('prod');
    const nodes = environmentNodes(prod);
    for (const p of prod.nodePools) expect(nodes.filter((n) => n.pool.name === p.name).length).toBe(Math.max(p.minNodes ?? 1, 1));
    expect(new Set(nodes.map((n) => n.zone))).toEqual(new Set(['a', 'b', 'c'].map((z) => `${prod.cluster.gke!.region}-${z}`)));
    const general = nodes.find((n) => n.pool.name === 'general')!;
    expect([general.cpu, general.memory]).toEqual(['4', '16Gi']);
  });

  test('a node carries its pool\'s labels and taints, the zone, and the annotation kwok selects by; bare nodes carry no pool', () => {
    const db = environmentNodes(loadEnvironment('dev')).find((n) => n.pool.name === 'db')!;
    const full = nodeObject(db, 'local', false);
    expect(full.metadata.labels).toMatchObject({ [NodePool.POOL_LABEL]: 'db', 'k8s-stack.io/dedicated': 'db', [ZONE_LABEL]: 'local-c', 'kubernetes.io/hostname': 'shop-dev-m03' });
    expect(full.metadata.annotations?.[KWOK_ANNOTATION]).toBe('fake');
    expect(full.spec).toEqual({ taints: [{ key: 'k8s-stack.io/dedicated', value: 'db', effect: 'NoSchedule' }] });
    const bare = nodeObject(db, 'local', true);
    expect(bare.metadata.labels?.[NodePool.POOL_LABEL]).toBeUndefined();
    expect(bare.spec).toEqual({});
  });
});
