/**
 * What the Pulumi program refuses before declaring anything: bad stack configuration, node layouts
 * minikube cannot honour, unsafe control-plane access. Every message names the key, the problem
 * and the command that fixes it, and never echoes a secret.
 */
import * as pulumi from '@pulumi/pulumi';
import { NodePool } from '../constructs/node-pool';
import { EnvironmentValues, loadEnvironment } from '../environments';
import { AppSecrets } from '../infra/app-secrets';
import { RawConfig, StackConfigError, parseStackConfig, readStackConfig } from '../infra/config';
import { GkeCluster } from '../infra/gke-cluster';
import { assignNodesToPools, minikubeNodeNames } from '../infra/minikube-nodes';
import { authorizedNetworkProblem } from '../infra/networks';
import { main } from '../infra/program';

const dev = loadEnvironment('dev');
const staging = loadEnvironment('staging');
/** staging behind an Ingress whose certificate comes from secret config (an existing cluster with its own controller). */
const SECRET_CONFIG_TLS = ['shop.ingress.edge=ingress', 'shop.ingress.className=nginx', 'shop.ingress.tls.source=secret-config', 'shop.ingress.tls.secretName=shop-tls'];
const prod = loadEnvironment('prod');

const GKE_CONFIG = {
  'gcp:project': 'shop-staging-4711',
  'k8s-stack:operatorEmail': 'ops@example.com',
  'k8s-stack:authorizedNetworks': '["203.0.113.0/24"]',
};
const raw = (values: Record<string, string>, secretKeys: string[] = []): RawConfig => ({ values, secretKeys: new Set(secretKeys) });

