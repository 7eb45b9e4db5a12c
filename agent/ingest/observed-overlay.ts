import { FetchwrightError } from '../errors.ts';
import type { ObservedInput } from '../observed/read-observed-shapes.ts';
import type { ObservedOperation, ObservedResponse } from '../observed/observed-shapes.ts';
import { SchemaView } from '../docs-view/schema-view.ts';
import type { ApiModel, Operation, Response, SchemaNode } from './api-model.ts';
import type { RefResolver } from './ref-resolver.ts';
import { SchemaReader } from './schema-reader.ts';

/**
 * Lays what a live run observed (`generate --observed shapes.json`) over the ApiModel read from the
 * docs. Observation is evidence stronger than the docs where they disagree: for each observed GET
 * that matches a documented operation by path template, every observed response becomes a response
 * of that operation, placed before the docs' own — so the planner and the mock, which both read an
 * operation's first success response, read the observed shape (each with its own code) — with the
 * observed body shape read through the schema reader (so it is `SchemaNode`s like the docs'), the
 * observed header names as response headers, and `source` naming the shapes file and the JSON
 * pointer of the observation. The docs' responses stay after them: evidence still quotes the docs'
 * words (a field's description, a response's), and `api-model.json` keeps both.
 *
 * Where the observation is silent — a field only ever `null`, a list only ever empty — the docs'
 * schema for the same place says what it holds (its type and format, not its words): observation
 * outranks the docs only where it saw something.
 */

export interface OverlayReport {
  /** Observed operations laid over a documented one: `GET path` → the operation's id. */
  applied: { path: string; operation_id: string }[];
  /** Observed operations no documented GET matches (by path template): left out, named for a person. */
  unmatched: string[];
}

/** A resolver for shapes, which hold no `$ref`: the schema reader never calls it for them. */
const NO_REFS: RefResolver = {
  deref() {
    throw new Error('an observed shape holds no $ref');
  },
  filesRead: () => new Map(),
  filesMissing: () => new Set(),
};

/** A path template with its parameter names dropped: `/users/{name}/tokens` and `/users/{user}/tokens` are one operation. */
function template(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}').replace(/\/+$/, '') || '/';
}

const isSuccess = (r: ObservedResponse) => r.status >= 200 && r.status < 300;

/** The observed responses, the one that answers the list first: a 200 with a JSON body, else another 2xx with one, else the first 2xx. */
function ordered(responses: ObservedResponse[]): ObservedResponse[] {
  const success =
    responses.find((r) => r.status === 200 && r.body) ?? responses.find((r) => isSuccess(r) && r.body) ?? responses.find(isSuccess);
  return success ? [success, ...responses.filter((r) => r !== success)] : responses;
}

/** True when a live run saw no value but `null` here (or nothing at all: the items of lists only ever empty). */
function silent(node: SchemaNode): boolean {
  return !node.type?.length && !node.properties && !node.items && !node.additionalProperties;
}

const MAX_FILL_DEPTH = 16;

/**
 * The observed shape `observed`, with every silent place filled from the docs' schema `docs` for the
 * same place: its type, format and structure, never its words (description, example, default), and
 * nullable where the run saw `null`. Places are matched field by field, list items to list items,
 * and a map's values or a wrapper's list (`{"api_tokens": [...]}`) to the docs' list items.
 */
