import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../policy';

// The README is part of the interface: these keep it true as the code changes.
const root = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('lists every policy rule', () => {
    const listed = new Set([...readme.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]));
    for (const rule of RULES) expect(listed).toContain(rule.id);
  });

  it('gives the two quick-start commands, and CI runs exactly its test command', () => {
    expect(readme).toMatch(/^npm ci && npm run synth\s/m);
    expect(readme).toMatch(/^npm test\s/m);
    const ci = fs.readFileSync(path.join(root, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).toMatch(/^npm test$/m);
  });

  it('documents every npm script it mentions', () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts);
    for (const m of readme.matchAll(/npm run (?:-s )?([a-z0-9:-]+)/g)) expect(scripts).toContain(m[1]);
  });
});

describe('README examples', () => {
  // Every example of the construct library is run: each in a fresh chart, with the shared names the
  // README introduces, then rendered and checked against the Kubernetes API schema.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const ts = require('typescript') as typeof import('typescript');
  const constructs = require('../constructs') as Record<string, unknown>;
  const { App, Chart } = require('cdk8s') as typeof import('cdk8s');
  const { validateObjects } = require('./support/k8s-schema') as typeof import('./support/k8s-schema');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const library = readme.slice(readme.indexOf('## The construct library'), readme.indexOf('## Environments'));
  const examples = [...library.matchAll(/^### (.+)\n```ts\n([\s\S]*?)```/gm)].map((m) => [m[1], m[2]] as const);

  it('has an example for every construct section', () => {
    expect(examples.map(([title]) => title)).toEqual([
      'Web service', 'Worker', 'Stateful service', 'Batch', 'TLS ingress', 'HTTPS gateway (Gateway API)', 'Metrics', 'Node pools', 'Node agent', 'Guarded namespace',
      'Priority classes', 'Configuration', 'Access', 'Services', 'Storage', 'Escape hatch: checked patches',
    ]);
  });

  it.each(examples)('%s', (_, code) => {
    const WebService = constructs.WebService as typeof import('../constructs').WebService;
    const NodePool = constructs.NodePool as typeof import('../constructs').NodePool;
    const app = new App();
    const chart = new Chart(app, 'example', { namespace: 'shop-prod' });
    // The services the examples refer to live in a chart of their own, as they would in an app
    // built elsewhere: an example that defines its own "web" then does not name a second one.
    const other = new Chart(app, 'shared', { namespace: 'shop-prod' });
    const container = {
      name: 'app', image: 'example/app:1.0', ports: [{ name: 'http', containerPort: 8080 }],
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '64Mi', limit: '128Mi' } },
    };
    const shared = {
      chart,
      container,
      web: new WebService(other, 'shared-web', { name: 'web', partOf: 'shop', containers: [container] }),
      api: new WebService(other, 'shared-api', { name: 'api', partOf: 'shop', containers: [container] }),
      general: new NodePool({ name: 'general' }),
      dbPool: new NodePool({ name: 'db', taints: [{ key: 'k8s-stack.io/dedicated', value: 'db', effect: 'NoSchedule' }] }),
    };
    const js = ts.transpileModule(`{\n${code}\n}`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
    const names = [...Object.keys(constructs), ...Object.keys(shared)];
    new Function(...names, js)(...Object.values(constructs), ...Object.values(shared));
    const objects = [...chart.toJson(), ...other.toJson()];
    expect(objects.length).toBeGreaterThan(0);
    expect(validateObjects(objects)).toEqual([]);
  });
});
