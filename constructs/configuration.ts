import { ApiObject } from 'cdk8s';
import { createHash } from 'node:crypto';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { claimName } from './lib/names';
import { invalid } from './lib/errors';
import { AppIdentity, standardLabels } from './lib/labels';
import { check, dns1123LabelProblem, dns1123SubdomainProblem } from './lib/validate';
import type { VolumeSpec } from './workload';

/** Something whose keys can be injected into a pod: a ConfigMap or a Secret. */
export interface ConfigSource {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  /** The keys it holds. */
  readonly keys: readonly string[];
  /** Changes whenever the content changes; it goes into the pod template so pods roll. */
  readonly contentHash: string;
  /** Internal: cdk8s-plus env values for `ENV: key` pairs. */
  envValues(scope: Construct, env: Record<string, string>): Record<string, kplus.EnvValue>;
  /** Internal: cdk8s-plus `envFrom` source. */
  envFrom(scope: Construct): kplus.EnvFrom;
  /** Internal: a pod volume holding every key as a file. */
  volume(volumeName: string): VolumeSpec;
}

/**
 * How a pod consumes a ConfigMap or Secret. Environment variables are read once at start (a change
 * needs new pods, which the content hash triggers); mounted files are also updated in place.
 */
export type ConfigInjection =
  | { readonly source: ConfigSource; readonly as: 'envFrom'; /** @default - every container */ readonly containers?: string[] }
  | { readonly source: ConfigSource; readonly as: 'env'; /** ENV_NAME → key */ readonly env: Record<string, string>; readonly containers?: string[] }
  | { readonly source: ConfigSource; readonly as: 'volume'; readonly volumeName: string; readonly mountPath: string; readonly containers?: string[] };

