import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import * as tls from '@pulumi/tls';

/** Where the Ingress certificate comes from (`ingress.tls.source` of the environment). */
export type TlsSecretSource =
  /** A self-signed certificate for `host`, generated and kept in Pulumi state (dev). */
  | { readonly source: 'self-signed'; readonly secretName: string; readonly host: string }
  /** A certificate and key from secret stack config. */
  | { readonly source: 'secret-config'; readonly secretName: string; readonly cert: pulumi.Output<string>; readonly key: pulumi.Output<string> }
  /** cert-manager issues it into the Secret from the Ingress annotation; nothing is created here. */
  | { readonly source: 'cert-manager' }
  /** Google Certificate Manager holds it for the GKE Gateway (gke-edge.ts); no Secret at all. */
  | { readonly source: 'google-managed' };

/** The keys of the database credentials Secret, as the chart reads them. */
export const DB_CREDENTIAL_KEYS = ['username', 'password', 'database'] as const;

/** Validity of the self-signed certificate (the notes' `openssl req -days 365`). */
export const SELF_SIGNED_VALIDITY_HOURS = 365 * 24;

export interface AppSecretsArgs {
  /** The application namespace the Secrets go to. */
  readonly namespace: string;
  /** Application name: the part-of label of the Secrets. */
  readonly app: string;
  /** The Ingress certificate. @default - none (the app serves no TLS of its own) */
  readonly tls?: TlsSecretSource;
  /**
   * The credentials Secret of the app's data store: `password`, and `username` and `database`
   * where given (a PostgreSQL login; a Redis one is a password only).
   */
  readonly database: {
    readonly secretName: string;
    readonly username?: string;
    readonly database?: string;
    /** @default - a generated 32-character password */
    readonly password?: pulumi.Output<string>;
  };
  /**
   * Protect the generated password: a new one would lock the application out of its existing data.
   * @default false
   */
  readonly protectPassword?: boolean;
}

/**
 * The Secrets the manifests only reference: the Ingress TLS certificate (`kubernetes.io/tls`) and
 * the database credentials. Key material exists only as Pulumi secrets (encrypted in state), never
 * in the synthesized YAML.
 */
export class AppSecrets extends pulumi.ComponentResource {
  /** The TLS Secret, unless cert-manager provides it. */
  public readonly tlsSecret?: k8s.core.v1.Secret;
  public readonly databaseSecret: k8s.core.v1.Secret;
  /** Every Secret this component created. */
  public readonly secrets: k8s.core.v1.Secret[];

  public constructor(name: string, args: AppSecretsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('k8sstack:infra:AppSecrets', name, {}, opts);
    const labels = { 'app.kubernetes.io/part-of': args.app, 'app.kubernetes.io/managed-by': 'pulumi' };
    // Children carry the component's dependencies themselves, so each Secret waits for (and on
    // destroy goes before) what the component was told to wait for: the namespace.
    const child = { parent: this, ...(opts.dependsOn !== undefined ? { dependsOn: opts.dependsOn } : {}) };
    const secretOutputs = { additionalSecretOutputs: ['data', 'stringData'] };

    if (args.tls?.source === 'self-signed' || args.tls?.source === 'secret-config') {
      const pem = args.tls.source === 'self-signed' ? this.selfSigned(name, args.tls.host) : { cert: args.tls.cert, key: args.tls.key };
      this.tlsSecret = new k8s.core.v1.Secret(`${name}-tls`, {
        metadata: { name: args.tls.secretName, namespace: args.namespace, labels },
        type: 'kubernetes.io/tls',
        stringData: pulumi.secret(pulumi.all([pem.cert, pem.key]).apply(([crt, key]) => ({ 'tls.crt': crt, 'tls.key': key }))),
      }, { ...child, ...secretOutputs });
    }

    const password = args.database.password ?? pulumi.secret(new random.RandomPassword(`${name}-db-password`, {
      length: 32,
      // Letters and digits only: the password ends up in connection strings and URLs unescaped.
      special: false,
    }, { parent: this, protect: args.protectPassword ?? false, additionalSecretOutputs: ['result', 'bcryptHash'] }).result);
    this.databaseSecret = new k8s.core.v1.Secret(`${name}-db-credentials`, {
      metadata: { name: args.database.secretName, namespace: args.namespace, labels },
      type: 'Opaque',
      stringData: pulumi.secret(password.apply((pw) => ({
        ...(args.database.username !== undefined ? { username: args.database.username } : {}),
        password: pw,
        ...(args.database.database !== undefined ? { database: args.database.database } : {}),
      }))),
    }, { ...child, ...secretOutputs });

    this.secrets = [...(this.tlsSecret ? [this.tlsSecret] : []), this.databaseSecret];
    this.registerOutputs({ secrets: this.secrets.map((s) => s.metadata.name) });
  }

  /**
   * `openssl req -x509 -nodes -days 365 -newkey rsa:2048 -subj "/CN=<host>"` as code, plus the DNS
   * SAN that browsers and ingress-nginx require. The key stays a secret from the moment it exists.
   */
  private selfSigned(name: string, host: string): { cert: pulumi.Output<string>; key: pulumi.Output<string> } {
    const key = new tls.PrivateKey(`${name}-tls-key`, { algorithm: 'RSA', rsaBits: 2048 }, {
      parent: this, additionalSecretOutputs: ['privateKeyPem', 'privateKeyPemPkcs8', 'privateKeyOpenssh'],
    });
    const privateKeyPem = pulumi.secret(key.privateKeyPem);
    const cert = new tls.SelfSignedCert(`${name}-tls-cert`, {
      privateKeyPem,
      subject: { commonName: host },
      dnsNames: [host],
      validityPeriodHours: SELF_SIGNED_VALIDITY_HOURS,
      // A `pulumi up` in the last 30 days replaces it before browsers start refusing it.
      earlyRenewalHours: 30 * 24,
      allowedUses: ['key_encipherment', 'digital_signature', 'server_auth'],
    }, { parent: this });
    return { cert: cert.certPem, key: privateKeyPem };
  }
}
