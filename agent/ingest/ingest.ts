import { createHash } from 'node:crypto';
import path from 'node:path';
import { FetchwrightError } from '../errors.ts';
import { groupByApi, severalApis } from './api-groups.ts';
import type { ApiModel, DocsDefect, NamedSchema, Operation, Prose, SecurityScheme, Server } from './api-model.ts';
import { documentReport, type DocumentReport } from './document-report.ts';
import { ModelBudget } from './model-budget.ts';
import type { ObservedInput } from '../observed/read-observed-shapes.ts';
import { overlayObserved, type OverlayReport } from './observed-overlay.ts';
import { extractProse } from './prose.ts';
import { isStackOverflow, readDocs, specVersionOf, tooDeep, type RawDocument, type SkippedFile } from './read-docs.ts';
import { readSpec, type SpecParts } from './read-spec.ts';
import { createRefResolver } from './ref-resolver.ts';
import { SchemaReader } from './schema-reader.ts';
import { vendorName } from './vendor-name.ts';
import type { PageInput } from './pages/pages-model.ts';
import { rstProse } from './pages/rst-sections.ts';

/** Web pages as a model, loaded only for docs that are pages: the browser driver and the HTML parser stay out of a spec's ingest (its memory). */
/** An HTML page beside a description, as prose (loaded only for such a page, as the pages reader is). */
async function htmlProse(file: string, html: string): Promise<Prose[]> {
  const [{ sectionsProse }, { pageSections }] = await Promise.all([import('./pages/pages-model.ts'), import('./pages/page-sections.ts')]);
  return sectionsProse(file, pageSections(html));
}

async function modelFromPages(pages: PageInput[], o: { vendor?: string }): Promise<ApiModel> {
  return (await import('./pages/pages-model.ts')).modelFromPages(pages, o);
}

/** Whether `input` is a docs URL (`http(s)://`) rather than a path. */
const isDocsUrl = (input: string) => /^https?:\/\//i.test(input);

export type { DocumentReport, DocumentUse } from './document-report.ts';
export type { OverlayReport } from './observed-overlay.ts';

export interface IngestOptions {
  /** Overrides the vendor name derived from the docs' titles. */
  vendor?: string;
  /** What a live run observed (`readObservedShapes`): laid over the docs as stronger evidence (`observed-overlay.ts`). */
  observed?: ObservedInput;
  /** A line per web page read, for a docs URL's crawl (stderr). */
  onProgress?: (line: string) => void;
}

function hasPaths(data: unknown): boolean {
  const paths = (data as { paths?: unknown }).paths;
  return !!paths && typeof paths === 'object' && Object.keys(paths).length > 0;
}

/** The `not-a-spec` error for docs with no description to plan from, naming what was found instead. */
function noSpec(input: string, documents: RawDocument[], skipped: SkippedFile[]): FetchwrightError {
  const only = documents.length === 1 && !skipped.length ? documents[0] : undefined;
  const found = [
    ...documents.map((d) => `${d.file} (${d.kind === 'spec' ? (specVersionOf(d.data) ? 'a description without paths' : 'components only') : d.kind === 'html' ? 'an HTML page' : d.kind === 'rst' ? 'a reStructuredText page' : 'a Markdown page'})`),
    ...skipped.map((s) => `${s.file} (${s.why})`),
  ];
  return new FetchwrightError(
    'not-a-spec',
    only
      ? only.kind === 'spec'
        ? `${only.file} is not an OpenAPI 3.x or Swagger 2.0 description with paths (no "openapi: 3.x" or "swagger: \"2.0\"" field, or no paths)`
        : `${only.file} is ${only.kind === 'html' ? 'an HTML' : only.kind === 'rst' ? 'a reStructuredText' : 'a Markdown'} page that shows no request fetchwright can read on the API's host (no interactive-session call, HTTP request line, curl sample or request heading; samples on another host than the API's, or in text no reader sees, are not read)`
      : `no OpenAPI 3.x or Swagger 2.0 description with paths, and no page showing a request, found under ${input}${found.length ? `; it holds ${found.slice(0, 5).join(', ')}${found.length > 5 ? `, and ${found.length - 5} more` : ''}` : ''}`,
    { file: only?.file ?? input, hint: 'Point fetchwright at the vendor\'s OpenAPI (3.0/3.1) or Swagger 2.0 file, a folder that holds it, or the pages of its API reference that show its requests.' },
  );
}

/** docs → ApiModel; see {@link ingestWithReport}. */
export async function ingest(input: string, options: IngestOptions = {}): Promise<ApiModel> {
  return (await ingestWithReport(input, options)).model;
}

