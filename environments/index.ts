/**
 * This repository's environments: dev, staging and prod, running the apps of charts/index.ts.
 * The machinery (merging, --set, validation with did-you-mean messages) is generic, in load.ts;
 * a project that installs the library binds its own apps and environments the same way.
 */
import { APPS, ShopValues, TasksValues } from '../charts';
import { base } from './base';
import { dev } from './dev';
import { EnvironmentsDefinition, applySetOf, loadEnvironmentOf, validateEnvironmentOf } from './load';
import { prod } from './prod';
import type { Environment, Overlay } from './schema';
import { staging } from './staging';

export type { AppDefinition, IssueReporter, PlatformContext } from './app';
export { defineApp } from './app';
export { EnvironmentError, EnvironmentsDefinition, applySetOf, deepMerge, loadEnvironmentOf, parseSetValue, validateEnvironmentOf } from './load';
export type { Environment, Overlay, PlatformValues } from './schema';
export { environmentSchema, platformSchema } from './schema';

/** The values of one environment of this repository: the platform's, and each app's under its name. */
export type EnvironmentValues = Environment<{ shop: ShopValues; tasks: TasksValues }>;

/** What an environment file may set. */
export type EnvironmentOverlay = Overlay<EnvironmentValues>;

export const OVERLAYS: Readonly<Record<string, EnvironmentOverlay>> = { dev, staging, prod };

export const ENVIRONMENTS: readonly string[] = Object.keys(OVERLAYS);

/** This repository's apps and environments. */
export const PROJECT: EnvironmentsDefinition = { apps: APPS, base, environments: OVERLAYS };

/** The effective values of one of this repository's environments (base, overlay, app defaults, --set), validated. */
export function loadEnvironment(env: string, sets: readonly string[] = []): EnvironmentValues {
  return loadEnvironmentOf<EnvironmentValues>(PROJECT, env, sets);
}

/** Validates merged values of one of this repository's environments. */
export function validateEnvironment(env: string, values: unknown): EnvironmentValues {
  return validateEnvironmentOf<EnvironmentValues>(PROJECT, env, values);
}

/** Applies one `path=value` override to merged values (in place). */
export function applySet(env: string, values: Record<string, unknown>, assignment: string): void {
  applySetOf(PROJECT, env, values, assignment);
}
