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
