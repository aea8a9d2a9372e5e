import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError } from '../../constructs/lib/errors';

/** A synthesized Kubernetes object as plain JSON; loosely typed so tests can reach any field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

/** Builds constructs in a fresh chart (namespace "test" unless given) and returns the rendered objects. */
export function synth(build: (chart: Chart) => void, namespace: string | undefined = 'test'): KubeObject[] {
  const app = new App();
  const chart = new Chart(app, 'test', namespace ? { namespace } : {});
  build(chart);
  return chart.toJson() as KubeObject[];
}

/** The one object of `kind` (and `name`, when several) among `objects`; throws when absent. */
export function find(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` "${name}"` : ''}, found ${found.length}`);
  return found[0];
}

/** The pod spec inside a workload object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function podSpec(obj: KubeObject): any {
  return obj.kind === 'CronJob' ? obj.spec.jobTemplate.spec.template.spec : obj.kind === 'Pod' ? obj.spec : obj.spec.template.spec;
}

/** A fresh scope for tests that only construct (and expect a throw). */
export function scope(namespace = 'test'): Construct {
  return new Chart(new App(), 'test', { namespace });
}

/** The container security context every container of the library must have (Pod Security "restricted"). */
export const RESTRICTED = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Runs `fn` and asserts that it throws a ValidationError whose message matches. */
export function expectValidationError(fn: () => unknown, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as Error).message).toMatch(message);
}
