import { isClusterScoped, objectRef } from './objects';
import { PodTemplate, podTemplateOf, REPLICATED_KINDS } from './pods';
import { LabelIndex, LabelSelector, SelectorIndex } from './selectors';
import type { KubeObject } from './types';

const cache = new WeakMap<readonly KubeObject[], Inventory>();

function key(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name ?? ''}`;
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const values = map.get(k);
  if (values) values.push(v);
  else map.set(k, [v]);
}

/**
 * The indexes rules look things up in, built in one pass over an environment's objects so that
 * every rule stays linear. One inventory per objects array: `evaluate` passes every rule the same
 * fresh array, so the rules of one evaluation share it. Do not modify an array after judging it.
 */
export class Inventory {
  /** The inventory of `objects`, built on first use. */
  public static of(objects: readonly KubeObject[]): Inventory {
    let inventory = cache.get(objects);
    if (!inventory) {
      inventory = new Inventory(objects);
      cache.set(objects, inventory);
    }
    return inventory;
  }

  /** Pod templates of every workload, in object order. */
  public readonly templates: readonly PodTemplate[];
  private readonly byName = new Map<string, KubeObject>();
  private readonly byKind = new Map<string, KubeObject[]>();
  private readonly byKindIn = new Map<string, KubeObject[]>();
  private readonly templatesIn = new Map<string, LabelIndex<PodTemplate>>();
  private readonly budgetsIn = new Map<string, SelectorIndex<KubeObject>>();
  private readonly policiesIn = new Map<string, SelectorIndex<KubeObject>>();
  private readonly scalers = new Map<string, KubeObject>();
  private readonly order = new Map<string, number>();

  private constructor(public readonly objects: readonly KubeObject[]) {
    const templates: PodTemplate[] = [];
    objects.forEach((obj, i) => {
      const ns = obj.metadata?.namespace ?? '';
      const ref = objectRef(obj);
      if (!this.order.has(ref)) this.order.set(ref, i);
      // A stray namespace on a cluster-scoped object is its own violation, not a reason to miss it.
      const k = key(obj.kind, isClusterScoped(obj) ? undefined : obj.metadata?.namespace, obj.metadata?.name);
      if (!this.byName.has(k)) this.byName.set(k, obj);
      push(this.byKind, obj.kind, obj);
      push(this.byKindIn, key(obj.kind, ns, undefined), obj);
      const t = podTemplateOf(obj);
      if (t) {
        templates.push(t);
        let index = this.templatesIn.get(ns);
        if (!index) this.templatesIn.set(ns, (index = new LabelIndex()));
        index.add(t.labels, t);
      }
      if (obj.kind === 'PodDisruptionBudget') {
        let index = this.budgetsIn.get(ns);
        if (!index) this.budgetsIn.set(ns, (index = new SelectorIndex()));
        index.add(obj.spec?.selector, obj);
      }
      if (obj.kind === 'NetworkPolicy') {
        let index = this.policiesIn.get(ns);
        if (!index) this.policiesIn.set(ns, (index = new SelectorIndex()));
        // podSelector is a struct, not a pointer, in the API: a missing one selects every pod.
        index.add((obj.spec?.podSelector ?? {}) as LabelSelector, obj);
      }
      if (obj.kind === 'HorizontalPodAutoscaler') {
        const target = obj.spec?.scaleTargetRef;
        const k = key(String(target?.kind), obj.metadata?.namespace, target?.name);
        if (!this.scalers.has(k)) this.scalers.set(k, obj);
      }
    });
    this.templates = templates;
  }

  /** The first object of this kind, namespace (undefined for cluster-scoped) and name. */
  public find(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.byName.get(key(kind, namespace, name));
  }

  public ofKind(kind: string): readonly KubeObject[] {
    return this.byKind.get(kind) ?? [];
  }

  public ofKindIn(kind: string, namespace: string | undefined): readonly KubeObject[] {
    return this.byKindIn.get(key(kind, namespace ?? '', undefined)) ?? [];
  }

  /** The pod templates `selector` selects in `namespace`, in object order. */
  public templatesSelected(namespace: string | undefined, selector: LabelSelector | undefined | null): PodTemplate[] {
    return this.templatesIn.get(namespace ?? '')?.select(selector) ?? [];
  }

  /** Whether `selector` selects any pod template in `namespace`. */
  public selectsAnyTemplate(namespace: string | undefined, selector: LabelSelector | undefined | null): boolean {
    return this.templatesIn.get(namespace ?? '')?.some(selector) ?? false;
  }

  /** The PodDisruptionBudgets that select the pods of `t`. */
  public budgetsFor(t: PodTemplate): KubeObject[] {
    return this.budgetsIn.get(t.namespace ?? '')?.matching(t.labels) ?? [];
  }

  /** The NetworkPolicies that select the pods of `t`. */
  public networkPoliciesFor(t: PodTemplate): KubeObject[] {
    return this.policiesIn.get(t.namespace ?? '')?.matching(t.labels) ?? [];
  }

  /** The HorizontalPodAutoscaler that scales `obj`, if any. */
  public scalerOf(obj: KubeObject): KubeObject | undefined {
    return this.scalers.get(key(obj.kind, obj.metadata?.namespace, obj.metadata?.name));
  }

  /**
   * The fewest pods a workload runs: an HPA's minReplicas when one scales it, else spec.replicas.
   * Undefined for kinds whose pod count the objects do not say (DaemonSet, Job, CronJob).
   */
  public minPods(obj: KubeObject): number | undefined {
    if (obj.kind === 'Pod') return 1;
    if (!REPLICATED_KINDS.has(obj.kind)) return undefined;
    const hpa = this.scalerOf(obj);
    if (hpa) return typeof hpa.spec?.minReplicas === 'number' ? hpa.spec.minReplicas : 1;
    return typeof obj.spec?.replicas === 'number' ? obj.spec.replicas : 1;
  }

  /** The most pods a workload runs: an HPA's maxReplicas when one scales it, else spec.replicas. */
  public maxPods(obj: KubeObject): number | undefined {
    const min = this.minPods(obj);
    const hpa = obj.kind === 'Pod' ? undefined : this.scalerOf(obj);
    return hpa && typeof hpa.spec?.maxReplicas === 'number' ? Math.max(hpa.spec.maxReplicas, min ?? 1) : min;
  }

  /** Position of an object's first appearance, to report violations in object order. */
  public orderOf(ref: string): number {
    return this.order.get(ref) ?? Number.MAX_SAFE_INTEGER;
  }
}
