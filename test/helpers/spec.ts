import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { stringify as toYaml } from 'yaml';
import type { ApiModel, HttpMethod, Operation } from '../../agent/ingest/api-model.ts';
import { ingest } from '../../agent/ingest/ingest.ts';
import { collectionNoun } from '../../agent/plan/identity-kinds.ts';
import { findItems } from '../../agent/plan/items-path.ts';
import { collectSignals, type PaginationSignals } from '../../agent/plan/pagination/signals.ts';
import { responseBody } from '../../agent/plan/response-body.ts';
import { SchemaView } from '../../agent/docs-view/schema-view.ts';

/**
 * Small API specs built in code, ingested the way a user's docs are: written to a fresh temp
 * folder and read back through `ingest`, so a test exercises the real ApiModel.
 */

export const SERVER = 'https://api.example.test';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

export interface ModelOptions {
  /** How the spec file is written (`spec.json` or `spec.yaml`). */
  format?: 'json' | 'yaml';
  /** Sibling files, relative path → text, or an object written as JSON/YAML by its extension. */
  files?: Record<string, string | object>;
  vendor?: string;
}

function serialise(file: string, content: string | object): string {
  if (typeof content === 'string') return content;
  return /\.ya?ml$/i.test(file) ? toYaml(content) : JSON.stringify(content, null, 2);
}

/** Writes the spec (and sibling files) to a temp folder and ingests it: the file alone, or the folder when there are siblings. */
export async function modelOf(spec: object, opts: ModelOptions = {}): Promise<ApiModel> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-test-'));
  dirs.push(dir);
  const specFile = path.join(dir, opts.format === 'yaml' ? 'spec.yaml' : 'spec.json');
  await writeFile(specFile, serialise(specFile, spec));
  const files = Object.entries(opts.files ?? {});
  for (const [name, content] of files) {
    const abs = path.join(dir, name);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, serialise(name, content));
  }
  return ingest(files.length ? dir : specFile, opts.vendor ? { vendor: opts.vendor } : {});
}

/** A minimal valid OpenAPI 3.0 document; `extra` is merged over the top level (e.g. `components`, `security`). */
export function openapi(paths: object, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: { title: 'Example API', version: '1.0.0' },
    servers: [{ url: SERVER }],
    paths,
    components: {},
    ...extra,
  };
}

/** A minimal valid Swagger 2.0 document; `extra` is merged over the top level (e.g. `definitions`, `securityDefinitions`). */
export function swagger2(paths: object, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    swagger: '2.0',
    info: { title: 'Example API', version: '1.0.0' },
    host: new URL(SERVER).host,
    schemes: ['https'],
    produces: ['application/json'],
    paths,
    definitions: {},
    ...extra,
  };
}

/** An OpenAPI 3 GET whose 200 response is `schema` (and optional example, headers). */
export function listOp(schema: object, more: { parameters?: object[]; example?: unknown; headers?: Record<string, object>; [k: string]: unknown } = {}): Record<string, unknown> {
  const { parameters = [], example, headers, ...rest } = more;
  return {
    get: {
      parameters,
      responses: {
        '200': {
          description: 'OK',
          ...(headers ? { headers } : {}),
          content: { 'application/json': { schema, ...(example !== undefined ? { example } : {}) } },
        },
      },
      ...rest,
    },
  };
}

/** A query parameter. */
export function query(name: string, schema: object = { type: 'string' }, description?: string, required = false): Record<string, unknown> {
  return { name, in: 'query', required, schema, ...(description ? { description } : {}) };
}

/** An array of objects with these properties. */
export function arrayOf(properties: Record<string, object>): Record<string, unknown> {
  return { type: 'array', items: { type: 'object', properties } };
}

/** A plain user record's properties. */
export const USER = { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string', format: 'email' } } as const;

export function operation(model: ApiModel, path: string, method: HttpMethod = 'get'): Operation {
  const op = model.operations.find((o) => o.path === path && o.method === method);
  if (!op) throw new Error(`no ${method.toUpperCase()} ${path} in the model (have: ${model.operations.map((o) => `${o.method} ${o.path}`).join(', ')})`);
  return op;
}

/** The pagination signals of one operation, gathered the way the heuristic planner gathers them. */
export function signalsFor(model: ApiModel, path: string): PaginationSignals {
  const view = new SchemaView(model);
  const op = operation(model, path);
  const body = responseBody(op, view);
  const items = body ? findItems(view, body.schema, collectionNoun(op.path)) : undefined;
  const headers = op.responses.filter((r) => /^2/.test(r.status)).flatMap((r) => r.headers.map((h) => h.name));
  return collectSignals(op, body?.schema ?? {}, body?.example, items?.path ?? '', model, view, headers);
}
