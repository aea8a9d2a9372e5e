/**
 * Builds the end-to-end toolchain (toolchain/pins.ts) from source through the Go module proxy into
 * `${XDG_CACHE_HOME:-~/.cache}/k8s-stack/toolchain/<key>/bin`, reusing whatever is already there.
 *
 * Modules whose go.mod replaces modules with folders of their own repository (Kubernetes' staging
 * modules, Pulumi's sdk, etcd's api and client) cannot be `go install`ed at a version. Each tool is
 * built from a small generated module that requires it and carries the same replacements, pointed at
 * the released versions of those modules.
 */
import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CRD_SOURCES, GO_TOOLS, GoTool, NOT_SERVED, PULUMI_PLUGINS, ToolName } from './pins';

/** Bumped when the way tools are built changes, so old caches are not mistaken for new ones. */
const RECIPE = 1;

/** Binaries each tool puts in bin/: a package's last path element, or the name given here. */
const BINARY_NAMES: Partial<Record<ToolName, Record<string, string>>> = {
  etcd: { '.': 'etcd' },
  'pulumi-resource-kubernetes': { '.': 'pulumi-resource-kubernetes' },
};

/** Suffix for a second build of a binary another tool also builds (the GKE-minor API server). */
const BINARY_SUFFIX: Partial<Record<ToolName, string>> = {
  'kubernetes-gke': `-${(GO_TOOLS['kubernetes-gke'].version.match(/^v(\d+\.\d+)/) ?? [])[1]}`,
};

export function binaryNames(name: ToolName): string[] {
  const tool: GoTool = GO_TOOLS[name];
  return tool.packages.map((p) => (BINARY_NAMES[name]?.[p] ?? path.posix.basename(p)) + (BINARY_SUFFIX[name] ?? ''));
}

let go: string | undefined;
/** The machine's Go version (part of the cache key), asked once per process. */
function goVersion(): string {
  go ??= execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } }).trim();
  return go;
}

/** The cache folder for exactly these pins, this recipe and this machine's Go. */
export function toolchainRoot(): string {
  const key = createHash('sha256').update(JSON.stringify({ RECIPE, GO_TOOLS, PULUMI_PLUGINS, go: goVersion(), arch: `${os.platform()}-${os.arch()}` })).digest('hex').slice(0, 12);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'k8s-stack', 'toolchain', key);
}

export const toolchainBin = (root = toolchainRoot()): string => path.join(root, 'bin');
/** PULUMI_HOME holding the plugins installed from bin/, so the engine never downloads one. */
export const pulumiHome = (root = toolchainRoot()): string => path.join(root, 'pulumi-home');

/** The tools whose binaries are missing from the cache. */
export function missingTools(root = toolchainRoot()): ToolName[] {
  return (Object.keys(GO_TOOLS) as ToolName[]).filter((t) => !fs.existsSync(path.join(root, 'stamps', `${t}.json`)) || binaryNames(t).some((b) => !fs.existsSync(path.join(toolchainBin(root), b))));
}

interface GoMod {
  readonly go: string;
  readonly require: Map<string, string>;
  /** `old => new`, as written (new is a path or `module version`). */
  readonly replace: Array<{ from: string; fromVersion?: string; to: string; toVersion?: string }>;
}

/** The directives of a go.mod this builder needs: go, require and replace (blocks and single lines). */
export function parseGoMod(text: string): GoMod {
  const require = new Map<string, string>();
  const replace: GoMod['replace'] = [];
  let go = '';
  let block: 'require' | 'replace' | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line) continue;
    if (block && line === ')') { block = undefined; continue; }
    let directive: string | undefined;
    let rest = line;
    if (!block) {
      const m = /^(go|require|replace)\s+(.*)$/.exec(line);
      if (!m) continue;
      if (m[2] === '(') { block = m[1] as 'require' | 'replace'; continue; }
      [directive, rest] = [m[1], m[2]];
    } else {
      directive = block;
    }
    if (directive === 'go') go = rest;
    else if (directive === 'require') {
      const [mod, ver] = rest.split(/\s+/);
      require.set(mod, ver);
    } else if (directive === 'replace') {
      const [left, right] = rest.split('=>').map((s) => s.trim().split(/\s+/));
      replace.push({ from: left[0], ...(left[1] ? { fromVersion: left[1] } : {}), to: right[0], ...(right[1] ? { toVersion: right[1] } : {}) });
    }
  }
  return { go, require, replace };
}

const isLocalPath = (p: string) => p.startsWith('./') || p.startsWith('../') || p.startsWith('/');
const isPlaceholder = (v: string | undefined) => v === undefined || /^v0\.0\.0(-00010101000000-000000000000)?$/.test(v);

/**
 * The go.mod of the generated module that builds `tool`: it requires the tool's module, and carries
 * its replacements, each local folder replaced by the released module it holds.
 */
