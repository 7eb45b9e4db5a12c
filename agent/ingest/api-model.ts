import { z } from 'zod';

/**
 * The ApiModel: what ingest knows about a vendor's API, as data. Every item keeps a `source`
 * pointing back to where in the docs it came from. Nothing in here is ever executed or obeyed:
 * descriptions are text.
 */

export const Source = z.object({
  /** The document, relative to the docs root the user named. */
  file: z.string(),
  /** RFC 6901 JSON pointer inside that document (`''` is the whole document). For Markdown, `#heading`. */
  pointer: z.string(),
});
export type Source = z.infer<typeof Source>;

/**
 * A JSON schema reduced to what the later stages use. `ref` names an entry of `ApiModel.schemas`,
 * which is how circular schemas stay finite.
 */
export const SchemaNode = z.object({
  ref: z.string().optional(),
  type: z.array(z.string()).optional(),
  format: z.string().optional(),
  description: z.string().optional(),
  enum: z.array(z.unknown()).optional(),
  nullable: z.boolean().optional(),
  required: z.array(z.string()).optional(),
  example: z.unknown().optional(),
  default: z.unknown().optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  readOnly: z.boolean().optional(),
  /**
   * `x-map-key`: for an object keyed by data (`additionalProperties` holds each record), the record
   * field whose value is the entry's key (`name`), as the docs or a live run's observed shapes say.
   */
  map_key: z.string().optional(),
  /**
   * The key (`file#pointer`) of the {@link DocsDefect} read at this node, when the docs write it
   * defectively: a `$ref` that points at nothing (the node is then empty), or a `$ref` with a sibling
   * `type: array` and no `items` (the node is then the array of the referenced schema).
   */
  defect: z.string().optional(),
  get properties(): z.ZodOptional<z.ZodRecord<z.ZodString, typeof SchemaNode>> {
    return z.record(z.string(), SchemaNode).optional();
  },
  get items(): z.ZodOptional<typeof SchemaNode> {
    return SchemaNode.optional();
  },
  get additionalProperties(): z.ZodOptional<typeof SchemaNode> {
    return SchemaNode.optional();
  },
  get allOf(): z.ZodOptional<z.ZodArray<typeof SchemaNode>> {
    return z.array(SchemaNode).optional();
  },
  get oneOf(): z.ZodOptional<z.ZodArray<typeof SchemaNode>> {
    return z.array(SchemaNode).optional();
  },
  get anyOf(): z.ZodOptional<z.ZodArray<typeof SchemaNode>> {
    return z.array(SchemaNode).optional();
  },
});
export type SchemaNode = z.infer<typeof SchemaNode>;

/**
 * A defect in the docs, recorded where it is instead of refusing the whole docs, so the planner can
 * decide: a warning when the connector does not use that part, an error that names it when it does.
 * `dangling-ref`: a `$ref` that points at nothing (its part is read as empty, or left out when it is
 * a parameter, response, path item or security scheme); `ref-with-siblings`: a `$ref` with a sibling
 * `type: array` and no `items`, read as an array of the referenced schema. `source` is where the
 * defect is written (the node holding the `$ref`); `text` says what is wrong, `fix` what to do.
 */
export const DocsDefect = z.object({
  /** `other-origin`, `ambiguous-origin`: a web reference's samples call another host than its API's, or its pages disagree on the API's host (agent/ingest/pages/api-origin.ts). */
  kind: z.enum(['dangling-ref', 'ref-with-siblings', 'other-origin', 'ambiguous-origin']),
  source: z.object({ file: z.string(), pointer: z.string() }),
  /** The `$ref` as written; for an origin defect, the origin. */
  ref: z.string(),
  text: z.string(),
  fix: z.string(),
});
export type DocsDefect = z.infer<typeof DocsDefect>;

/** The key a {@link DocsDefect} is known by in `SchemaNode.defect`: its file and pointer. */
export function defectKey(source: { file: string; pointer: string }): string {
  return `${source.file}#${source.pointer}`;
}

export const NamedSchema = z.object({ name: z.string(), schema: SchemaNode, source: Source });
export type NamedSchema = z.infer<typeof NamedSchema>;

export const ServerVariable = z.object({
  name: z.string(),
  default: z.string().optional(),
  enum: z.array(z.string()).optional(),
  description: z.string().optional(),
});

export const Server = z.object({
  url: z.string(),
  description: z.string().optional(),
  variables: z.array(ServerVariable),
  source: Source,
});
export type Server = z.infer<typeof Server>;

