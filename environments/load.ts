import { z } from 'zod';
import { closest, show } from '../constructs/lib/errors';
import type { AppDefinition } from './app';
import { PlatformValues, appListProblems, environmentSchema } from './schema';

export class EnvironmentError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'EnvironmentError';
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Kustomize-style overlay: objects deep-merge, arrays and scalars replace. Inputs are not modified. */
export function deepMerge<T>(baseValue: T, overlay: unknown): T {
  if (overlay === undefined) return structuredClone(baseValue);
  if (!isPlainObject(baseValue) || !isPlainObject(overlay)) return structuredClone(overlay) as T;
  const out: Record<string, unknown> = structuredClone(baseValue);
  for (const [k, v] of Object.entries(overlay)) out[k] = k in out ? deepMerge(out[k], v) : structuredClone(v);
  return out as T;
}

/** The dotted path of a zod issue: `nodePools.1.maxNodes`. */
function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k as string];
  }
  return cur;
}

const didYouMean = (word: string, candidates: readonly string[]) => {
  const c = closest(word, candidates);
  return c ? `did you mean "${c}"?` : `use one of: ${candidates.join(', ')}`;
};

/** A zod issue in this project's words: what is wrong, then how to fix it. */
function describe(issue: z.core.$ZodIssue, value: unknown): string {
  // Messages written in the schema itself are already in our words.
  if (!/^(Invalid|Too (small|big)|Expected|Unrecognized)/.test(issue.message)) return issue.message;
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union' || issue.code === 'invalid_value')) {
    return 'is missing; every environment must set it (see environments/schema.ts)';
  }
  const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return 'is not a whole number; use a whole number such as 3';
      if (issue.expected === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
        return `is a string, not a number; write ${value} without quotes`;
      }
      return `is ${article(Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value)}, not ${article(issue.expected)}; use ${article(issue.expected)}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `has fewer than ${issue.minimum} items; add at least ${issue.minimum}`
        : `is below ${issue.inclusive ? 'the minimum ' : ''}${issue.minimum}; use ${issue.inclusive ? '' : 'more than '}${issue.minimum}${issue.inclusive ? ' or more' : ''}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `has more than ${issue.maximum} items; keep at most ${issue.maximum}`
        : `is above ${issue.inclusive ? 'the maximum ' : ''}${issue.maximum}; use ${issue.maximum}${issue.inclusive ? ' or less' : ''}`;
    case 'invalid_value': {
      const options = issue.values.map(String);
      return `is not one of ${options.join(', ')}; ${typeof value === 'string' ? didYouMean(value, options) : `use one of: ${options.join(', ')}`}`;
    }
    case 'invalid_format':
      return `${issue.message.replace(/^Invalid string: /, 'is not valid: ')}`;
    default:
      return issue.message;
  }
}

/**
 * A project's environments: the apps it can run, the platform values every environment starts
 * from, and one overlay per environment. This repository's is `PROJECT` below; a project that
 * installs the library defines its own and passes it to `synthMain` (synth/command.ts).
 */
export interface EnvironmentsDefinition {
  readonly apps: readonly AppDefinition[];
  /** What every environment shares: platform values, `apps`, and app values that differ from the apps' defaults. */
  readonly base: object;
  /** One overlay per environment, by name; objects deep-merge over the base, arrays replace. */
  readonly environments: Readonly<Record<string, object>>;
}

const schemas = new WeakMap<EnvironmentsDefinition, z.ZodType>();
function schemaOf(def: EnvironmentsDefinition): z.ZodType {
  let s = schemas.get(def);
  if (!s) schemas.set(def, (s = environmentSchema(def.apps)));
  return s;
}

/** Validates merged values; throws an EnvironmentError listing every problem as `env: path value problem; fix`. */
export function validateEnvironmentOf<E extends PlatformValues = PlatformValues>(def: EnvironmentsDefinition, env: string, values: unknown): E {
  const schema = schemaOf(def);
  const result = schema.safeParse(values);
  if (result.success) return result.data as E;
  const lines = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const parent = schemaAt(schema, issue.path.map(String));
      const known = parent && (unwrap(parent) as unknown as { def: { type: string } }).def.type === 'object' ? Object.keys((unwrap(parent) as unknown as z.ZodObject).shape) : [];
      return issue.keys.map((key) => {
        const near = closest(key, known);
        const hint = near ? `did you mean "${[...issue.path, near].map(String).join('.')}"?` : `settings here: ${known.join(', ')}`;
        return `environment "${env}": ${[...issue.path, key].map(String).join('.')} is not a known setting; ${hint}`;
      }).join('\n');
    }
    const value = valueAt(values, issue.path);
    return `environment "${env}": ${dotted(issue.path) || '(root)'} ${show(value)} ${describe(issue, value)}`;
  });
  throw new EnvironmentError(lines.join('\n'));
}

/** A schema without its optional/default/refinement wrappers: the structural type. */
function unwrap(schema: z.ZodType): z.ZodType {
  let cur = schema;
  for (;;) {
    const def = (cur as unknown as { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } }).def;
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) cur = def.innerType;
    else if (def.type === 'pipe' && def.in) cur = def.in;
    else return cur;
  }
}

