import { IConstruct } from 'constructs';

/**
 * An invalid prop, reported at construction time.
 *
 * The message always names where (the construct path), what (the field), the value received,
 * what is wrong with it and how to fix it, so that a user never has to read library code:
 *
 *   `shop/db: storageSize "10GB" is not a Kubernetes quantity; use e.g. "10Gi"`
 */
export class ValidationError extends Error {
  public constructor(
    public readonly where: string,
    public readonly field: string,
    public readonly value: unknown,
    public readonly problem: string,
    public readonly fix: string,
  ) {
    super(`${where}: ${field} ${show(value)} ${problem}; ${fix}`);
    this.name = 'ValidationError';
  }
}

/** Throws a {@link ValidationError} for `field` of the construct `scope`. */
export function invalid(scope: IConstruct | string, field: string, value: unknown, problem: string, fix: string): never {
  throw new ValidationError(typeof scope === 'string' ? scope : pathOf(scope), field, value, problem, fix);
}

/** The construct path used in messages: the full path, or the id of a root construct. */
export function pathOf(scope: IConstruct): string {
  return scope.node.path || scope.node.id;
}

/** A value as it appears in a message: strings quoted, objects as compact JSON. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return String(value);
  }
}

/** Levenshtein distance between two strings, for "did you mean" suggestions in messages. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The candidate closest to `word` (case-insensitive), when it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}
