import { PROJECT, loadEnvironment } from '../environments';
import { evaluate } from '../policy';
import { buildObjects, policyContext, toFiles } from '../synth/synthesize';
import { generatedServices } from './generated';

/**
 * Where the time goes for one environment (prod) with N generated services: constructing,
 * rendering (cdk8s resolve, patches, mappers), policy, and YAML. Prints one JSON line.
 * Usage: node --require tsx/cjs bench/phases.ts <services>
 */
const count = Number(process.argv[2] ?? 500);
const values = loadEnvironment('prod');
const extend = generatedServices(count);
const t0 = performance.now();
let constructed = 0;
const objects = buildObjects(PROJECT, values, (charts, v) => {
  extend(charts, v);
  constructed = performance.now();
});
const t1 = performance.now();
evaluate(objects, policyContext(PROJECT, values));
const t2 = performance.now();
toFiles(objects);
const t3 = performance.now();
const ms = (x: number) => Math.round(x);
process.stdout.write(`${JSON.stringify({ construct: ms(constructed - t0), render: ms(t1 - constructed), policy: ms(t2 - t1), yaml: ms(t3 - t2) })}\n`);