/** The combined hash of every injected source, or undefined when nothing is injected. */
export function injectionHash(injections: readonly ConfigInjection[]): string | undefined {
  if (injections.length === 0) return undefined;
  const h = createHash('sha256');
  const seen = new Set<string>();
  for (const inj of injections) {
    const id = `${inj.source.kind}/${inj.source.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    h.update(`${id}=${inj.source.contentHash};`);
  }
  return h.digest('hex').slice(0, 16);
}

function checkKeys(scope: Construct, source: ConfigSource, env: Record<string, string>): void {
  for (const [name, key] of Object.entries(env)) {
    if (!source.keys.includes(key)) {
      invalid(scope, `config.env["${name}"]`, key, `is not a key of ${source.kind} "${source.name}"`, `use one of: ${source.keys.join(', ') || '(it has no keys)'}`);
    }
  }
}

export interface AppConfigProps extends AppIdentity {
  /** ConfigMap name (RFC 1123 subdomain). Stable: no hash suffix; the hash goes on the pod template instead. */
  readonly configMapName: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** Literal entries (`kubectl create configmap --from-literal`). @default - none */
  readonly data?: Record<string, string>;
  /** File entries: key = file name, value = file content (`--from-file`). @default - none */
  readonly files?: Record<string, string>;
  /** Make the ConfigMap immutable (cheaper for the API server; a change needs a new name). @default false */
  readonly immutable?: boolean;
}

/**
 * A ConfigMap from literals and files, injectable as env, envFrom or a volume, whose content hash
 * rolls the pods of every workload it is injected into (what Kustomize's configMapGenerator gives,
 * without renaming the object).
 */
export class AppConfig extends Construct implements ConfigSource {
  public readonly kind = 'ConfigMap' as const;
  public readonly name: string;
  public readonly keys: readonly string[];
  public readonly contentHash: string;
  public readonly configMap: kplus.ConfigMap;

  public constructor(scope: Construct, id: string, props: AppConfigProps) {
    super(scope, id);
    check(this, 'configMapName', props.configMapName, dns1123SubdomainProblem(props.configMapName));
    const data = { ...props.data, ...props.files };
    for (const key of Object.keys(props.data ?? {})) {
      if (props.files?.[key] !== undefined) invalid(this, 'files', key, 'is also a literal key', 'use each key once');
    }
    for (const key of Object.keys(data)) {
      if (!/^[-._a-zA-Z0-9]+$/.test(key) || key.length > 253) invalid(this, 'data', key, 'is not a valid ConfigMap key', 'use letters, digits, "-", "_" and "."');
    }
    const size = Object.entries(data).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
    if (size > 1024 * 1024) invalid(this, 'data', `${size} bytes`, 'exceeds the 1 MiB a ConfigMap may hold', 'move large content into an image or a volume');
    this.name = props.configMapName;
    this.keys = Object.keys(data).sort();
    this.contentHash = createHash('sha256').update(JSON.stringify(this.keys.map((k) => [k, data[k]]))).digest('hex');
    this.configMap = new kplus.ConfigMap(this, 'Resource', {
      metadata: { name: props.configMapName, labels: standardLabels(props), ...(props.namespace ? { namespace: props.namespace } : {}) },
      data: Object.keys(data).length > 0 ? data : undefined,
      immutable: props.immutable ?? false,
    });
    claimName(this, ApiObject.of(this.configMap));
  }

  public envValues(scope: Construct, env: Record<string, string>): Record<string, kplus.EnvValue> {
    checkKeys(scope, this, env);
    return Object.fromEntries(Object.entries(env).map(([name, key]) => [name, kplus.EnvValue.fromConfigMap(this.configMap, key)]));
  }

  public envFrom(): kplus.EnvFrom {
    return kplus.Env.fromConfigMap(this.configMap);
  }

  public volume(volumeName: string): VolumeSpec {
    return { name: volumeName, type: 'configMap', configMapName: this.name };
  }
}

export interface SecretReferenceProps {
  /** Name of a Secret created at deploy time (by Pulumi, cert-manager, sealed-secrets...). */
  readonly secretName: string;
  /** The keys the Secret will hold; injections are checked against them. */
  readonly keys: string[];
  /**
   * A version that changes when the secret value changes (a rotation counter, or a hash the deploy
   * tool computes). It goes into the pod-template hash so that a rotation rolls the pods.
   * @default "1"
   */
  readonly version?: string;
}

/**
 * A Secret by reference: never its values. The object itself is created at deploy time, so no
 * secret material is ever written into synthesized YAML. It writes no object either, so it takes
 * two forms: `new SecretReference(scope, id, props)`, whose messages name the construct path, and
 * `new SecretReference(props)`, whose messages name the Secret.
 */
export class SecretReference extends Construct implements ConfigSource {
  public readonly kind = 'Secret' as const;
  public readonly name: string;
  public readonly keys: readonly string[];
  public readonly contentHash: string;
  /** Where messages say the problem is: the construct, or the Secret by name. */
  private readonly where: IConstruct | string;

  public constructor(props: SecretReferenceProps);
  public constructor(scope: Construct, id: string, props: SecretReferenceProps);
  public constructor(...args: [SecretReferenceProps] | [Construct, string, SecretReferenceProps]) {
    const [scope, id, props] = args.length === 3 ? args : [undefined, undefined, args[0]];
    const named = `secret ${JSON.stringify(props.secretName)}`;
    // Without a scope, a root of its own: nothing in a chart's tree, and messages name the Secret.
    super(scope as Construct, id ?? named);
    const where: IConstruct | string = scope ? this : named;
    this.where = where;
    check(where, 'secretName', props.secretName, dns1123SubdomainProblem(props.secretName));
    if (props.keys.length === 0) invalid(where, 'keys', props.keys, 'is empty', 'list the keys the Secret holds, e.g. ["password"]');
    this.name = props.secretName;
    this.keys = [...props.keys].sort();
    this.contentHash = createHash('sha256').update(`${this.keys.join(',')}@${props.version ?? '1'}`).digest('hex');
  }

  /** The reference as data, for JSON.stringify: what it was before SecretReference was a construct, never the construct tree. */
  public toJSON(): Record<string, unknown> {
    return { kind: this.kind, name: this.name, keys: this.keys, contentHash: this.contentHash };
  }

  public envValues(scope: Construct, env: Record<string, string>): Record<string, kplus.EnvValue> {
    checkKeys(scope, this, env);
    const secret = this.imported(scope);
    return Object.fromEntries(Object.entries(env).map(([name, key]) => [name, kplus.EnvValue.fromSecretValue({ secret, key })]));
  }

  public envFrom(scope: Construct): kplus.EnvFrom {
    return kplus.Env.fromSecret(this.imported(scope));
  }

  /** One imported handle per scope, however many containers use the Secret. */
  private imported(scope: Construct): kplus.ISecret {
    const id = `SecretRef-${this.name}`;
    return (scope.node.tryFindChild(id) as kplus.ISecret | undefined) ?? kplus.Secret.fromSecretName(scope, id, this.name);
  }

  public volume(volumeName: string): VolumeSpec {
    check(this.where, 'volumeName', volumeName, dns1123LabelProblem(volumeName));
    return { name: volumeName, type: 'secret', secretName: this.name };
  }
}
