import { DisruptionBudget, DisruptionBudgetProps } from '../constructs';
import { KubeObject, expectValidationError, find, scope, synth } from './support/synth';

const SELECTOR = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' };

function pdb(props: Partial<DisruptionBudgetProps> = {}): KubeObject {
  return find(synth((chart) => new DisruptionBudget(chart, 'pdb', { name: 'web', selector: SELECTOR, ...props })), 'PodDisruptionBudget');
}

function rejects(props: Partial<DisruptionBudgetProps>, message: RegExp): void {
  expectValidationError(() => new DisruptionBudget(scope(), 'pdb', { name: 'web', selector: SELECTOR, ...props }), message);
}

test('defaults: maxUnavailable 1 and unhealthyPodEvictionPolicy AlwaysAllow', () => {
  const p = pdb();
  expect(p.apiVersion).toBe('policy/v1');
  expect(p.metadata).toEqual({ name: 'web', namespace: 'test', labels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/managed-by': 'cdk8s' } });
  expect(p.spec).toEqual({ selector: { matchLabels: SELECTOR }, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
});

test('minAvailable replaces the default maxUnavailable', () => {
  const p = pdb({ minAvailable: 2, replicas: 3 });
  expect(p.spec.minAvailable).toBe(2);
  expect('maxUnavailable' in p.spec).toBe(false);
});

test('percentages, a budget name, a namespace and IfHealthyBudget', () => {
  const p = pdb({ budgetName: 'web-budget', namespace: 'shop', maxUnavailable: '25%', replicas: 4, unhealthyPodEvictionPolicy: 'IfHealthyBudget' });
  expect(p.metadata.name).toBe('web-budget');
  expect(p.metadata.namespace).toBe('shop');
  expect(p.spec).toEqual({ selector: { matchLabels: SELECTOR }, maxUnavailable: '25%', unhealthyPodEvictionPolicy: 'IfHealthyBudget' });
  expect(pdb({ minAvailable: '50%', replicas: 4 }).spec.minAvailable).toBe('50%');
});

test('a percentage that rounds up to one pod is not blocking (the disruption controller rounds up)', () => {
  expect(pdb({ maxUnavailable: '10%', replicas: 3 }).spec.maxUnavailable).toBe('10%');
});

test('snapshot', () => {
  expect(pdb({ partOf: 'shop', component: 'frontend', minAvailable: '50%', replicas: 4 })).toMatchSnapshot();
});

describe('validation', () => {
  test('fails when the budget name is invalid', () => {
    rejects({ budgetName: 'Web_Budget' }, /^test\/pdb: budgetName "Web_Budget" contains "_", which Kubernetes names do not allow; use dot-separated lower-case labels/);
  });

  test('fails when both minAvailable and maxUnavailable are given', () => {
    rejects({ minAvailable: 1, maxUnavailable: 1 }, /^test\/pdb: minAvailable 1 is set together with maxUnavailable; give only one of them$/);
  });

  test('fails when a count is negative or fractional', () => {
    rejects({ maxUnavailable: -1 }, /^test\/pdb: maxUnavailable -1 is out of range; use a whole number from 0 up$/);
    rejects({ minAvailable: 1.5 }, /^test\/pdb: minAvailable 1\.5 is not a whole number; use a whole number from 0 up$/);
  });

  test('fails when a percentage is malformed or above 100%', () => {
    rejects({ maxUnavailable: '150%' }, /^test\/pdb: maxUnavailable "150%" is not a percentage from 0% to 100%; use e\.g\. "25%" or a whole number$/);
    rejects({ minAvailable: '12.5%' as `${number}%` }, /^test\/pdb: minAvailable "12\.5%" is not a percentage from 0% to 100%/);
  });

  test('fails when maxUnavailable 0 blocks every eviction', () => {
    rejects({ maxUnavailable: 0 }, /^test\/pdb: maxUnavailable 0 blocks every voluntary eviction, so nodes can never be drained; allow at least one pod to be evicted, e\.g\. maxUnavailable: 1$/);
    rejects({ maxUnavailable: '0%' }, /^test\/pdb: maxUnavailable "0%" blocks every voluntary eviction, so nodes can never be drained/);
    rejects({ maxUnavailable: 0, replicas: 3 }, /^test\/pdb: maxUnavailable 0 blocks every voluntary eviction of the 3 replicas, so nodes can never be drained; allow at least one pod to be evicted/);
  });

  test('fails when minAvailable equals the replicas', () => {
    rejects({ minAvailable: 3, replicas: 3 }, /^test\/pdb: minAvailable 3 blocks every voluntary eviction of the 3 replicas, so nodes can never be drained; allow at least one pod to be evicted, e\.g\. maxUnavailable: 1$/);
    rejects({ minAvailable: 4, replicas: 3 }, /^test\/pdb: minAvailable 4 blocks every voluntary eviction of the 3 replicas/);
    // 90% of 3 rounds up to 3.
    rejects({ minAvailable: '90%', replicas: 3 }, /^test\/pdb: minAvailable "90%" blocks every voluntary eviction of the 3 replicas/);
  });

  test('fails when minAvailable is "100%", with or without known replicas', () => {
    rejects({ minAvailable: '100%' }, /^test\/pdb: minAvailable "100%" blocks every voluntary eviction, so nodes can never be drained; allow at least one pod to be evicted/);
    rejects({ minAvailable: '100%', replicas: 5 }, /^test\/pdb: minAvailable "100%" blocks every voluntary eviction of the 5 replicas/);
  });

  test('fails for a single replica, suggesting more replicas or no budget', () => {
    rejects({ replicas: 1, minAvailable: 1 }, /^test\/pdb: minAvailable 1 blocks every voluntary eviction of the 1 replicas, so nodes can never be drained; run at least 2 replicas, or drop the budget for a single replica$/);
  });
});
