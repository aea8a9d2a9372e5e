/**
 * Linter exemptions every app of this repository takes for the same reasons, written once
 * (each chart adds its own beside them).
 */

/** Polaris checks every workload is exempt from, and why. */
export const POLARIS_EVERY_WORKLOAD = {
  metadataAndInstanceMismatched: 'app.kubernetes.io/instance names the installation (<app>-<name>) and is part of selectors, which cannot change once deployed',
  missingNetworkPolicy: 'the namespace denies all traffic by default and each allowed flow has a policy per direction, which Polaris does not combine',
};

/** kube-linter checks a batch Job or CronJob is exempt from, and why. */
export const KUBE_LINTER_BATCH = {
  'no-liveness-probe': 'a batch job that exits when done',
  'no-readiness-probe': 'a batch job that exits when done; nothing sends it traffic',
  'restart-policy': 'Never: each retry gets a fresh pod, and failed pods stay for inspection',
};