/** The StackConfigError message `parseStackConfig` throws. */
function refused(env: EnvironmentValues, config: RawConfig): string {
  try {
    parseStackConfig(env, config);
  } catch (e) {
    if (e instanceof StackConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a StackConfigError, but the configuration was accepted');
}

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB-not-really\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE-not-really\n-----END PRIVATE KEY-----\n';

describe('parseStackConfig', () => {
  test('needs nothing for dev: minikube starts the profile, the password is generated', () => {
    expect(parseStackConfig(dev, raw({}))).toEqual({ authorizedNetworks: [], deletionProtection: false });
  });

  test('reads the GKE settings; deletion protection follows the environment unless set', () => {
    expect(parseStackConfig(staging, raw(GKE_CONFIG))).toEqual({
      gcpProject: 'shop-staging-4711', operatorEmail: 'ops@example.com', authorizedNetworks: ['203.0.113.0/24'], deletionProtection: false,
    });
    expect(parseStackConfig(prod, raw(GKE_CONFIG)).deletionProtection).toBe(true);
    expect(parseStackConfig(prod, raw({ ...GKE_CONFIG, 'k8s-stack:deletionProtection': 'false' })).deletionProtection).toBe(false);
  });

  test('takes Grafana\'s admin password from secret config where monitoring runs, and refuses it elsewhere', async () => {
    const key = 'k8s-stack:grafanaAdminPassword';
    const pw = 'Grafana-admin-7c1d9e2f4a';
    const parsed = parseStackConfig(staging, raw({ ...GKE_CONFIG, [key]: pw }, [key]));
    expect(await pulumi.isSecret(parsed.grafanaAdminPassword!)).toBe(true);
    expect(await valueOf(parsed.grafanaAdminPassword!)).toBe(pw);
    expect(refused(dev, raw({ [key]: pw }, [key]))).toBe(`stack "dev": ${key} (value not shown) is not used: monitoring is off in this environment; remove it with "pulumi config rm ${key}", or turn monitoring on`);
    expect(refused(staging, raw({ ...GKE_CONFIG, [key]: 'short' }, [key]))).toMatch(/grafanaAdminPassword \(value not shown\) is shorter than 16 characters/);
    expect(refused(staging, raw({ ...GKE_CONFIG, [key]: pw }))).toMatch(/grafanaAdminPassword \(value not shown\) is stored in plain text in the stack file/);
  });

  test('keeps secret values as Pulumi secrets', async () => {
    const env = loadEnvironment('staging', SECRET_CONFIG_TLS);
    const config = parseStackConfig(env, raw(
      { ...GKE_CONFIG, 'k8s-stack:tlsCert': CERT, 'k8s-stack:tlsKey': KEY, 'k8s-stack:dbPassword': 'a-long-enough-password' },
      ['k8s-stack:tlsCert', 'k8s-stack:tlsKey', 'k8s-stack:dbPassword'],
    ));
    for (const o of [config.tls!.cert, config.tls!.key, config.dbPassword!]) expect(await pulumi.isSecret(o)).toBe(true);
    expect(await valueOf(config.tls!.key)).toBe(KEY);
  });

  test('fails when a GKE stack lacks its project, operator and authorized networks, naming all three', () => {
    const message = refused(staging, raw({}));
    expect(message.split('\n')).toEqual([
      'stack "staging": gcp:project (unset) is required for a GKE stack; run "pulumi config set gcp:project <project-id>"',
      'stack "staging": k8s-stack:operatorEmail (unset) is required for a GKE stack (the operator bound to cluster-admin); run "pulumi config set k8s-stack:operatorEmail you@example.com"',
      'stack "staging": k8s-stack:authorizedNetworks (unset) is required for a GKE stack: the control plane only accepts listed ranges; run "pulumi config set --path \'k8s-stack:authorizedNetworks[0]\' 203.0.113.0/24" with your own range',
    ]);
  });

  test('fails when the authorized networks open the control plane to the internet', () => {
    expect(refused(staging, raw({ ...GKE_CONFIG, 'k8s-stack:authorizedNetworks': '["203.0.113.0/24","0.0.0.0/0"]' }))).toBe(
      'stack "staging": k8s-stack:authorizedNetworks[1] "0.0.0.0/0" opens the control plane to the whole internet; list the public ranges of your office, VPN or CI runners, e.g. "203.0.113.0/24"',
    );
  });

  test('fails when the authorized networks are not a list of network CIDRs', () => {
    expect(refused(staging, raw({ ...GKE_CONFIG, 'k8s-stack:authorizedNetworks': '203.0.113.0/24' }))).toMatch(/k8s-stack:authorizedNetworks "203.0.113.0\/24" is not a non-empty list of CIDRs; run "pulumi config set --path/);
    expect(refused(staging, raw({ ...GKE_CONFIG, 'k8s-stack:authorizedNetworks': '[]' }))).toMatch(/\[\] is not a non-empty list of CIDRs/);
    expect(refused(staging, raw({ ...GKE_CONFIG, 'k8s-stack:authorizedNetworks': '["203.0.113.7/24"]' }))).toMatch(/\[0\] "203.0.113.7\/24" has host bits set; use the network address, "203.0.113.0\/24"/);
    const many = JSON.stringify(Array.from({ length: 51 }, (_, i) => `10.0.${i}.0/24`));
    expect(refused(staging, raw({ ...GKE_CONFIG, 'k8s-stack:authorizedNetworks': many }))).toMatch(/\(51 entries\) has more than the 50 ranges GKE accepts/);
  });

  test('fails on an operator that is not an e-mail address and a project given by name', () => {
    const message = refused(staging, raw({ ...GKE_CONFIG, 'gcp:project': 'My Shop', 'k8s-stack:operatorEmail': 'ops' }));
    expect(message).toMatch(/gcp:project "My Shop" is not a GCP project id; use the project id/);
    expect(message).toMatch(/k8s-stack:operatorEmail "ops" is not an e-mail address/);
  });

  test('fails on a misspelt key, and on a key for the other cluster kind', () => {
    expect(refused(staging, raw({ ...GKE_CONFIG, 'k8s-stack:operatorMail': 'ops@example.com' }))).toMatch(
      /^stack "staging": k8s-stack:operatorMail is not a setting of this program; remove it with "pulumi config rm k8s-stack:operatorMail"; known keys: k8s-stack:operatorEmail, /,
    );
    expect(refused(dev, raw({ 'k8s-stack:authorizedNetworks': '["203.0.113.0/24"]' }))).toMatch(/k8s-stack:authorizedNetworks does not apply to a minikube cluster; remove it/);
    expect(refused(staging, raw({ ...GKE_CONFIG, 'k8s-stack:kubeContext': 'minikube' }))).toMatch(/k8s-stack:kubeContext does not apply to a gke cluster/);
  });

  test('fails when a secret is stored in plain text, without showing it', () => {
    const message = refused(dev, raw({ 'k8s-stack:dbPassword': 'hunter2-hunter2-hunter2' }));
    expect(message).toBe('stack "dev": k8s-stack:dbPassword (value not shown) is stored in plain text in the stack file; set it again with "pulumi config set --secret k8s-stack:dbPassword ..." (and rotate it: it may be in git history)');
  });

  test('fails on a short database password, without showing it', () => {
    const message = refused(dev, raw({ 'k8s-stack:dbPassword': 'short' }, ['k8s-stack:dbPassword']));
    expect(message).toMatch(/k8s-stack:dbPassword \(value not shown\) is shorter than 16 characters/);
    expect(message).not.toContain('short"');
  });

  test('fails when TLS config is given for an environment whose certificate Certificate Manager issues', () => {
    expect(refused(staging, raw({ ...GKE_CONFIG, 'k8s-stack:tlsCert': CERT }, ['k8s-stack:tlsCert']))).toBe(
      'stack "staging": k8s-stack:tlsCert (value not shown) is not used: the environment\'s TLS source is google-managed; remove it with "pulumi config rm k8s-stack:tlsCert"',
    );
  });

  test('a certificate and key of one\'s own replace the self-signed certificate, as secrets', async () => {
    const config = parseStackConfig(dev, raw({ 'k8s-stack:tlsCert': CERT, 'k8s-stack:tlsKey': KEY }, ['k8s-stack:tlsCert', 'k8s-stack:tlsKey']));
    expect(await valueOf(config.tls!.cert)).toBe(CERT);
    expect(await pulumi.isSecret(config.tls!.key)).toBe(true);
  });

  test('fails when only one half of a certificate of one\'s own is given for the self-signed source', () => {
    expect(refused(dev, raw({ 'k8s-stack:tlsCert': CERT }, ['k8s-stack:tlsCert']))).toBe(
      'stack "dev": k8s-stack:tlsKey (unset) is required with k8s-stack:tlsCert: a certificate of one\'s own replaces the self-signed one only with both halves; run "pulumi config set --secret k8s-stack:tlsKey < tls.key", or remove both to have one generated',
    );
  });

  test('fails when the secret-config TLS source lacks a PEM certificate or key, without showing them', () => {
    const env = loadEnvironment('staging', SECRET_CONFIG_TLS);
    expect(refused(env, raw(GKE_CONFIG)).split('\n')).toEqual([
      'stack "staging": k8s-stack:tlsCert (unset) is required: the environment\'s TLS source is secret-config; run "pulumi config set --secret k8s-stack:tlsCert < tls.crt"',
      'stack "staging": k8s-stack:tlsKey (unset) is required: the environment\'s TLS source is secret-config; run "pulumi config set --secret k8s-stack:tlsKey < tls.key"',
    ]);
    const message = refused(env, raw({ ...GKE_CONFIG, 'k8s-stack:tlsCert': KEY, 'k8s-stack:tlsKey': 'not-a-pem-secret' }, ['k8s-stack:tlsCert', 'k8s-stack:tlsKey']));
    expect(message).toMatch(/k8s-stack:tlsCert \(value not shown\) is not a PEM certificate/);
    expect(message).toMatch(/k8s-stack:tlsKey \(value not shown\) is not a PEM private key/);
    expect(message).not.toContain('not-a-pem-secret');
    expect(message).not.toContain('MIIE');
  });

  test('fails on node names without a context, or that are not node names', () => {
    expect(refused(dev, raw({ 'k8s-stack:nodeNames': '["a","b"]' }))).toMatch(/k8s-stack:nodeNames \["a","b"\] is set without k8s-stack:kubeContext/);
    expect(refused(dev, raw({ 'k8s-stack:kubeContext': 'kind-kind', 'k8s-stack:nodeNames': '["Node_1"]' }))).toMatch(/k8s-stack:nodeNames\[0\] "Node_1" contains "_"/);
    expect(refused(dev, raw({ 'k8s-stack:kubeContext': ' ' }))).toMatch(/k8s-stack:kubeContext " " is empty/);
  });

  test('fails when deletion protection is not a boolean', () => {
    expect(refused(prod, raw({ ...GKE_CONFIG, 'k8s-stack:deletionProtection': 'off' }))).toMatch(/k8s-stack:deletionProtection "off" is not true or false/);
  });
});

describe('authorizedNetworkProblem', () => {
  test.each(['203.0.113.0/24', '198.51.100.7/32', '10.0.0.0/8'])('accepts %s', (cidr) => {
    expect(authorizedNetworkProblem(cidr)).toBeUndefined();
  });
  test.each([
    ['0.0.0.0/0', 'opens the control plane to the whole internet'],
    ['10.0.0.0/0', 'opens the control plane to the whole internet'],
    ['203.0.113.0', 'is not an IPv4 CIDR'],
    ['256.0.0.0/8', 'is not an IPv4 CIDR'],
    ['10.0.0.0/33', 'is not an IPv4 CIDR'],
    ['10.1.2.3/16', 'has host bits set'],
  ])('refuses %s', (cidr, problem) => {
    expect(authorizedNetworkProblem(cidr)?.problem).toBe(problem);
  });
});

describe('minikube node layout', () => {
  const pools = (env: EnvironmentValues) => env.nodePools.map((p) => new NodePool(p as never));
  const layout = (nodes: string[], ps: NodePool[]) => assignNodesToPools(nodes, ps).map((a) => `${a.node}:${a.pool.name}`);

  test('names nodes as minikube does', () => {
    expect(minikubeNodeNames('shop-dev', 3)).toEqual(['shop-dev', 'shop-dev-m02', 'shop-dev-m03']);
    expect(minikubeNodeNames('p', 11)[10]).toBe('p-m11');
  });

  test('gives each pool its minNodes in order, the tainted pool last', () => {
    expect(layout(minikubeNodeNames('shop-dev', 3), pools(dev))).toEqual(['shop-dev:general', 'shop-dev-m02:general', 'shop-dev-m03:db']);
  });

  test('never puts a tainted pool on the control-plane node, whatever the pool order', () => {
    const [general, db] = pools(dev);
    expect(layout(['cp', 'w1', 'w2'], [db, general])).toEqual(['cp:general', 'w1:general', 'w2:db']);
  });

  test('gives spare nodes to untainted pools up to their maxNodes', () => {
    const general = new NodePool({ name: 'general', minNodes: 1, maxNodes: 3 });
    const db = new NodePool({ name: 'db', taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }], minNodes: 1, maxNodes: 1 });
    expect(layout(['a', 'b', 'c', 'd'], [general, db])).toEqual(['a:general', 'b:general', 'c:general', 'd:db']);
  });

  test('fails when every pool is tainted', () => {
    const db = new NodePool({ name: 'db', taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
    expect(() => assignNodesToPools(['cp'], [db])).toThrow('minikube nodes [cp]: every node pool (db) is tainted, so the control-plane node "cp" would be too; add an untainted pool for the ingress controller and coredns');
  });

  test('fails when the pools need more nodes than the cluster has', () => {
    expect(() => assignNodesToPools(['a', 'b'], pools(dev))).toThrow('minikube nodes [a, b]: the pools need 3 nodes (general 2, db 1) but the cluster has 2; raise cluster.minikube.nodes to 3');
  });

  test('fails when there are more nodes than the pools may hold', () => {
    expect(() => assignNodesToPools(['a', 'b', 'c', 'd'], pools(dev))).toThrow('minikube nodes [a, b, c, d]: 4 nodes but the untainted pools hold at most 3 of them (maxNodes); lower cluster.minikube.nodes to 3 or raise maxNodes');
  });
});

describe('program and components under mocks', () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks({
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: (args) => args.inputs,
    }, 'k8s-stack', 'qa', false);
  });

  test('tells secret config from plain config as the engine marks it', () => {
    pulumi.runtime.setAllConfig({ 'k8s-stack:dbPassword': 'a-long-enough-password' }, ['k8s-stack:dbPassword']);
    expect(readStackConfig(dev).dbPassword).toBeDefined();
    pulumi.runtime.setAllConfig({ 'k8s-stack:dbPassword': 'a-long-enough-password' }, []);
    expect(() => readStackConfig(dev)).toThrow('k8s-stack:dbPassword (value not shown) is stored in plain text in the stack file');
    pulumi.runtime.setAllConfig({}, []);
  });

  test('fails on a stack that names no environment, without a stack trace', () => {
    expect(() => main()).toThrow(pulumi.RunError);
    expect(() => main()).toThrow('unknown environment "qa"; known environments: dev, staging, prod');
  });

  const gkeArgs = {
    project: 'shop-staging-4711', ...staging.cluster.gke!, nodePools: [new NodePool({ name: 'general' })],
    authorizedNetworks: ['203.0.113.0/24'], operatorEmail: 'ops@example.com', deletionProtection: false,
  };

  test('GkeCluster fails without authorized networks, or with one open to the internet', () => {
    expect(() => new GkeCluster('c1', { ...gkeArgs, authorizedNetworks: [] })).toThrow('GkeCluster "c1": authorizedNetworks is empty, so nobody could reach the control plane');
    expect(() => new GkeCluster('c2', { ...gkeArgs, authorizedNetworks: ['0.0.0.0/0'] })).toThrow('GkeCluster "c2": authorizedNetworks "0.0.0.0/0" opens the control plane to the whole internet');
  });

  test('GkeCluster fails on a name too long for its node service account', () => {
    expect(() => new GkeCluster('c3', { ...gkeArgs, name: 'a-very-long-cluster-name-indeed' })).toThrow('the node service account id "a-very-long-cluster-name-indeed-nodes" is not 6-30 lower-case letters');
  });

  test('AppSecrets takes the certificate and key from secret config, and creates nothing for cert-manager', async () => {
    const key = pulumi.secret(KEY);
    const fromConfig = new AppSecrets('s1', {
      namespace: 'shop-staging', app: 'shop',
      tls: { source: 'secret-config', secretName: 'shop-tls', cert: pulumi.secret(CERT), key },
      database: { secretName: 'db-credentials' },
    });
    expect(fromConfig.secrets).toHaveLength(2);
    expect(await valueOf(fromConfig.tlsSecret!.type)).toBe('kubernetes.io/tls');
    expect(await pulumi.isSecret(fromConfig.tlsSecret!.stringData)).toBe(true);
    expect(await valueOf(fromConfig.tlsSecret!.stringData)).toEqual({ 'tls.crt': CERT, 'tls.key': KEY });

    const certManager = new AppSecrets('s2', { namespace: 'shop-prod', app: 'shop', tls: { source: 'cert-manager' }, database: { secretName: 'db-credentials' } });
    expect(certManager.tlsSecret).toBeUndefined();
    expect(certManager.secrets).toEqual([certManager.databaseSecret]);
  });
});

describe('Pulumi.yaml', () => {
  test('disables the default Kubernetes provider, so no object can reach the ambient kubeconfig\'s cluster', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const project = require('yaml').parse(require('fs').readFileSync(require('path').join(__dirname, '..', 'Pulumi.yaml'), 'utf8'));
    expect(project.config['pulumi:disable-default-providers'].value).toEqual(['kubernetes']);
  });
});
