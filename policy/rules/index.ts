import type { PolicyRule } from '../types';
import { KUBE_LINTER_RULES } from './kube-linter';
import { KUBE_SCORE_RULES } from './kube-score';
import { POD_SECURITY_RULES } from './pod-security';
import { EXPOSURE_RULES } from './exposure';
import { RBAC_RULES } from './rbac';
import { STACK_RULES } from './stack';

/** Every rule, in the order violations of one object are reported. */
export const RULES: readonly PolicyRule[] = [...POD_SECURITY_RULES, ...KUBE_LINTER_RULES, ...KUBE_SCORE_RULES, ...STACK_RULES, ...RBAC_RULES, ...EXPOSURE_RULES];
