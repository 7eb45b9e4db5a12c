import { z } from 'zod';

/**
 * `fetchwright/observed-shapes@1`: what a live run (`fetchwright run --observe shapes.json`) saw of
 * the API, with every value removed, and what `generate --observed shapes.json` reads back as
 * evidence stronger than the docs.
 *
 * Per operation the connector called (its docs path template, never a concrete URL): the status
 * codes, media types and response header *names* seen, and the JSON shape of the bodies as a JSON
 * Schema subset (draft 2020-12 keywords: `type`, `format`, `properties`, `required`, `items`,
 * `additionalProperties`). A value never appears: not a field's value, not a header's, not a URL,
 * not a map key. An object keyed by data (JupyterHub's `/services`, keyed by service name) is a map:
 * `{ "type": "object", "additionalProperties": <record shape> }`, its keys dropped, with
 * `x-map-key` naming the record field that always equalled the key, when one did.
 *
 * Which names are kept (agent/run/shape-of.ts): a property name the docs declare at its place; an
 * undocumented one only in the form of an identifier (ASCII letters, digits, `_`, `$`, `@`; at most
 * 64 characters) and, below the body's top level (in a list's items or a map's values: records and
 * their sub-objects), only when at least 2 of the objects merged at that place had it (a field of the
 * record type recurs, a key that is data varies per record). Every other key, any
 * name with the form of data, and any name holding a secret of the run, is folded into
 * `additionalProperties` (its value's shape kept, the name dropped). Header names are kept only in
 * the form of a header name (`[a-z][a-z0-9-]*`, at most 64 characters), media types only as a
 * `type/subtype` pair of tokens (else `unrecognised`), neither when it holds a secret.
 *
 * Observation is a sample: an operation's `bodies_observed`, when present, says that only that many
 * of its responses had their bodies read into the shapes (the rest: status and header names).
 *
 * The file is untrusted input when read back (a person may have edited it): `readObservedShapes`
 * parses it with this schema, bounded in depth and size.
 */

export const OBSERVED_SHAPES_FORMAT = 'fetchwright/observed-shapes@1';

/** JSON types, as JSON Schema names them (`integer` for numbers without a fraction). */
export const JsonType = z.enum(['null', 'boolean', 'integer', 'number', 'string', 'array', 'object']);
export type JsonType = z.infer<typeof JsonType>;

/** String formats told from the text's form (never kept): RFC 3339 date-time and date, email, URI, UUID. */
export const ObservedFormat = z.enum(['date-time', 'date', 'email', 'uri', 'uuid']);
export type ObservedFormat = z.infer<typeof ObservedFormat>;

/** Deepest shape kept; deeper parts are recorded as `{}` (any). */
export const MAX_SHAPE_DEPTH = 32;
/** Most properties kept per object shape. */
export const MAX_SHAPE_PROPERTIES = 1_000;
/** Most property names one shapes file holds, all operations together (a live run never writes more; `readObservedShapes` refuses more). */
export const MAX_OBSERVED_PROPERTIES = 20_000;

export interface ObservedSchema {
  /** One type, or every type seen (`["string", "null"]`: nullability seen). Absent: nothing seen (an empty list's items). */
  type?: JsonType | JsonType[];
  /** When every string seen had this form. */
  format?: ObservedFormat;
  /** An object's fields (a record, a wrapper); names are field names, never data. */
  properties?: Record<string, ObservedSchema>;
  /** Fields present in every object seen. */
  required?: string[];
  /** A list's items, all merged into one shape. */
  items?: ObservedSchema;
  /** A map keyed by data: every value's shape, merged; the keys are not kept. */
  additionalProperties?: ObservedSchema;
  /** A map's record field whose value equalled its key in every entry seen (`name`). */
  'x-map-key'?: string;
}

export const ObservedSchema: z.ZodType<ObservedSchema> = z.lazy(() =>
  z
    .object({
      type: z.union([JsonType, z.array(JsonType).min(1).max(7)]).optional(),
      format: ObservedFormat.optional(),
      properties: z.record(z.string().max(200), ObservedSchema).optional(),
      required: z.array(z.string().max(200)).optional(),
      items: ObservedSchema.optional(),
      additionalProperties: ObservedSchema.optional(),
      'x-map-key': z.string().max(200).optional(),
    })
    .strict(),
);

export const ObservedResponse = z
  .object({
    status: z.number().int().min(100).max(599),
    /** The media type without parameters (`application/json`), lower-case; null when the response had none. */
    content_type: z.string().max(200).nullable(),
    /** Header names seen, lower-case, sorted. */
    header_names: z.array(z.string().max(200)),
    /** How many responses were merged into this one. */
    count: z.number().int().positive(),
    /** The merged shape of the JSON bodies; null when no body was JSON. */
    body: ObservedSchema.nullable(),
  })
  .strict();
export type ObservedResponse = z.infer<typeof ObservedResponse>;

export const ObservedOperation = z
  .object({
    method: z.literal('GET'),
    /** The docs' path template (`/users/{name}/tokens`), as in the plan. */
    path: z.string().max(2_000),
    /** The plan stream that made these calls. */
    stream: z.string().max(200),
    /** One entry per status code seen. */
    responses: z.array(ObservedResponse),
    /** Present when observation was sampled: how many of the responses had their bodies read into `body` (the rest gave status and header names only). */
    bodies_observed: z.number().int().nonnegative().optional(),
  })
  .strict();
export type ObservedOperation = z.infer<typeof ObservedOperation>;

export const ObservedShapes = z
  .object({
    format: z.literal(OBSERVED_SHAPES_FORMAT),
    vendor: z.string().max(200),
    /** sha256 of the plan.json of the connector that was run. */
    plan_sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** When the run ended (RFC 3339). */
    observed_at: z.iso.datetime({ offset: true }),
    operations: z.array(ObservedOperation),
  })
  .strict();
export type ObservedShapes = z.infer<typeof ObservedShapes>;
