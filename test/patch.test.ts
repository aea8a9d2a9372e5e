import { App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { CLUSTER_SCOPED_KINDS, clusterScoped, patchAdd, patchAppend, patchRemove } from '../constructs';
import { apiObjectOf } from '../constructs/lib/patch';
import { find, synth } from './support/synth';

/** A bare generated Deployment "web" with one container, in chart "test" (namespace "test"). */
function deployment(chart: Chart): k8s.KubeDeployment {
  return new k8s.KubeDeployment(chart, 'web', {
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { memory: k8s.Quantity.fromString('64Mi') } } }],
          tolerations: [{ key: 'a', operator: 'Exists' }],
        },
      },
    },
  });
}

const SCHEMA_HINT = 'the Kubernetes 1\\.28 schema of the generated object does not accept it: check the field name, and pass quantities as k8s\\.Quantity, never as plain strings';

describe('patchAdd', () => {
  test('a field the 1.28 schema does not know makes synthesis throw, naming the object and the path', () => {
    expect(() => synth((chart) => patchAdd(deployment(chart), '/spec/template/spec/priorityClasName', 'high'))).toThrow(
      new RegExp(`^test/web: Deployment "web" lost the patch "add /spec/template/spec/priorityClasName" \\(wanted "high", rendered nothing\\); ${SCHEMA_HINT}$`),
    );
  });

  test('a plain-string quantity makes synthesis throw (the mapper would render requests: {})', () => {
    expect(() => synth((chart) => patchAdd(deployment(chart), '/spec/template/spec/containers/0/resources/requests/cpu', '100m'))).toThrow(
      new RegExp(`^test/web: Deployment "web" lost the patch "add /spec/template/spec/containers/0/resources/requests/cpu" \\(wanted "100m", rendered nothing\\); ${SCHEMA_HINT}$`),
    );
    expect(() => synth((chart) => patchAdd(deployment(chart), '/spec/template/spec/containers/0/resources', { requests: { cpu: '100m', memory: '64Mi' } }))).toThrow(
      /^test\/web: Deployment "web" lost the patch "add \/spec\/template\/spec\/containers\/0\/resources" \(wanted \{"requests":\{"cpu":"100m","memory":"64Mi"\}\}, rendered \{"requests":\{\}\}\)/,
    );
  });

  test('the unpatched object renders: the failures above come from the patches alone', () => {
    const d = find(synth((chart) => deployment(chart)), 'Deployment');
    expect(d.spec.template.spec.containers[0].resources).toEqual({ requests: { memory: '64Mi' } });
  });

  test('a k8s.Quantity patch survives and renders as its string', () => {
    const d = find(synth((chart) => {
      const obj = deployment(chart);
      patchAdd(obj, '/spec/template/spec/containers/0/resources/requests/cpu', k8s.Quantity.fromString('100m'));
      patchAdd(obj, '/spec/template/spec/containers/0/resources/limits', { memory: k8s.Quantity.fromString('128Mi'), 'nvidia.com/gpu': k8s.Quantity.fromNumber(1) });
    }), 'Deployment');
    expect(d.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi', 'nvidia.com/gpu': 1 } });
  });

  test('a known field survives with its value', () => {
    const d = find(synth((chart) => patchAdd(deployment(chart), '/spec/template/spec/priorityClassName', 'high')), 'Deployment');
    expect(d.spec.template.spec.priorityClassName).toBe('high');
  });

  test('a field whose TypeScript spelling differs from the API one is written in the TypeScript spelling', () => {
    const d = find(synth((chart) => patchAdd(deployment(chart), '/spec/template/spec/setHostnameAsFqdn', true)), 'Deployment');
    expect(d.spec.template.spec.setHostnameAsFQDN).toBe(true);
    expect(d.spec.template.spec.setHostnameAsFqdn).toBeUndefined();
    // The API spelling is not what the mapper reads, so it would be lost: caught.
    expect(() => synth((chart) => patchAdd(deployment(chart), '/spec/template/spec/setHostnameAsFQDN', true))).toThrow(
      /^test\/web: Deployment "web" lost the patch "add \/spec\/template\/spec\/setHostnameAsFQDN" \(wanted true, rendered nothing\)/,
    );
  });

  test('a value of the wrong shape is caught even when its key is known', () => {
    expect(() => synth((chart) => patchAdd(deployment(chart), '/spec/template/spec/affinity', { nodeAfinity: {} }))).toThrow(
      /^test\/web: Deployment "web" lost the patch "add \/spec\/template\/spec\/affinity" \(wanted \{"nodeAfinity":\{\}\}, rendered \{\}\)/,
    );
  });

  test('every synthesis path checks: Chart.toJson, App.synthYaml', () => {
    const app = new App();
    const chart = new Chart(app, 'test', { namespace: 'test' });
    patchAdd(deployment(chart), '/spec/template/spec/priorityClasName', 'high');
    expect(() => chart.toJson()).toThrow(/lost the patch "add \/spec\/template\/spec\/priorityClasName"/);
    expect(() => app.synthYaml()).toThrow(/lost the patch "add \/spec\/template\/spec\/priorityClasName"/);
  });

  test('a plain addJsonPatch is not checked: the mapper drops it silently (why this module exists)', () => {
    const d = find(synth((chart) => deployment(chart).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClasName', 'high'))), 'Deployment');
    expect(d.spec.template.spec.priorityClasName).toBeUndefined();
    expect(JSON.stringify(d)).not.toContain('"high"');
  });

  test('patches on a cdk8s-plus construct go to its generated Resource object', () => {
    const d = find(synth((chart) => {
      const dep = new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'nginx:1.27', name: 'app' }] });
      patchAdd(apiObjectOf(dep), '/spec/template/spec/priorityClassName', 'high');
    }), 'Deployment');
    expect(d.spec.template.spec.priorityClassName).toBe('high');
    expect(() => synth((chart) => {
      const dep = new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'nginx:1.27', name: 'app' }] });
      patchAdd(apiObjectOf(dep), '/spec/template/spec/priorityClasName', 'high');
    })).toThrow(/^test\/web\/Resource: Deployment "web" lost the patch "add \/spec\/template\/spec\/priorityClasName"/);
  });
});

