import { ENVIRONMENT_LABEL } from './ownership';
import { KubeObject } from './synthesize';

/** One difference between two environments' objects. */
export type ObjectDiff =
  | { readonly change: 'added' | 'removed'; readonly object: string }
  | { readonly change: 'changed'; readonly object: string; readonly fields: FieldDiff[] };

export interface FieldDiff {
  readonly path: string;
  /** undefined: the field is absent on that side. */
  readonly from: unknown;
  readonly to: unknown;
}

/**
 * What a namespace is for, e.g. `{ "shop-dev": "app", "shop-dev-system": "system" }`: objects are
 * matched across environments by kind, namespace role and name, since the namespace names differ.
 */
export type NamespaceRoles = Readonly<Record<string, string>>;

function keyOf(o: KubeObject, roles: NamespaceRoles): string {
  const ns = o.metadata.namespace;
  return ns === undefined ? `${o.kind} ${o.metadata.name}` : `${o.kind} ${roles[ns] ?? ns}/${o.metadata.name}`;
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) out.set(prefix, value);
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value);
  }
}

/**
 * Field-level differences between two objects (metadata.namespace excluded, and the environment
 * label when two environments are compared: it always differs there).
 */
export function diffFields(a: KubeObject, b: KubeObject, acrossEnvironments = true): FieldDiff[] {
  const fa = new Map<string, unknown>();
  const fb = new Map<string, unknown>();
  flatten(a, '', fa);
  flatten(b, '', fb);
  for (const f of [fa, fb]) {
    f.delete('metadata.namespace');
    if (acrossEnvironments) f.delete(`metadata.labels.${ENVIRONMENT_LABEL}`);
  }
  const paths = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  return paths
    .filter((p) => JSON.stringify(fa.get(p)) !== JSON.stringify(fb.get(p)))
    .map((p) => ({ path: p, from: fa.get(p), to: fb.get(p) }));
}

/** What differs between environment A and environment B, object by object, in a stable order. */
export function diffObjects(a: readonly KubeObject[], b: readonly KubeObject[], rolesA: NamespaceRoles = {}, rolesB: NamespaceRoles = {}, acrossEnvironments = true): ObjectDiff[] {
  const index = (objects: readonly KubeObject[], roles: NamespaceRoles) => {
    const m = new Map<string, KubeObject>();
    for (const o of objects) {
      const k = keyOf(o, roles);
      if (m.has(k)) throw new Error(`two objects match as "${k}"; give their namespaces distinct roles`);
      m.set(k, o);
    }
    return m;
  };
  const ma = index(a, rolesA);
  const mb = index(b, rolesB);
  const keys = [...new Set([...ma.keys(), ...mb.keys()])].sort();
  const out: ObjectDiff[] = [];
  for (const k of keys) {
    const oa = ma.get(k);
    const ob = mb.get(k);
    if (!oa) out.push({ change: 'added', object: k });
    else if (!ob) out.push({ change: 'removed', object: k });
    else {
      const fields = diffFields(oa, ob, acrossEnvironments);
      if (fields.length > 0) out.push({ change: 'changed', object: k, fields });
    }
  }
  return out;
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

/** A human-readable report, like `diff` for manifests. */
export function formatDiff(envA: string, envB: string, diffs: readonly ObjectDiff[]): string {
  const lines = [`--- ${envA}`, `+++ ${envB}`];
  for (const d of diffs) {
    switch (d.change) {
      case 'added':
        lines.push(`+ ${d.object} (only in ${envB})`);
        break;
      case 'removed':
        lines.push(`- ${d.object} (only in ${envA})`);
        break;
      case 'changed':
        lines.push(`~ ${d.object}`);
        for (const f of d.fields) lines.push(`    ${f.path}: ${show(f.from)} -> ${show(f.to)}`);
    }
  }
  const counts = ['added', 'removed', 'changed'].map((c) => `${diffs.filter((d) => d.change === c).length} ${c}`).join(', ');
  lines.push(`${counts}`);
  return `${lines.join('\n')}\n`;
}
