import { AppConfig, AppConfigProps, SecretReference, WebService, injectionHash } from '../constructs';
import { KubeObject, expectValidationError, find, podSpec, scope, synth } from './support/synth';

function config(props: Partial<AppConfigProps> = {}): KubeObject {
  return find(synth((chart) => new AppConfig(chart, 'config', { name: 'web', configMapName: 'web-config', ...props })), 'ConfigMap');
}

const rejects = expectValidationError;

describe('AppConfig', () => {
  test('literals and files in one ConfigMap with a stable name (no hash suffix) and standard labels', () => {
    const cm = config({ data: { LOG_LEVEL: 'info' }, files: { 'nginx.conf': 'worker_processes 1;\n' } });
    expect(cm.metadata).toEqual({ name: 'web-config', namespace: 'test', labels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/managed-by': 'cdk8s' } });
    expect(cm.data).toEqual({ LOG_LEVEL: 'info', 'nginx.conf': 'worker_processes 1;\n' });
    expect(cm.immutable).toBe(false);
  });

  test('an explicit namespace wins over the chart one', () => {
    expect(config({ namespace: 'shop' }).metadata.namespace).toBe('shop');
  });

  test('immutable, and an empty ConfigMap renders no data', () => {
    const cm = config({ immutable: true });
    expect(cm.immutable).toBe(true);
    expect(cm.data).toBeUndefined();
  });

  test('keys are sorted and the content hash follows the content only', () => {
    const chart = scope();
    const a = new AppConfig(chart, 'a', { name: 'web', configMapName: 'web-config-a', data: { B: '2', A: '1' } });
    const b = new AppConfig(chart, 'b', { name: 'web', configMapName: 'web-config-b', data: { A: '1' }, files: { B: '2' } });
    const c = new AppConfig(chart, 'c', { name: 'web', configMapName: 'web-config-c', data: { A: '1', B: '3' } });
    const d = new AppConfig(chart, 'd', { name: 'web', configMapName: 'other-config', data: { A: '1', B: '2' } });
    expect(a.keys).toEqual(['A', 'B']);
    expect(a.kind).toBe('ConfigMap');
    expect(a.name).toBe('web-config-a');
    expect(a.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // Literal or file, same content: same hash. A changed value: another hash.
    expect(b.contentHash).toBe(a.contentHash);
    expect(c.contentHash).not.toBe(a.contentHash);
    // The hash is of the content: the injection hash tells sources apart by kind and name.
    expect(d.contentHash).toBe(a.contentHash);
    expect(injectionHash([{ source: d, as: 'envFrom' }])).not.toBe(injectionHash([{ source: a, as: 'envFrom' }]));
  });

  test('as a volume source', () => {
    const cfg = new AppConfig(scope(), 'config', { name: 'web', configMapName: 'web-config', data: { A: '1' } });
    expect(cfg.volume('config')).toEqual({ name: 'config', type: 'configMap', configMapName: 'web-config' });
  });

  test('snapshot', () => {
    expect(config({ partOf: 'shop', data: { LOG_LEVEL: 'info', FEATURE_X: 'on' }, files: { 'app.yaml': 'listen: 8080\n' } })).toMatchSnapshot();
  });
});

describe('SecretReference', () => {
  test('holds a name, sorted keys and a version hash, and writes no object', () => {
    const objects = synth(() => new SecretReference({ secretName: 'web-db', keys: ['username', 'password'] }));
    expect(objects).toEqual([]);
    const ref = new SecretReference({ secretName: 'web-db', keys: ['username', 'password'] });
    expect(ref.kind).toBe('Secret');
    expect(ref.name).toBe('web-db');
    expect(ref.keys).toEqual(['password', 'username']);
    expect(ref.volume('db')).toEqual({ name: 'db', type: 'secret', secretName: 'web-db' });
  });

  test('the version (default "1") drives the content hash', () => {
    const v1 = new SecretReference({ secretName: 'web-db', keys: ['password'] });
    const explicitV1 = new SecretReference({ secretName: 'web-db', keys: ['password'], version: '1' });
    const v2 = new SecretReference({ secretName: 'web-db', keys: ['password'], version: '2' });
    expect(explicitV1.contentHash).toBe(v1.contentHash);
    expect(v2.contentHash).not.toBe(v1.contentHash);
    expect(injectionHash([{ source: v2, as: 'envFrom' }])).not.toBe(injectionHash([{ source: v1, as: 'envFrom' }]));
  });
});

describe('SecretReference (scope, id, props)', () => {
  test('is a construct of the chart, writes no object, and injects as the scope-less form does', () => {
    const container = { name: 'app', image: 'example/app:1.0', resources: { cpu: { request: '10m' }, memory: { request: '16Mi', limit: '32Mi' } } };
    const render = (scoped: boolean) => synth((chart) => {
      const ref = scoped ? new SecretReference(chart, 'db-secret', { secretName: 'web-db', keys: ['password'] }) : new SecretReference({ secretName: 'web-db', keys: ['password'] });
      new WebService(chart, 'web', { name: 'web', service: false, containers: [container], config: [{ source: ref, as: 'env', env: { DB_PASSWORD: 'password' } }] });
    });
    const scoped = render(true);
    expect(scoped.map((o) => o.kind)).toEqual(['ServiceAccount', 'Deployment', 'PodDisruptionBudget']);
    expect(podSpec(find(scoped, 'Deployment')).containers[0].env).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'web-db', key: 'password' } } }]);
    expect(scoped).toEqual(render(false));
  });

  test('equal name, keys and hash in both forms; the scoped one sits at its construct path', () => {
    const scoped = new SecretReference(scope(), 'db-secret', { secretName: 'web-db', keys: ['username', 'password'], version: '3' });
    const plain = new SecretReference({ secretName: 'web-db', keys: ['username', 'password'], version: '3' });
    expect([scoped.kind, scoped.name, scoped.keys, scoped.contentHash]).toEqual([plain.kind, plain.name, plain.keys, plain.contentHash]);
    expect(scoped.node.path).toBe('test/db-secret');
    expect(plain.node.scope).toBeUndefined();
  });

  test('messages name the construct path', () => {
    rejects(() => new SecretReference(scope(), 'db-secret', { secretName: 'DB_Secret', keys: ['password'] }), /^test\/db-secret: secretName "DB_Secret" contains "_"/);
    rejects(() => new SecretReference(scope(), 'db-secret', { secretName: 'web-db', keys: [] }), /^test\/db-secret: keys \[\] is empty; list the keys the Secret holds/);
    const ref = new SecretReference(scope(), 'db-secret', { secretName: 'web-db', keys: ['password'] });
    rejects(() => ref.volume('DB_Volume'), /^test\/db-secret: volumeName "DB_Volume" contains "_"/);
  });
});

