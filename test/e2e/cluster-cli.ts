/**
 * `npm run cluster -- up <env> [--name <n>] [--bare-nodes] [--api-only] [--api-server <binary>]`
 * starts a local control plane shaped like the environment and prints its kubeconfig path as the
 * last line; `npm run cluster -- down [--name <n>]` stops exactly what `up` started and removes its
 * data. See test/e2e/cluster.ts.
 */
import { ENVIRONMENTS, loadEnvironment } from '../../environments';
import { ensureToolchain } from '../../toolchain/build';
import { down, readState, up } from './cluster';

const USAGE = 'usage: npm run cluster -- up <env> [--name <name>] [--bare-nodes] [--api-only] [--api-server <binary>] | down [--name <name>] | status [--name <name>]';

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--bare-nodes' || a === '--api-only') flags.set(a, true);
    else if (a === '--name' || a === '--api-server') {
      if (rest[i + 1] === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      flags.set(a, rest[++i]);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else positional.push(a);
  }
  const name = (flags.get('--name') as string | undefined) ?? 'k8s-stack';

  if (command === 'up') {
    if (positional.length !== 1) throw new Error(`name one environment (${ENVIRONMENTS.join(', ')})\n${USAGE}`);
    const environment = loadEnvironment(positional[0]);
    const bin = ensureToolchain();
    const t0 = Date.now();
    const state = await up({
      name, bin, environment,
      mode: flags.has('--api-only') ? 'api' : 'full',
      bareNodes: flags.has('--bare-nodes'),
      ...(flags.has('--api-server') ? { apiServer: flags.get('--api-server') as string } : {}),
    });
    console.error(`cluster ${name}: ${state.apiServer} at ${state.server}, ${state.nodes.length} nodes (${state.nodes.join(', ')}), up in ${((Date.now() - t0) / 1000).toFixed(1)} s; stop it with "npm run cluster -- down${name === 'k8s-stack' ? '' : ` --name ${name}`}"`);
    console.log(state.kubeconfig);
  } else if (command === 'down') {
    const existed = await down(name);
    console.error(existed ? `cluster ${name}: stopped and removed` : `cluster ${name}: not running`);
  } else if (command === 'status') {
    const state = readState(name);
    if (!state) throw new Error(`cluster ${name}: not running`);
    console.log(JSON.stringify({ ...state, token: '(hidden)' }, null, 2));
  } else {
    throw new Error(USAGE);
  }
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
