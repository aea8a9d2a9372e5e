import { App, Chart } from 'cdk8s';
import { ValidationError } from '../constructs/lib/errors';
import { NodePool, NodePoolSelection, NodePoolSpec, NodeTaint, TaintEffect, Toleration, formatTaint, tolerates } from '../constructs/node-pool';
import { scope, synth } from './support/synth';

/** The ValidationError `build` throws. */
function thrown(build: () => unknown): ValidationError {
  try {
    build();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

const gpu: NodePoolSpec = {
  name: 'gpu',
  labels: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' },
  taints: [
    { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
    { key: 'dedicated', effect: 'NoExecute', tolerationSeconds: 300 },
  ],
};

describe('NodePool', () => {
  test('applies the documented defaults', () => {
    const pool = new NodePool({ name: 'general' });
    expect(pool).toMatchObject({
      name: 'general',
      labels: { [NodePool.POOL_LABEL]: 'general' },
      taints: [],
      machineType: 'e2-standard-2',
      minNodes: 1,
      maxNodes: 3,
      diskSizeGb: 50,
      spot: false,
      selectBy: 'poolLabel',
    });
    expect(pool.tolerations()).toEqual([]);
  });

  test('keeps what it is given and adds the pool label', () => {
    const pool = new NodePool({ ...gpu, machineType: 'g2-standard-4', minNodes: 0, maxNodes: 2, diskSizeGb: 100, spot: true });
    expect(pool.labels).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4', 'k8s-stack.io/pool': 'gpu' });
    expect(pool).toMatchObject({ machineType: 'g2-standard-4', minNodes: 0, maxNodes: 2, diskSizeGb: 100, spot: true });
    expect(pool.taints).toEqual(gpu.taints);
  });

  test('accepts the pool label when it repeats the pool name', () => {
    expect(new NodePool({ name: 'batch', labels: { 'k8s-stack.io/pool': 'batch' } }).labels).toEqual({ 'k8s-stack.io/pool': 'batch' });
  });

  test('copies its taints, so later changes to the spec do not leak in', () => {
    const taints: NodeTaint[] = [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }];
    const pool = new NodePool({ name: 'batch', taints });
    taints.push({ key: 'other', effect: 'NoSchedule' });
    expect(pool.taints).toHaveLength(1);
  });

  test.each<[string, Partial<NodePoolSpec>, string]>([
    ['an invalid name', { name: 'GPU_pool' }, 'nodePool "GPU_pool": name "GPU_pool" contains "_", which Kubernetes names do not allow; use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "gpu-pool"'],
    ['a name longer than GKE allows', { name: 'a'.repeat(41) }, `nodePool "${'a'.repeat(41)}": name "${'a'.repeat(41)}" is 41 characters long, more than the 40 allowed; shorten it to at most 40 characters`],
    ['an empty name', { name: '' }, 'nodePool "": name "" is empty; give a name such as "web"'],
    ['an invalid label key', { labels: { 'bad key': 'x' } }, 'nodePool "gpu": labels {"bad key":"x"} has key "bad key" that is not a valid label key; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
    ['an invalid label value', { labels: { tier: 'a b' } }, 'nodePool "gpu": labels {"tier":"a b"} has value "a b" for "tier" that is not a valid label value; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
    ['a pool label naming another pool', { labels: { 'k8s-stack.io/pool': 'cpu' } }, 'nodePool "gpu": labels["k8s-stack.io/pool"] "cpu" differs from the pool name; leave it out: it is set to the pool name'],
    ['an invalid taint key', { taints: [{ key: 'nvidia.com/', effect: 'NoSchedule' }] }, 'nodePool "gpu": taints[0].key "nvidia.com/" is not a valid label key; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
    ['an invalid taint value', { taints: [{ key: 'gpu', value: 'yes please', effect: 'NoSchedule' }] }, 'nodePool "gpu": taints[0].value "yes please" is not a valid label value; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit'],
    ['an unknown taint effect', { taints: [{ key: 'gpu', effect: 'NoScheduler' as TaintEffect }] }, 'nodePool "gpu": taints[0].effect "NoScheduler" is not a taint effect; use NoSchedule, PreferNoSchedule or NoExecute'],
    ['tolerationSeconds on a NoSchedule taint', { taints: [{ key: 'gpu', effect: 'NoSchedule', tolerationSeconds: 60 }] }, 'nodePool "gpu": taints[0].tolerationSeconds 60 only applies to NoExecute taints, not NoSchedule; remove it or use effect NoExecute'],
    ['negative tolerationSeconds', { taints: [{ key: 'gpu', effect: 'NoExecute', tolerationSeconds: -1 }] }, 'nodePool "gpu": taints[0].tolerationSeconds -1 is out of range; use a whole number from 0 up'],
    ['fractional tolerationSeconds', { taints: [{ key: 'gpu', effect: 'NoExecute', tolerationSeconds: 1.5 }] }, 'nodePool "gpu": taints[0].tolerationSeconds 1.5 is not a whole number; use a whole number from 0 up'],
    [
      'two taints with the same key and effect',
      { taints: [{ key: 'gpu', value: 'a', effect: 'NoSchedule' }, { key: 'gpu', value: 'b', effect: 'NoSchedule' }] },
      'nodePool "gpu": taints[1] "gpu=b:NoSchedule" repeats a key and effect already tainted; keep one taint per key and effect',
    ],
    ['negative minNodes', { minNodes: -1 }, 'nodePool "gpu": minNodes -1 is out of range; use a whole number from 0 to 1000'],
    ['zero maxNodes', { maxNodes: 0 }, 'nodePool "gpu": maxNodes 0 is out of range; use a whole number from 1 to 1000'],
    ['fractional maxNodes', { maxNodes: 2.5 }, 'nodePool "gpu": maxNodes 2.5 is not a whole number; use a whole number from 1 to 1000'],
    ['minNodes above maxNodes', { minNodes: 4, maxNodes: 2 }, 'nodePool "gpu": minNodes 4 is above maxNodes 2; lower minNodes or raise maxNodes'],
    ['minNodes above the default maxNodes', { minNodes: 5 }, 'nodePool "gpu": minNodes 5 is above maxNodes 3; lower minNodes or raise maxNodes'],
    ['a disk too small to boot', { diskSizeGb: 5 }, 'nodePool "gpu": diskSizeGb 5 is out of range; use a whole number from 10 to 65536'],
  ])('fails for %s', (_, change, message) => {
    const error = thrown(() => new NodePool({ name: 'gpu', ...change }));
    expect(error.message).toBe(message);
    expect(error.where).toBe(`nodePool ${JSON.stringify(change.name ?? 'gpu')}`);
  });

  test('accepts the same key with different effects', () => {
    expect(() => new NodePool({ name: 'gpu', taints: [{ key: 'gpu', effect: 'NoSchedule' }, { key: 'gpu', effect: 'NoExecute' }] })).not.toThrow();
  });
});

describe('NodePool selectBy', () => {
  test('"labels": its own labels only, for nodes this stack does not label', () => {
    const pool = new NodePool({ ...gpu, selectBy: 'labels' });
    expect(pool.selectBy).toBe('labels');
    expect(pool.labels).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    // Taints and tolerations are the same whichever way the nodes are found.
    expect(pool.tolerations()).toEqual(new NodePool(gpu).tolerations());
  });

  test('"poolLabel" (the default) adds the pool label', () => {
    expect(new NodePool({ ...gpu, selectBy: 'poolLabel' }).labels).toEqual(new NodePool(gpu).labels);
    expect(new NodePool(gpu).labels[NodePool.POOL_LABEL]).toBe('gpu');
  });

  test.each<[string, Partial<NodePoolSpec>, string]>([
    ['"labels" without labels', { selectBy: 'labels' }, 'labels {} is empty with selectBy "labels", so nothing would tell the pool\'s nodes apart; give the labels its nodes carry, e.g. { "cloud.google.com/gke-nodepool": "db" }, or leave selectBy out to select by the pool label'],
    ['"labels" with empty labels', { selectBy: 'labels', labels: {} }, 'labels {} is empty with selectBy "labels"'],
    ['an unknown way', { selectBy: 'label' as NodePoolSelection }, 'selectBy "label" is not a way to select a pool; use one of "poolLabel", "labels"'],
  ])('fails for %s', (_, change, message) => {
    expect(thrown(() => new NodePool({ name: 'gpu', ...change })).message).toContain(`nodePool "gpu": ${message}`);
  });
});

describe('NodePool (scope, id, spec)', () => {
  test('is a construct of the chart, writes no object, and equals the scope-less form', () => {
    let scoped: NodePool | undefined;
    expect(synth((chart) => { scoped = new NodePool(chart, 'gpu-pool', gpu); })).toEqual([]);
    expect(scoped!.node.path).toBe('test/gpu-pool');
    const plain = new NodePool(gpu);
    for (const key of ['name', 'labels', 'taints', 'machineType', 'minNodes', 'maxNodes', 'diskSizeGb', 'spot', 'selectBy'] as const) expect(scoped![key]).toEqual(plain[key]);
    expect(scoped!.tolerations()).toEqual(plain.tolerations());
  });

  test('the scope-less form joins no tree: each pool is a root of its own', () => {
    const pool = new NodePool(gpu);
    expect(pool.node.scope).toBeUndefined();
    expect(pool.node.children).toEqual([]);
    // Two pools of one name never collide, as they would as siblings.
    expect(() => new NodePool(gpu)).not.toThrow();
  });

  test('messages name the construct path', () => {
    const error = thrown(() => new NodePool(scope(), 'gpu-pool', { name: 'GPU_pool' }));
    expect(error.where).toBe('test/gpu-pool');
    expect(error.message).toBe('test/gpu-pool: name "GPU_pool" contains "_", which Kubernetes names do not allow; use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "gpu-pool"');
    expect(thrown(() => new NodePool(scope(), 'ext', { name: 'ext', selectBy: 'labels' })).message).toMatch(/^test\/ext: labels \{\} is empty with selectBy "labels"/);
  });

  test('two pools of one id in one scope are refused, as for any construct', () => {
    const chart = new Chart(new App(), 'test');
    new NodePool(chart, 'pool', { name: 'a' });
    expect(() => new NodePool(chart, 'pool', { name: 'b' })).toThrow(/There is already a Construct with name 'pool'/);
  });
});

describe('NodePool.tolerations', () => {
  test('tolerates each taint: Equal with a value, Exists without, tolerationSeconds for NoExecute', () => {
    expect(new NodePool(gpu).tolerations()).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  test('are exactly what the pool needs: none of its taints is left untolerated', () => {
    const pool = new NodePool(gpu);
    expect(pool.untolerated(pool.tolerations())).toEqual([]);
  });
});

describe('NodePool.untolerated', () => {
  const pool = new NodePool(gpu);
  const [gpuTaint, dedicatedTaint] = gpu.taints!;

  test.each<[string, Toleration[], NodeTaint[]]>([
    ['no tolerations', [], [gpuTaint, dedicatedTaint]],
    ['one of two', [{ key: 'dedicated', operator: 'Exists' }], [gpuTaint]],
    ['a wrong value', [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'absent', effect: 'NoSchedule' }, { key: 'dedicated', operator: 'Exists' }], [gpuTaint]],
    ['a wrong effect', [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' }, { key: 'dedicated', operator: 'Exists' }], [gpuTaint]],
    ['a wildcard (empty key, Exists)', [{ operator: 'Exists' }], []],
  ])('with %s', (_, tolerations, expected) => {
    expect(pool.untolerated(tolerations)).toEqual(expected);
  });
});

describe('tolerates', () => {
  const withValue: NodeTaint = { key: 'gpu', value: 'true', effect: 'NoSchedule' };
  const withoutValue: NodeTaint = { key: 'gpu', effect: 'NoExecute' };

  // The scheduler's rules (k8s.io/api/core/v1 Toleration.ToleratesTaint).
  test.each<[string, Toleration, NodeTaint, boolean]>([
    ['Equal with the same value', { key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }, withValue, true],
    ['operator omitted means Equal', { key: 'gpu', value: 'true' }, withValue, true],
    ['Equal with another value', { key: 'gpu', operator: 'Equal', value: 'false' }, withValue, false],
    ['Equal without a value, taint with one', { key: 'gpu', operator: 'Equal' }, withValue, false],
    ['Equal without a value, taint without one', { key: 'gpu', operator: 'Equal' }, withoutValue, true],
    ['Exists ignores the value', { key: 'gpu', operator: 'Exists' }, withValue, true],
    ['no effect matches every effect', { key: 'gpu', operator: 'Exists' }, withoutValue, true],
    ['another effect', { key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }, withoutValue, false],
    ['another key', { key: 'tpu', operator: 'Exists' }, withValue, false],
    ['empty key with Exists tolerates everything', { operator: 'Exists' }, withValue, true],
    ['empty key with Exists and an effect', { key: '', operator: 'Exists', effect: 'NoExecute' }, withValue, false],
    ['empty key with Equal tolerates nothing', { operator: 'Equal', value: 'true' }, withValue, false],
  ])('%s: %p vs %p is %p', (_, toleration, taint, expected) => {
    expect(tolerates(toleration, taint)).toBe(expected);
  });
});

describe('formatTaint', () => {
  test.each<[NodeTaint, string]>([
    [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }, 'nvidia.com/gpu=present:NoSchedule'],
    [{ key: 'dedicated', effect: 'NoExecute', tolerationSeconds: 30 }, 'dedicated:NoExecute'],
  ])('%p is %p', (taint, expected) => {
    expect(formatTaint(taint)).toBe(expected);
  });
});
