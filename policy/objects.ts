import { CLUSTER_SCOPED_KINDS } from '../constructs/lib/kinds';
import type { KubeObject } from './types';

/** Whether the object lives outside any namespace (everything not in CLUSTER_SCOPED_KINDS is namespaced). */
export function isClusterScoped(obj: KubeObject): boolean {
  return CLUSTER_SCOPED_KINDS.has(obj.kind);
}

/** How a violation names its object: "Deployment shop/web", "Namespace shop". */
export function objectRef(obj: KubeObject): string {
  const name = obj.metadata?.name ?? '<unnamed>';
  const ns = obj.metadata?.namespace;
  return ns ? `${obj.kind} ${ns}/${name}` : `${obj.kind} ${name}`;
}

/** Stands in for secret values, which must never reach a CI log through a violation. */
export const REDACTED = '<redacted>';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `base.key`, or `base["odd.key"]` when the key is not an identifier (annotations, data keys). */
export function field(base: string, key: string): string {
  if (IDENTIFIER.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

/** `base[i]`. */
export function item(base: string, i: number): string {
  return `${base}[${i}]`;
}

/** Its value when `value` is an array, else an empty array: parsed YAML is not trusted to be well-formed. */
export function list<T>(value: readonly T[] | undefined | null): readonly T[] {
  return Array.isArray(value) ? value : [];
}

/** Its value when `value` is a plain object, else an empty record. */
export function record<T>(value: Readonly<Record<string, T>> | undefined | null): Readonly<Record<string, T>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}
