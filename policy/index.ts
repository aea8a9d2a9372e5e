export * from './types';
export { evaluate, formatViolation, NEVER_WAIVABLE, WAIVER_RULE } from './engine';
export { POLICY_WAIVER_PREFIX as WAIVER_ANNOTATION_PREFIX } from '../constructs/lib/labels';
export { RULES } from './rules';
export { CLUSTER_SCOPED_KINDS } from '../constructs/lib/kinds';
