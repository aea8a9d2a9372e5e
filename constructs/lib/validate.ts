import { isIP } from 'node:net';
import { IConstruct } from 'constructs';
import { invalid } from './errors';

/**
 * The API server's rules for names, labels, quantities and schedules, as pure functions.
 *
 * Each `*Problem` function returns `undefined` for a valid value, or what is wrong and how to fix
 * it. Constructs turn a problem into a {@link ValidationError} with {@link check}; the environment
 * schema (zod) reuses the same functions, so a value is judged identically wherever it enters.
 */
export interface Problem {
  /** What is wrong, completing "<field> <value> ...". */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Throws a ValidationError naming `scope`, `field` and `value` when `problem` is defined. */
export function check(scope: IConstruct | string, field: string, value: unknown, problem: Problem | undefined): void {
  if (problem) invalid(scope, field, value, problem.problem, problem.fix);
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function nameFix(value: string, max: number): string {
  const suggestion = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return suggestion && suggestion !== value
    ? `use lower-case letters, digits and "-", starting and ending with a letter or digit, e.g. "${suggestion}"`
    : 'use lower-case letters, digits and "-", starting and ending with a letter or digit';
}

/**
 * What is wrong with a name that must match `pattern` (an RFC 1123 label or subdomain): empty, too
 * long, or the characters, where "_" and upper case, the usual mistakes, are named.
 */
function nameProblem(value: string, max: number, pattern: RegExp, what: string, fix: (value: string) => string): Problem | undefined {
  if (typeof value !== 'string' || value.length === 0) return { problem: 'is empty', fix: 'give a name such as "web"' };
  if (value.length > max) {
    return { problem: `is ${value.length} characters long, more than the ${max} allowed`, fix: `shorten it to at most ${max} characters` };
  }
  if (!pattern.test(value)) {
    const why = /_/.test(value) ? 'contains "_", which Kubernetes names do not allow' : /[A-Z]/.test(value) ? 'contains upper-case letters' : `is not a valid ${what}`;
    return { problem: why, fix: fix(value) };
  }
  return undefined;
}

/**
 * RFC 1123 label: most object names (Deployment, StatefulSet, ConfigMap, Namespace, ...).
 * @param max the length limit; 63 unless a controller needs room for a suffix (CronJob: 52).
 */
export function dns1123LabelProblem(value: string, max = 63): Problem | undefined {
  return nameProblem(value, max, DNS1123_LABEL, 'RFC 1123 label', (v) => nameFix(v, max));
}

/**
 * RFC 1123 subdomain as Kubernetes checks it (length and pattern, no per-label limit): names that may
 * contain dots (PriorityClass, StorageClass, Secret, ...). Host names also need {@link hostnameProblem}.
 */
export function dns1123SubdomainProblem(value: string, max = 253): Problem | undefined {
  return nameProblem(value, max, DNS1123_SUBDOMAIN, 'RFC 1123 subdomain', () => 'use dot-separated lower-case labels of letters, digits and "-"');
}

/** RFC 1035 label: Service names (they become DNS labels, so they must start with a letter). */
export function dns1035LabelProblem(value: string, max = 63): Problem | undefined {
  const base = dns1123LabelProblem(value, max);
  if (base) return base;
  if (!DNS1035_LABEL.test(value)) {
    return { problem: 'must start with a letter (RFC 1035 label)', fix: `prefix it with a letter, e.g. "s-${value}"`.slice(0, max + 30) };
  }
  return undefined;
}

/** A DNS host name for Ingress rules and certificates; a leading "*." wildcard is allowed. */
export function hostnameProblem(value: string): Problem | undefined {
  const bare = typeof value === 'string' && value.startsWith('*.') ? value.slice(2) : value;
  const p = dns1123SubdomainProblem(bare);
  if (p) return { problem: p.problem, fix: 'use a DNS name such as "shop.example.com"' };
  if (!bare.includes('.')) return { problem: 'is not a fully qualified host name', fix: 'use a DNS name such as "shop.example.com"' };
  if (bare.split('.').some((part) => part.length > 63)) return { problem: 'has a DNS label longer than 63 characters', fix: 'shorten each dot-separated part to at most 63 characters' };
  return undefined;
}

/** A label or annotation key: optional DNS-subdomain prefix, "/", and a name of at most 63 characters. */
export function labelKeyProblem(key: string): Problem | undefined {
  if (typeof key !== 'string' || key.length === 0) return { problem: 'is empty', fix: 'use a key such as "app.kubernetes.io/name"' };
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && dns1123SubdomainProblem(prefix)) {
    return { problem: `has a prefix "${prefix}" that is not a DNS subdomain`, fix: 'use a lower-case DNS prefix such as "example.com/"' };
  }
  if (name.length > 63) return { problem: `has a name part of ${name.length} characters, more than 63`, fix: 'shorten the part after "/"' };
  if (!LABEL_NAME.test(name)) {
    return { problem: 'is not a valid label key', fix: 'use letters, digits, "-", "_" and ".", starting and ending with a letter or digit' };
  }
  return undefined;
}

/** A label value: empty, or at most 63 characters of letters, digits, "-", "_" and ".". */
export function labelValueProblem(value: string): Problem | undefined {
  if (typeof value !== 'string') return { problem: 'is not a string', fix: 'quote the value' };
  if (value.length === 0) return undefined;
  if (value.length > 63) return { problem: `is ${value.length} characters long, more than 63`, fix: 'shorten it to at most 63 characters' };
  if (!LABEL_NAME.test(value)) {
    return { problem: 'is not a valid label value', fix: 'use letters, digits, "-", "_" and ".", starting and ending with a letter or digit' };
  }
  return undefined;
}

/** Every key and value of a label map. */
export function labelsProblem(labels: Record<string, string>): Problem | undefined {
  for (const [key, value] of Object.entries(labels)) {
    const k = labelKeyProblem(key);
    if (k) return { problem: `has key "${key}" that ${k.problem}`, fix: k.fix };
    const v = labelValueProblem(value);
    if (v) return { problem: `has value "${value}" for "${key}" that ${v.problem}`, fix: v.fix };
  }
  return undefined;
}

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const SUFFIX: Record<string, number> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * A Kubernetes resource quantity ("500m", "1.5", "10Gi", "1e3"). Resource amounts are never
 * negative here: a negative request, limit, size or quota is always a mistake.
 */
export function quantityProblem(value: string | number, example = '10Gi'): Problem | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? undefined : { problem: 'is not a non-negative number', fix: `use e.g. "${example}"` };
  }
  if (typeof value !== 'string') return { problem: 'is not a Kubernetes quantity', fix: `use e.g. "${example}"` };
  const m = QUANTITY.exec(value);
  if (!m) {
    const hint = /^\d+(\.\d+)?\s*(KB|MB|GB|TB|kb|mb|gb|tb|Kb|Mb|Gb|Tb|gi|mi|ki|GiB|MiB|KiB)$/.test(value)
      ? `use e.g. "${value.replace(/\s*([KkMmGgTt])[iI]?[bB]?$/, (_, u: string) => `${u.toUpperCase()}i`)}" (binary) or "${value.replace(/\s*([KkMmGgTt])[iI]?[bB]?$/, (_, u: string) => (u.toLowerCase() === 'k' ? 'k' : u.toUpperCase()))}" (decimal)`
      : `use e.g. "${example}"`;
    return { problem: 'is not a Kubernetes quantity', fix: hint };
  }
  if (m[1] === '-') return { problem: 'is negative', fix: `use a positive amount such as "${example}"` };
  return undefined;
}

