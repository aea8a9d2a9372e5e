/**
 * The library as a package (`npm pack`, then `npm install k8s-stack-<version>.tgz`): the constructs,
 * and the pipeline that turns a project's apps and environments into policy-checked, layered YAML.
 *
 *   import { defineApp, synthMain, WebService, GuardedNamespace } from 'k8s-stack';
 *
 * A project defines its apps (a values schema, defaults and a chart each) and its environments
 * (platform values, the apps each runs and their values), then runs `synthMain` as its command
 * line. README.md, "Use it in your own repository", shows a whole project.
 */
export * from './constructs';

// Environments: the platform schema, value building blocks, and loading with --set and did-you-mean messages.
export { defineApp } from './environments/app';
export type { AppDefinition, IssueReporter, PlatformContext } from './environments/app';
export * as fields from './environments/fields';
export { EnvironmentError, applySetOf, deepMerge, loadEnvironmentOf, parseSetValue, validateEnvironmentOf } from './environments/load';
export type { EnvironmentsDefinition } from './environments/load';
export { environmentSchema, platformSchema } from './environments/schema';
export type { Environment, Overlay, PlatformValues } from './environments/schema';

// The pipeline: build, policy, layered output, and the command line.
export { PLATFORM_PART_OF, PlatformChart } from './charts/platform';
export { PolicyError, buildObjects, policyContext, synthesizeEnvironment, toFiles } from './synth/synthesize';
export type { ChartExtension, EnvironmentCharts, KubeObject, OutputFile, SynthResult } from './synth/synthesize';
export { ENVIRONMENT_LABEL, PART_OF_LABEL, PRUNE_FLAGS_FILE, KUSTOMIZATION_FILE, pruneSelector } from './synth/ownership';
export { writeAtomically } from './synth/output';
export { UsageError, parseArgs, synthMain } from './synth/command';
export type { CliOptions } from './synth/command';
export { RULES, evaluate, formatViolation } from './policy';
export { z } from 'zod';
export { checkImage, checkPlacement } from './environments/checks';
