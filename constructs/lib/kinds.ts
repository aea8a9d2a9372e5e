/**
 * The kinds whose objects are cluster-scoped: they must never carry `metadata.namespace`. Shared with
 * the policy engine and the synthesis pipeline, so it lives apart from cdk8s-dependent code.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'PriorityClass', 'StorageClass', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'Node',
  'CustomResourceDefinition', 'IngressClass', 'RuntimeClass', 'CSIDriver', 'VolumeAttachment',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService',
]);
