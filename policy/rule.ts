import { Inventory } from './inventory';
import { objectRef } from './objects';
import type { KubeObject, PolicyContext, PolicyRule, RuleSource, Violation } from './types';

/** Records one violation of the rule being checked; the arguments read like a ValidationError. */
export type Report = (object: KubeObject, path: string, value: unknown, message: string, fix: string) => void;

export interface RuleDefinition {
  readonly id: string;
  readonly source: RuleSource;
  readonly description: string;
  check(inventory: Inventory, ctx: PolicyContext, report: Report): void;
}

/** A {@link PolicyRule} whose body reads the shared {@link Inventory} and reports through `report`. */
export function defineRule(def: RuleDefinition): PolicyRule {
  return {
    id: def.id,
    source: def.source,
    description: def.description,
    check(objects: readonly KubeObject[], ctx: PolicyContext): Violation[] {
      const found: Violation[] = [];
      def.check(Inventory.of(objects), ctx, (object, path, value, message, fix) => {
        found.push({ rule: def.id, object: objectRef(object), path, value, message, fix });
      });
      return found;
    },
  };
}