/**
 * docs (a file, or a folder of specs and pages) → the ApiModel, and a report of what was done with
 * every file under the docs path ({@link DocumentReport}: read as a spec, used through `$ref`, read as
 * prose, or skipped and why), which is kept out of the model so the model's hash does not depend on
 * how it is reported.
 *
 * Every spec that describes paths is a root; a folder of split specs becomes one model. A folder
 * whose roots describe several APIs (different servers, or no tie between them: see
 * `api-groups.ts`) is refused with the list of APIs found.
 *
 * With `options.observed`, the shapes a live run observed are laid over the docs' operations
 * (`observed-overlay.ts`), and `observed` says what was applied and what matched no operation.
 *
 * Throws FetchwrightError: `input-not-found` (no such path, or a folder with nothing to read),
 * `unreadable-docs` (syntax; size: 64 MB a file, 128 MB a folder, 256 MB of model once `$ref`s are
 * followed (`model-budget.ts`); nesting, schemas or `$ref` chains too deep), `several-apis` (a folder of several APIs),
 * `not-a-spec` (no OpenAPI 3.x or Swagger 2.0 description with paths), `unresolvable-ref` /
 * `ref-outside-docs` (a bad `$ref`: malformed, remote, to a missing file, outside the docs, or a
 * cycle), `usage` (observed shapes of another vendor). A `$ref` inside a document that points at
 * nothing is not refused here: it is recorded where it is (`model.defects`), and the planner
 * decides (agent/plan/docs-defects.ts).
 */
