import type { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { z } from 'zod';
import type { NodePool } from '../constructs/node-pool';
import type { PlatformValues } from './schema';

/** What an app's chart gets from the platform: the environment's shared values and cluster-wide objects' names. */
export interface PlatformContext {
  readonly values: PlatformValues;
  /** The PriorityClass name of a tier (`priorityPrefix-tier`); throws for an unknown tier. */
  priorityClassName(tier: string): string;
  /** The environment's StorageClass. */
  readonly storageClassName: string;
  /** The environment's node pool of that name; throws for an unknown pool. */
  nodePool(name: string): NodePool;
}

/** Reports a problem with an app's values, at a path inside them, in the words of the schema messages: "<problem>; <fix>". */
export type IssueReporter = (path: ReadonlyArray<string | number>, message: string) => void;

/**
 * One application the pipeline can run in an environment: its values (typed and validated), its
 * defaults, and the chart that builds it. Register apps with `definePipeline` (or, in this
 * repository, in charts/index.ts); an environment lists the apps it runs and holds each app's values
 * under the app's name, so `--set shop.web.replicas=3` sets the shop's.
 */
export interface AppDefinition<V = unknown> {
  /** The app's name: `app.kubernetes.io/part-of` of its objects, the key of its values, the prefix of its `--set` paths. */
  readonly name: string;
  /** The values schema: a zod object with the app's own rules. */
  readonly schema: z.ZodType<V>;
  /** What every environment starts from for this app; overlays deep-merge over it. */
  readonly defaults: unknown;
  /**
   * Checks across the app's values and the platform's (node pools, priorities, registries), reported
   * at paths inside the app's values. Runs only once every field is well-formed.
   */
  check?(values: V, platform: PlatformValues, issue: IssueReporter): void;
  /** Builds the app's chart: its namespaces, workloads and everything they need. */
  chart(scope: Construct, platform: PlatformContext, values: V): Chart;
  /** Namespaces whose Pod Security level is below restricted by design (node agents), for the policy engine. @default none */
  systemNamespaces?(values: V): readonly string[];
}

/** Declares an app with its values type inferred from the schema. */
export function defineApp<S extends z.ZodType>(app: AppDefinition<z.infer<S>> & { readonly schema: S }): AppDefinition<z.infer<S>> {
  return app;
}