export function generatedGoMod(name: string, tool: GoTool, upstream: GoMod): string {
  const lines = [`module k8s-stack.local/toolchain/${name}`, '', `go ${upstream.go}`, '', `require ${tool.module} ${tool.version}`, ''];
  const replaces: string[] = [];
  for (const r of upstream.replace) {
    const from = r.fromVersion ? `${r.from} ${r.fromVersion}` : r.from;
    if (!isLocalPath(r.to)) {
      replaces.push(`${from} => ${r.to}${r.toVersion ? ` ${r.toVersion}` : ''}`);
      continue;
    }
    // A folder replacement of a module the tool never requires only forbids that module.
    if (!upstream.require.has(r.from)) continue;
    const version = tool.localReplaceVersions?.[r.from] ?? (isPlaceholder(upstream.require.get(r.from)) ? tool.localReplaceVersions?.['*'] : upstream.require.get(r.from));
    if (!version) {
      throw new Error(`toolchain ${name}: ${tool.module} replaces ${r.from} with its folder ${r.to} and requires the placeholder ${upstream.require.get(r.from)}; add its released version to localReplaceVersions in toolchain/pins.ts`);
    }
    replaces.push(`${from} => ${r.from} ${version}`);
  }
  if (replaces.length) lines.push('replace (', ...replaces.map((r) => `\t${r}`), ')', '');
  return lines.join('\n');
}

