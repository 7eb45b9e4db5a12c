import type { SchemaNode } from '../ingest/api-model.ts';
import type { SchemaView } from '../docs-view/schema-view.ts';

/**
 * Where the records are in a list response: the body itself (a bare array), or an array property
 * such as `data`, `members`, `items`, `ssh_keys`, possibly one level down (`_embedded.users`).
 */

export interface ItemsLocation {
  /** Dotted path; `''` when the body is the array. */
  path: string;
  items: SchemaNode;
  /** Why this array: `body-is-array`, `named-after-noun`, `generic-wrapper`, `only-array`. */
  reason: 'body-is-array' | 'named-after-noun' | 'generic-wrapper' | 'only-array';
  confidence: number;
}

const GENERIC = /^(data|items|results|records|value|values|entries|elements|list|resources|objects|rows|content|collection|hits|nodes)$/i;
const NOT_RECORDS = /^(errors?|warnings?|links?|messages?|scopes|permissions|_?meta(data)?|included|facets|sort|fields)$/i;

function singular(s: string): string {
  return s.toLowerCase().replace(/ies$/, 'y').replace(/(ss|x|ch|sh)es$/, '$1').replace(/s$/, '');
}

export function findItems(view: SchemaView, body: SchemaNode, noun: string | undefined): ItemsLocation | undefined {
  if (view.isArray(body)) {
    const items = view.items(body) ?? {};
    return { path: '', items, reason: 'body-is-array', confidence: 0.95 };
  }
  const candidates: { path: string; name: string; items: SchemaNode }[] = [];
  const visit = (node: SchemaNode, prefix: string, depth: number) => {
    for (const [name, child] of Object.entries(view.properties(node))) {
      const path = prefix ? `${prefix}.${name}` : name;
      if (view.isArray(child)) {
        const items = view.items(child) ?? {};
        const scalarItems = view.resolve(items).type?.every((t) => ['string', 'integer', 'number', 'boolean'].includes(t));
        if (!NOT_RECORDS.test(name) && !scalarItems) candidates.push({ path, name, items });
      } else if (depth < 2 && view.isObject(child)) {
        visit(child, path, depth + 1);
      }
    }
  };
  visit(body, '', 1);
  if (!candidates.length) return undefined;
  const nounSingular = noun ? singular(noun.replace(/[-.]/g, '_')) : undefined;
  const named = nounSingular
    ? candidates.find((c) => {
        const n = singular(c.name);
        return n === nounSingular || n.replace(/_/g, '') === nounSingular.replace(/_/g, '') || nounSingular.endsWith(n) || n.endsWith(nounSingular);
      })
    : undefined;
  if (named) return { path: named.path, items: named.items, reason: 'named-after-noun', confidence: 0.9 };
  const topLevel = candidates.filter((c) => !c.path.includes('.'));
  const generic = topLevel.find((c) => GENERIC.test(c.name)) ?? candidates.find((c) => GENERIC.test(c.name));
  if (generic) return { path: generic.path, items: generic.items, reason: 'generic-wrapper', confidence: 0.8 };
  if (candidates.length === 1) return { path: candidates[0]!.path, items: candidates[0]!.items, reason: 'only-array', confidence: 0.6 };
  return undefined;
}
