/**
 * The toolchain's pins agree with what they must agree with, and the generated build modules carry
 * the replacements their upstream go.mod needs. (Building runs in `npm run toolchain`, not here:
 * `npm test` needs no Go.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENTS, loadEnvironment } from '../environments';
import { binaryNames, generatedGoMod, parseGoMod } from '../toolchain/build';
import { GO_TOOLS, KUBERNETES_VERSION, PULUMI_PLUGINS, PULUMI_VERSION } from '../toolchain/pins';

const pkg = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'node_modules', name, 'package.json'), 'utf8'));
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));

describe('toolchain pins', () => {
  test('Kubernetes is built at the patch release every environment pins', () => {
    for (const env of ENVIRONMENTS) expect(loadEnvironment(env).cluster.kubernetesVersion).toBe(KUBERNETES_VERSION);
    expect(GO_TOOLS.kubernetes.version).toBe(`v${KUBERNETES_VERSION}`);
  });

  test('the Pulumi CLI is built at the version of @pulumi/pulumi', () => {
    expect(manifest.devDependencies['@pulumi/pulumi']).toBe(PULUMI_VERSION);
    expect(GO_TOOLS.pulumi.version).toBe(`v${PULUMI_VERSION}`);
  });

  test('each plugin is installed at the version its SDK package asks the engine for', () => {
    for (const p of PULUMI_PLUGINS) {
      const sdk = pkg(`@pulumi/${p.name}`);
      expect({ plugin: p.name, version: sdk.pulumi.version }).toEqual({ plugin: p.name, version: p.version });
      expect(manifest.devDependencies[`@pulumi/${p.name}`]).toBe(p.version);
    }
    expect(GO_TOOLS['pulumi-resource-kubernetes'].release).toBe(`v${PULUMI_PLUGINS[0].version}`);
  });

  test('no two tools write the same binary', () => {
    const all = (Object.keys(GO_TOOLS) as Array<keyof typeof GO_TOOLS>).flatMap(binaryNames);
    expect(new Set(all).size).toBe(all.length);
    expect(binaryNames('kubernetes-gke')).toEqual(['kube-apiserver-1.36']);
    expect(binaryNames('etcd')).toEqual(['etcd']);
  });
});

describe('generated build modules', () => {
  const upstream = parseGoMod(`module k8s.io/kubernetes

go 1.20

require (
\tgithub.com/foo/bar v1.2.3 // indirect
\tk8s.io/api v0.0.0
\tk8s.io/client-go v0.0.0
)

require go.etcd.io/etcd/api/v3 v3.5.21

replace (
\tk8s.io/api => ./staging/src/k8s.io/api
\tk8s.io/client-go => ./staging/src/k8s.io/client-go
\tk8s.io/unused => ./staging/src/k8s.io/unused
)

replace go.etcd.io/etcd/api/v3 => ../api
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
`);

  test('parses require and replace, blocks and single lines, comments dropped', () => {
    expect(upstream.go).toBe('1.20');
    expect(upstream.require.get('github.com/foo/bar')).toBe('v1.2.3');
    expect(upstream.require.get('go.etcd.io/etcd/api/v3')).toBe('v3.5.21');
    expect(upstream.replace).toContainEqual({ from: 'github.com/atotto/clipboard', to: 'github.com/tgummerer/clipboard', toVersion: 'v0.0.0-20241001131231-d02d263e614e' });
  });

  test('points folder replacements at released modules: the pinned version for placeholders, else the required one', () => {
    const mod = generatedGoMod('x', { module: 'k8s.io/kubernetes', version: 'v1.28.15', packages: ['cmd/kubectl'], localReplaceVersions: { '*': 'v0.28.15' } }, upstream);
    expect(mod).toContain('require k8s.io/kubernetes v1.28.15');
    expect(mod).toContain('\tk8s.io/api => k8s.io/api v0.28.15');
    expect(mod).toContain('\tk8s.io/client-go => k8s.io/client-go v0.28.15');
    expect(mod).toContain('\tgo.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 v3.5.21');
    expect(mod).toContain('\tgithub.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e');
    // A folder replacement of a module never required only forbids it: nothing to carry over.
    expect(mod).not.toContain('k8s.io/unused');
  });

  test('fails when a placeholder requirement has no pinned release, naming the module and the fix', () => {
    expect(() => generatedGoMod('x', { module: 'k8s.io/kubernetes', version: 'v1.28.15', packages: ['cmd/kubectl'] }, upstream))
      .toThrow('toolchain x: k8s.io/kubernetes replaces k8s.io/api with its folder ./staging/src/k8s.io/api and requires the placeholder v0.0.0; add its released version to localReplaceVersions in toolchain/pins.ts');
  });
});
