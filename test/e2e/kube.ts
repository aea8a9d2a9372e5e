/**
 * A small Kubernetes API client for the end-to-end suite (token auth over HTTPS to 127.0.0.1), the
 * kubectl wrapper, and deadline-bound waits that print what they saw when they time out.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';

export interface KubeResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; uid?: string; ownerReferences?: Array<{ kind: string; name: string }>; [k: string]: unknown };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface KubeList<T = KubeObject> {
  readonly items: T[];
}

/** Where a cluster's API server is and how to talk to it. */
export interface KubeEndpoint {
  readonly server: string;
  readonly token: string;
  readonly caFile: string;
  readonly kubeconfig: string;
}

export class KubeClient {
  private readonly ca: Buffer;
  private readonly url: URL;

  public constructor(public readonly endpoint: KubeEndpoint) {
    this.ca = fs.readFileSync(endpoint.caFile);
    this.url = new URL(endpoint.server);
  }

  /** One request; never throws on an HTTP error status (callers assert on it). */
  public request<T = unknown>(method: string, apiPath: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse<T>> {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request({
        host: this.url.hostname,
        port: this.url.port,
        method,
        path: apiPath,
        ca: this.ca,
        headers: {
          authorization: `Bearer ${this.endpoint.token}`,
          accept: 'application/json',
          ...(payload ? { 'content-type': contentType, 'content-length': payload.length } : {}),
        },
        timeout: 30_000,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch { /* plain text (healthz) */ }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${apiPath}: no answer in 30 s`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  public async get<T = KubeObject>(apiPath: string): Promise<T | undefined> {
    const r = await this.request<T>('GET', apiPath);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw new Error(`GET ${apiPath}: HTTP ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  public async list<T = KubeObject>(apiPath: string): Promise<T[]> {
    return (await this.get<KubeList<T>>(apiPath))?.items ?? [];
  }

  public async create(apiPath: string, obj: unknown): Promise<KubeObject> {
    const r = await this.request<KubeObject>('POST', apiPath, obj);
    if (r.status !== 201 && r.status !== 200) throw new Error(`POST ${apiPath}: HTTP ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

/** Thrown by a probe when waiting longer cannot help (a process exited): ends the wait at once. */
export class Fatal extends Error {}

/** Polls `probe` until it returns something other than undefined or false, or the deadline passes. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, explain?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      if (e instanceof Fatal) throw e;
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = explain ? await explain().catch((e: Error) => `(could not describe: ${e.message})`) : '';
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}${detail ? `\n${detail}` : ''}`);
    }
    await sleep(250);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CommandResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a binary of the toolchain; never throws on a non-zero exit (callers assert on it). */
export function runTool(bin: string, tool: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number } = {}): CommandResult {
  const r = spawnSync(path.join(bin, tool), args, {
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    timeout: opts.timeoutMs ?? 300_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${tool} ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** kubectl against one cluster. */
export function kubectl(bin: string, kubeconfig: string, args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): CommandResult {
  return runTool(bin, 'kubectl', ['--kubeconfig', kubeconfig, ...args], { ...opts, env: { KUBECONFIG: kubeconfig } });
}

/** The same, throwing with kubectl's own words on failure. */
export function kubectlOk(bin: string, kubeconfig: string, args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): string {
  const r = kubectl(bin, kubeconfig, args, opts);
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  return r.stdout;
}
