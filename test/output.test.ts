import fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAtomically } from '../synth/output';
import { SynthResult } from '../synth/synthesize';

const result = (environment: string, content: string): SynthResult => ({ environment, objects: [], waived: [], files: [{ name: '00-a.yaml', content }] });

/** Every file below a folder with its content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('writeAtomically', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'output-'));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  it('replaces each environment folder and leaves no temporary folder behind', () => {
    writeAtomically(outdir, [result('dev', 'old dev'), result('prod', 'old prod')]);
    writeAtomically(outdir, [result('dev', 'new dev')]);
    expect(tree(outdir)).toEqual({ 'dev/00-a.yaml': 'new dev', 'prod/00-a.yaml': 'old prod' });
  });

  it('restores the previous output exactly when a swap fails midway, including folders that did not exist', () => {
    writeAtomically(outdir, [result('staging', 'old staging'), result('prod', 'old prod')]);
    const before = tree(outdir);
    const rename = fs.renameSync;
    // The swap of the third environment fails after dev (new) and staging (replaced) went in.
    let failed = false;
    jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (!failed && String(from).includes('.synth-') && String(to) === path.join(outdir, 'prod')) {
        failed = true;
        throw new Error('disk full');
      }
      return rename(from, to);
    });
    expect(() => writeAtomically(outdir, [result('dev', 'new dev'), result('staging', 'new staging'), result('prod', 'new prod')])).toThrow('disk full');
    jest.restoreAllMocks();
    expect(tree(outdir)).toEqual(before);
    expect(fs.readdirSync(outdir).sort()).toEqual(['prod', 'staging']);
  });
});
