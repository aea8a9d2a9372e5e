export * from './types';
export { evaluate, formatViolation, WAIVER_ANNOTATION_PREFIX, WAIVER_RULE } from './engine';
export { RULES } from './rules';
export { CLUSTER_SCOPED_KINDS } from './objects';
