import { parseAllDocuments, parse } from 'yaml';
import { ENVIRONMENTS, loadEnvironment, PROJECT } from '../environments';
import { synthesizeEnvironment } from '../synth/synthesize';
import { toYaml } from '../synth/yaml';

describe('YAML emitter', () => {
  it.each(ENVIRONMENTS)('writes %s so that it reads back as exactly the synthesized objects', (env) => {
    const r = synthesizeEnvironment(PROJECT, loadEnvironment(env));
    const read = r.files.filter((f) => f.name.endsWith('.yaml')).flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJSON()));
    expect(read).toHaveLength(r.objects.length);
    expect(new Set(read.map((o) => JSON.stringify(o)))).toEqual(new Set(r.objects.map((o) => JSON.stringify(o))));
  });

  const tricky = [
    '', ' leading', 'trailing ', 'yes', 'No', 'on', 'OFF', 'y', 'n', 'null', '~', 'true', '1', '1.5', '-1', '1e3', '0x1F', '0o17', '017', '.inf', '-.NaN',
    '1:30', '2024-01-01', '=', '<<', '-', '- a', '-c', '--level=info', '?', '? x', ':', ':8080', 'a: b', 'a #b', 'a#b', 'key:', '#comment', '&anchor', '*alias',
    '!tag', '|', '>', "'single'", '"double"', '%', '@at', '`tick`', '{a}', '[a]', 'a,b', 'tab\there', 'bell\u0007', 'line1\nline2\n', 'no newline\nat end',
    'two newlines\n\n', '  indented\nblock\n', 'windows\r\nline\n', 'unicode ✓ 日本語', '\u2028', 'nginx:1.27.3-alpine', 'app.kubernetes.io/name', '25%', '100m', '10Gi',
  ];

  it.each(tricky.map((s) => [JSON.stringify(s), s]))('round-trips the string %s', (_, s) => {
    const doc = { key: s, list: [s, { nested: s }], [s || 'empty']: 1 };
    expect(parse(toYaml(doc))).toEqual(doc);
  });

  it('quotes every scalar a YAML 1.1 reader (kubectl) would read as a non-string', () => {
    for (const s of ['yes', 'no', 'on', 'off', 'y', 'n', '1:30', '2024-01-01', '1_000', '0b101', '=']) {
      expect(toYaml({ v: s })).toBe(`v: ${JSON.stringify(s)}\n`);
    }
  });

  it('writes numbers, booleans, null and empty collections as YAML does', () => {
    expect(toYaml({ a: 1, b: true, c: null, d: {}, e: [], f: [[1, 2], []] })).toBe('a: 1\nb: true\nc: null\nd: {}\ne: []\nf:\n  - - 1\n    - 2\n  - []\n');
  });

  it('writes multi-line text as a literal block', () => {
    expect(toYaml({ conf: 'a\n  b\n' })).toBe('conf: |\n  a\n    b\n');
    expect(toYaml({ conf: 'a\nb' })).toBe('conf: |-\n  a\n  b\n');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => toYaml({ n: Number.NaN })).toThrow('cannot write NaN as YAML');
  });
});
