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
    for (const m of readme.matchAll(/npm run ([a-z:-]+)/g)) expect(scripts).toContain(m[1]);
  });
});
