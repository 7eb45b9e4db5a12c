import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The approved templates: the only code a connector can contain. Each has an id, a version and a
 * content hash (sha256 of its source). Listed in dependency order — the order they are rendered.
 * A template's first comment names it (`template <id>@<version>`); a test holds the two together.
 */

export interface TemplateInfo {
  id: string;
  version: number;
  /** Relative to `templates/`. */
  file: string;
}

export const TEMPLATES: TemplateInfo[] = [
  { id: 'fetchwright/contract', version: 5, file: 'runtime/contract.ts' },
  { id: 'fetchwright/host', version: 1, file: 'runtime/host.ts' },
  { id: 'fetchwright/json-path', version: 1, file: 'runtime/json-path.ts' },
  { id: 'fetchwright/url', version: 1, file: 'runtime/url.ts' },
  { id: 'fetchwright/sha256', version: 1, file: 'runtime/sha256.ts' },
  { id: 'fetchwright/findings', version: 4, file: 'runtime/findings.ts' },
  { id: 'fetchwright/errors', version: 2, file: 'runtime/errors.ts' },
  { id: 'fetchwright/retry', version: 3, file: 'runtime/retry.ts' },
  { id: 'fetchwright/http', version: 6, file: 'runtime/http.ts' },
  { id: 'fetchwright/paginator-types', version: 1, file: 'runtime/paginators/types.ts' },
  { id: 'fetchwright/paginator-signal', version: 4, file: 'runtime/paginators/signal.ts' },
  { id: 'fetchwright/paginator-stops', version: 2, file: 'runtime/paginators/stops.ts' },
  { id: 'fetchwright/paginator-link-header', version: 3, file: 'runtime/paginators/link-header.ts' },
  { id: 'fetchwright/paginator-cursor', version: 5, file: 'runtime/paginators/cursor.ts' },
  { id: 'fetchwright/paginator-offset', version: 5, file: 'runtime/paginators/offset.ts' },
  { id: 'fetchwright/paginator-page', version: 5, file: 'runtime/paginators/page.ts' },
  { id: 'fetchwright/paginator-next-url', version: 5, file: 'runtime/paginators/next-url.ts' },
  { id: 'fetchwright/paginator-none', version: 5, file: 'runtime/paginators/none.ts' },
  { id: 'fetchwright/paginators', version: 4, file: 'runtime/paginators/index.ts' },
  { id: 'fetchwright/guards', version: 2, file: 'runtime/guards.ts' },
  { id: 'fetchwright/select-records', version: 6, file: 'runtime/select-records.ts' },
  { id: 'fetchwright/map-record', version: 5, file: 'runtime/map-record.ts' },
  { id: 'fetchwright/link-records', version: 4, file: 'runtime/link-records.ts' },
  { id: 'fetchwright/list-stream', version: 9, file: 'runtime/read-stream.ts' },
  { id: 'fetchwright/connector', version: 7, file: 'runtime/connector.ts' },
];

/**
 * The folder the approved sources are read from (`runtime/…` below it). From the checkout this is
 * this module's own folder. Compiled, this module is `dist/templates/registry.js` and the sources
 * ship as TypeScript in the package's `templates/` beside `dist/`: they are read from there, so an
 * installed package renders and hashes the same bytes as the checkout.
 */
export const TEMPLATES_DIR = templatesDir(fileURLToPath(import.meta.url));

function templatesDir(thisFile: string): string {
  const here = path.dirname(thisFile);
  return thisFile.endsWith('.js') ? path.resolve(here, '..', '..', 'templates') : here;
}

export interface LoadedTemplate extends TemplateInfo {
  source: string;
  sha256: string;
}

let loaded: LoadedTemplate[] | undefined;

export function loadTemplates(): LoadedTemplate[] {
  loaded ??= TEMPLATES.map((t) => {
    const source = readFileSync(path.join(TEMPLATES_DIR, t.file), 'utf8');
    return { ...t, source, sha256: createHash('sha256').update(source).digest('hex') };
  });
  return loaded;
}
