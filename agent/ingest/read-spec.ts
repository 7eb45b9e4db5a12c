import path from 'node:path';
import type { HttpMethod, Operation, Parameter, Response, SecurityRequirement, SecurityScheme, Server, Source } from './api-model.ts';
import type { ModelBudget } from './model-budget.ts';
import { scalarText, scalarTexts } from './read-docs.ts';
import { DanglingRef, joinPointer, type RefResolver } from './ref-resolver.ts';
import { boundedExample, boundedText, danglingDefect, type SchemaReader } from './schema-reader.ts';

/**
 * Reads one OpenAPI 3.x or Swagger 2.0 document into ApiModel parts. Version differences
 * (Swagger's `host`/`basePath`, `securityDefinitions`, inline parameter types, `schema` on a
 * response) are normalised here so later stages see one shape.
 */

type Obj = Record<string, unknown>;
const METHODS: HttpMethod[] = ['get', 'head', 'options', 'trace', 'post', 'put', 'patch', 'delete'];
const MAX_EXAMPLES = 3;

function obj(v: unknown): Obj | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export interface SpecParts {
  title: string;
  api_version?: string;
  servers: Server[];
  security_schemes: SecurityScheme[];
  security: SecurityRequirement[];
  operations: Operation[];
  /** Document-level prose: info and tag descriptions. */
  texts: { text: string; source: Source }[];
}

export interface SpecContext {
  absPath: string;
  /** Relative to docsRoot. */
  file: string;
  docsRoot: string;
  data: Obj;
  swagger2: boolean;
  resolver: RefResolver;
  schemas: SchemaReader;
  /** Counts the model's size as operations are read; none: unbounded (a test's small spec). */
  budget?: ModelBudget;
}

interface At {
  absPath: string;
  pointer: string;
}

/**
 * Follows `node`'s $ref chain; `at` is where `node` itself lives (file and pointer). A chain that
 * ends at nothing gives `value: undefined` (the part is left out, as an unreadable one is) and is
 * recorded as a `dangling-ref` defect where it is written, for the planner to judge.
 */
function deref(ctx: SpecContext, node: unknown, at: At): { value: Obj | undefined; absPath: string; pointer: string } {
  try {
    const r = ctx.resolver.deref(node, at.absPath, at.pointer);
    return { value: obj(r.value), absPath: r.absPath, pointer: r.pointer };
  } catch (e) {
    if (!(e instanceof DanglingRef)) throw e;
    ctx.schemas.record(danglingDefect(e, path.relative(ctx.docsRoot, at.absPath) || ctx.file, at.pointer));
    return { value: undefined, absPath: at.absPath, pointer: at.pointer };
  }
}

function sourceOf(ctx: SpecContext, absPath: string, pointer: string): Source {
  return { file: path.relative(ctx.docsRoot, absPath) || ctx.file, pointer };
}

function readServers(ctx: SpecContext, raw: unknown, pointer: string): Server[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((s, i): Server[] => {
    const server = obj(s);
    const url = str(server?.url);
    if (!server || url === undefined) return [];
    const variables = Object.entries(obj(server.variables) ?? {}).map(([name, v]) => {
      const variable = obj(v) ?? {};
      return {
        name,
        ...(scalarText(variable.default) !== undefined ? { default: scalarText(variable.default) } : {}),
        ...(Array.isArray(variable.enum) ? { enum: scalarTexts(variable.enum) } : {}),
        ...(boundedText(variable.description) ? { description: boundedText(variable.description) } : {}),
      };
    });
    return [{ url, ...(boundedText(server.description) ? { description: boundedText(server.description) } : {}), variables, source: { file: ctx.file, pointer: joinPointer(pointer, i) } }];
  });
}

function swaggerServers(ctx: SpecContext): Server[] {
  const host = str(ctx.data.host);
  const basePath = str(ctx.data.basePath) ?? '';
  const listed = Array.isArray(ctx.data.schemes) ? scalarTexts(ctx.data.schemes) : [];
  const schemes = listed.length ? listed : ['https'];
  // https first: a connector never downgrades when the docs offer both.
  schemes.sort((a, b) => (a === 'https' ? -1 : b === 'https' ? 1 : 0));
  if (!host) return basePath ? [{ url: basePath, variables: [], source: { file: ctx.file, pointer: '/basePath' } }] : [];
  return schemes.map((scheme) => ({ url: `${scheme}://${host}${basePath}`, variables: [], source: { file: ctx.file, pointer: '/host' } }));
}