/** The numeric value of a quantity in base units (bytes, cores, objects). */
export function parseQuantity(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = QUANTITY.exec(value);
  if (!m) throw new Error(`"${value}" is not a Kubernetes quantity`);
  const n = Number(m[2]) * (m[1] === '-' ? -1 : 1);
  const suffix = m[3] ?? '';
  if (/^[eE]/.test(suffix)) return n * 10 ** Number(suffix.slice(1));
  return n * SUFFIX[suffix];
}

const CRON_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const CRON_FIELDS: ReadonlyArray<{ name: string; min: number; max: number; names?: string[] }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 0-6: robfig/cron, which the API server validates with, refuses 7 for Sunday.
  { name: 'day of week', min: 0, max: 6, names: DAYS },
];

function cronValue(token: string, field: (typeof CRON_FIELDS)[number]): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  const i = field.names?.indexOf(token.toUpperCase()) ?? -1;
  if (i >= 0) return field.name === 'month' ? i + 1 : i;
  return undefined;
}

/**
 * A CronJob schedule in the five-field cron format the CronJob controller accepts, or one of its
 * macros (@hourly, @daily, ...). Time zones belong in `timeZone`, never in the schedule.
 */
export function cronProblem(schedule: string): Problem | undefined {
  const fix = 'use five fields "minute hour day-of-month month day-of-week", e.g. "30 2 * * *"';
  if (typeof schedule !== 'string' || schedule.trim() === '') return { problem: 'is empty', fix };
  const s = schedule.trim();
  if (/^(CRON_)?TZ=/.test(s)) return { problem: 'sets a time zone inside the schedule, which Kubernetes rejects', fix: 'remove the TZ= prefix and set timeZone, e.g. "Asia/Tokyo"' };
  if (CRON_MACROS.has(s)) return undefined;
  const parts = s.split(/\s+/);
  if (parts.length !== 5) return { problem: `has ${parts.length} fields, not 5`, fix };
  for (let i = 0; i < 5; i++) {
    const field = CRON_FIELDS[i];
    for (const item of parts[i].split(',')) {
      const m = /^(\*|\?|([^-/]+)(?:-([^-/]+))?)(?:\/(\d+))?$/.exec(item);
      const bad: Problem = { problem: `has ${field.name} "${item}" outside ${field.min}-${field.max}`, fix };
      if (!m) return { problem: `has an unreadable ${field.name} "${item}"`, fix };
      if (m[1] === '?' && i !== 2 && i !== 4) return { problem: `uses "?" in the ${field.name} field`, fix };
      if (m[4] !== undefined && Number(m[4]) === 0) return { problem: `has step 0 in ${field.name} "${item}"`, fix };
      if (m[2] !== undefined) {
        const lo = cronValue(m[2], field);
        const hi = m[3] !== undefined ? cronValue(m[3], field) : lo;
        if (field.names === DAYS && (lo === 7 || hi === 7)) return { problem: bad.problem, fix: 'write Sunday as 0 or SUN' };
        if (lo === undefined || hi === undefined || lo < field.min || hi > field.max) return bad;
        if (lo > hi) return { problem: `has an empty range "${item}" in ${field.name}`, fix };
      }
    }
  }
  return undefined;
}