function fillSilences(observed: SchemaNode, docs: SchemaNode | undefined, view: SchemaView, depth = 0): SchemaNode {
  if (!docs || depth > MAX_FILL_DEPTH) return observed;
  const d = view.resolve(docs);
  if (silent(observed)) {
    if (!d.type && !d.properties && !d.items && !d.additionalProperties) return observed;
    const { description: _d, example: _e, default: _f, ...shape } = d;
    return { ...shape, ...(observed.nullable ? { nullable: true } : {}) };
  }
  const out: SchemaNode = { ...observed };
  const docsList = view.isArray(d) ? d.items : undefined;
  if (observed.properties) {
    const docsProps = view.properties(d);
    out.properties = Object.fromEntries(
      Object.entries(observed.properties).map(([name, child]) => {
        if (Object.hasOwn(docsProps, name)) return [name, fillSilences(child, docsProps[name], view, depth + 1)];
        // A wrapper the docs do not show around their list: a list in it holds the docs' records.
        if (docsList && child.items) return [name, { ...child, items: fillSilences(child.items, docsList, view, depth + 1) }];
        if (docsList && child.additionalProperties) return [name, { ...child, additionalProperties: fillSilences(child.additionalProperties, docsList, view, depth + 1) }];
        return [name, child];
      }),
    );
  }
  if (observed.items) out.items = fillSilences(observed.items, d.items ?? d.additionalProperties, view, depth + 1);
  if (observed.additionalProperties) out.additionalProperties = fillSilences(observed.additionalProperties, d.additionalProperties ?? d.items, view, depth + 1);
  return out;
}

/** The docs' own success response schema of an operation: the first 2xx with one. */
function documentedBody(op: Operation): SchemaNode | undefined {
  return op.responses.find((r) => /^2(\d\d|XX)$/i.test(r.status) && r.schema)?.schema;
}

function observedResponses(op: ObservedOperation, index: number, file: string, reader: SchemaReader, docsBody: SchemaNode | undefined, view: SchemaView): Response[] {
  return ordered(op.responses).map((r) => {
    const pointer = `/operations/${index}/responses/${op.responses.indexOf(r)}`;
    const schema = r.body ? reader.read(r.body, file, `${pointer}/body`) : undefined;
    return {
      status: String(r.status),
      ...(r.content_type ? { content_type: r.content_type } : {}),
      ...(schema ? { schema: isSuccess(r) ? fillSilences(schema, docsBody, view) : schema } : {}),
      examples: [],
      headers: r.header_names.map((name) => ({ name })),
      source: { file, pointer },
      observed: true,
    };
  });
}

/**
 * The model with the observed shapes laid over it (see the module comment), and what was applied.
 * The model's `observed` names the shapes file and its sha256, so everything hashed from the model
 * (the plan's `api_model_sha256`) differs from a plan made from the docs alone.
 *
 * Throws FetchwrightError `usage` (exit 2) when the shapes were observed of another vendor's
 * connector than these docs describe.
 */
export function overlayObserved(model: ApiModel, input: ObservedInput): { model: ApiModel; report: OverlayReport } {
  const { shapes } = input;
  if (shapes.vendor !== model.vendor) {
    throw new FetchwrightError('usage', `the shapes in ${input.file} were observed of the ${JSON.stringify(shapes.vendor).slice(0, 80)} connector, but these docs describe ${model.vendor}`, {
      file: input.file,
      hint: 'Pass the shapes file a live run of this vendor\'s connector wrote (`fetchwright run <connectors/vendor> --observe shapes.json`), or --vendor when the docs\' title names the vendor differently.',
    });
  }
  // The observed items' source names the shapes file; a docs file of the same name is told apart.
  const file = model.documents.some((d) => d.file === input.file) ? `observed:${input.file}` : input.file;
  const reader = new SchemaReader(NO_REFS, '/');
  const view = new SchemaView(model);
  const report: OverlayReport = { applied: [], unmatched: [] };
  const byOperation = new Map<Operation, Response[]>();
  shapes.operations.forEach((observed, index) => {
    const op = model.operations.find((o) => o.method === 'get' && template(o.path) === template(observed.path));
    if (!op) {
      report.unmatched.push(`GET ${observed.path}`);
      return;
    }
    // The first observation of an operation is the one laid over it.
    if (byOperation.has(op) || !observed.responses.length) return;
    byOperation.set(op, observedResponses(observed, index, file, reader, documentedBody(op), view));
    report.applied.push({ path: observed.path, operation_id: op.id });
  });
  const operations = model.operations.map((op) => {
    const observed = byOperation.get(op);
    return observed ? { ...op, responses: [...observed, ...op.responses] } : op;
  });
  return {
    model: { ...model, operations, observed: { file, sha256: input.sha256, observed_at: shapes.observed_at, operations: report.applied.length } },
    report,
  };
}
