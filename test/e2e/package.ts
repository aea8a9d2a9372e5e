/**
 * The library as another team uses it: `npm pack` here, a project of its own in a temporary folder
 * outside this repository that installs the tarball, defines one app and two environments in
 * TypeScript against the package's types, compiles them with tsc, and runs the compiled command
 * line. It must get what the shop gets: layered, labelled output, the policy engine, and the
 * messages with the path, the value and the fix.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './kube';
import { E2eContext } from './suite';

/**
 * The project's three files, taken from the README's "Use it in your own repository" block (split
 * at its `// <file>.ts:` comments), so the README shows exactly what is tested.
 */
export function readmeProject(readme: string): Record<string, string> {
  const start = readme.indexOf('## Use it in your own repository');
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start))?.[1];
  if (start < 0 || !block) throw new Error('README.md has no "Use it in your own repository" section with a ts block');
  const files: Record<string, string> = {};
  let current: string | undefined;
  for (const line of block.split('\n')) {
    const m = /^\/\/ ([a-z-]+\.ts): /.exec(line);
    if (m) current = m[1];
    if (current) files[current] = `${files[current] ?? ''}${line}\n`;
  }
  for (const f of ['app.ts', 'environments.ts', 'synth.ts']) if (!files[f]) throw new Error(`the README's project has no ${f}`);
  return files;
}

const TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node', strict: true, esModuleInterop: true, skipLibCheck: false, outDir: 'out', types: ['node'] },
  files: ['app.ts', 'environments.ts', 'synth.ts'],
}, null, 2);