/** The main package of pulumi-resource-kubernetes, which embeds a schema its release process versions. */
function pulumiKubernetesMain(moduleDir: string, dir: string, tool: GoTool): void {
  const version = (tool.release ?? tool.version).replace(/^v/, '');
  const cmd = path.join(moduleDir, 'cmd', 'pulumi-resource-kubernetes');
  const schema = JSON.parse(fs.readFileSync(path.join(cmd, 'schema.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(dir, 'schema-embed.json'), JSON.stringify({ ...schema, version }));
  fs.writeFileSync(path.join(dir, 'terraform-mapping-embed.json'), JSON.stringify(JSON.parse(fs.readFileSync(path.join(cmd, 'terraform-mapping.json'), 'utf8'))));
  fs.writeFileSync(path.join(dir, 'main.go'), [
    '// Generated by toolchain/build.ts: the provider\'s own main, with the schema versioned as its release does.',
    'package main',
    '',
    'import (',
    '\t_ "embed"',
    '',
    `\t"${tool.module}/pkg/provider"`,
    `\t"${tool.module}/pkg/version"`,
    ')',
    '',
    '//go:embed schema-embed.json',
    'var schema []byte',
    '',
    '//go:embed terraform-mapping-embed.json',
    'var mapping []byte',
    '',
    'func main() { provider.Serve("kubernetes", version.Version, schema, mapping) }',
    '',
  ].join('\n'));
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; log: string }): void {
  const fd = fs.openSync(opts.log, 'a');
  fs.writeSync(fd, `\n$ ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  if (r.status !== 0) {
    const tail = fs.readFileSync(opts.log, 'utf8').split('\n').slice(-25).join('\n');
    throw new Error(`${cmd} ${args.slice(0, 2).join(' ')} failed (exit ${r.status ?? r.signal}); last lines of ${opts.log}:\n${tail}`);
  }
}

function goEnv(tool: GoTool): NodeJS.ProcessEnv {
  return { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false', GOTOOLCHAIN: tool.goToolchain ?? 'local', GOWORK: 'off', CGO_ENABLED: '0' };
}

/** Builds one tool into bin/, atomically: the binaries appear only once all of them are built. */
function buildTool(root: string, name: ToolName): void {
  const tool: GoTool = GO_TOOLS[name];
  const dir = path.join(root, 'modules', name);
  const logs = path.join(root, 'logs');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(logs, { recursive: true });
  const log = path.join(logs, `${name}.log`);
  fs.writeFileSync(log, '');
  const env = goEnv(tool);

  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `${tool.module}@${tool.version}`], { cwd: dir, env, encoding: 'utf8' })) as { GoMod: string; Dir: string; Error?: string };
  if (info.Error) throw new Error(`toolchain ${name}: the module proxy did not serve ${tool.module}@${tool.version}: ${info.Error}`);
  fs.writeFileSync(path.join(dir, 'go.mod'), generatedGoMod(name, tool, parseGoMod(fs.readFileSync(info.GoMod, 'utf8'))));

  let packages = tool.packages.map((p) => (p === '.' ? tool.module : `${tool.module}/${p}`));
  if (tool.generatedMain === 'pulumi-resource-kubernetes') {
    pulumiKubernetesMain(info.Dir, dir, tool);
    packages = ['.'];
  }

  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  const ldflags = ['-s', '-w', ...Object.entries(tool.stamps ?? {}).map(([k, v]) => `-X=${k}=${v}`)].join(' ');
  const names = binaryNames(name);
  const target = packages.length === 1 ? path.join(out, names[0]) : `${out}/`;
  run('go', ['build', '-trimpath', ...(tool.tags?.length ? ['-tags', tool.tags.join(',')] : []), '-ldflags', ldflags, '-o', target, ...packages], { cwd: dir, env, log });

  const bin = toolchainBin(root);
  fs.mkdirSync(bin, { recursive: true });
  tool.packages.forEach((p, i) => {
    const built = packages.length === 1 ? path.join(out, names[0]) : path.join(out, path.posix.basename(p));
    fs.renameSync(built, path.join(bin, names[i]));
  });
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(root, 'stamps'), { recursive: true });
  fs.writeFileSync(path.join(root, 'stamps', `${name}.json`), JSON.stringify(tool, null, 2));
}

/** Where a CRD source's manifests go: its version is in the folder name (CRDs are not part of the cache key, so a new pin adds a folder instead of rebuilding the tools). */
const crdDir = (root: string, name: string, version: string): string => path.join(root, 'crds', `${name}@${version}`);

/** The CRD manifests of the toolchain. */
export const crdFiles = (root = toolchainRoot()): string[] => Object.entries(CRD_SOURCES).flatMap(([name, src]) => src.files.map((f) => path.join(crdDir(root, name, src.version), path.posix.basename(f))));

/** Copies the CRD manifests out of their modules into crds/<source>/ (a module download, no build). */
function fetchCrds(root: string): void {
  for (const [name, src] of Object.entries(CRD_SOURCES)) {
    const dir = crdDir(root, name, src.version);
    if (src.files.every((f) => fs.existsSync(path.join(dir, path.posix.basename(f))))) continue;
    fs.mkdirSync(root, { recursive: true });
    const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', `${src.module}@${src.version}`], { cwd: root, env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOWORK: 'off' }, encoding: 'utf8' })) as { Dir: string; Error?: string };
    if (info.Error) throw new Error(`toolchain: the module proxy did not serve ${src.module}@${src.version}: ${info.Error}`);
    const tmp = `${dir}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    for (const f of src.files) fs.copyFileSync(path.join(info.Dir, f), path.join(tmp, path.posix.basename(f)));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  }
}

/** Installs the Pulumi plugins from bin/ into the toolchain's PULUMI_HOME (no download). */
function installPlugins(root: string): void {
  const home = pulumiHome(root);
  for (const p of PULUMI_PLUGINS) {
    const installed = path.join(home, 'plugins', `${p.kind}-${p.name}-v${p.version}`, p.binary);
    if (fs.existsSync(installed)) continue;
    run(path.join(toolchainBin(root), 'pulumi'), ['plugin', 'install', p.kind, p.name, p.version, '--file', path.join(toolchainBin(root), p.binary)], {
      cwd: root,
      env: { ...process.env, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: 'true' },
      log: path.join(root, 'logs', 'plugins.log'),
    });
  }
}

/** Only one build per cache at a time; a lock left by a process that died is taken over. */
function lock(root: string): () => void {
  const file = path.join(root, 'build.lock');
  fs.mkdirSync(root, { recursive: true });
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch { /* not running */ }
    if (alive) throw new Error(`toolchain: another build (pid ${pid}) is writing ${root}; wait for it to finish`);
    fs.writeFileSync(file, String(process.pid));
  }
  return () => fs.rmSync(file, { force: true });
}

function duMegabytes(dir: string): number {
  const out = spawnSync('du', ['-sm', dir], { encoding: 'utf8' });
  return Number(out.stdout.split(/\s/)[0]);
}

/** Builds what is missing; returns the bin folder. */
export function ensureToolchain(log: (line: string) => void = (l) => console.error(l)): string {
  const root = toolchainRoot();
  const missing = missingTools(root);
  const pluginsMissing = PULUMI_PLUGINS.some((p) => !fs.existsSync(path.join(pulumiHome(root), 'plugins', `${p.kind}-${p.name}-v${p.version}`, p.binary)));
  const crdsMissing = crdFiles(root).some((f) => !fs.existsSync(f));
  if (missing.length === 0 && !pluginsMissing && !crdsMissing) return toolchainBin(root);
  const unlock = lock(root);
  try {
    const start = Date.now();
    for (const name of missingTools(root)) {
      const t0 = Date.now();
      log(`toolchain: building ${name} (${GO_TOOLS[name].module}@${GO_TOOLS[name].version}) ...`);
      buildTool(root, name);
      log(`toolchain: ${name} built in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${binaryNames(name).join(', ')}`);
    }
    installPlugins(root);
    fetchCrds(root);
    log(`toolchain: built in ${((Date.now() - start) / 1000).toFixed(0)} s; ${root} holds ${duMegabytes(root)} MB (the Go module and build caches, shared with other Go work, hold the rest)`);
  } finally {
    unlock();
  }
  return toolchainBin(root);
}

if (require.main === module) {
  try {
    const bin = ensureToolchain();
    for (const [tool, why] of Object.entries(NOT_SERVED)) console.error(`toolchain: not built: ${tool}: ${why}`);
    console.log(bin);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