/**
 * Whether ICU resolves `value` as an "Area/Location" zone that Go's tzdata (which the CronJob
 * controller loads the zone from) has too. ICU also resolves abbreviations and legacy single names
 * ("JST", "PST", "CET", "EST5EDT"), which Go refuses or reads as another zone, and the "SystemV/"
 * zones, which tzdata dropped; it matches case-insensitively, and Kubernetes does not, so every
 * segment must start with a capital. Links such as "Asia/Kolkata" resolve too, though ICU lists
 * only the older canonical spelling.
 */
function isAreaLocation(value: string): boolean {
  const segments = value.split('/');
  if (segments.length < 2 || segments[0] === 'SystemV' || !segments.every((part) => /^[A-Z][A-Za-z0-9_+-]*$/.test(part))) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name such as "Asia/Tokyo" or "Etc/UTC", as CronJob `timeZone` takes: "UTC", or "Area/Location". */
export function timeZoneProblem(value: string): Problem | undefined {
  if (typeof value === 'string' && (value === 'UTC' || isAreaLocation(value))) return undefined;
  return { problem: 'is not an IANA time zone name', fix: 'use a name such as "Asia/Tokyo" or "Etc/UTC"' };
}

/** A whole number within bounds (replicas, seconds, ports, weights). */
export function intProblem(value: number, min: number, max = Number.MAX_SAFE_INTEGER): Problem | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return { problem: 'is not a whole number', fix: `use a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}` };
  if (value < min || value > max) return { problem: `is out of range`, fix: `use a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}` };
  return undefined;
}

/** A TCP/UDP port number. */
export function portProblem(value: number): Problem | undefined {
  return intProblem(value, 1, 65535);
}

const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A port name (container, Service and Ingress backend ports): an IANA service name, at most 15
 * lower-case letters, digits and "-", with at least one letter and no "--".
 */
