import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplates, TEMPLATES, TEMPLATES_DIR } from './registry.ts';

/** Design invariant 1: no template can issue a write or touch a credential endpoint. */

describe('approved templates', () => {
  const templates = loadTemplates();

  it('each names itself as the registry does', () => {
    for (const t of templates) expect(t.source, t.file).toContain(`template ${t.id}@${t.version}`);
  });

  it('every runtime file is registered (nothing unapproved can be rendered)', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.relative(TEMPLATES_DIR, path.join(dir, e.name))]));
    const runtime = walk(path.join(TEMPLATES_DIR, 'runtime')).filter((f) => f.endsWith('.ts') && !/\.(test|fixture)\.ts$/.test(f));
    expect(runtime.sort()).toEqual(TEMPLATES.map((t) => t.file).sort());
  });

  it('no template can express a method other than GET', () => {
    for (const t of templates) {
      expect(t.source, t.file).not.toMatch(/method\s*:\s*['"`](?!GET['"`])/i);
      expect(t.source, t.file).not.toMatch(/\b(POST|PUT|PATCH|DELETE)\b/);
    }
  });

  it('no template names a credential-creating endpoint or touches the host beyond its capabilities', () => {
    for (const t of templates) {
      expect(t.source, t.file).not.toMatch(/\/(token|tokens\/new|oauth\/token|rotate|credentials\/new)['"`]/i);
      expect(t.source, t.file).not.toMatch(/\b(require|process|import\(|eval|Function\()\b/);
    }
  });

  it('templates only use single-line imports, which rendering removes', () => {
    for (const t of templates) {
      for (const line of t.source.split('\n').filter((l) => l.startsWith('import '))) expect(line, t.file).toMatch(/from '[^']+';$/);
    }
  });

  it('content hashes are of the file as it is', () => {
    const t = templates[0]!;
    expect(t.sha256).toBe(createHash('sha256').update(readFileSync(path.join(TEMPLATES_DIR, t.file), 'utf8')).digest('hex'));
  });
});
