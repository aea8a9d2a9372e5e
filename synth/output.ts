import fs from 'node:fs';
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
  // What has been done to each target so far, so that a failure at any step can be undone.
  const steps: Array<{ target: string; backup?: string; swappedIn: boolean }> = [];
  let keepStaging = false;
  try {
    for (const r of results) {
      const dir = path.join(staging, r.environment);
      fs.mkdirSync(dir);
      for (const f of r.files) fs.writeFileSync(path.join(dir, f.name), f.content);
    }
    for (const r of results) {
      const step: (typeof steps)[number] = { target: path.join(outdir, r.environment), swappedIn: false };
      steps.push(step);
      if (fs.existsSync(step.target)) {
        const backup = path.join(staging, `.previous-${r.environment}`);
        fs.renameSync(step.target, backup);
        step.backup = backup;
      }
      fs.renameSync(path.join(staging, r.environment), step.target);
      step.swappedIn = true;
    }
  } catch (err) {
    // Undo newest first: take out what was swapped in, then put the previous folder back. Every
    // step is tried; one that cannot be undone keeps its previous output in the temporary folder.
    const stuck: string[] = [];
    for (const step of steps.reverse()) {
      try {
        if (step.swappedIn) fs.rmSync(step.target, { recursive: true, force: true });
        if (step.backup !== undefined) fs.renameSync(step.backup, step.target);
      } catch {
        if (step.backup !== undefined) stuck.push(`${step.target} (previous output kept in ${step.backup})`);
      }
    }
    if (stuck.length > 0) {
      keepStaging = true;
      throw new Error(`${(err as Error).message}; could not restore ${stuck.join(', ')}`);
    }
    throw err;
  } finally {
    if (!keepStaging) fs.rmSync(staging, { recursive: true, force: true });
  }
}
