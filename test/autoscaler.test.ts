import { Autoscaler, AutoscalerProps } from '../constructs';
import { KubeObject, expectValidationError, find, scope, synth } from './support/synth';

const TARGET = { kind: 'Deployment', name: 'web' } as const;

function hpa(props: Partial<AutoscalerProps> = {}): KubeObject {
  return find(synth((chart) => new Autoscaler(chart, 'hpa', { name: 'web', target: TARGET, minReplicas: 2, maxReplicas: 10, ...props })), 'HorizontalPodAutoscaler');
}

function rejects(props: Partial<AutoscalerProps>, message: RegExp): void {
  expectValidationError(() => new Autoscaler(scope(), 'hpa', { name: 'web', target: TARGET, minReplicas: 2, maxReplicas: 10, ...props }), message);
}

const cpu = (n: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: n } } });
const memory = (n: number) => ({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: n } } });

test('autoscaling/v2 on cpu at 70% by default, scaling the named Deployment, no behavior', () => {
  const h = hpa();
  expect(h.apiVersion).toBe('autoscaling/v2');
  expect(h.metadata).toEqual({ name: 'web', namespace: 'test', labels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/managed-by': 'cdk8s' } });
  expect(h.spec).toEqual({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10, metrics: [cpu(70)] });
});

test('memory only: no implicit cpu metric', () => {
  expect(hpa({ memoryUtilization: 80 }).spec.metrics).toEqual([memory(80)]);
});

test('cpu and memory together, a StatefulSet target and an explicit namespace', () => {
  const h = hpa({ cpuUtilization: 60, memoryUtilization: 75, target: { kind: 'StatefulSet', name: 'db' }, namespace: 'data' });
  expect(h.spec.metrics).toEqual([cpu(60), memory(75)]);
  expect(h.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' });
  expect(h.metadata.name).toBe('db');
  expect(h.metadata.namespace).toBe('data');
});

test('behavior: stabilization windows and Pods/Percent policies with selectPolicy Max', () => {
  const h = hpa({
    scaleUp: { podsPerPeriod: 4, percentPerPeriod: 100, periodSeconds: 15 },
    scaleDown: { stabilizationWindowSeconds: 600, percentPerPeriod: 10 },
  });
  expect(h.spec.behavior).toEqual({
    scaleUp: { policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }], selectPolicy: 'Max' },
    scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }], selectPolicy: 'Max' },
  });
});

test('behavior for one direction only', () => {
  expect(hpa({ scaleDown: { stabilizationWindowSeconds: 300 } }).spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 300 } });
});

test('snapshot', () => {
  expect(hpa({ partOf: 'shop', memoryUtilization: 80, cpuUtilization: 65, scaleUp: { podsPerPeriod: 2 }, scaleDown: { stabilizationWindowSeconds: 300, percentPerPeriod: 50 } })).toMatchSnapshot();
});

describe('validation', () => {
  test('fails when minReplicas is below 1 or fractional', () => {
    rejects({ minReplicas: 0 }, /^test\/hpa: minReplicas 0 is out of range; use a whole number from 1 up$/);
    rejects({ minReplicas: 1.5 }, /^test\/hpa: minReplicas 1\.5 is not a whole number; use a whole number from 1 up$/);
  });

  test('fails when maxReplicas is below 1', () => {
    rejects({ maxReplicas: 0 }, /^test\/hpa: maxReplicas 0 is out of range; use a whole number from 1 up$/);
  });

  test('fails when minReplicas is above maxReplicas', () => {
    rejects({ minReplicas: 5, maxReplicas: 3 }, /^test\/hpa: minReplicas 5 is above maxReplicas 3; lower minReplicas or raise maxReplicas$/);
  });

  test('fails when a utilization target is out of range', () => {
    rejects({ cpuUtilization: 0 }, /^test\/hpa: cpuUtilization 0 is out of range; use a whole number from 1 to 1000$/);
    rejects({ memoryUtilization: 1001 }, /^test\/hpa: memoryUtilization 1001 is out of range; use a whole number from 1 to 1000$/);
  });

  test('fails when a scaling policy is invalid', () => {
    rejects({ scaleUp: { periodSeconds: 0 } }, /^test\/hpa: scaleUp\.periodSeconds 0 is out of range; use a whole number from 1 to 1800$/);
    rejects({ scaleDown: { periodSeconds: 1801 } }, /^test\/hpa: scaleDown\.periodSeconds 1801 is out of range; use a whole number from 1 to 1800$/);
    rejects({ scaleUp: { podsPerPeriod: 0 } }, /^test\/hpa: scaleUp\.podsPerPeriod 0 is out of range; use a whole number from 1 up$/);
    rejects({ scaleDown: { percentPerPeriod: 12.5 } }, /^test\/hpa: scaleDown\.percentPerPeriod 12\.5 is not a whole number; use a whole number from 1 up$/);
    rejects({ scaleDown: { stabilizationWindowSeconds: 3601 } }, /^test\/hpa: scaleDown\.stabilizationWindowSeconds 3601 is out of range; use a whole number from 0 to 3600$/);
  });
});
