import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { pathOf, show } from './errors';

/**
 * Patches on objects that cdk8s-plus-28 generates, made safe.
 *
 * A JSON patch is applied before the generated `toJson_*` mapper of the Kube* class runs, and that
 * mapper silently drops whatever the 1.28 schema does not know, or whatever has the wrong type (a
 * plain-string quantity becomes `requests: {}`). Every patch made through this module is therefore
 * checked against the rendered object at synthesis, and a patch that did not survive throws.
 */
interface Expectation {
  readonly op: 'add' | 'remove' | 'append';
  readonly path: string;
  readonly value?: unknown;
}

const expectations = new WeakMap<ApiObject, Expectation[]>();

/** JSON-pointer segments of a path such as `/metadata/labels/app.kubernetes.io~1name`. */
function segments(path: string): string[] {
  return path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The key that `key` renders to in `obj`. Patches are applied to the props in their TypeScript
 * spelling (`downwardApi`, `clusterIp`), which the mappers render in the API's (`downwardAPI`,
 * `clusterIP`); the two differ only in case.
 */
function renderedKey(obj: Record<string, unknown>, key: string): string | undefined {
  if (key in obj) return key;
  const lower = key.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

function lookup(doc: unknown, path: string): { found: boolean; value?: unknown } {
  let cur: unknown = doc;
  for (const seg of segments(path)) {
    const key = cur !== null && typeof cur === 'object' ? renderedKey(cur as Record<string, unknown>, seg) : undefined;
    if (key === undefined) return { found: false };
    cur = (cur as Record<string, unknown>)[key];
  }
  // A map entry the mapper could not convert (a plain-string quantity) is kept as undefined: not rendered.
  return cur === undefined ? { found: false } : { found: true, value: cur };
}

/** The JSON a value renders to: Quantities become their string or number. */
function plain(value: unknown): unknown {
  if (value instanceof k8s.Quantity || value instanceof k8s.IntOrString) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/**
 * Deep equality of a rendered JSON value and a wanted one; object key order does not matter (the
 * mappers reorder keys) and wanted keys may be in their TypeScript spelling (see renderedKey).
 */
function sameJson(rendered: unknown, wanted: unknown): boolean {
  if (rendered === wanted) return true;
  if (Array.isArray(rendered) || Array.isArray(wanted)) {
    return Array.isArray(rendered) && Array.isArray(wanted) && rendered.length === wanted.length && rendered.every((x, i) => sameJson(x, wanted[i]));
  }
  if (rendered === null || wanted === null || typeof rendered !== 'object' || typeof wanted !== 'object') return false;
  const r = rendered as Record<string, unknown>;
  const w = wanted as Record<string, unknown>;
  return Object.keys(r).length === Object.keys(w).length && Object.keys(w).every((k) => {
    const key = renderedKey(r, k);
    return key !== undefined && sameJson(r[key], w[k]);
  });
}

function watch(obj: ApiObject): Expectation[] {
  let list = expectations.get(obj);
  if (list) return list;
  list = [];
  expectations.set(obj, list);
  const render = obj.toJson.bind(obj);
  const checks = list;
  // Checked where the object is rendered, so every synthesis path (App.synth, synthYaml,
  // Chart.toJson, our own pipeline) fails loudly, at no extra rendering cost.
  obj.toJson = () => {
    const json = render();
    for (const e of checks) {
      const got = lookup(json, e.path);
      const kept =
        e.op === 'remove' ? !got.found
        : e.op === 'append' ? Array.isArray(got.value) && got.value.some((item) => sameJson(item, plain(e.value)))
        : got.found && sameJson(got.value, plain(e.value));
      if (!kept) {
        throw new Error(
          `${pathOf(obj)}: ${obj.kind} "${obj.name}" lost the patch "${e.op} ${e.path}"` +
            (e.op !== 'remove' ? ` (wanted ${show(plain(e.value))}, rendered ${got.found ? show(got.value) : 'nothing'})` : ' (the field is still rendered)') +
            '; the Kubernetes 1.28 schema of the generated object does not accept it: check the field name, and pass quantities as k8s.Quantity, never as plain strings',
        );
      }
    }
    return json;
  };
  return list;
}

/**
 * Adds (or replaces) the value at `path` of a generated object, and fails synthesis if the
 * rendered object does not carry exactly that value.
 */
export function patchAdd(obj: ApiObject, path: string, value: unknown): void {
  obj.addJsonPatch(JsonPatch.add(path, value));
  watch(obj).push({ op: 'add', path, value });
}

/** Appends `value` to the existing array at `arrayPath`, and checks that it was kept. */
export function patchAppend(obj: ApiObject, arrayPath: string, value: unknown): void {
  obj.addJsonPatch(JsonPatch.add(`${arrayPath}/-`, value));
  watch(obj).push({ op: 'append', path: arrayPath, value });
}

/** Removes the value at `path`, and fails synthesis if the rendered object still has it. */
export function patchRemove(obj: ApiObject, path: string): void {
  obj.addJsonPatch(JsonPatch.remove(path));
  watch(obj).push({ op: 'remove', path });
}

export { CLUSTER_SCOPED_KINDS } from './kinds';

/**
 * Marks an object cluster-scoped: cdk8s stamps the chart's namespace onto every object, which the
 * API server rejects or (with kubectl) misreports for cluster-scoped kinds.
 */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  if (obj.metadata.namespace !== undefined) patchRemove(obj, '/metadata/namespace');
  return obj;
}

/**
 * The main API object of a construct: an ApiObject itself, or its `Resource` child followed down
 * (a WebService's is the Deployment under its cdk8s-plus Deployment). The target of the patches above.
 */
export function apiObjectOf(c: IConstruct): ApiObject {
  return ApiObject.of(c);
}