describe('patchAppend', () => {
  test('an item the schema accepts is appended', () => {
    const d = find(synth((chart) => patchAppend(deployment(chart), '/spec/template/spec/tolerations', { key: 'b', operator: 'Equal', value: 'x', effect: 'NoExecute', tolerationSeconds: 30 })), 'Deployment');
    expect(d.spec.template.spec.tolerations).toEqual([{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Equal', value: 'x', effect: 'NoExecute', tolerationSeconds: 30 }]);
  });

  test('an item with a misspelt field is caught', () => {
    expect(() => synth((chart) => patchAppend(deployment(chart), '/spec/template/spec/tolerations', { key: 'b', operater: 'Exists' }))).toThrow(
      new RegExp(`^test/web: Deployment "web" lost the patch "append /spec/template/spec/tolerations" \\(wanted \\{"key":"b","operater":"Exists"\\}, rendered \\[\\{"key":"a","operator":"Exists"\\},\\{"key":"b"\\}\\]\\); ${SCHEMA_HINT}$`),
    );
  });
});

describe('patchRemove', () => {
  test('a removed field is gone', () => {
    const d = find(synth((chart) => patchRemove(deployment(chart), '/spec/template/spec/tolerations')), 'Deployment');
    expect(d.spec.template.spec.tolerations).toBeUndefined();
    expect(d.spec.template.spec.containers).toHaveLength(1);
  });

  test('a field the mapper renders anyway is caught', () => {
    // The generated class always renders apiVersion and kind, whatever the patched props say.
    expect(() => synth((chart) => patchRemove(deployment(chart), '/kind'))).toThrow(
      new RegExp(`^test/web: Deployment "web" lost the patch "remove /kind" \\(the field is still rendered\\); ${SCHEMA_HINT}$`),
    );
  });
});

describe('clusterScoped', () => {
  test('removes the namespace the chart stamps on a cluster-scoped object, and returns the object', () => {
    let returned: unknown;
    let role: k8s.KubeClusterRole | undefined;
    const objects = synth((chart) => {
      role = new k8s.KubeClusterRole(chart, 'reader', { metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
      returned = clusterScoped(role);
      new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'cm' } });
    });
    expect(returned).toBe(role);
    expect(find(objects, 'ClusterRole').metadata).toEqual({ name: 'reader' });
    expect('namespace' in find(objects, 'ClusterRole').metadata).toBe(false);
    // Namespaced objects of the same chart keep theirs.
    expect(find(objects, 'ConfigMap').metadata.namespace).toBe('test');
  });

  test('without a chart namespace it changes nothing', () => {
    const objects = synth((chart) => {
      clusterScoped(new k8s.KubePriorityClass(chart, 'high', { metadata: { name: 'high' }, value: 1000 }));
    }, '');
    expect(find(objects, 'PriorityClass').metadata).toEqual({ name: 'high' });
    expect(find(objects, 'PriorityClass').value).toBe(1000);
  });

  test('the cluster-scoped kinds include the RBAC and scheduling kinds this library writes, and no namespaced kind', () => {
    for (const kind of ['ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'Namespace', 'StorageClass']) expect(CLUSTER_SCOPED_KINDS.has(kind)).toBe(true);
    for (const kind of ['Role', 'RoleBinding', 'Deployment', 'Service', 'ServiceAccount', 'ConfigMap']) expect(CLUSTER_SCOPED_KINDS.has(kind)).toBe(false);
  });
});
