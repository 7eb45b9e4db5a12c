import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, packageVersion } from '../../agent/package-info.ts';
import { REPO_ROOT } from '../helpers/vendor-docs.ts';

/** From the sources, fetchwright finds its own package.json (the compiled case: install.test.ts). */
describe('package-info from the checkout', () => {
  it('finds the checkout as the package root and reads its version', () => {
    expect(packageRoot()).toBe(REPO_ROOT);
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(packageVersion()).toBe(manifest.version);
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