export function portNameProblem(value: string): Problem | undefined {
  if (typeof value === 'string' && value.length <= 15 && PORT_NAME.test(value) && /[a-z]/.test(value) && !value.includes('--')) return undefined;
  return { problem: 'is not a valid port name', fix: 'use at most 15 lower-case letters, digits and "-", with at least one letter, e.g. "http"' };
}

/** An IPv4 address in dotted decimal ("10.0.0.12"); octets with a leading zero are refused as ambiguous. */
export function ipv4Problem(value: string): Problem | undefined {
  return typeof value === 'string' && isIP(value) === 4 ? undefined : { problem: 'is not an IPv4 address', fix: 'use e.g. "10.0.0.12"' };
}

/**
 * A network in CIDR notation, "<address>/<prefix length>": IPv4 or IPv6, or only the `family` given.
 * Neither octets nor the prefix length may have a leading zero, and an IPv6 zone ("%eth0") is refused.
 */
export function cidrProblem(value: string, family?: 4 | 6): Problem | undefined {
  const [ip, bits, ...rest] = typeof value === 'string' ? value.split('/') : [];
  const found = ip === undefined || ip.includes('%') ? 0 : isIP(ip);
  const max = found === 6 ? 128 : 32;
  if (found === 0 || (family !== undefined && found !== family) || rest.length > 0 || bits === undefined || !/^(0|[1-9]\d{0,2})$/.test(bits) || Number(bits) > max) {
    return family === 4 ? { problem: 'is not an IPv4 CIDR', fix: 'use e.g. "203.0.113.0/24"' }
      : family === 6 ? { problem: 'is not an IPv6 CIDR', fix: 'use e.g. "2001:db8::/32"' }
      : { problem: 'is not a CIDR', fix: 'use e.g. "10.0.0.0/8" or "203.0.113.7/32"' };
  }
  return undefined;
}

/** How a volume may be mounted: by one node, read-only by many, read-write by many, or by one pod. */
export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';
export const ACCESS_MODES: readonly AccessMode[] = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

/** One access mode of a claim or volume. */
export function accessModeProblem(mode: string): Problem | undefined {
  return (ACCESS_MODES as readonly string[]).includes(mode) ? undefined : { problem: 'is not an access mode', fix: `use one of ${ACCESS_MODES.join(', ')}` };
}

/**
 * The access modes of a claim or volume as a list: at least one, none twice, ReadWriteOncePod alone.
 * Check each mode with {@link accessModeProblem} first, so that the message names the unknown one.
 */
export function accessModesProblem(modes: readonly string[]): Problem | undefined {
  if (modes.length === 0) return { problem: 'is empty', fix: 'give at least one, e.g. ["ReadWriteOnce"]' };
  if (new Set(modes).size !== modes.length) return { problem: 'lists a mode twice', fix: 'list each mode once' };
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) return { problem: 'combines ReadWriteOncePod with other modes, which the API server refuses', fix: 'use ReadWriteOncePod alone' };
  return undefined;
}

/** The size of a claim or volume: a quantity above zero. */
export function storageSizeProblem(value: string): Problem | undefined {
  return quantityProblem(value, '10Gi') ?? (parseQuantity(value) === 0 ? { problem: 'is zero', fix: 'give a size such as "10Gi"' } : undefined);
}

/** A container image reference pinned to a tag or digest; `latest` and untagged images are refused. */
export function imageProblem(image: string): Problem | undefined {
  if (typeof image !== 'string' || image.trim() === '' || /\s/.test(image)) return { problem: 'is not an image reference', fix: 'use e.g. "nginxinc/nginx-unprivileged:1.27-alpine"' };
  if (image.includes('@sha256:')) return undefined;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return { problem: 'has no tag, so it means ":latest" and changes under you', fix: `pin a version, e.g. "${image}:1.2.3", or a digest` };
  if (colon === lastSegment.length - 1) return { problem: 'has an empty tag', fix: `pin a version, e.g. "${image}1.2.3", or a digest` };
  if (lastSegment.slice(colon + 1) === 'latest') return { problem: 'uses the moving tag "latest"', fix: 'pin a version tag or a digest' };
  return undefined;
}

/** The registry an image repository comes from: its first component when that is a host, else Docker Hub. */
export function registryOf(repository: string): string {
  const first = repository.split('/')[0];
  return repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}