export async function ingestWithReport(input: string, options: IngestOptions = {}): Promise<{ model: ApiModel; documents: DocumentReport[]; files: { file: string; sha256: string }[]; observed?: OverlayReport }> {
  if (isDocsUrl(input)) {
    // A web reference: rendered in the browser and crawled within its origin and path prefix (issue 14).
    const { crawlPages } = await import('./pages/crawl.ts');
    const pages = await crawlPages(input, options.onProgress ? { onPage: options.onProgress } : {});
    const model = await modelFromPages(pages, options.vendor ? { vendor: options.vendor } : {});
    if (!model.operations.length) throw new FetchwrightError('not-a-spec', `the ${pages.length} page${pages.length === 1 ? '' : 's'} under ${input} show no request to read (no interactive-session call, HTTP request line or curl sample)`, { file: input, hint: "Point at the reference's pages that show its requests, or give the vendor's OpenAPI file." });
    const report: DocumentReport[] = pages.map((p) => ({ file: p.source, use: 'web-page', note: `read as a web page of the reference (${requestsShown(model.operations.filter((o) => o.source.file === p.source).length)})` }));
    // Every page read, by URL, with the sha256 of its rendered HTML: what expand's key covers for a URL (a URL is never stat'ed).
    const files = pages.map((p) => ({ file: p.source, sha256: createHash('sha256').update(p.html ?? p.markdown ?? '').digest('hex') })).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    if (!options.observed) return { model, documents: report, files };
    const overlaid = overlayObserved(model, options.observed);
    return { model: overlaid.model, documents: report, files, observed: overlaid.report };
  }
  const { root, documents, skipped } = await readDocs(input);
  const specs = documents.filter((d): d is RawDocument & { data: Record<string, unknown> } => d.kind === 'spec' && !!specVersionOf(d.data));
  const roots = specs.filter((d) => hasPaths(d.data));
  if (!roots.length) {
    // No description: web pages that show requests are read as the reference itself (issue 14).
    const pages = documents.filter((d) => d.kind === 'html' || d.kind === 'markdown' || d.kind === 'rst');
    const fromPages = pages.length ? await modelFromPages(pages.map((d) => (d.kind === 'html' ? { source: d.file, html: d.text } : d.kind === 'rst' ? { source: d.file, rst: d.text } : { source: d.file, markdown: d.text })), options.vendor ? { vendor: options.vendor } : {}) : undefined;
    if (!fromPages || !fromPages.operations.length) throw noSpec(input, documents, skipped);
    const report: DocumentReport[] = [
      ...documents.map((d) => ({ file: d.file, use: (d.kind !== 'spec' ? 'web-page' : 'skipped') as DocumentReport['use'], note: d.kind !== 'spec' ? `read as a page of the reference (${requestsShown(fromPages.operations.filter((o) => o.source.file === d.file).length)})` : 'not read: no description beside it' })),
      ...skipped.map((s) => ({ file: s.file, use: 'skipped' as const, note: s.why })),
    ];
    const files = pages.map((d) => ({ file: d.absPath, sha256: d.sha256 })).sort((a, b) => a.file.localeCompare(b.file));
    if (!options.observed) return { model: fromPages, documents: report, files };
    const overlaid = overlayObserved(fromPages, options.observed);
    return { model: overlaid.model, documents: report, files, observed: overlaid.report };
  }
  if (roots.length > 1) {
    const apis = groupByApi(roots, documents);
    if (apis.length > 1) throw severalApis(input, apis);
  }

  const parts: (SpecParts & { file: string })[] = [];
  const schemas: Record<string, NamedSchema> = Object.create(null) as Record<string, NamedSchema>;
  const fileHashes = new Map<string, string>(documents.map((d) => [d.absPath, d.sha256]));
  const filesMissing = new Set<string>();
  const usedBy = new Map<string, string[]>();
  const budget = new ModelBudget();
  // Defects are recorded where they are (a $ref to nothing, a $ref beside `type: array`), not refused here: the planner judges them.
  const defects = new Map<string, DocsDefect>();
  for (const spec of roots) {
    const resolver = await createRefResolver({ absPath: spec.absPath, file: spec.file, data: spec.data }, root);
    const reader = new SchemaReader(resolver, root);
    const swagger2 = specVersionOf(spec.data) === 'swagger-2.0';
    try {
      parts.push({ file: spec.file, ...readSpec({ absPath: spec.absPath, file: spec.file, docsRoot: root, data: spec.data, swagger2, resolver, schemas: reader, budget }) });
      for (const entry of Object.values(reader.schemas)) budget.charge(entry, entry.source.file, entry.source.pointer);
    } catch (e) {
      // Nesting is bounded when a file is parsed; a reader that still runs out of stack reports the same cause.
      if (isStackOverflow(e)) throw tooDeep(spec.file);
      throw e;
    }
    Object.assign(schemas, reader.schemas);
    for (const [key, defect] of reader.defects) defects.set(key, defect);
    for (const abs of resolver.filesMissing()) filesMissing.add(abs);
    for (const [abs, sha] of resolver.filesRead()) {
      if (sha && !fileHashes.has(abs)) fileHashes.set(abs, sha);
      const file = path.relative(root, abs);
      usedBy.set(file, [...(usedBy.get(file) ?? []), spec.file]);
    }
  }

  const operations: Operation[] = [];
  const ids = new Set<string>();
  for (const part of parts) {
    for (const op of part.operations) {
      let id = ids.has(op.id) ? `${op.id} (${part.file})` : op.id;
      for (let n = 2; ids.has(id); n++) id = `${op.id} (${part.file} #${n})`;
      ids.add(id);
      // Merged split specs: an operation inherits the security of its own file, not the first one's.
      const security = op.security ?? (parts.length > 1 ? part.security : undefined);
      operations.push({ ...op, id, ...(security ? { security } : {}) });
    }
  }
  const servers = dedupe(parts.flatMap((p) => p.servers), (s: Server) => s.url);
  const securitySchemes = dedupe(parts.flatMap((p) => p.security_schemes), (s: SecurityScheme) => s.key);

  const prose: Prose[] = [];
  for (const part of parts) for (const t of part.texts) prose.push(...extractProse(t.text, t.source, false));
  for (const scheme of securitySchemes) {
    if (scheme.description) prose.push({ topics: ['auth'], text: scheme.description, source: scheme.source });
  }
  const proseTopics = new Map<string, string[][]>();
  for (const doc of documents) {
    // reStructuredText and HTML pages beside a spec are prose too, read like Markdown (their sections found by their topics).
    if (doc.kind !== 'markdown' && doc.kind !== 'rst' && doc.kind !== 'html') continue;
    const sections = doc.kind === 'rst' ? rstProse(doc.text, doc.file) : doc.kind === 'html' ? await htmlProse(doc.file, doc.text) : extractProse(doc.text, { file: doc.file, pointer: '' }, true);
    prose.push(...sections);
    proseTopics.set(doc.file, sections.map((p) => p.topics));
  }

  const documentsRead = documents
    .filter((d) => d.kind !== 'spec' || specVersionOf(d.data) || fileHashes.has(d.absPath))
    .map((d) => ({ file: d.file, kind: d.kind === 'spec' ? (specVersionOf(d.data) === 'swagger-2.0' ? ('swagger' as const) : ('openapi' as const)) : d.kind, sha256: d.sha256 }));
  const docsHash = createHash('sha256');
  for (const [abs, sha] of [...fileHashes].sort(([a], [b]) => a.localeCompare(b))) docsHash.update(`${abs.slice(root.length)}\0${sha}\n`);

  const first = parts[0]!;
  const model: ApiModel = {
    title: first.title,
    vendor: options.vendor ?? vendorName(parts.map((p) => p.title)),
    ...(first.api_version ? { api_version: first.api_version } : {}),
    format: specVersionOf(roots[0]!.data)!,
    docs_sha256: docsHash.digest('hex'),
    documents: documentsRead,
    servers,
    security_schemes: securitySchemes,
    security: first.security,
    operations,
    schemas,
    prose,
    ...(defects.size ? { defects: [...defects.values()] } : {}),
  };
  const report = documentReport({ documents, skipped, roots: new Set(roots.map((r) => r.absPath)), usedBy, proseTopics });
  // Every file the model was read from (specs, `$ref` targets, pages), absolute, with its sha256 —
  // and every `$ref`'d file that was not there, with '' — what expand re-checks to know the docs did not change.
  const files = [...fileHashes, ...[...filesMissing].filter((f) => !fileHashes.has(f)).map((f) => [f, ''] as const)].sort(([a], [b]) => a.localeCompare(b)).map(([file, sha]) => ({ file, sha256: sha }));
  if (!options.observed) return { model, documents: report, files };
  const overlaid = overlayObserved(model, options.observed);
  return { model: overlaid.model, documents: report, files, observed: overlaid.report };
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/** `3 requests shown`, `1 request shown`, for a page's line in the documents report. */
function requestsShown(n: number): string {
  return `${n} request${n === 1 ? '' : 's'} shown`;
}
