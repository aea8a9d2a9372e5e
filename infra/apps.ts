import * as pulumi from '@pulumi/pulumi';
import type { EnvironmentValues } from '../environments';
import { gatewayNames } from '../environments/edge';
import { AppSecretsArgs, TlsSecretSource } from './app-secrets';
import type { StackConfig } from './config';
import { GkeEdge } from './gke-edge';

/** What the program knows of the target cluster when it declares an app's cloud-side and secret resources. */
export interface AppInfraContext {
  readonly values: EnvironmentValues;
  readonly config: StackConfig;
  /** GKE: the project and what the edge resources must be deleted before. */
  readonly gke?: { readonly project: string; readonly cluster: pulumi.Resource };
}

/** What an app needs from the Pulumi program beside its synthesized objects. */
export interface AppInfra {
  /** The Secrets its manifests reference, created in its namespace as Pulumi secrets. */
  readonly secrets?: AppSecretsArgs;
  /** What its routes must wait for (and be deleted before): the edge's address and certificate map. */
  readonly routesDependOn?: pulumi.Resource[];
  /** Its stack outputs, under `apps.<name>`. */
  readonly outputs: Record<string, unknown>;
}

/** The Pulumi side of each app of this repository, by app name; an app without one needs nothing beyond its objects. */
export const APP_INFRA: Readonly<Record<string, (ctx: AppInfraContext) => AppInfra>> = {
  shop: shopInfra,
  tasks: tasksInfra,
};

/** The tasks app: the password Redis requires of its clients. */
function tasksInfra(ctx: AppInfraContext): AppInfra {
  const { values, config } = ctx;
  const tasks = values.tasks;
  return {
    secrets: {
      namespace: tasks.namespace,
      app: tasks.app,
      database: { secretName: tasks.redis.credentialsSecret, ...(config.redisPassword ? { password: config.redisPassword } : {}) },
      // The queue's volume outlives its claim where the StorageClass retains it: so must its password.
      protectPassword: values.production || values.storage.reclaimPolicy === 'Retain',
    },
    outputs: { namespace: tasks.namespace, redisCredentialsSecret: tasks.redis.credentialsSecret },
  };
}

function tlsSource(ctx: AppInfraContext): TlsSecretSource {
  const { ingress } = ctx.values.shop;
  const { source, secretName } = ingress.tls;
  // A certificate from config wins over generating one (config.ts allows it for self-signed only as a pair).
  if ((source === 'self-signed' || source === 'secret-config') && ctx.config.tls) return { source: 'secret-config', secretName: secretName!, cert: ctx.config.tls.cert, key: ctx.config.tls.key };
  if (source === 'self-signed') return { source, secretName: secretName!, host: ingress.host };
  if (source === 'google-managed') return { source };
  return { source: 'cert-manager' };
}

/**
 * The shop: its TLS certificate (self-signed or from config, dev), its database credentials, and on
 * GKE its edge (a reserved address and a Google-managed certificate the Gateway names).
 */
function shopInfra(ctx: AppInfraContext): AppInfra {
  const { values, config } = ctx;
  const shop = values.shop;
  let edge: GkeEdge | undefined;
  if (shop.ingress.edge === 'gke-gateway') {
    if (!ctx.gke) throw new Error(`environment "${values.name}": shop.ingress.edge "gke-gateway" needs a GKE cluster`);
    const names = gatewayNames(values, 'shop');
    edge = new GkeEdge(`${values.cluster.gke!.name}-edge`, {
      project: ctx.gke.project, host: shop.ingress.host, addressName: names.address, certificateMapName: names.certificateMap, protect: values.production,
    }, { dependsOn: [ctx.gke.cluster] });
  }
  return {
    secrets: {
      namespace: shop.namespace,
      app: shop.app,
      tls: tlsSource(ctx),
      database: { secretName: shop.database.credentialsSecret, username: shop.app, database: shop.app, ...(config.dbPassword ? { password: config.dbPassword } : {}) },
      // Wherever the database volume outlives its claim, the password must outlive a re-run too.
      protectPassword: values.production || values.storage.reclaimPolicy === 'Retain',
    },
    routesDependOn: edge?.dependencies ?? [],
    outputs: {
      namespace: shop.namespace,
      ingressUrl: `https://${shop.ingress.host}`,
      tlsSecret: { ...(shop.ingress.tls.secretName ? { name: shop.ingress.tls.secretName } : {}), source: shop.ingress.tls.source },
      databaseCredentialsSecret: shop.database.credentialsSecret,
      ...(edge ? { edgeAddress: edge.address.address, dnsRecords: pulumi.output(edge.dnsRecords) } : {}),
    },
  };
}