function readSecuritySchemes(ctx: SpecContext): SecurityScheme[] {
  const container = ctx.swagger2 ? obj(ctx.data.securityDefinitions) : obj(obj(ctx.data.components)?.securitySchemes);
  const base = ctx.swagger2 ? '/securityDefinitions' : '/components/securitySchemes';
  if (!container) return [];
  return Object.entries(container).flatMap(([key, raw]): SecurityScheme[] => {
    const { value: s, absPath, pointer } = deref(ctx, raw, { absPath: ctx.absPath, pointer: joinPointer(base, key) });
    if (!s) return [];
    let type = str(s.type) ?? '';
    let scheme = str(s.scheme)?.toLowerCase();
    if (type === 'basic') {
      type = 'http';
      scheme = 'basic';
    }
    if (!['apiKey', 'http', 'oauth2', 'openIdConnect', 'mutualTLS'].includes(type)) return [];
    const flows: string[] = [];
    const scopes = new Map<string, string | undefined>();
    let clientCredentials: SecurityScheme['client_credentials'];
    if (ctx.swagger2) {
      if (str(s.flow)) flows.push(str(s.flow)!);
      for (const [name, d] of Object.entries(obj(s.scopes) ?? {})) scopes.set(name, boundedText(d));
      // Swagger 2.0 names the client credentials grant `application`; its one flow's scopes are the scheme's.
      if (type === 'oauth2' && s.flow === 'application') clientCredentials = clientCredentialsFlow(s, scopes, sourceOf(ctx, absPath, pointer));
    } else {
      for (const [flowName, flow] of Object.entries(obj(s.flows) ?? {})) {
        flows.push(flowName);
        const flowScopes = new Map<string, string | undefined>();
        for (const [name, d] of Object.entries(obj(obj(flow)?.scopes) ?? {})) flowScopes.set(name, boundedText(d));
        for (const [name, d] of flowScopes) scopes.set(name, d);
        if (type === 'oauth2' && flowName === 'clientCredentials' && obj(flow)) clientCredentials = clientCredentialsFlow(obj(flow)!, flowScopes, sourceOf(ctx, absPath, joinPointer(pointer, 'flows', flowName)));
      }
    }
    const inValue = str(s.in);
    return [
      {
        key,
        type: type as SecurityScheme['type'],
        ...(scheme ? { scheme } : {}),
        ...(inValue === 'header' || inValue === 'query' || inValue === 'cookie' ? { in: inValue } : {}),
        ...(str(s.name) ? { name: str(s.name) } : {}),
        ...(str(s.bearerFormat) ? { bearer_format: str(s.bearerFormat) } : {}),
        ...(boundedText(s.description) ? { description: boundedText(s.description) } : {}),
        flows,
        scopes: [...scopes].map(([name, description]) => ({ name, ...(description ? { description } : {}) })),
        ...(clientCredentials ? { client_credentials: clientCredentials } : {}),
        source: sourceOf(ctx, absPath, pointer),
      },
    ];
  });
}

/** Longest token URL kept: a URL, not a document. */
const MAX_TOKEN_URL = 2_048;

/**
 * The client credentials flow's token URL as the docs write it, with the flow's scopes; undefined
 * when the flow gives no usable `tokenUrl` (missing, not a string, blank or too long).
 */
function clientCredentialsFlow(flow: Obj, scopes: Map<string, string | undefined>, source: Source): SecurityScheme['client_credentials'] {
  const tokenUrl = str(flow.tokenUrl)?.trim();
  if (!tokenUrl || tokenUrl.length > MAX_TOKEN_URL) return undefined;
  return { token_url: tokenUrl, scopes: [...scopes].map(([name, description]) => ({ name, ...(description ? { description } : {}) })), source };
}

export function readSecurity(raw: unknown): SecurityRequirement[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.map((req) => Object.entries(obj(req) ?? {}).map(([scheme, scopes]) => ({ scheme, scopes: Array.isArray(scopes) ? scalarTexts(scopes) : [] })));
}

function readParameter(ctx: SpecContext, raw: unknown, where0: At): Parameter | undefined {
  const { value: p, absPath, pointer: at } = deref(ctx, raw, where0);
  const name = str(p?.name);
  const where = str(p?.in);
  if (!p || !name || !where || !['query', 'header', 'path', 'cookie', 'body', 'formData'].includes(where)) return undefined;
  let schema;
  if (p.schema !== undefined) schema = ctx.schemas.read(p.schema, absPath, joinPointer(at, 'schema'));
  else if (ctx.swagger2 && p.type !== undefined) schema = ctx.schemas.read(p, absPath, at);
  else if (obj(p.content)) {
    const first = Object.entries(obj(p.content)!)[0];
    if (first && obj(first[1])?.schema !== undefined) schema = ctx.schemas.read(obj(first[1])!.schema, absPath, joinPointer(at, 'content', first[0], 'schema'));
  }
  const description = boundedText(p.description);
  return {
    name,
    in: where as Parameter['in'],
    required: p.required === true || where === 'path',
    ...(description ? { description } : {}),
    ...(schema ? { schema } : {}),
    source: sourceOf(ctx, absPath, at),
  };
}

