import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { readCatalogue } from './catalogue.ts';

/**
 * The examples the README points at for `fetchwright expand`: the scheduled GitHub Actions workflow
 * is valid YAML that runs expand as documented and acts on its exit codes, and the example
 * catalogue reads with no problem and covers every description in the shared vendor docs.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const vendorDocs = path.resolve(root, '..', 'shared', 'vendor-docs');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'working-directory'?: string;
}

describe('examples/github-actions/coverage.yml', () => {
  const workflow = load(readFileSync(path.join(root, 'examples', 'github-actions', 'coverage.yml'), 'utf8')) as {
    on: { schedule: { cron: string }[]; workflow_dispatch: unknown };
    permissions: Record<string, string>;
    jobs: { expand: { permissions: Record<string, string>; steps: Step[] } };
  };
  const steps = workflow.jobs.expand.steps;
  const step = (name: string) => {
    const found = steps.find((s) => s.name === name);
    expect(found, name).toBeDefined();
    return found!;
  };

  it('runs weekly and by hand, with least permissions', () => {
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* [0-6]$/) }]);
    expect(workflow.on).toHaveProperty('workflow_dispatch');
    expect(workflow.permissions).toEqual({});
    expect(workflow.jobs.expand.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
  });

  it('sets up Node 24, installs fetchwright with npm ci, and runs expand --pr with the secrets', () => {
    expect(step('Set up Node 24').with).toMatchObject({ 'node-version': 24 });
    expect(step('Install fetchwright').run).toMatch(/^npm ci$/m);
    const expand = step('Run fetchwright expand');
    expect(expand.run).toMatch(/npx fetchwright expand\s+\\\s+--catalog \S+vendors\.yaml\s+\\\s+--state "\$STATE_DIR"/);
    expect(expand.run).toMatch(/--pr --repo \S+ --github "\$GITHUB_REPOSITORY"/);
    expect(expand.run).toContain('--json');
    expect(expand.env).toMatchObject({ SIGNING_KEY_PEM: '${{ secrets.FETCHWRIGHT_SIGNING_KEY }}', GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}' });
    // The key goes to a file only its user reads (FETCHWRIGHT_SIGNING_KEY names a PEM file), removed at the end.
    expect(expand.run).toMatch(/umask 077/);
    expect(expand.run).toMatch(/export FETCHWRIGHT_SIGNING_KEY="\$key"/);
    expect(expand.run).toMatch(/trap 'rm -f "\$key"' EXIT/);
  });

  it('restores and saves the state folder, publishes coverage.md and uploads coverage.json whatever the outcome', () => {
    const restore = step('Restore the expand state');
    const save = step('Save the expand state');
    expect(restore.uses).toMatch(/^actions\/cache\/restore@v\d+$/);
    expect(save.uses).toMatch(/^actions\/cache\/save@v\d+$/);
    expect(restore.with!.path).toBe(save.with!.path);
    expect(restore.with!['restore-keys']).toMatch(/^fetchwright-expand-state-\s*$/);
    expect(steps.indexOf(restore)).toBeLessThan(steps.indexOf(step('Run fetchwright expand')));
    for (const name of ['Publish the coverage summary', 'Upload coverage.json', 'Save the expand state', 'Act on the exit code']) expect(step(name).if).toBe('always()');
    expect(step('Publish the coverage summary').run).toContain('cat "$STATE_DIR/coverage.md" >> "$GITHUB_STEP_SUMMARY"');
    expect(String(step('Upload coverage.json').with!.path)).toContain('${{ env.STATE_DIR }}/coverage.json');
  });

  it('acts on the exit codes: 0 ok, 33 warnings, 34 and others fail', () => {
    const act = step('Act on the exit code').run!;
    // The branches of its `case "$CODE" in`: pattern → body up to `;;`.
    const branches = new Map([...act.matchAll(/^\s+([0-9]+|\*)\)\n([\s\S]*?);;/gm)].map((m) => [m[1], m[2]!]));
    expect([...branches.keys()]).toEqual(['0', '33', '34', '*']);
    expect(branches.get('0')).not.toMatch(/exit 1/);
    expect(branches.get('33')).toMatch(/::warning/);
    expect(branches.get('33')).not.toMatch(/exit 1/);
    expect(branches.get('34')).toMatch(/::error[\s\S]*exit 1\s*$/);
    expect(branches.get('*')).toMatch(/exit 1\s*$/);
  });
});

describe('examples/expand/vendors.yaml', () => {
  const file = path.join(root, 'examples', 'expand', 'vendors.yaml');

  it('is valid YAML with a vendors list', () => {
    const data = load(readFileSync(file, 'utf8')) as { vendors: unknown[] };
    expect(Array.isArray(data.vendors)).toBe(true);
  });

  it.skipIf(!existsSync(vendorDocs))('reads with no problem and names every description in ../shared/vendor-docs', () => {
    const { entries, problems } = readCatalogue(file);
    expect(problems).toEqual([]);
    const named = new Set(entries.map((e) => e.docsPath));
    const descriptions = readdirSync(vendorDocs)
      .filter((name) => name !== 'README.md' && !name.startsWith('.'))
      .flatMap((name) => (name === 'split' ? readdirSync(path.join(vendorDocs, name)).map((sub) => path.join(vendorDocs, name, sub)) : [path.join(vendorDocs, name)]));
    expect(descriptions.length).toBeGreaterThan(10);
    expect(descriptions.filter((d) => !named.has(d))).toEqual([]);
  });
});
