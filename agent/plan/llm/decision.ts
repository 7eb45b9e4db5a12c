import { z } from 'zod';
import { SchemaView } from '../../docs-view/schema-view.ts';
import { checkQuotes } from '../../docs-view/quote-check.ts';
import type { ApiModel, Operation } from '../../ingest/api-model.ts';
import { READ_ONLY_REQUEST_POLICY, type RequestPolicy } from '../../../policy/request-policy.ts';
import { IdentityKind } from '../../../templates/canonical.ts';
import { responseBody } from '../response-body.ts';

/**
 * What a model may decide about a connector (issue 13: the model-driven planner), and the gates
 * every decision passes before fetchwright acts on it. A decision names only what the docs' own
 * operations have — operation ids, their path and query parameters, the security schemes they
 * accept — and every claim carries a quote that must occur verbatim in the docs at its source
 * (`checkQuotes`, as the heuristic planner's own evidence does). The read-only request policy
 * judges every operation named. A rejected decision goes back to the model with the reasons
 * (`DecisionRejection.reason`), within the loop's round budget.
 *
 * Docs and model output are data: nothing here executes, fetches or renders a value; a field the
 * schema does not declare is refused (strict objects), so a model cannot smuggle a host, a method or
 * a header into a plan.
 */

/** A claim and where the docs make it: the quote must be the docs' own words at `source`. */
export const DecisionEvidence = z.strictObject({ source: z.strictObject({ file: z.string().max(300), pointer: z.string().max(1000) }), quote: z.string().min(1).max(500) });

export const StreamDecision = z.strictObject({
  /** An operation id of the ApiModel (a GET). */
  operation_id: z.string().min(1).max(300),
  /** The stream's name in the plan: lower-case words joined by `_`. */
  name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  kind: IdentityKind,
  /** Dotted path of the records in the response body; `''` for a body that is the list itself. */
  items_path: z.string().max(200),
  /** For a list read once per record of another stream: which stream, which path parameter, which field of its records fills it. */
  parent: z.strictObject({ stream: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), param: z.string().min(1).max(100), field: z.string().min(1).max(200) }).nullable(),
  evidence: z.array(DecisionEvidence).min(1).max(8),
});
export type StreamDecision = z.infer<typeof StreamDecision>;

export const PlanDecision = z.strictObject({
  streams: z.array(StreamDecision).min(1).max(60),
  /** The security scheme key (of the docs' `securitySchemes`) the connector authenticates with; null when the operations need none. */
  auth_scheme: z.string().max(200).nullable().describe("A key of the docs' securitySchemes (show_security); null when the docs declare none for these operations — auth the docs explain only in prose is read by fetchwright itself."),
});
export type PlanDecision = z.infer<typeof PlanDecision>;

/** One reason a decision is refused, for the model to read and correct. */
export interface DecisionRejection {
  /** Where in the decision: `streams.2.operation_id`, `auth_scheme`. */
  at: string;
  reason: string;
}

/** The `{ var }` names of a path template. */
function pathVariables(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/** Whether `dotted` names an array of records in the operation's success response (`''`: the body is the array). */
function itemsPathHolds(view: SchemaView, op: Operation, dotted: string): boolean {
  const body = responseBody(op, view);
  if (!body) return false;
  const at = dotted === '' ? body.schema : view.at(body.schema, dotted);
  if (!at) return false;
  const node = view.resolve(at);
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  return types.includes('array') || !!node.items;
}


/**
 * Every reason `decision` cannot be acted on, or `[]`: an operation the docs lack or that is not a
 * GET, one the request policy refuses, a path parameter nobody fills (every `{var}` but a parent's
 * must be a tenant variable the docs declare on the operation), a parent stream not decided or not
 * listed before its child, a parameter or items path the operation's response does not have, a
 * duplicate stream name or operation, a security scheme the docs do not declare or the operations do
 * not accept, and any quote not found verbatim at its source. `earlier`: streams of a plan under
 * review that a decided stream may name as its parent. Never throws.
 */
export function checkDecision(model: ApiModel, decision: PlanDecision, policy: RequestPolicy = READ_ONLY_REQUEST_POLICY, earlier: ReadonlySet<string> = new Set()): DecisionRejection[] {
  const out: DecisionRejection[] = [];
  const view = new SchemaView(model);
  const byId = new Map(model.operations.map((o) => [o.id, o]));
  const names = new Map<string, number>();
  const ops = new Set<string>();
  decision.streams.forEach((s, i) => {
    const at = (field: string) => `streams.${i}.${field}`;
    if (names.has(s.name)) out.push({ at: at('name'), reason: `the stream name ${s.name} is used twice` });
    names.set(s.name, i);
    const op = byId.get(s.operation_id);
    if (!op) {
      out.push({ at: at('operation_id'), reason: `the docs have no operation ${JSON.stringify(s.operation_id)}: name one list_operations shows` });
      return;
    }
    if (op.method !== 'get') out.push({ at: at('operation_id'), reason: `${s.operation_id} is a ${op.method.toUpperCase()}: a connector only reads (GET)` });
    if (ops.has(s.operation_id)) out.push({ at: at('operation_id'), reason: `${s.operation_id} is read by two streams` });
    ops.add(s.operation_id);
    const refused = policy.operation({ path: op.path, id: op.id, summary: op.summary, description: op.description });
    if (refused) out.push({ at: at('operation_id'), reason: `the read-only request policy refuses ${op.method.toUpperCase()} ${op.path}: ${refused.reason}` });
    if (!itemsPathHolds(view, op, s.items_path)) out.push({ at: at('items_path'), reason: `the success response of ${s.operation_id} has no list at ${JSON.stringify(s.items_path)}: use show_operation to read its schema` });
    const pathParams = pathVariables(op.path);
    for (const v of pathParams) {
      if (s.parent?.param === v) continue;
      if (!op.parameters.some((p) => p.in === 'path' && p.name === v)) out.push({ at: at('operation_id'), reason: `the path parameter {${v}} of ${op.path} is not declared by the docs` });
    }
    if (s.parent) {
      if (!pathParams.includes(s.parent.param) && !op.parameters.some((p) => p.in === 'query' && p.name === s.parent!.param)) {
        out.push({ at: at('parent.param'), reason: `${op.path} has no path or query parameter ${JSON.stringify(s.parent.param)}` });
      }
      const parentIndex = names.get(s.parent.stream);
      if (!earlier.has(s.parent.stream) && (parentIndex === undefined || parentIndex >= i)) out.push({ at: at('parent.stream'), reason: `the parent stream ${s.parent.stream} must be decided before ${s.name}` });
    }
  });
  if (decision.auth_scheme !== null) {
    if (!model.security_schemes.some((sch) => sch.key === decision.auth_scheme)) {
      out.push({ at: 'auth_scheme', reason: `the docs declare no security scheme ${JSON.stringify(decision.auth_scheme)}: use show_security` });
    }
    // Which of the declared schemes the connector uses is the planner's least-privilege choice over the
    // decided operations (a scheme the docs explain only in prose counts too): plan-from-decision.ts says so.
  }
  for (const q of checkQuotes(decision, model)) out.push({ at: q.at, reason: q.why === 'no-such-source' ? `no item of the docs is at ${q.source.file}#${q.source.pointer}: cite a source a tool showed` : `the quote is not in the docs at ${q.source.file}#${q.source.pointer}: quote the docs' own words verbatim` });
  return out;
}