function mergeParameters(ctx: SpecContext, pathLevel: unknown, opLevel: unknown, pathAt: At, opPointer: string): Parameter[] {
  const byKey = new Map<string, Parameter>();
  const add = (list: unknown, base: At) => {
    if (!Array.isArray(list)) return;
    list.forEach((raw, i) => {
      const p = readParameter(ctx, raw, { absPath: base.absPath, pointer: joinPointer(base.pointer, i) });
      if (p) byKey.set(`${p.in}:${p.name}`, p);
    });
  };
  add(pathLevel, { absPath: pathAt.absPath, pointer: joinPointer(pathAt.pointer, 'parameters') });
  add(opLevel, { absPath: pathAt.absPath, pointer: joinPointer(opPointer, 'parameters') });
  return [...byKey.values()];
}

function pickMediaType(content: Obj): [string, Obj] | undefined {
  const entries = Object.entries(content).filter((e): e is [string, Obj] => !!obj(e[1]));
  return entries.find(([mt]) => /^application\/json/i.test(mt)) ?? entries.find(([mt]) => /[+/]json/i.test(mt)) ?? entries[0];
}

function readResponses(ctx: SpecContext, raw: unknown, opAt: At): Response[] {
  const responses = obj(raw);
  if (!responses) return [];
  return Object.entries(responses).flatMap(([status, r]): Response[] => {
    if (status.startsWith('x-')) return [];
    const { value: resp, absPath, pointer } = deref(ctx, r, { absPath: opAt.absPath, pointer: joinPointer(opAt.pointer, 'responses', status) });
    if (!resp) return [];
    const examples: unknown[] = [];
    let schema;
    let contentType: string | undefined;
    if (ctx.swagger2) {
      if (resp.schema !== undefined) schema = ctx.schemas.read(resp.schema, absPath, joinPointer(pointer, 'schema'));
      for (const [mt, ex] of Object.entries(obj(resp.examples) ?? {})) {
        if (/json/i.test(mt)) examples.push(ex);
        contentType ??= mt;
      }
      contentType ??= Array.isArray(ctx.data.produces) ? scalarText(ctx.data.produces[0]) : undefined;
    } else {
      const media = pickMediaType(obj(resp.content) ?? {});
      if (media) {
        const [mt, body] = media;
        contentType = mt;
        const mediaPointer = joinPointer(pointer, 'content', mt);
        if (body.schema !== undefined) schema = ctx.schemas.read(body.schema, absPath, joinPointer(mediaPointer, 'schema'));
        if (body.example !== undefined) examples.push(body.example);
        for (const [name, ex] of Object.entries(obj(body.examples) ?? {})) {
          const resolved = deref(ctx, ex, { absPath, pointer: joinPointer(mediaPointer, 'examples', name) });
          if (resolved.value && 'value' in resolved.value) examples.push(resolved.value.value);
        }
      }
    }
    const headers = Object.entries(obj(resp.headers) ?? {}).map(([name, h]) => {
      const { value: header, absPath: hAbs, pointer: hPointer } = deref(ctx, h, { absPath, pointer: joinPointer(pointer, 'headers', name) });
      const hSchema = header?.schema !== undefined ? ctx.schemas.read(header.schema, hAbs, joinPointer(hPointer, 'schema')) : ctx.swagger2 && header?.type ? ctx.schemas.read(header, hAbs, hPointer) : undefined;
      const description = boundedText(header?.description);
      return { name, ...(description ? { description } : {}), ...(hSchema ? { schema: hSchema } : {}) };
    });
    const description = boundedText(resp.description);
    return [
      {
        status,
        ...(description ? { description } : {}),
        ...(contentType ? { content_type: contentType } : {}),
        ...(schema ? { schema } : {}),
        examples: examples.slice(0, MAX_EXAMPLES).map(boundedExample).filter((e) => e !== undefined),
        headers,
        source: sourceOf(ctx, absPath, pointer),
      },
    ];
  });
}

