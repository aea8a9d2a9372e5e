import * as pulumi from '@pulumi/pulumi';
import { show } from '../constructs/lib/errors';
import { dns1123SubdomainProblem } from '../constructs/lib/validate';
import type { EnvironmentValues } from '../environments';
import { MAX_AUTHORIZED_NETWORKS, authorizedNetworkProblem } from './networks';

/** The config namespace of this project (`name` in Pulumi.yaml). */
export const CONFIG_NAMESPACE = 'k8s-stack';

/**
 * Every key this program reads from the `k8s-stack` namespace, with the cluster kinds it applies
 * to and whether it must be set with `pulumi config set --secret`. Anything else in the namespace
 * is a typo and is refused.
 */
export const CONFIG_KEYS = {
  operatorEmail: { kinds: ['gke'], secret: false },
  authorizedNetworks: { kinds: ['gke'], secret: false },
  deletionProtection: { kinds: ['gke'], secret: false },
  kubeContext: { kinds: ['minikube'], secret: false },
  nodeNames: { kinds: ['minikube'], secret: false },
  tlsCert: { kinds: ['minikube', 'gke'], secret: true },
  tlsKey: { kinds: ['minikube', 'gke'], secret: true },
  dbPassword: { kinds: ['minikube', 'gke'], secret: true },
  grafanaAdminPassword: { kinds: ['minikube', 'gke'], secret: true },
  redisPassword: { kinds: ['minikube', 'gke'], secret: true },
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** The smallest database password accepted from config; the generated one is 32 characters. */
export const MIN_DB_PASSWORD_LENGTH = 16;

/** What differs per deployment of a stack; everything else comes from the environment values. */
export interface StackConfig {
  /** `gcp:project`: the project the GKE stacks deploy into. */
  readonly gcpProject?: string;
  /** The operator bound to cluster-admin (the notes' `iam-cluster-admin-binding`). */
  readonly operatorEmail?: string;
  /** CIDRs allowed to reach the GKE control plane. */
  readonly authorizedNetworks: readonly string[];
  /** GKE deletion protection. @default - on in production environments */
  readonly deletionProtection: boolean;
  /** An existing kubeconfig context to deploy into instead of starting minikube. */
  readonly kubeContext?: string;
  /** The nodes of `kubeContext`, control-plane node first. @default - minikube's names for the context */
  readonly nodeNames?: readonly string[];
  /**
   * Certificate and key, as Pulumi secrets: the `secret-config` TLS source, or one's own instead of
   * the generated certificate of the `self-signed` source.
   */
  readonly tls?: { readonly cert: pulumi.Output<string>; readonly key: pulumi.Output<string> };
  /** The database password, as a Pulumi secret. @default - generated */
  readonly dbPassword?: pulumi.Output<string>;
  /** Grafana's admin password (monitoring), as a Pulumi secret. @default - generated */
  readonly grafanaAdminPassword?: pulumi.Output<string>;
  /** The tasks app's Redis password, as a Pulumi secret. @default - generated */
  readonly redisPassword?: pulumi.Output<string>;
}

/** The raw configuration of a stack: `namespace:key` to the string Pulumi holds, and which keys are secret. */
export interface RawConfig {
  readonly values: Readonly<Record<string, string>>;
  readonly secretKeys: ReadonlySet<string>;
}

/** Stack configuration that cannot be used; the message says which key, why, and the command that fixes it. */
export class StackConfigError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'StackConfigError';
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;
const PRIVATE_KEY_PEM = /-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+-----END (RSA |EC )?PRIVATE KEY-----/;

/**
 * Validates the raw configuration of the stack of environment `env` and returns what the program
 * uses. Every problem is reported at once, before any resource is declared. Secret values are
 * never echoed in a message.
 */
export function parseStackConfig(env: EnvironmentValues, raw: RawConfig): StackConfig {
  const kind = env.cluster.kind;
  const stack = env.name;
  const problems: string[] = [];
  const fail = (key: string, value: string, problem: string, fix: string) => problems.push(`stack "${stack}": ${[key, value, problem].filter(Boolean).join(' ')}; ${fix}`);
  const full = (key: ConfigKey) => `${CONFIG_NAMESPACE}:${key}`;
  const has = (key: ConfigKey) => raw.values[full(key)] !== undefined;

  for (const fullKey of Object.keys(raw.values).sort()) {
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const key = fullKey.slice(CONFIG_NAMESPACE.length + 1);
    const spec = (CONFIG_KEYS as Record<string, { kinds: readonly string[]; secret: boolean }>)[key];
    if (!spec) {
      fail(fullKey, '', 'is not a setting of this program', `remove it with "pulumi config rm ${fullKey}"; known keys: ${Object.keys(CONFIG_KEYS).map((k) => `${CONFIG_NAMESPACE}:${k}`).join(', ')}`);
    } else if (!spec.kinds.includes(kind)) {
      fail(fullKey, '', `does not apply to a ${kind} cluster`, `remove it with "pulumi config rm ${fullKey}"`);
    } else if (spec.secret && !raw.secretKeys.has(fullKey)) {
      fail(fullKey, '(value not shown)', 'is stored in plain text in the stack file', `set it again with "pulumi config set --secret ${fullKey} ..." (and rotate it: it may be in git history)`);
    }
  }

  const text = (key: ConfigKey) => raw.values[full(key)];
  const json = (key: ConfigKey): unknown => {
    const v = text(key);
    if (v === undefined) return undefined;
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  };

  // GKE: project, operator and the networks that may reach the control plane are required.
  const gcpProject = raw.values['gcp:project'];
  let operatorEmail: string | undefined;
  let authorizedNetworks: string[] = [];
  if (kind === 'gke') {
    if (gcpProject === undefined) {
      fail('gcp:project', '(unset)', 'is required for a GKE stack', 'run "pulumi config set gcp:project <project-id>"');
    } else if (!GCP_PROJECT.test(gcpProject)) {
      fail('gcp:project', show(gcpProject), 'is not a GCP project id', 'use the project id (6-30 lower-case letters, digits, "-"), not its name or number');
    }
    operatorEmail = text('operatorEmail');
    if (operatorEmail === undefined) {
      fail(full('operatorEmail'), '(unset)', 'is required for a GKE stack (the operator bound to cluster-admin)', `run "pulumi config set ${full('operatorEmail')} you@example.com"`);
    } else if (!EMAIL.test(operatorEmail)) {
      fail(full('operatorEmail'), show(operatorEmail), 'is not an e-mail address', 'use the Google account the operator signs in to gcloud with');
    }
    const nets = json('authorizedNetworks');
    const fix = `run "pulumi config set --path '${full('authorizedNetworks')}[0]' 203.0.113.0/24" with your own range`;
    if (nets === undefined) {
      fail(full('authorizedNetworks'), '(unset)', 'is required for a GKE stack: the control plane only accepts listed ranges', fix);
    } else if (!Array.isArray(nets) || nets.length === 0) {
      fail(full('authorizedNetworks'), show(nets), 'is not a non-empty list of CIDRs', fix);
    } else if (nets.length > MAX_AUTHORIZED_NETWORKS) {
      fail(full('authorizedNetworks'), `(${nets.length} entries)`, `has more than the ${MAX_AUTHORIZED_NETWORKS} ranges GKE accepts`, 'merge adjacent ranges');
    } else {
      nets.forEach((n, i) => {
        const p = authorizedNetworkProblem(n);
        if (p) fail(`${full('authorizedNetworks')}[${i}]`, show(n), p.problem, p.fix);
      });
      authorizedNetworks = nets as string[];
    }
  }

  let deletionProtection = env.production;
  const dp = json('deletionProtection');
  if (dp !== undefined) {
    if (typeof dp !== 'boolean') fail(full('deletionProtection'), show(text('deletionProtection')), 'is not true or false', `run "pulumi config set ${full('deletionProtection')} false" (only to tear the cluster down)`);
    else deletionProtection = dp;
  }

  // minikube: an existing context, optionally with its node names.
  const kubeContext = text('kubeContext');
  if (kubeContext !== undefined && kubeContext.trim() === '') fail(full('kubeContext'), show(kubeContext), 'is empty', 'name a context from "kubectl config get-contexts", or remove the key to start minikube');
  let nodeNames: string[] | undefined;
  const nn = json('nodeNames');
  if (nn !== undefined) {
    if (kubeContext === undefined) {
      fail(full('nodeNames'), show(nn), 'is set without k8s-stack:kubeContext', 'the nodes of a minikube profile this program starts are known; remove it');
    } else if (!Array.isArray(nn) || nn.length === 0) {
      fail(full('nodeNames'), show(nn), 'is not a non-empty list of node names', `run "pulumi config set --path '${full('nodeNames')}[0]' <node>" for each node, control-plane node first`);
    } else {
      nn.forEach((n, i) => {
        const p = typeof n === 'string' ? dns1123SubdomainProblem(n) : { problem: 'is not a string', fix: 'use the names "kubectl get nodes" prints' };
        if (p) fail(`${full('nodeNames')}[${i}]`, show(n), p.problem, p.fix);
      });
      nodeNames = nn as string[];
    }
  }

  // TLS from secret config: both halves, PEM-encoded. Required when the environment's source is
  // secret-config; optional for self-signed, where a certificate of one's own (an existing cluster
  // with its own CA, or one where the tls provider cannot be installed) replaces the generated one.
  let tls: StackConfig['tls'];
  // The shop's certificate: the only app with TLS of its own.
  const source = env.apps.includes('shop') ? env.shop.ingress.tls.source : 'none';
  const cert = text('tlsCert');
  const key = text('tlsKey');
  const pemFix = (k: string) => `run "pulumi config set --secret ${full(k as ConfigKey)} < ${k === 'tlsCert' ? 'tls.crt' : 'tls.key'}"`;
  if (source === 'secret-config' || (source === 'self-signed' && (cert !== undefined || key !== undefined))) {
    for (const [k, v, pem, what] of [['tlsCert', cert, CERTIFICATE_PEM, 'a PEM certificate (-----BEGIN CERTIFICATE-----)'], ['tlsKey', key, PRIVATE_KEY_PEM, 'a PEM private key (-----BEGIN PRIVATE KEY-----)']] as const) {
      if (v === undefined) {
        if (source === 'secret-config') fail(full(k), '(unset)', 'is required: the environment\'s TLS source is secret-config', pemFix(k));
        else fail(full(k), '(unset)', `is required with ${full(k === 'tlsCert' ? 'tlsKey' : 'tlsCert')}: a certificate of one's own replaces the self-signed one only with both halves`, `${pemFix(k)}, or remove both to have one generated`);
      } else if (!pem.test(v)) fail(full(k), '(value not shown)', `is not ${what}`, pemFix(k));
    }
    if (cert !== undefined && key !== undefined) tls = { cert: pulumi.secret(cert), key: pulumi.secret(key) };
  } else if (source !== 'self-signed') {
    for (const k of ['tlsCert', 'tlsKey'] as const) {
      if (has(k)) fail(full(k), '(value not shown)', `is not used: the environment's TLS source is ${source}`, `remove it with "pulumi config rm ${full(k)}"`);
    }
  }

  let dbPassword: pulumi.Output<string> | undefined;
  const pw = text('dbPassword');
  if (pw !== undefined) {
    if (pw.length < MIN_DB_PASSWORD_LENGTH) fail(full('dbPassword'), '(value not shown)', `is shorter than ${MIN_DB_PASSWORD_LENGTH} characters`, `use a longer one, or remove the key to have one generated`);
    else dbPassword = pulumi.secret(pw);
  }

  let grafanaAdminPassword: pulumi.Output<string> | undefined;
  const gpw = text('grafanaAdminPassword');
  if (gpw !== undefined) {
    if (!env.monitoring.enabled) fail(full('grafanaAdminPassword'), '(value not shown)', 'is not used: monitoring is off in this environment', `remove it with "pulumi config rm ${full('grafanaAdminPassword')}", or turn monitoring on`);
    else if (gpw.length < MIN_DB_PASSWORD_LENGTH) fail(full('grafanaAdminPassword'), '(value not shown)', `is shorter than ${MIN_DB_PASSWORD_LENGTH} characters`, 'use a longer one, or remove the key to have one generated');
    else grafanaAdminPassword = pulumi.secret(gpw);
  }

  let redisPassword: pulumi.Output<string> | undefined;
  const rpw = text('redisPassword');
  if (rpw !== undefined) {
    if (!env.apps.includes('tasks')) fail(full('redisPassword'), '(value not shown)', 'is not used: this environment does not run the tasks app', `remove it with "pulumi config rm ${full('redisPassword')}"`);
    else if (rpw.length < MIN_DB_PASSWORD_LENGTH) fail(full('redisPassword'), '(value not shown)', `is shorter than ${MIN_DB_PASSWORD_LENGTH} characters`, 'use a longer one, or remove the key to have one generated');
    else redisPassword = pulumi.secret(rpw);
  }

  if (problems.length > 0) throw new StackConfigError(problems.join('\n'));
  return {
    ...(kind === 'gke' ? { gcpProject } : {}),
    ...(operatorEmail !== undefined ? { operatorEmail } : {}),
    authorizedNetworks,
    deletionProtection,
    ...(kubeContext !== undefined ? { kubeContext } : {}),
    ...(nodeNames !== undefined ? { nodeNames } : {}),
    ...(tls ? { tls } : {}),
    ...(dbPassword ? { dbPassword } : {}),
    ...(grafanaAdminPassword ? { grafanaAdminPassword } : {}),
    ...(redisPassword ? { redisPassword } : {}),
  };
}

/**
 * Which config keys the engine marked secret. The SDK keeps this test internal, so it is read
 * defensively: should a future SDK drop it, no key counts as secret and every secret key is refused
 * (failing closed); test/infra-config.test.ts exercises it against the pinned SDK.
 */
function configSecretKeys(): Set<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const internal = require('@pulumi/pulumi/runtime/config') as { isConfigSecret?: (k: string) => boolean };
  const all = Object.keys(pulumi.runtime.allConfig());
  return new Set(typeof internal.isConfigSecret === 'function' ? all.filter((k) => internal.isConfigSecret!(k)) : []);
}

/** The validated configuration of the running stack. */
export function readStackConfig(env: EnvironmentValues): StackConfig {
  return parseStackConfig(env, { values: pulumi.runtime.allConfig(), secretKeys: configSecretKeys() });
}