describe('injectionHash', () => {
  test('undefined without injections; one source injected twice counts once', () => {
    const ref = new SecretReference({ secretName: 'web-db', keys: ['password'] });
    expect(injectionHash([])).toBeUndefined();
    expect(injectionHash([{ source: ref, as: 'envFrom' }])).toMatch(/^[0-9a-f]{16}$/);
    expect(injectionHash([{ source: ref, as: 'envFrom' }, { source: ref, as: 'env', env: { P: 'password' } }])).toBe(injectionHash([{ source: ref, as: 'envFrom' }]));
  });
});

describe('validation', () => {
  test('fails when the ConfigMap name is invalid', () => {
    rejects(() => new AppConfig(scope(), 'config', { name: 'web', configMapName: 'Web_Config' }), /^test\/config: configMapName "Web_Config" contains "_", which Kubernetes names do not allow; use dot-separated lower-case labels/);
    rejects(() => new AppConfig(scope(), 'config', { name: 'web', configMapName: 'c'.repeat(254) }), /^test\/config: configMapName "c{254}" is 254 characters long, more than the 253 allowed; shorten it to at most 253 characters$/);
  });

  test('fails when a key is both a literal and a file', () => {
    rejects(() => new AppConfig(scope(), 'config', { name: 'web', configMapName: 'web-config', data: { 'app.yaml': 'a' }, files: { 'app.yaml': 'b' } }), /^test\/config: files "app\.yaml" is also a literal key; use each key once$/);
  });

  test('fails when a key is not a valid ConfigMap key', () => {
    rejects(() => new AppConfig(scope(), 'config', { name: 'web', configMapName: 'web-config', data: { 'log level': 'info' } }), /^test\/config: data "log level" is not a valid ConfigMap key; use letters, digits, "-", "_" and "\."$/);
    rejects(() => new AppConfig(scope(), 'config', { name: 'web', configMapName: 'web-config', files: { 'conf/app.yaml': 'x' } }), /^test\/config: data "conf\/app\.yaml" is not a valid ConfigMap key/);
  });

  test('fails when the content exceeds 1 MiB', () => {
    rejects(() => new AppConfig(scope(), 'config', { name: 'web', configMapName: 'web-config', files: { 'big.bin': 'x'.repeat(1024 * 1024) } }),
      /^test\/config: data "1048583 bytes" exceeds the 1 MiB a ConfigMap may hold; move large content into an image or a volume$/);
  });

  test('fails when a Secret name is invalid', () => {
    rejects(() => new SecretReference({ secretName: 'DB_Secret', keys: ['password'] }), /^secret "DB_Secret": secretName "DB_Secret" contains "_", which Kubernetes names do not allow; use dot-separated lower-case labels/);
  });

  test('fails when a Secret has no keys', () => {
    rejects(() => new SecretReference({ secretName: 'web-db', keys: [] }), /^secret "web-db": keys \[\] is empty; list the keys the Secret holds, e\.g\. \["password"\]$/);
  });

  test('fails when a Secret volume name is invalid', () => {
    const ref = new SecretReference({ secretName: 'web-db', keys: ['password'] });
    rejects(() => ref.volume('DB_Volume'), /^secret "web-db": volumeName "DB_Volume" contains "_", which Kubernetes names do not allow; .* e\.g\. "db-volume"$/);
  });

  test('fails when an injected key is not in the ConfigMap or the Secret (unknown key)', () => {
    const chart = scope();
    const cfg = new AppConfig(chart, 'config', { name: 'web', configMapName: 'web-config', data: { LOG_LEVEL: 'info', MODE: 'fast' } });
    rejects(() => cfg.envValues(chart, { LOG: 'LOG_LEVL' }), /^test: config\.env\["LOG"\] "LOG_LEVL" is not a key of ConfigMap "web-config"; use one of: LOG_LEVEL, MODE$/);
    const ref = new SecretReference({ secretName: 'web-db', keys: ['password'] });
    rejects(() => ref.envValues(chart, { DB_PASSWORD: 'pasword' }), /^test: config\.env\["DB_PASSWORD"\] "pasword" is not a key of Secret "web-db"; use one of: password$/);
    const empty = new AppConfig(chart, 'empty', { name: 'web', configMapName: 'empty' });
    rejects(() => empty.envValues(chart, { X: 'x' }), /^test: config\.env\["X"\] "x" is not a key of ConfigMap "empty"; use one of: \(it has no keys\)$/);
  });
});

describe('one name per object', () => {
  test('fails when two constructs write a ConfigMap of the same name in one namespace', () => {
    expectValidationError(() => synth((chart) => {
      new AppConfig(chart, 'a', { name: 'web', configMapName: 'settings', data: { A: '1' } });
      new AppConfig(chart, 'b', { name: 'web', configMapName: 'settings', data: { A: '2' } });
    }), /^test\/b: name "settings" is the name of the ConfigMap that test\/a already writes in namespace "test", and kubectl apply would keep only one of them; give each construct a name of its own$/);
  });
});
