/**
 * The apps of this repository, as the pipeline runs them: each with its values schema, defaults,
 * cross-checks and chart. An environment lists the ones it runs (environments/base.ts).
 */
import { AppDefinition, defineApp } from '../environments/app';
import { ShopChart } from './shop';
import { SHOP_DEFAULTS, ShopValues, checkShop, shopSchema } from './shop-values';
import { TasksChart } from './tasks';
import { TASKS_DEFAULTS, TasksValues, checkTasks, tasksSchema } from './tasks-values';

export type { ShopValues } from './shop-values';
export type { TasksValues } from './tasks-values';
export { PLATFORM_PART_OF, PlatformChart } from './platform';

/** The reference shop: web, api, PostgreSQL, backups, the HTTPS edge and a log agent. */
export const SHOP: AppDefinition<ShopValues> = defineApp({
  name: 'shop',
  schema: shopSchema,
  defaults: SHOP_DEFAULTS,
  check: checkShop,
  chart: (scope, platform, values) => new ShopChart(scope, 'shop', { platform, values }),
  systemNamespaces: (values) => [values.systemNamespace],
});

/** A Redis queue, its workers, a one-off migration and a scheduled report: nothing serves HTTP. */
export const TASKS: AppDefinition<TasksValues> = defineApp({
  name: 'tasks',
  schema: tasksSchema,
  defaults: TASKS_DEFAULTS,
  check: checkTasks,
  chart: (scope, platform, values) => new TasksChart(scope, 'tasks', { platform, values }),
});

export const APPS: readonly AppDefinition[] = [SHOP as AppDefinition, TASKS as AppDefinition];
