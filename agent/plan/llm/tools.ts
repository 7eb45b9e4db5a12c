import { z } from 'zod';
import { zodFunction } from 'openai/helpers/zod';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { ApiModel } from '../../ingest/api-model.ts';
import type { ConnectorPlan } from '../connector-plan.ts';
import type { Finding } from '../../validate/finding.ts';
import { charsFor, DEFAULT_RESULT_TOKENS, enforceCap, estimateTokens } from './bounded.ts';
import { DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT, searchDocs } from './docs-search.ts';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, findOperation, listOperations, nearestIds, showOperation } from './operation-views.ts';
import { showPlan, showSecurity } from './plan-views.ts';
import type { Doubt } from './doubts.ts';

/**
 * The read-only tools the model plans with (issue 13): fetchwright answers each from the ApiModel,
 * so the model never holds the whole spec. Each tool has a zod schema for its arguments and an
 * OpenAI function-calling definition in strict mode (every property required, optional ones
 * nullable, no additional properties), made by the SDK's `zodFunction` — which accepts zod 4
 * schemas (`openai/helpers/zod` reads `_zod` and converts with zod 4's own JSON Schema writer).
 *
 * Every result is JSON text bounded to a token budget (characters / 4, default 1,500 tokens); docs
 * text is only ever a JSON string value in it. `dispatchTool` never throws.
 */

const Method = z.enum(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'POST', 'PUT', 'PATCH', 'DELETE']);

export const ListOperationsArgs = z.strictObject({
  method: Method.nullable().describe('Only operations of this HTTP method; null for all (GETs are listed first).'),
  path_contains: z.string().max(200).nullable().describe('Case-insensitive substring of the path, e.g. "users"; null for any.'),
  tag: z.string().max(200).nullable().describe("One of the docs' tags (case-insensitive); null for any."),
  offset: z.number().int().min(0).nullable().describe('Index of the first operation to list (the previous page\'s next_offset); null for 0.'),
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).nullable().describe(`Operations per page, at most ${MAX_LIST_LIMIT}; null for ${DEFAULT_LIST_LIMIT}.`),
});
export const ShowOperationArgs = z.strictObject({
  operation_id: z.string().min(1).max(300).describe('An operation id as list_operations shows it (its first word).'),
});
export const SearchDocsArgs = z.strictObject({
  query: z.string().min(1).max(200).describe('Words that must all occur, case-insensitive, e.g. "next cursor" or "Link header".'),
  limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).nullable().describe(`Hits to return, at most ${MAX_SEARCH_LIMIT}; null for ${DEFAULT_SEARCH_LIMIT}.`),
});
export const ShowSecurityArgs = z.strictObject({});
export const ShowPlanArgs = z.strictObject({});

/** What the loop gives the tools besides the model: the current plan and the proof's findings, and the result cap. */
export interface ToolContext {
  plan?: ConnectorPlan;
  findings?: Finding[];
  /** Where the heuristics doubted the plan (`--planner auto`). */
  doubts?: readonly Doubt[];
  /** Cap of one result in estimated tokens (characters / 4); default {@link DEFAULT_RESULT_TOKENS}. */
  maxResultTokens?: number;
}

interface ToolSpec<S extends z.ZodObject> {
  description: string;
  args: S;
  run: (model: ApiModel, args: z.infer<S>, context: ToolContext, maxTokens: number) => Record<string, unknown> | string;
}

function tool<S extends z.ZodObject>(spec: ToolSpec<S>): ToolSpec<S> {
  return spec;
}

