import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from './errors';

/** The objects each chart has named so far: `<kind> <namespace>/<name>` to the construct that wrote it. */
const NAMED = new WeakMap<Chart, Map<string, string>>();

/**
 * Records that `scope` writes `obj` and refuses a second object of the same kind, namespace and
 * name in one chart: kubectl apply would keep only the one written last, silently.
 */
export function claimName(scope: Construct, obj: ApiObject): void {
  const chart = Chart.of(scope);
  let named = NAMED.get(chart);
  if (!named) NAMED.set(chart, (named = new Map()));
  const namespace = obj.metadata.namespace ?? chart.namespace;
  const key = `${obj.kind} ${namespace ? `${namespace}/` : ''}${obj.name}`;
  const first = named.get(key);
  if (first !== undefined && first !== scope.node.path) {
    invalid(scope, 'name', obj.name, `is the name of the ${obj.kind} that ${first} already writes${namespace ? ` in namespace "${namespace}"` : ''}, and kubectl apply would keep only one of them`, 'give each construct a name of its own');
  }
  named.set(key, scope.node.path);
}
