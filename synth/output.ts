import * as fs from 'node:fs';
import * as path from 'node:path';
import { SynthResult } from './synthesize';

/**
 * Writes each environment to `<outdir>/<env>/`, all or nothing: files go to a temporary folder
 * inside `outdir` (same file system, so renames are atomic), and each environment folder is swapped
 * in only once every environment has been written. If anything fails, the previous output is
 * restored exactly as it was.
 */
export function writeAtomically(outdir: string, results: readonly SynthResult[]): void {
  fs.mkdirSync(outdir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(outdir, '.synth-'));
  const swapped: Array<{ target: string; backup?: string }> = [];
  try {
    for (const r of results) {
      const dir = path.join(staging, r.environment);
      fs.mkdirSync(dir);
      for (const f of r.files) fs.writeFileSync(path.join(dir, f.name), f.content);
    }
    for (const r of results) {
      const target = path.join(outdir, r.environment);
      let backup: string | undefined;
      if (fs.existsSync(target)) {
        backup = path.join(staging, `.previous-${r.environment}`);
        fs.renameSync(target, backup);
      }
      swapped.push({ target, backup });
      fs.renameSync(path.join(staging, r.environment), target);
    }
  } catch (err) {
    // Put every swapped environment back as it was, newest first.
    for (const { target, backup } of swapped.reverse()) {
      if (fs.existsSync(target) && backup !== undefined && fs.existsSync(backup)) fs.rmSync(target, { recursive: true, force: true });
      if (backup !== undefined && fs.existsSync(backup)) fs.renameSync(backup, target);
    }
    throw err;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
