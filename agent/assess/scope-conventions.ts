import type { Prose, SecurityScheme } from '../ingest/api-model.ts';
import type { Evidence } from '../plan/connector-plan.ts';
import { quoted } from '../plan/evidence.ts';

/**
 * What the docs say their scope names mean, beyond an operation's security requirement: which
 * declared scope lists a resource, and whether sub-resource scopes choose the fields a response
 * carries. Read from the security schemes' declared scopes (name and description) and the prose
 * (e.g. JupyterHub's "`list:<resource>` — Read-only access to listing endpoints. Use
 * `read:<resource>:<subresource>` to control what fields are returned."). Docs are data: a
 * convention in prose only ever names a scope the docs declare.
 */

/** Words of a name or sentence, lower-case and singular: `last_activity` → `last`, `activity`; `Names` → `name`. */
export function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map(singular);
}

function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** A scope the docs say lists a resource, with what they say a listing includes (field words) and where they say it. */
export interface ListingScope {
  scope: string;
  /** Singular words of the fields the docs say every listing includes ("including at least their names" → `name`). */
  includes: string[];
  evidence: Evidence[];
}

const NOT_INCLUDED = new Set(['at', 'least', 'their', 'its', 'the', 'a', 'an', 'and', 'or', 'of', 'all', 'each', 'every', 'also']);

/** The field words after "including" in a scope's description: what the docs promise a listing returns. */
function includedWords(description: string): string[] {
  const m = /\bincluding\b([^.;()]*)/i.exec(description);
  return m ? wordsOf(m[1]!).filter((w) => !NOT_INCLUDED.has(w)) : [];
}

/** `list:<resource>` (a backquoted template with one placeholder) and the words the prose gives it, to the end of their line. */
const TEMPLATE_WITH_WORDS = /`([A-Za-z][\w-]*)([:.])<[^<>`\s]+>`[ \t\\]*\n?[ \t]*([^\n]*)/g;
const LISTING_WORDS = /\blisting\b|^\s*lists?\b/i;

/**
 * The declared scope that lists `resource` (a collection noun, `users`), if the docs name one:
 * a declared scope whose description says it lists that resource ("List users, including at least
 * their names."), or the instance for `resource` of a prose convention that says a scope template
 * grants listing ("`list:<resource>` \ Read-only access to listing endpoints.") — only when the
 * docs declare that instance. `schemes` are the security schemes an operation's requirement
 * names. Never throws.
 */
export function listingScopeFor(resource: string, schemes: SecurityScheme[], prose: Prose[]): ListingScope | undefined {
  const noun = singular(resource.toLowerCase());
  for (const scheme of schemes) {
    const byDescription = scheme.scopes.find((s) => /^\s*list\b/i.test(s.description ?? '') && wordsOf((s.description ?? '').split(/[,;.(]/)[0]!).includes(noun));
    const byConvention = conventionInstances(prose, LISTING_WORDS)
      .map((c) => ({ ...c, declared: scheme.scopes.find((s) => s.name.toLowerCase() === `${c.verb}${c.separator}${resource}`.toLowerCase()) }))
      .find((c) => c.declared);
    const scope = byDescription ?? byConvention?.declared;
    if (!scope) continue;
    const evidence: Evidence[] = [];
    if (scope.description && scope === byDescription) {
      evidence.push(quoted(scheme.source, scope.description, `the ${scheme.key} scheme declares ${scope.name} as the scope that lists ${resource}`));
    }
    if (byConvention && byConvention.declared === scope) {
      evidence.push(quoted(byConvention.source, byConvention.quote, `the docs' scope convention makes ${scope.name} the scope for listing ${resource}`));
    }
    return { scope: scope.name, includes: includedWords(scope.description ?? ''), evidence };
  }
  return undefined;
}

/** Every backquoted one-placeholder template in the prose whose own words match `words`, with the text quoted. */
function conventionInstances(prose: Prose[], words: RegExp): { verb: string; separator: string; quote: string; source: Prose['source'] }[] {
  const found: { verb: string; separator: string; quote: string; source: Prose['source'] }[] = [];
  for (const p of prose) {
    for (const m of p.text.matchAll(TEMPLATE_WITH_WORDS)) {
      if (!words.test(m[3]!)) continue;
      found.push({ verb: m[1]!, separator: m[2]!, quote: m[0].trimEnd(), source: p.source });
    }
  }
  return found;
}

/** The docs' rule that a `<verb><sep><resource><sep><subresource>` scope chooses the fields a response carries. */
export interface FieldScopeConvention {
  /** The literal before the placeholders (`read`). */
  verb: string;
  /** The separator the template uses (`:`). */
  separator: string;
  evidence: Evidence;
}

/** A backquoted two-placeholder scope template (`read:<resource>:<subresource>`). */
const FIELD_TEMPLATE = /`([A-Za-z][\w-]*)([:.])<[^<>`\s]+>\2<[^<>`\s]+>`/g;
/** Words after the template, in its sentence, saying it controls fields (attributes, properties). */
const FIELD_WORDS = /\b(?:fields?|attributes?|properties)\b/;

/**
 * The first sentence naming a two-placeholder scope template and saying it controls fields, quoted
 * from the sentence's start (after a `.`, a line end or a backquote) through its `.`. Found template
 * first, sentence bounds scanned by hand: a pattern opening with `[^.\n`]*` would rescan a long
 * line from each of its characters (quadratic on hostile prose).
 */
function fieldTemplateIn(text: string): { verb: string; separator: string; quote: string } | undefined {
  for (const m of text.matchAll(FIELD_TEMPLATE)) {
    let start = m.index;
    while (start > 0 && !'.\n`'.includes(text[start - 1]!)) start--;
    const after = m.index + m[0].length;
    let end = after;
    while (end < text.length && text[end] !== '.' && text[end] !== '\n') end++;
    if (!FIELD_WORDS.test(text.slice(after, end))) continue;
    return { verb: m[1]!, separator: m[2]!, quote: text.slice(start, text[end] === '.' ? end + 1 : end) };
  }
  return undefined;
}

/**
 * The docs' convention, if their prose states one, that sub-resource scopes control which fields
 * a response returns ("Use `read:<resource>:<subresource>` to control what fields are returned."):
 * then the read scopes an operation lists are alternatives, each granting some fields, and a
 * connector needs only those that grant the fields it reads. Never throws.
 */
export function fieldScopeConvention(prose: Prose[]): FieldScopeConvention | undefined {
  for (const p of prose) {
    const m = fieldTemplateIn(p.text);
    if (!m) continue;
    return {
      verb: m.verb,
      separator: m.separator,
      evidence: quoted(p.source, m.quote, `the docs say ${m.verb}${m.separator}<resource>${m.separator}<subresource> scopes choose the fields a response returns: an operation's read scopes are alternatives, and only those granting fields the connector reads are needed`),
    };
  }
  return undefined;
}