export const SecurityScheme = z.object({
  key: z.string(),
  /** Normalised: Swagger 2.0 `basic` becomes `http` + scheme `basic`. */
  type: z.enum(['apiKey', 'http', 'oauth2', 'openIdConnect', 'mutualTLS']),
  scheme: z.string().optional(),
  in: z.enum(['header', 'query', 'cookie']).optional(),
  name: z.string().optional(),
  bearer_format: z.string().optional(),
  description: z.string().optional(),
  flows: z.array(z.string()),
  scopes: z.array(z.object({ name: z.string(), description: z.string().optional() })),
  /**
   * The OAuth 2.0 client credentials grant (RFC 6749 §4.4) when the scheme offers it: OpenAPI 3's
   * `flows.clientCredentials`, Swagger 2.0's `flow: application`. `token_url` is the docs' text as
   * written — absolute, or relative to the API's server (OpenAPI 3.1: relative URLs resolve against
   * the Server Object's URL; agent/plan/client-credentials.ts resolves it). `scopes` are that flow's
   * own (Swagger 2.0 has one flow per scheme: the scheme's). `source` is the flow object.
   */
  client_credentials: z
    .object({
      token_url: z.string(),
      scopes: z.array(z.object({ name: z.string(), description: z.string().optional() })),
      source: Source,
    })
    .optional(),
  source: Source,
});
export type SecurityScheme = z.infer<typeof SecurityScheme>;

/** One alternative of a security requirement: every scheme listed must be applied together. */
export const SecurityRequirement = z.array(z.object({ scheme: z.string(), scopes: z.array(z.string()) }));
export type SecurityRequirement = z.infer<typeof SecurityRequirement>;

export const Parameter = z.object({
  name: z.string(),
  in: z.enum(['query', 'header', 'path', 'cookie', 'body', 'formData']),
  required: z.boolean(),
  description: z.string().optional(),
  schema: SchemaNode.optional(),
  source: Source,
});
export type Parameter = z.infer<typeof Parameter>;

export const ResponseHeader = z.object({
  name: z.string(),
  description: z.string().optional(),
  schema: SchemaNode.optional(),
});

export const Response = z.object({
  status: z.string(),
  description: z.string().optional(),
  content_type: z.string().optional(),
  schema: SchemaNode.optional(),
  /** Response examples as the docs give them (bounded in number). */
  examples: z.array(z.unknown()),
  headers: z.array(ResponseHeader),
  source: Source,
  /**
   * True for a response a live run observed (`generate --observed`): its schema is the observed
   * shape, its `source` the shapes file and the JSON pointer of the observation. Absent for the docs' own.
   */
  observed: z.boolean().optional(),
});
export type Response = z.infer<typeof Response>;

export const HttpMethod = z.enum(['get', 'head', 'options', 'trace', 'post', 'put', 'patch', 'delete']);
export type HttpMethod = z.infer<typeof HttpMethod>;

export const Operation = z.object({
  /** operationId when the docs give one, else `METHOD path`. Unique in a model. */
  id: z.string(),
  method: HttpMethod,
  path: z.string(),
  summary: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.string()),
  deprecated: z.boolean(),
  parameters: z.array(Parameter),
  has_request_body: z.boolean(),
  responses: z.array(Response),
  /** `undefined` inherits the document's security; `[]` means explicitly unauthenticated. */
  security: z.array(SecurityRequirement).optional(),
  /** Operation- or path-level servers, when they override the document's. */
  servers: z.array(Server).optional(),
  /** Vendor extensions whose values are short scalars or string lists (e.g. a required role). */
  extensions: z.record(z.string(), z.unknown()),
  source: Source,
});
export type Operation = z.infer<typeof Operation>;

export const ProseTopic = z.enum(['pagination', 'rate_limit', 'errors', 'auth']);
export type ProseTopic = z.infer<typeof ProseTopic>;

export const Prose = z.object({
  topics: z.array(ProseTopic),
  text: z.string(),
  source: Source,
});
export type Prose = z.infer<typeof Prose>;

export const DocumentInfo = z.object({
  file: z.string(),
  kind: z.enum(['openapi', 'swagger', 'markdown', 'html', 'rst']),
  sha256: z.string(),
});

export const ApiModel = z.object({
  title: z.string(),
  /** kebab-case vendor name derived from the title (or given by the user). */
  vendor: z.string(),
  api_version: z.string().optional(),
  format: z.enum(['openapi-3.0', 'openapi-3.1', 'swagger-2.0', 'web-pages']),
  /** sha256 over every document read, in order. */
  docs_sha256: z.string(),
  documents: z.array(DocumentInfo),
  servers: z.array(Server),
  security_schemes: z.array(SecurityScheme),
  security: z.array(SecurityRequirement),
  operations: z.array(Operation),
  schemas: z.record(z.string(), NamedSchema),
  prose: z.array(Prose),
  /** Defects read in the docs (`DocsDefect`), where they are; absent when there are none. */
  defects: z.array(DocsDefect).optional(),
  /**
   * The observed shapes laid over the docs (`generate --observed`), when given: the file's name (as
   * observed responses' `source.file` names it), its sha256, and when the live run saw them.
   */
  observed: z.object({ file: z.string(), sha256: z.string(), observed_at: z.string(), operations: z.number().int().min(0) }).optional(),
});
export type ApiModel = z.infer<typeof ApiModel>;
