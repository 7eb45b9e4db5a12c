import type { Operation } from '../../agent/ingest/api-model.ts';
import type { SchemaView } from '../../agent/docs-view/schema-view.ts';
import type { ListReading } from './read-list.ts';

/**
 * The mock's own, literal reading of which list a parameter takes a record of, where the parent is
 * not a path prefix: a path parameter named after another list's records (`{squad_slug}` under
 * `/workspaces/{w}/squads/`), or a required query parameter that is one (`?squad=` →
 * `/squads.list`; `?accountId=` → `/people`, whose records' identifier is `accountId`). It shares no
 * code with the planner: the two readings can disagree, and the proof sees it.
 */

/** Words a list's path ends in that are not its records' name. */
const NOT_A_NOUN = new Set(['list', 'json', 'xml', 'get', 'all', 'info', 'search']);

/** The word for one record of a list, from its path alone: `/squads.list` → `squad`, `/people` → `person`. */
function recordOf(path: string): string | undefined {
  const last = path.split('/').filter((s) => s && !s.startsWith('{')).at(-1);
  const word = last?.split(/[.:]/).filter((p) => p && !NOT_A_NOUN.has(p.toLowerCase())).at(-1)?.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (!word) return undefined;
  if (word === 'people') return 'person';
  return word.endsWith('ies') ? `${word.slice(0, -3)}y` : word.endsWith('s') ? word.slice(0, -1) : word;
}

/** A parameter's name without an identifier suffix, lower case: `squad_slug` → `squad`, `accountId` → `account`. */
function stemOf(param: string): string {
  return param.toLowerCase().replace(/[_-]?(ids?|slug|name|key|sid|uuid|guid|ref|handle|code)$/, '').replace(/[^a-z0-9]/g, '');
}

/** The list whose records a parameter is named after (`squad_slug` → the squads), not `self`; undefined when none or the name is too short. */
export function listNamedBy(param: string, lists: ListReading[], self: Operation): ListReading | undefined {
  const stem = stemOf(param);
  if (stem.length < 2) return undefined;
  return lists.filter((l) => l.op !== self && recordOf(l.op.path) === stem).sort((a, b) => a.op.path.length - b.op.path.length)[0];
}

/** Query parameters that carry a credential (Slack's `token`): never a record of a list. */
const CREDENTIAL = /^(token|access_?token|api_?key|apikey|key|auth|authorization|signature|client_?(id|secret)|password)$/i;

/** Names a field reads as its record's identifier by (`id`, `accountId`, `member_sid`). */
const IDENTIFIER = /^(id|uid|uuid|sid|guid)$|[a-z](_id|_sid|_uuid|Id|ID|Sid|Uuid)$/;

/**
 * The required query parameter of `op` that takes another list's record, and that list: a parameter
 * with no documented default or enum, named after a list's records (`squad`), or named exactly like
 * the identifier field of a list's records read without parameters (`accountId`).
 */
export function queryParent(op: Operation, lists: ListReading[], view: SchemaView): { param: string; reading: ListReading } | undefined {
  for (const p of op.parameters) {
    if (p.in !== 'query' || !p.required || CREDENTIAL.test(p.name)) continue;
    const schema = view.resolve(p.schema);
    if (schema.default !== undefined || schema.enum?.length) continue;
    const named = listNamedBy(p.name, lists, op);
    if (named) return { param: p.name, reading: named };
    if (!IDENTIFIER.test(p.name)) continue;
    const keyed = lists.find((l) => l.op !== op && !l.op.path.includes('{') && Object.hasOwn(view.properties(l.items), p.name));
    if (keyed) return { param: p.name, reading: keyed };
    // `/person/groups?accountId=`: an identifier under the singular word for a list's records (`/people`).
    const under = op.path.split('/').filter((s) => s && !s.startsWith('{')).at(-2)?.toLowerCase();
    const owner = under && recordOf(`/${under}`) === under ? lists.find((l) => l.op !== op && !l.op.path.includes('{') && recordOf(l.op.path) === under) : undefined;
    if (owner) return { param: p.name, reading: owner };
  }
  return undefined;
}
