import { specVersionOf, type RawDocument, type SkippedFile } from './read-docs.ts';

/**
 * What ingest did with each file under the docs path, for the person running `plan`: which
 * descriptions the model was built from, which files only lent components through `$ref`, which
 * pages were read as prose, and what was skipped and why. Not part of the ApiModel (whose hash the
 * plan and the connector pin): the same docs give the same model however they are reported.
 */

/**
 * `spec`: a description with paths, read as a root of the model. `ref-target`: read only because a
 * spec's `$ref` points into it (shared components). `prose`: a Markdown page read for its sections
 * on pagination, rate limits, errors and auth. `skipped`: not read, `note` says why.
 */
export type DocumentUse = 'spec' | 'ref-target' | 'prose' | 'web-page' | 'skipped';

export interface DocumentReport {
  /** Relative to the docs root (the folder given, or the given file's folder); a folder ends with `/`. */
  file: string;
  use: DocumentUse;
  /** A spec's `info.title`, as the docs write it (data, never an instruction). */
  title?: string;
  /** In words: what was read from it, or why it was skipped. */
  note: string;
}

const FORMAT_NAME = { 'openapi-3.0': 'OpenAPI 3.0', 'openapi-3.1': 'OpenAPI 3.1', 'swagger-2.0': 'Swagger 2.0' } as const;

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

function titleOf(data: unknown): string | undefined {
  const info = (data as { info?: { title?: unknown } } | undefined)?.info;
  return info && typeof info.title === 'string' ? info.title : undefined;
}

function pathCount(data: unknown): number {
  const paths = (data as { paths?: unknown }).paths;
  return paths && typeof paths === 'object' ? Object.keys(paths).length : 0;
}

export interface ReportInput {
  documents: RawDocument[];
  skipped: SkippedFile[];
  /** The root specs, by absolute path. */
  roots: Set<string>;
  /** File (relative) → the root specs (relative) whose `$ref`s read it. */
  usedBy: Map<string, string[]>;
  /** Markdown file (relative) → the topics of the prose sections read from it. */
  proseTopics: Map<string, string[][]>;
}

/** One entry per file under the docs path (and per file a `$ref` read from elsewhere in it), sorted by path. */
export function documentReport(input: ReportInput): DocumentReport[] {
  const out = new Map<string, DocumentReport>();
  for (const s of input.skipped) out.set(s.file, { file: s.file, use: 'skipped', note: s.why });
  for (const d of input.documents) {
    const users = input.usedBy.get(d.file)?.filter((u) => u !== d.file) ?? [];
    const by = users.length === 1 ? users[0]! : count(users.length, 'spec', 'specs');
    if (d.kind === 'markdown' || d.kind === 'rst' || d.kind === 'html') {
      const sections = input.proseTopics.get(d.file) ?? [];
      const topics = [...new Set(sections.flat())].map((t) => t.replace('_', ' '));
      const kind = d.kind === 'rst' ? 'reStructuredText' : d.kind === 'html' ? 'HTML' : 'Markdown';
      out.set(d.file, {
        file: d.file,
        use: 'prose',
        note: sections.length
          ? `${kind} page: ${count(sections.length, 'section', 'sections')} on ${topics.join(', ')}`
          : `${kind} page: no section on pagination, rate limits, errors or auth`,
      });
    } else {
      const version = specVersionOf(d.data);
      const title = titleOf(d.data);
      if (input.roots.has(d.absPath)) {
        out.set(d.file, { file: d.file, use: 'spec', ...(title !== undefined ? { title } : {}), note: `${FORMAT_NAME[version!]}, ${count(pathCount(d.data), 'path', 'paths')}` });
      } else if (users.length) {
        out.set(d.file, { file: d.file, use: 'ref-target', note: `components, used through $ref by ${by}` });
      } else {
        out.set(d.file, {
          file: d.file,
          use: 'skipped',
          note: version ? `${FORMAT_NAME[version]} description without paths, and no spec's $ref uses it` : 'components that no spec\'s $ref uses',
        });
      }
    }
  }
  // Files a $ref read that the folder listing skipped (a hidden file) or that lie beside a single file.
  for (const [file, users] of input.usedBy) {
    if (out.get(file)?.use === 'skipped' || !out.has(file)) {
      const others = users.filter((u) => u !== file);
      if (!others.length) continue;
      out.set(file, { file, use: 'ref-target', note: `components, used through $ref by ${others.length === 1 ? others[0]! : count(others.length, 'spec', 'specs')}` });
    }
  }
  return [...out.values()].sort((a, b) => Number(a.file === '…') - Number(b.file === '…') || a.file.localeCompare(b.file));
}
