/**
 * A YAML emitter for JSON data, which writes every manifest. It is about five times faster than a
 * general YAML library on thousands of manifests (the scale benchmark), deterministic, and
 * conservative: a string is written plain only when every YAML 1.1 and 1.2 reader (kubectl's
 * included, which still reads `yes`, `on` and `1:30` as non-strings) reads it back as the same
 * string; everything else is double-quoted with JSON escapes, which YAML reads identically.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SPECIAL = [
  /^(true|false|yes|no|on|off|y|n|null|~)$/i,
  /^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/, // decimal numbers, YAML 1.1 underscores
  /^[-+]?0b[01_]+$/i,
  /^[-+]?0x[0-9a-f_]+$/i,
  /^[-+]?0o?[0-7_]+$/i,
  /^[-+]?\.(inf|nan)$/i,
  /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/, // YAML 1.1 base 60
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/, // timestamps
  /^(=|<<)$/,
];

/** Whether a string can be written as a plain scalar and read back unchanged. */
function isPlain(s: string): boolean {
  if (s === '' || s !== s.trim()) return false;
  // "-", "?" and ":" may start a plain scalar only when a non-space follows ("-c", ":8080").
  if (/^[-?:](\s|$)/.test(s) || /^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]|: | #|:$/.test(s)) return false;
  return !SPECIAL.some((re) => re.test(s));
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML`);
    return String(value);
  }
  return isPlain(value) ? value : JSON.stringify(value);
}

/** A multi-line string as a literal block (`|` or `|-`), or undefined when only quoting is safe. */
function literal(s: string, indent: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (!s.includes('\n') || /[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\ufeff\r]/.test(s) || s.endsWith('\n\n') || /^[ \t]/.test(s)) return undefined;
  const chomp = s.endsWith('\n') ? '' : '-';
  const body = (chomp ? s : s.slice(0, -1)).split('\n').map((line) => (line === '' ? '' : `${indent}${line}`));
  return `|${chomp}\n${body.join('\n')}`;
}

function isEmpty(v: Json): boolean {
  return Array.isArray(v) ? v.length === 0 : v !== null && typeof v === 'object' && Object.keys(v).length === 0;
}

function emit(value: Json, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === 'object' && !isEmpty(item)) {
        // First line of a nested block goes after the dash.
        const inner: string[] = [];
        emit(item, `${indent}  `, inner);
        out.push(`${indent}- ${inner[0].slice(indent.length + 2)}`, ...inner.slice(1));
      } else {
        out.push(`${indent}- ${inline(item, `${indent}  `)}`);
      }
    }
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const k = scalar(key);
      if (v !== null && typeof v === 'object' && !isEmpty(v)) {
        out.push(`${indent}${k}:`);
        emit(v, `${indent}  `, out);
      } else {
        out.push(`${indent}${k}: ${inline(v, `${indent}  `)}`);
      }
    }
    return;
  }
  out.push(`${indent}${inline(value, indent)}`);
}

function inline(v: Json, indent: string): string {
  if (Array.isArray(v)) return '[]';
  if (v !== null && typeof v === 'object') return '{}';
  if (typeof v === 'string') return literal(v, indent) ?? scalar(v);
  return scalar(v);
}

/** One YAML document (no `---`), ending in a newline. */
export function toYaml(doc: unknown): string {
  const out: string[] = [];
  emit(doc as Json, '', out);
  return `${out.join('\n')}\n`;
}
