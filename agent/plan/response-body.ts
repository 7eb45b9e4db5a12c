import type { Operation, Response, SchemaNode } from '../ingest/api-model.ts';
import { fromExample, type SchemaView } from '../docs-view/schema-view.ts';

/**
 * The success response of an operation as one schema: the documented schema, with fields that only
 * the docs' example shows folded in (real docs often describe a list only by example).
 */

export interface ResponseBody {
  response: Response;
  /** Documented schema and example, merged; the documented schema wins where both speak. */
  schema: SchemaNode;
  example: unknown;
  documented: boolean;
}

export function successResponse(op: Operation): Response | undefined {
  const ok = op.responses.filter((r) => /^2\d\d$|^2XX$/i.test(r.status));
  return ok.find((r) => r.status === '200') ?? ok.find((r) => r.schema || r.examples.length) ?? ok[0] ?? op.responses.find((r) => r.status === 'default');
}

function merge(view: SchemaView, documented: SchemaNode, inferred: SchemaNode, depth = 0): SchemaNode {
  if (depth > 6) return documented;
  const doc = view.resolve(documented);
  // Nothing documented here (no schema at all): the example is all the docs say, array or not.
  if (!doc.type && !doc.properties && !doc.items) return { ...doc, ...inferred };
  if (view.isArray(doc) && view.isArray(inferred)) {
    return { ...doc, items: merge(view, view.items(doc) ?? {}, inferred.items ?? {}, depth + 1) };
  }
  const docProps = view.properties(doc);
  const exProps = inferred.properties ?? {};
  if (!Object.keys(exProps).length) return doc;
  const properties: Record<string, SchemaNode> = { ...docProps };
  for (const [name, ex] of Object.entries(exProps)) {
    properties[name] = Object.hasOwn(docProps, name) ? merge(view, docProps[name]!, ex, depth + 1) : ex;
  }
  return { ...doc, type: doc.type ?? ['object'], properties };
}

export function responseBody(op: Operation, view: SchemaView): ResponseBody | undefined {
  const response = successResponse(op);
  if (!response) return undefined;
  const example = response.examples[0];
  const documented = !!response.schema;
  let schema: SchemaNode = response.schema ? view.resolve(response.schema) : {};
  if (example !== undefined) schema = merge(view, schema, fromExample(example));
  return { response, schema, example, documented };
}