function readExtensions(op: Obj): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(op)
      .filter(([k]) => k.startsWith('x-'))
      .map(([k, v]) => [k, boundedExample(v)] as const)
      .filter(([, v]) => v !== undefined && JSON.stringify(v).length <= 2_000),
  );
}

function readOperations(ctx: SpecContext): Operation[] {
  const paths = obj(ctx.data.paths) ?? {};
  const ops: Operation[] = [];
  for (const [p, rawItem] of Object.entries(paths)) {
    if (!p.startsWith('/')) continue;
    const itemAt = deref(ctx, rawItem, { absPath: ctx.absPath, pointer: joinPointer('/paths', p) });
    const { value: item, pointer: itemPointer } = itemAt;
    if (!item) continue;
    const pathServers = readServers(ctx, item.servers, joinPointer(itemPointer, 'servers'));
    for (const method of METHODS) {
      const op = obj(item[method]);
      if (!op) continue;
      const opPointer = joinPointer(itemPointer, method);
      const operationId = str(op.operationId);
      const opServers = readServers(ctx, op.servers, joinPointer(opPointer, 'servers'));
      const servers = opServers.length ? opServers : pathServers;
      const parameters = mergeParameters(ctx, item.parameters, op.parameters, itemAt, opPointer);
      const security = readSecurity(op.security);
      const summary = boundedText(op.summary);
      const description = boundedText(op.description);
      const operation: Operation = {
        id: operationId ?? `${method.toUpperCase()} ${p}`,
        method,
        path: p,
        ...(summary ? { summary } : {}),
        ...(description ? { description } : {}),
        tags: Array.isArray(op.tags) ? scalarTexts(op.tags) : [],
        deprecated: op.deprecated === true,
        parameters,
        has_request_body: op.requestBody !== undefined || parameters.some((x) => x.in === 'body' || x.in === 'formData'),
        responses: readResponses(ctx, op.responses, { absPath: itemAt.absPath, pointer: opPointer }),
        ...(security ? { security } : {}),
        ...(servers.length ? { servers } : {}),
        extensions: readExtensions(op),
        source: sourceOf(ctx, itemAt.absPath, opPointer),
      };
      ctx.budget?.charge(operation, operation.source.file, opPointer);
      ops.push(operation);
    }
  }
  const key = operationKeys(ops);
  return ops.map((op) => ({ ...op, id: key(op) }));
}

/**
 * The ids the operations of one document (`all`) are known by in the model: an operation's
 * operationId when that names it alone, else `METHOD path` — unique in a document, since a Path
 * Item holds one operation per method (OpenAPI 3.x, Swagger 2.0). An operationId the document gives more than once (`list` on
 * every GET) names no one operation, and one spelled like another operation's `METHOD path` would
 * collide with it: both are keyed by method and path instead.
 */
export function operationKeys(all: readonly Pick<Operation, 'id' | 'method' | 'path'>[]): (op: Pick<Operation, 'id' | 'method' | 'path'>) => string {
  const own = (o: Pick<Operation, 'method' | 'path'>) => `${o.method.toUpperCase()} ${o.path}`;
  const given = new Map<string, number>();
  for (const o of all) given.set(o.id, (given.get(o.id) ?? 0) + 1);
  const keys = new Set(all.map(own));
  return (op) => {
    if (op.id === own(op)) return op.id;
    return (given.get(op.id) ?? 0) > 1 || keys.has(op.id) ? own(op) : op.id;
  };
}

export function readSpec(ctx: SpecContext): SpecParts {
  const info = obj(ctx.data.info) ?? {};
  const texts: SpecParts['texts'] = [];
  const infoDescription = boundedText(info.description, 200_000);
  if (infoDescription) texts.push({ text: infoDescription, source: { file: ctx.file, pointer: '/info/description' } });
  if (Array.isArray(ctx.data.tags)) {
    ctx.data.tags.forEach((t, i) => {
      const d = boundedText(obj(t)?.description, 50_000);
      if (d) texts.push({ text: d, source: { file: ctx.file, pointer: joinPointer('/tags', i, 'description') } });
    });
  }
  const version = str(info.version);
  return {
    title: str(info.title) ?? path.basename(ctx.file).replace(/\.[^.]+$/, ''),
    ...(version ? { api_version: version } : {}),
    servers: ctx.swagger2 ? swaggerServers(ctx) : readServers(ctx, ctx.data.servers, '/servers'),
    security_schemes: readSecuritySchemes(ctx),
    security: readSecurity(ctx.data.security) ?? [],
    operations: readOperations(ctx),
    texts,
  };
}
