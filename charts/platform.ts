import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { NodePool, NodePoolSpec } from '../constructs/node-pool';
import { PriorityClasses } from '../constructs/priority-classes';
import { StorageClass } from '../constructs/storage';
import type { PlatformContext } from '../environments/app';
import type { PlatformValues } from '../environments/schema';

/** The label value that marks platform objects (`app.kubernetes.io/part-of`): shared by every app of the environment. */
export const PLATFORM_PART_OF = 'platform';

/**
 * What every app of an environment shares in the cluster: the priority tiers (PriorityClasses are
 * cluster-wide, prefixed with the environment's `priorityPrefix`) and the StorageClass. Written
 * once per environment, however many apps run in it, and handed to each app's chart as its
 * PlatformContext.
 */
export class PlatformChart extends Chart implements PlatformContext {
  public readonly values: PlatformValues;
  public readonly priorities: PriorityClasses;
  public readonly storageClass: StorageClass;
  public readonly storageClassName: string;
  private readonly pools: ReadonlyMap<string, NodePool>;

  public constructor(scope: Construct, id: string, values: PlatformValues) {
    super(scope, id, { disableResourceNameHashes: true });
    this.values = values;
    this.pools = new Map(values.nodePools.map((p) => [p.name, new NodePool(p as NodePoolSpec)]));
    this.priorities = new PriorityClasses(this, 'priorities', { tiers: values.priorities, prefix: values.priorityPrefix });
    this.storageClass = new StorageClass(this, 'storage', {
      name: values.storage.className,
      provisioner: values.storage.provisioner,
      parameters: values.storage.parameters,
      reclaimPolicy: values.storage.reclaimPolicy,
      allowVolumeExpansion: values.storage.allowVolumeExpansion,
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    this.storageClassName = this.storageClass.storageClassName;
  }

  public priorityClassName(tier: string): string {
    return this.priorities.nameOf(tier);
  }

  public nodePool(name: string): NodePool {
    const pool = this.pools.get(name);
    if (!pool) throw new Error(`environment "${this.values.name}": node pool "${name}" is not defined; defined pools: ${[...this.pools.keys()].join(', ')}`);
    return pool;
  }
}
