import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { VENDOR_DOCS } from '../helpers/vendor-docs.ts';

/** Catalogues of the real descriptions in shared/vendor-docs, for expand's tests. */

/** Every description in shared/vendor-docs as a catalogue entry: each file, and each folder of one API. */
export function everyDescription(): { vendor: string; docs: string }[] {
  const out: { vendor: string; docs: string }[] = [];
  for (const name of readdirSync(VENDOR_DOCS).sort()) {
    const full = path.join(VENDOR_DOCS, name);
    if (/\.(ya?ml|json)$/.test(name)) out.push({ vendor: name.replace(/\.[a-z]+$/, ''), docs: full });
    else if (statSync(full).isDirectory()) {
      // A folder of folders (split/snowflake) holds one API per subfolder; a folder of files is one API.
      const subs = readdirSync(full).filter((s) => statSync(path.join(full, s)).isDirectory());
      if (subs.length) for (const s of subs) out.push({ vendor: `${name}-${s}`, docs: path.join(full, s) });
      else out.push({ vendor: name, docs: full });
    }
  }
  return out;
}

/** A catalogue file in `dir` holding `entries` (owner `@acme/identity` unless given). */
export function writeCatalogue(dir: string, entries: { vendor: string; docs: string; owner?: string; [k: string]: unknown }[]): string {
  const file = path.join(dir, 'vendors.yaml');
  writeFileSync(file, `vendors:\n${entries.map((e) => `  - ${JSON.stringify({ owner: '@acme/identity', ...e })}`).join('\n')}\n`);
  return file;
}


/** An OpenAPI description with one GET that lists no identities: `generate` ends it with exit 7. */
export const NO_IDENTITIES = `openapi: 3.0.3
info: { title: Weather, version: '1' }
servers: [{ url: 'https://api.weather.example.com' }]
paths:
  /forecasts:
    get:
      responses:
        '200':
          description: forecasts
          content:
            application/json:
              schema: { type: array, items: { type: object, properties: { city: { type: string }, celsius: { type: number } } } }
`;

