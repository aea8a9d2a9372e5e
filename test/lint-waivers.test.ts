import { ApiObject } from 'cdk8s';
import { WebService, addLintWaivers } from '../constructs';
import { expectValidationError, find, scope, synth } from './support/synth';

const web = (lintWaivers?: Record<string, string>) => synth((c) => new WebService(c, 'web', {
  name: 'web',
  service: { ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  containers: [{ name: 'nginx', image: 'nginxinc/nginx-unprivileged:1.27.3-alpine', ports: [{ name: 'http', containerPort: 8080 }], resources: { cpu: { request: '100m' }, memory: { request: '64Mi', limit: '128Mi' } } }],
  ...(lintWaivers ? { lintWaivers: { kubeScore: lintWaivers } } : {}),
}));

describe('lintWaivers', () => {
  test('writes kube-score\'s own annotation, check ids sorted, and each reason beside it', () => {
    const d = find(web({ 'container-security-context-user-group-id': 'the image owns uid 101', 'container-image-pull-policy': 'digest-pinned' }), 'Deployment');
    expect(d.metadata.annotations).toEqual({
      'kube-score/ignore': 'container-image-pull-policy,container-security-context-user-group-id',
      'waiver.k8s-stack.io/kube-score.container-image-pull-policy': 'digest-pinned',
      'waiver.k8s-stack.io/kube-score.container-security-context-user-group-id': 'the image owns uid 101',
    });
  });

  test('writes nothing when there is no waiver', () => {
    expect(find(web(), 'Deployment').metadata.annotations).toBeUndefined();
  });

  test('fails when a check id is not one', () => {
    expectValidationError(() => web({ 'Container Image Pull Policy': 'x' }), /lintWaivers\.kubeScore "Container Image Pull Policy" is not a kube-score check id; use an id from "kube-score list"/);
  });

  test('fails when a waiver has no reason', () => {
    const s = scope();
    const obj = new ApiObject(s, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expectValidationError(() => addLintWaivers(s, obj, { kubeScore: { 'label-values': ' ' } }), /lintWaivers\.kubeScore\["label-values"\] " " is not a reason; say why the check does not apply to this object/);
  });
});

describe('lintWaivers for kube-linter and Polaris', () => {
  const d = find(synth((c) => new WebService(c, 'web', {
    name: 'web',
    containers: [{ name: 'nginx', image: 'nginxinc/nginx-unprivileged:1.27.3-alpine', ports: [{ name: 'http', containerPort: 8080 }], resources: { cpu: { request: '100m' }, memory: { request: '64Mi', limit: '128Mi' } } }],
    lintWaivers: { kubeLinter: { 'read-secret-from-env-var': 'the image reads env only' }, polaris: { deploymentMissingReplicas: 'the HPA owns replicas' } },
  })), 'Deployment');

  test('kube-linter: ignore-check.kube-linter.io/<check> with the reason as its value', () => {
    expect(d.metadata.annotations['ignore-check.kube-linter.io/read-secret-from-env-var']).toBe('the image reads env only');
  });

  test('Polaris: polaris.fairwinds.com/<check>-exempt "true", the reason beside it', () => {
    expect(d.metadata.annotations['polaris.fairwinds.com/deploymentMissingReplicas-exempt']).toBe('true');
    expect(d.metadata.annotations['waiver.k8s-stack.io/polaris.deploymentMissingReplicas']).toBe('the HPA owns replicas');
  });

  test('fails on a Polaris id that is not one, and on an empty kube-linter reason', () => {
    const s = scope();
    const obj = new ApiObject(s, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expectValidationError(() => addLintWaivers(s, obj, { polaris: { 'host-path-set': 'x' } }), /lintWaivers\.polaris "host-path-set" is not a Polaris check id/);
    expectValidationError(() => addLintWaivers(s, obj, { kubeLinter: { 'no-node-affinity': '' } }), /lintWaivers\.kubeLinter\["no-node-affinity"\] "" is not a reason/);
  });
});
