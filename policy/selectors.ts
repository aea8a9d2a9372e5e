import type { IDeploymentSpec } from 'kubernetes-models/apps/v1/DeploymentSpec';
import { list, record } from './objects';

/** A `metav1.LabelSelector` (matchLabels AND matchExpressions). */
export type LabelSelector = NonNullable<IDeploymentSpec['selector']>;
export type Labels = Readonly<Record<string, string>>;

/**
 * Whether a LabelSelector selects `labels`, as the API server decides it: an empty selector selects
 * everything, a missing one (null or undefined) nothing.
 */
export function selects(selector: LabelSelector | undefined | null, labels: Labels): boolean {
  if (selector == null || typeof selector !== 'object') return false;
  for (const [k, v] of Object.entries(record(selector.matchLabels))) {
    if (!Object.hasOwn(labels, k) || labels[k] !== v) return false;
  }
  for (const e of list(selector.matchExpressions)) {
    const has = Object.hasOwn(labels, e.key);
    const values = list(e.values);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false; // an operator the API server would have rejected selects nothing
    }
  }
  return true;
}

/** Whether a selector has no requirement at all, so it selects every pod of its namespace. */
export function isEmptySelector(selector: LabelSelector | undefined | null): boolean {
  return selector != null && Object.keys(record(selector.matchLabels)).length === 0 && list(selector.matchExpressions).length === 0;
}

/** `k=v,k2=v2`, as kubectl's `-l` takes it. */
export function formatLabels(labels: Labels): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/** A selector as `-l` text, for messages. */
export function formatSelector(selector: LabelSelector | undefined | null): string {
  if (selector == null) return '<none>';
  const parts = [formatLabels(record(selector.matchLabels))].filter((s) => s !== '');
  for (const e of list(selector.matchExpressions)) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'NotIn' ? 'notin' : 'in'} (${list(e.values).join(',')})`);
  }
  return parts.join(',') || '<everything>';
}

function pair(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

/**
 * Labelled items (pod templates) indexed by label pair, so that finding what a selector selects
 * reads one posting list instead of every item of the namespace.
 */
export class LabelIndex<T> {
  private readonly entries: { readonly labels: Labels; readonly item: T }[] = [];
  private readonly postings = new Map<string, number[]>();

  public add(labels: Labels, item: T): void {
    const i = this.entries.push({ labels, item }) - 1;
    for (const [k, v] of Object.entries(labels)) {
      const key = pair(k, v);
      const posting = this.postings.get(key);
      if (posting) posting.push(i);
      else this.postings.set(key, [i]);
    }
  }

  /** The items `selector` selects, in insertion order. */
  public select(selector: LabelSelector | undefined | null): T[] {
    if (selector == null) return [];
    return this.candidates(selector).filter((i) => selects(selector, this.entries[i].labels)).map((i) => this.entries[i].item);
  }

  /** Whether `selector` selects any item; stops at the first. */
  public some(selector: LabelSelector | undefined | null): boolean {
    if (selector == null) return false;
    return this.candidates(selector).some((i) => selects(selector, this.entries[i].labels));
  }

  /** Every match must carry every matchLabels pair, so the shortest posting list of those is enough. */
  private candidates(selector: LabelSelector): readonly number[] {
    let best: readonly number[] | undefined;
    for (const [k, v] of Object.entries(record(selector.matchLabels))) {
      const posting = this.postings.get(pair(k, v)) ?? [];
      if (best === undefined || posting.length < best.length) best = posting;
    }
    return best ?? this.entries.map((_, i) => i);
  }
}

/**
 * Items that carry a selector (PodDisruptionBudgets, NetworkPolicies) indexed by one of their
 * matchLabels pairs, so that finding the ones that select a pod reads only the posting lists of the
 * pod's own labels plus the selectors without matchLabels.
 */
export class SelectorIndex<T> {
  private readonly entries: { readonly selector: LabelSelector; readonly item: T }[] = [];
  private readonly byPair = new Map<string, number[]>();
  private readonly unkeyed: number[] = [];

  /** A missing selector selects nothing, so it is not indexed at all. */
  public add(selector: LabelSelector | undefined | null, item: T): void {
    if (selector == null || typeof selector !== 'object') return;
    const i = this.entries.push({ selector, item }) - 1;
    const first = Object.entries(record(selector.matchLabels))[0];
    if (first === undefined) {
      this.unkeyed.push(i);
      return;
    }
    const key = pair(first[0], first[1]);
    const posting = this.byPair.get(key);
    if (posting) posting.push(i);
    else this.byPair.set(key, [i]);
  }

  /** The items whose selector selects `labels`, in insertion order. */
  public matching(labels: Labels): T[] {
    const candidates = new Set<number>(this.unkeyed);
    for (const [k, v] of Object.entries(labels)) for (const i of this.byPair.get(pair(k, v)) ?? []) candidates.add(i);
    return [...candidates]
      .sort((a, b) => a - b)
      .filter((i) => selects(this.entries[i].selector, labels))
      .map((i) => this.entries[i].item);
  }
}
