import { ENVIRONMENTS, PROJECT, loadEnvironment } from '../environments';
import { writeAtomically } from '../synth/output';
import { SynthResult, synthesizeEnvironment } from '../synth/synthesize';
import { generatedServices } from './generated';

/**
 * The scale case: every environment with N generated web services added to the reference app,
 * through the same pipeline as `npm run synth` (build, policy, render, atomic write).
 * Usage: node --require tsx/cjs bench/scale.ts <services-per-environment> <outdir>
 */
const count = Number(process.argv[2] ?? 500);
const outdir = process.argv[3] ?? '.bench/scale';
const results: SynthResult[] = ENVIRONMENTS.map((env) => synthesizeEnvironment(PROJECT, loadEnvironment(env), generatedServices(count)));
writeAtomically(outdir, results);
process.stdout.write(`${results.reduce((n, r) => n + r.objects.length, 0)} objects\n`);