/** The tools by name: description, argument schema and what answers them. */
export const TOOLS = {
  list_operations: tool({
    description:
      'List the API operations, GETs first, filtered and paginated: one compact line each (id, method, path, whether the documented success response is a list and of what, summary), with the total count and next_offset.',
    args: ListOperationsArgs,
    run: (model, a, _c, max) => listOperations(model, a, max),
  }),
  show_operation: tool({
    description:
      'Show one operation as the docs give it: parameters with their descriptions and sources, the success response schema (fields to a bounded depth), an example, response headers, other statuses, security requirements and scopes, and the docs pointer.',
    args: ShowOperationArgs,
    run: (model, a, _c, max) => {
      const op = findOperation(model, a.operation_id);
      if (!op) return `no operation has the id ${JSON.stringify(a.operation_id)}; the closest ids are ${nearestIds(model, a.operation_id).map((x) => JSON.stringify(x)).join(', ')} (list_operations shows every id)`;
      return showOperation(model, op, max);
    },
  }),
  search_docs: tool({
    description:
      "Search the docs' prose, operation summaries and descriptions, parameter, response and header descriptions, security schemes and schema descriptions. Each hit is a verbatim excerpt with its source (file#pointer): quote evidence only from such excerpts, citing that source.",
    args: SearchDocsArgs,
    run: (model, a, _c, max) => (a.query.trim() ? searchDocs(model, a.query, a.limit, max) : 'query is empty: give one or more words to search for'),
  }),
  show_security: tool({
    description: "Show the docs' security schemes (type, header or query name, flows, the client credentials token URL, scopes), the default security requirements and the servers.",
    args: ShowSecurityArgs,
    run: (model, _a, _c, max) => showSecurity(model, max),
  }),
  show_plan: tool({
    description: "Show the current connector plan (streams with operation, kind, records path, pagination and parent; auth; excluded operations), the heuristics' doubts to review, and the proof's findings, errors first.",
    args: ShowPlanArgs,
    run: (_m, _a, c, max) => (c.plan ? showPlan(c.plan, c.findings, max, c.doubts) : 'there is no plan yet: decide one from list_operations and show_operation'),
  }),
} satisfies Record<string, ToolSpec<z.ZodObject>>;

export type ToolName = keyof typeof TOOLS;
export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];

/**
 * The tools as Chat Completions function definitions, strict mode: `[{ type: 'function',
 * function: { name, description, parameters, strict: true } }]`, made by the SDK's `zodFunction`.
 */
export function toolDefinitions(): ChatCompletionFunctionTool[] {
  return TOOL_NAMES.map((name) => {
    const t = TOOLS[name];
    const made = zodFunction({ name, description: t.description, parameters: t.args as z.ZodObject });
    return { type: 'function', function: { ...made.function } } as ChatCompletionFunctionTool;
  });
}

export type ToolResult = { ok: true; content: string } | { ok: false; error: string };

/** One line per zod issue: `limit: Too big: expected number to be <=100`. */
function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/**
 * Answers one tool call: `rawArgs` is the call's JSON arguments as the model sent them. Keys a
 * non-strict endpoint left out count as null (their documented default); a lower-case method is
 * accepted. Returns the result as JSON text bounded to `context.maxResultTokens`, or an error the
 * model can act on — an unknown tool, arguments that are not a JSON object, arguments the schema
 * refuses, an unknown operation id, no plan yet. Never throws.
 */
export function dispatchTool(model: ApiModel, name: string, rawArgs: string, context: ToolContext = {}): ToolResult {
  try {
    if (!Object.hasOwn(TOOLS, name)) return { ok: false, error: `unknown tool ${JSON.stringify(name.slice(0, 100))}: the tools are ${TOOL_NAMES.join(', ')}` };
    const spec = TOOLS[name as ToolName] as unknown as ToolSpec<z.ZodObject>;
    let parsed: unknown;
    try {
      parsed = rawArgs.trim() === '' ? {} : JSON.parse(rawArgs);
    } catch (e) {
      return { ok: false, error: `the arguments of ${name} are not valid JSON (${(e as Error).message.slice(0, 120)}): send one JSON object` };
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, error: `the arguments of ${name} must be a JSON object` };
    const filled: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
    for (const key of Object.keys(spec.args.shape)) if (!Object.hasOwn(filled, key)) filled[key] = null;
    if (typeof filled.method === 'string') filled.method = filled.method.toUpperCase();
    const args = spec.args.safeParse(filled);
    if (!args.success) return { ok: false, error: `bad arguments for ${name}: ${issuesText(args.error)}` };
    const maxTokens = Math.max(200, context.maxResultTokens ?? DEFAULT_RESULT_TOKENS);
    const result = spec.run(model, args.data, context, maxTokens);
    if (typeof result === 'string') return { ok: false, error: result };
    return { ok: true, content: JSON.stringify(enforceCap(result, charsFor(maxTokens))) };
  } catch (e) {
    return { ok: false, error: `${name} failed inside fetchwright: ${(e as Error)?.message?.slice(0, 200) ?? String(e)}` };
  }
}

/** Estimated tokens of a tool result's content (characters / 4), for the loop's budget. */
export function resultTokens(result: ToolResult): number {
  return estimateTokens(result.ok ? result.content : result.error);
}