/** The zod schema at a dotted path, or undefined when the path names no setting. */
function schemaAt(schema: z.ZodType, path: readonly string[]): z.ZodType | undefined {
  let cur: z.ZodType = schema;
  for (const seg of path) {
    cur = unwrap(cur);
    const def = (cur as unknown as { def: { type: string } }).def;
    if (def.type === 'object') {
      const shape = (cur as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
      if (!(seg in shape)) return undefined;
      cur = shape[seg];
    } else if (def.type === 'array') {
      if (!/^\d+$/.test(seg)) return undefined;
      cur = (cur as unknown as z.ZodArray<z.ZodType>).element;
    } else if (def.type === 'record') {
      cur = (cur as unknown as { def: { valueType: z.ZodType } }).def.valueType;
    } else {
      return undefined;
    }
  }
  return cur;
}

/** Parses a `--set` value: JSON when it is valid JSON, otherwise the plain string. */
export function parseSetValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Applies one `path=value` override to merged values (in place). */
export function applySetOf(def: EnvironmentsDefinition, env: string, values: Record<string, unknown>, assignment: string): void {
  const schema = schemaOf(def);
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new EnvironmentError(`environment "${env}": --set ${show(assignment)} is not of the form path=value; e.g. --set shop.web.image.tag=1.27.4-alpine`);
  const path = assignment.slice(0, eq).split('.');
  const raw = assignment.slice(eq + 1);
  const target = path.some((p) => p === '') ? undefined : schemaAt(schema, path);
  // A string setting takes the text as typed: `--set web.image.tag=1.27` is "1.27", not 1.27.
  const parsed = parseSetValue(raw);
  const value = target && (unwrap(target) as unknown as { def: { type: string } }).def.type === 'string' && (typeof parsed === 'number' || typeof parsed === 'boolean') ? raw : parsed;
  if (!target) {
    // Suggest the nearest setting at the first segment that does not exist.
    let i = 0;
    while (i < path.length && schemaAt(schema, path.slice(0, i + 1))) i++;
    const parent = schemaAt(schema, path.slice(0, i));
    const known = parent && (unwrap(parent) as unknown as { def: { type: string } }).def.type === 'object' ? Object.keys((unwrap(parent) as unknown as z.ZodObject).shape) : [];
    const near = closest(path[i] ?? '', known);
    const hint = near ? `did you mean "${[...path.slice(0, i), near, ...path.slice(i + 1)].join('.')}"?`
      : known.length ? `settings under ${path.slice(0, i).join('.') || 'the root'}: ${known.join(', ')}`
      : 'use a dotted path into the values, as --print-config shows them (e.g. shop.web.image.tag, nodePools.1.maxNodes)';
    throw new EnvironmentError(`environment "${env}": --set path "${path.join('.')}" (value ${show(value)}) is not a known setting; ${hint}`);
  }
  let cur: unknown = values;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    const container = cur as Record<string, unknown>;
    if (Array.isArray(container) && Number(seg) >= container.length) {
      throw new EnvironmentError(`environment "${env}": --set path "${path.join('.')}" indexes item ${seg} of ${path.slice(0, i).join('.')}, which has ${container.length} items; use an index below ${container.length}`);
    }
    if (container[seg] === undefined) container[seg] = /^\d+$/.test(path[i + 1]) ? [] : {};
    cur = container[seg];
  }
  const last = path[path.length - 1];
  if (Array.isArray(cur) && Number(last) > cur.length) {
    throw new EnvironmentError(`environment "${env}": --set path "${path.join('.')}" indexes past the end of ${path.slice(0, -1).join('.')} (${cur.length} items)`);
  }
  (cur as Record<string, unknown>)[last] = value;
}

/**
 * The effective values of an environment: the base, its overlay, each app's defaults under the
 * app's values, then each `--set`, validated. Throws an EnvironmentError for an unknown environment
 * or any invalid value.
 */
export function loadEnvironmentOf<E extends PlatformValues = PlatformValues>(def: EnvironmentsDefinition, env: string, sets: readonly string[] = []): E {
  const overlay = def.environments[env];
  if (!Object.prototype.hasOwnProperty.call(def.environments, env) || !overlay) {
    throw new EnvironmentError(`unknown environment "${env}"; known environments: ${Object.keys(def.environments).join(', ')}`);
  }
  const merged = deepMerge(def.base as Record<string, unknown>, overlay);
  // Which apps run decides which defaults merge in: `--set apps=...` first, then the defaults, then the rest.
  const isAppsSet = (s: string) => /^apps(\.\d+)?=/.test(s);
  for (const s of sets.filter(isAppsSet)) applySetOf(def, env, merged, s);
  const running = Array.isArray(merged.apps) ? (merged.apps as unknown[]) : [];
  for (const app of def.apps) {
    if (running.includes(app.name)) merged[app.name] = deepMerge(app.defaults as Record<string, unknown>, merged[app.name]);
  }
  for (const s of sets.filter((x) => !isAppsSet(x))) applySetOf(def, env, merged, s);
  // `--set tasks=null` drops an app's values along with the app.
  for (const app of def.apps) if (!running.includes(app.name) && merged[app.name] === null) delete merged[app.name];
  // Which apps run is checked first: an app's values are not worth validating field by field when
  // the app is not one the environment runs, or not an app at all.
  const [problem] = appListProblems(def.apps.map((a) => a.name), merged);
  if (problem) throw new EnvironmentError(`environment "${env}": ${problem.path.map(String).join('.')}${problem.path[0] === 'apps' ? ` ${show(valueAt(merged, problem.path))}` : ''} ${problem.message}`);
  return validateEnvironmentOf<E>(def, env, merged);
}
