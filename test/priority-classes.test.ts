import { MAX_USER_PRIORITY, PriorityClasses, PriorityClassesProps, PriorityTier } from '../constructs/priority-classes';
import { find, scope, synth } from './support/synth';

const tiers: PriorityTier[] = [
  { name: 'critical', value: 1_000_000, description: 'Serving path: web and api.' },
  { name: 'standard', value: 1000, description: 'Everything else.', globalDefault: true },
  { name: 'batch', value: -10, preemptionPolicy: 'Never', description: 'Jobs that wait for room rather than evict.' },
];

function build(props: Partial<PriorityClassesProps>): () => PriorityClasses {
  return () => new PriorityClasses(scope(), 'pc', { tiers, ...props });
}

describe('PriorityClasses', () => {
  test('one cluster-scoped PriorityClass per tier, without a namespace even in a namespaced chart', () => {
    const objects = synth((c) => new PriorityClasses(c, 'pc', { tiers }));
    expect(objects.map((o) => o.metadata.name)).toEqual(['critical', 'standard', 'batch']);
    for (const o of objects) {
      expect(o.apiVersion).toBe('scheduling.k8s.io/v1');
      expect(o.kind).toBe('PriorityClass');
      expect(o.metadata).not.toHaveProperty('namespace');
    }
    expect(find(objects, 'PriorityClass', 'critical')).toMatchObject({
      value: 1_000_000, preemptionPolicy: 'PreemptLowerPriority', description: 'Serving path: web and api.', globalDefault: false,
    });
    expect(find(objects, 'PriorityClass', 'standard')).toMatchObject({ value: 1000, globalDefault: true });
    expect(find(objects, 'PriorityClass', 'batch')).toMatchObject({ value: -10, preemptionPolicy: 'Never', globalDefault: false });
  });

  test('a prefix is prepended to every class name, and nameOf returns the prefixed name', () => {
    let pc!: PriorityClasses;
    const objects = synth((c) => { pc = new PriorityClasses(c, 'pc', { tiers, prefix: 'staging' }); });
    expect(objects.map((o) => o.metadata.name)).toEqual(['staging-critical', 'staging-standard', 'staging-batch']);
    expect(pc.nameOf('critical')).toBe('staging-critical');
    expect(pc.tiers).toEqual(['critical', 'standard', 'batch']);
    expect(Object.keys(pc.classes)).toEqual(['critical', 'standard', 'batch']);
  });

  test('nameOf returns the class name without a prefix', () => {
    expect(build({})().nameOf('batch')).toBe('batch');
  });

  test('the largest user value is accepted', () => {
    const objects = synth((c) => new PriorityClasses(c, 'pc', { tiers: [{ name: 'top', value: MAX_USER_PRIORITY, description: 'x' }] }));
    expect(objects[0].value).toBe(1_000_000_000);
  });

  test('snapshot', () => {
    expect(synth((c) => new PriorityClasses(c, 'pc', { tiers, prefix: 'prod' }))).toMatchSnapshot();
  });

  describe('fails when', () => {
    const cases: Array<[string, Partial<PriorityClassesProps>, string]> = [
      ['the prefix is invalid', { prefix: 'Prod' }, 'test/pc: prefix "Prod" contains upper-case letters'],
      ['there are no tiers', { tiers: [] }, 'test/pc: tiers [] is empty; define at least one tier'],
      ['a name is not a DNS subdomain', { tiers: [{ name: 'High_Priority', value: 1, description: 'x' }] }, 'test/pc: tiers[0].name "High_Priority" contains "_"'],
      ['a name starts with "system-"', { tiers: [{ name: 'system-high', value: 1, description: 'x' }] }, 'test/pc: tiers[0].name "system-high" starts with "system-", which is reserved for Kubernetes; choose another name or prefix'],
      ['the prefix makes a name start with "system-"', { prefix: 'system', tiers: [{ name: 'high', value: 1, description: 'x' }] }, 'test/pc: tiers[0].name "system-high" starts with "system-"'],
      ['two tiers share a name', { tiers: [{ name: 'high', value: 2, description: 'x' }, { name: 'high', value: 1, description: 'y' }] }, 'test/pc: tiers[1].name "high" is used by two tiers; give each tier its own name'],
      ['a value is above the user range', { tiers: [{ name: 'high', value: 1_000_000_001, description: 'x' }] }, 'test/pc: tiers[0].value 1000000001 is out of range; use a whole number from -2147483648 to 1000000000'],
      ['a value is not an integer', { tiers: [{ name: 'high', value: 1.5, description: 'x' }] }, 'test/pc: tiers[0].value 1.5 is not a whole number'],
      ['two tiers share a value', { tiers: [{ name: 'high', value: 100, description: 'x' }, { name: 'low', value: 100, description: 'y' }] }, 'test/pc: tiers[1].value 100 is also the value of tier "high", so the two never order against each other; give each tier its own value'],
      ['a preemption policy is unknown', { tiers: [{ name: 'high', value: 1, description: 'x', preemptionPolicy: 'Always' as 'Never' }] }, 'test/pc: tiers[0].preemptionPolicy "Always" is not a preemption policy; use one of PreemptLowerPriority, Never'],
      ['a description is empty', { tiers: [{ name: 'high', value: 1, description: ' ' }] }, 'test/pc: tiers[0].description " " is empty; say which workloads belong in this tier'],
      ['two tiers are the global default', { tiers: [{ name: 'high', value: 2, description: 'x', globalDefault: true }, { name: 'low', value: 1, description: 'y', globalDefault: true }] }, 'test/pc: tiers[1].globalDefault true is also set on tier "high"; make at most one tier the global default'],
    ];
    test.each(cases)('%s', (_, props, message) => {
      expect(build(props)).toThrow(message);
    });

    test('a workload names a tier that does not exist', () => {
      const pc = build({ prefix: 'dev' })();
      expect(() => pc.nameOf('urgent')).toThrow('test/pc: tier "urgent" is not one of the priority tiers; use one of "critical", "standard", "batch"');
    });
  });
});