function run(cmd: string, args: string[], cwd: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function must(r: { status: number; stdout: string; stderr: string }, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}:\n${(r.stderr || r.stdout).trim().slice(-3000)}`);
  return r.stdout;
}

const readFolder = (dir: string): KubeObject[] => fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
  .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON() as KubeObject));

export async function packageScenario(ctx: E2eContext): Promise<void> {
  const { suite, root } = ctx;
  suite.begin('the library as a package, in a project of its own');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-package-'));
  const project = path.join(work, 'project');
  try {
    const tarball = await suite.value('npm pack builds the library to JavaScript with type declarations', () => {
      // The repository's .npmrc runs no lifecycle scripts, so the build is its own step, as the README says.
      must(run('npm', ['run', 'build'], root), 'npm run build');
      const out = must(run('npm', ['pack', '--pack-destination', work, '--json'], root), 'npm pack');
      const [info] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const files = info.files.map((f) => f.path);
      for (const f of ['lib/index.js', 'lib/index.d.ts', 'lib/constructs/web-service.d.ts', 'lib/synth/command.js', 'package.json', 'README.md']) {
        if (!files.includes(f)) throw new Error(`the tarball lacks ${f}`);
      }
      const leaked = files.filter((f) => /^(charts\/(shop|tasks)|infra\/|test\/|environments\/(dev|prod|staging|base|index))|\.ts$/.test(f) && !f.endsWith('.d.ts'));
      if (leaked.length) throw new Error(`the tarball holds what is not the library: ${leaked.join(', ')}`);
      console.log(`     ${info.filename}: ${files.length} files`);
      return path.join(work, info.filename);
    });
    if (!tarball) {
      suite.blocked('a project outside the repository installs the tarball and synthesizes its own app', 'npm pack failed');
      return;
    }
    const installed = await suite.step('a project outside the repository installs the tarball (and only its runtime dependencies)', () => {
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'greeter-deploy', version: '1.0.0', private: true }, null, 2));
      // A Node.js project in TypeScript: the package, and the Node.js types its own command line uses.
      must(run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, '@types/node@20'], project), 'npm install <tarball>');
      const pkg = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'k8s-stack', 'package.json'), 'utf8')) as { main: string };
      if (pkg.main !== 'lib/index.js') throw new Error(`installed package main is ${pkg.main}`);
      if (fs.existsSync(path.join(project, 'node_modules', '@pulumi'))) throw new Error('installing the library pulled in Pulumi: it is not a runtime dependency of the constructs');
    });
    if (!installed) {
      suite.blocked('its own app type-checks and synthesizes', 'the tarball did not install');
      return;
    }
    const compiled = await suite.step('the README\'s project (its own app, two environments) type-checks against the package\'s declarations and compiles (tsc, no tsx)', () => {
      for (const [file, text] of Object.entries(readmeProject(fs.readFileSync(path.join(root, 'README.md'), 'utf8')))) fs.writeFileSync(path.join(project, file), text);
      fs.writeFileSync(path.join(project, 'tsconfig.json'), TSCONFIG);
      must(run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project), 'tsc');
      // A type error is caught: the declarations are real, not `any`.
      fs.writeFileSync(path.join(project, 'wrong.ts'), `import { WebService } from 'k8s-stack';\nexport const x: WebService = 42;\n`);
      const wrong = run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--esModuleInterop', '--moduleResolution', 'node', '--types', 'node', 'wrong.ts'], project);
      fs.rmSync(path.join(project, 'wrong.ts'));
      if (wrong.status === 0 || !/Type 'number' is not assignable to type 'WebService'/.test(wrong.stdout)) throw new Error(`a type error in the consumer was not reported:\n${wrong.stdout}`);
    });
    if (!compiled) {
      suite.blocked('the compiled command line synthesizes', 'the project did not compile');
      return;
    }
    const synth = (...args: string[]) => run(process.execPath, ['out/synth.js', ...args], project);
    await suite.step('the compiled command line writes both environments as numbered layers, every object labelled with its app', () => {
      must(synth('--outdir', 'dist'), 'node out/synth.js');
      for (const env of ['test', 'live']) {
        const dir = path.join(project, 'dist', env);
        const files = fs.readdirSync(dir).sort();
        if (files[0] !== '00-namespaces.yaml' || !files.includes('Kustomization') || !files.includes('prune-flags')) throw new Error(`dist/${env} holds ${files.join(', ')}`);
        const objects = readFolder(dir);
        const unlabelled = objects.filter((o) => !['greeter', 'platform'].includes(o.metadata.labels?.['app.kubernetes.io/part-of'] ?? '') || o.metadata.labels?.['k8s-stack.io/environment'] !== env);
        if (unlabelled.length) throw new Error(`unlabelled: ${unlabelled.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
        if (!objects.some((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny')) throw new Error('no default-deny policy');
      }
      const hpaless = readFolder(path.join(project, 'dist', 'live')).find((o) => o.kind === 'Deployment');
      if ((hpaless?.spec as { replicas?: number }).replicas !== 3) throw new Error('live did not take its own replicas');
    });
    await suite.step('bad values get the messages the shop gets: the path, the value, the fix, a did-you-mean, and nothing written', () => {
      const before = fs.readdirSync(path.join(project, 'dist', 'test'));
      const typo = synth('test', '--outdir', 'dist', '--set', 'greeter.replicaz=3');
      if (typo.status !== 1 || !typo.stderr.includes('--set path "greeter.replicaz" (value 3) is not a known setting; did you mean "greeter.replicas"?')) throw new Error(`typo: ${typo.stderr}`);
      const value = synth('test', '--outdir', 'dist', '--set', 'greeter.replicas=0');
      if (value.status !== 1 || !value.stderr.includes('environment "test": greeter.replicas 0 is below the minimum 1; use 1 or more')) throw new Error(`value: ${value.stderr}`);
      const registry = synth('test', '--outdir', 'dist', '--set', 'greeter.image.repository=quay.io/podinfo');
      if (registry.status !== 1 || !/image-registry-allowed/.test(registry.stderr) || !registry.stderr.includes('nothing was written')) throw new Error(`policy: ${registry.stderr}`);
      if (JSON.stringify(fs.readdirSync(path.join(project, 'dist', 'test'))) !== JSON.stringify(before)) throw new Error('a refused run changed the output');
      console.log(`     ${registry.stderr.split('\n').find((l) => l.includes('image-registry-allowed'))?.trim().slice(0, 160)}`);
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
