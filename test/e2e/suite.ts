import { GKE_REGULAR_VERSION } from '../../toolchain/pins';

/**
 * The step runner of the end-to-end suite: every step passes or fails loudly with its reason; a
 * step whose prerequisite failed is counted as failed, never skipped; phases are timed.
 */
export interface Outcome {
  readonly phase: string;
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly error?: string;
}

export class Suite {
  public readonly outcomes: Outcome[] = [];
  private readonly phaseSeconds = new Map<string, number>();
  private phase = 'setup';

  public begin(phase: string): void {
    this.phase = phase;
    console.log(`\n== ${phase}`);
  }

  /** Runs one step that produces something; returns it, or undefined when the step failed. */
  public async value<T>(name: string, fn: () => Promise<T> | T): Promise<T | undefined> {
    return (await this.run(name, fn)).value;
  }

  /** Runs one step; returns whether it passed. */
  public async step(name: string, fn: () => Promise<unknown> | unknown): Promise<boolean> {
    return (await this.run(name, fn)).ok;
  }

  private async run<T>(name: string, fn: () => Promise<T> | T): Promise<{ ok: boolean; value?: T }> {
    const t0 = Date.now();
    try {
      const value = await fn();
      this.record(name, true, t0);
      return { ok: true, value };
    } catch (e) {
      this.record(name, false, t0, (e as Error).message ?? String(e));
      return { ok: false };
    }
  }

  /** A step that cannot run because `because` failed: counted as failed. */
  public blocked(name: string, because: string): void {
    this.record(name, false, Date.now(), `not run: ${because}`);
  }

  /** Adds time spent outside steps (cluster start-up, teardown) to the current phase. */
  public time<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    return fn().finally(() => this.addTime((Date.now() - t0) / 1000));
  }

  private addTime(seconds: number): void {
    this.phaseSeconds.set(this.phase, (this.phaseSeconds.get(this.phase) ?? 0) + seconds);
  }

  private record(name: string, ok: boolean, t0: number, error?: string): void {
    const seconds = (Date.now() - t0) / 1000;
    this.addTime(seconds);
    this.outcomes.push({ phase: this.phase, name, ok, seconds, ...(error ? { error } : {}) });
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${seconds.toFixed(1)} s)`);
    if (error) console.log(error.split('\n').map((l) => `     ${l}`).join('\n'));
  }

  public get failed(): number {
    return this.outcomes.filter((o) => !o.ok).length;
  }

  /** The phase times and the closing line `e2e: N passed, M failed`. */
  public report(totalSeconds: number): void {
    console.log('\nphase times:');
    for (const [phase, s] of this.phaseSeconds) console.log(`  ${phase.padEnd(54)} ${s.toFixed(1).padStart(7)} s`);
    console.log(`  ${'total'.padEnd(54)} ${totalSeconds.toFixed(1).padStart(7)} s`);
    const failures = this.outcomes.filter((o) => !o.ok);
    if (failures.length) {
      console.log('\nfailed:');
      for (const f of failures) console.log(`  ${f.phase}: ${f.name}`);
    }
    console.log(`\ne2e: ${this.outcomes.length - failures.length} passed, ${failures.length} failed`);
  }
}

/** What every scenario gets. */
export interface E2eContext {
  readonly suite: Suite;
  /** The toolchain's bin folder. */
  readonly bin: string;
  /** The repository root (dist/ is under it). */
  readonly root: string;
  /** Leave clusters running at the end. */
  readonly keep: boolean;
}

/**
 * The clusters of this run. Names end in the run's pid, so runs on one machine (a developer's and
 * CI's) never share one, and a run can tell the leftovers of a run that died (test/e2e/run.ts).
 */
export const CLUSTERS = {
  validateOld: `e2e-validate-1.28-${process.pid}`,
  validateNew: `e2e-validate-${GKE_REGULAR_VERSION.split('.').slice(0, 2).join('.')}-${process.pid}`,
  converge: `e2e-converge-${process.pid}`,
  pulumi: `e2e-pulumi-${process.pid}`,
} as const;
