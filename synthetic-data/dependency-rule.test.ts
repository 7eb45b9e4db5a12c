import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The mock reads the docs with its own code. Two readings that share one interpretation cannot
 * disagree, so synthetic-data/ may import the ApiModel's types (agent/ingest) and the neutral docs
 * view (agent/docs-view: schemas, servers), and nothing of the planner, the proof or the
 * templates.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED = [/^agent\/ingest\//, /^agent\/docs-view\//, /^synthetic-data\//];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The project files a source imports (static, type-only and dynamic), relative to the repository. */
export function projectImports(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => path.relative(ROOT, path.resolve(path.dirname(file), s)).split(path.sep).join('/'));
}

/** Imports of a source that break the rule. */
export function forbiddenImports(file: string, text: string): string[] {
  return projectImports(file, text).filter((target) => !ALLOWED.some((ok) => ok.test(target)));
}

describe('dependency rule: the mock shares no code with the planner or the proof', () => {
  const files = sources(path.join(ROOT, 'synthetic-data'));

  it('has files to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('synthetic-data imports only the ApiModel, the neutral docs view and itself', () => {
    const broken = files.flatMap((f) => forbiddenImports(f, readFileSync(f, 'utf8')).map((t) => `${path.relative(ROOT, f)} → ${t}`));
    expect(broken).toEqual([]);
  });

  it('the check catches an import of the planner, of validation and of a template, static or dynamic', () => {
    const file = path.join(ROOT, 'synthetic-data/mock-api/example.ts');
    expect(forbiddenImports(file, "import { findItems } from '../../agent/plan/items-path.ts';")).toEqual(['agent/plan/items-path.ts']);
    expect(forbiddenImports(file, "import type { Scorecard } from '../../agent/validate/scorecard.ts';")).toEqual(['agent/validate/scorecard.ts']);
    expect(forbiddenImports(file, "const m = await import('../../templates/runtime/map-record.ts');")).toEqual(['templates/runtime/map-record.ts']);
    expect(forbiddenImports(file, "import { SchemaView } from '../../agent/docs-view/schema-view.ts';")).toEqual([]);
  });
});
