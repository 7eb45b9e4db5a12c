import type { ApiModel, Operation } from '../ingest/api-model.ts';
import { requirementsOf } from '../plan/detect-auth.ts';
import type { Assessment, Evidence } from '../plan/connector-plan.ts';
import { quoted, reasoned } from '../plan/evidence.ts';

/**
 * The least privilege each chosen operation needs, as the docs state it: OAuth 2 scopes from the
 * security requirement, scopes named in parameter prose ("Requires scope: `users:read`"), or a
 * documented role/permission extension. Admin and write powers are flagged.
 */

type Finding = Assessment['privilege'][number];

const ADMIN = /(^|[^a-z])(admin|root|owner|superuser|super_user|full_?access|manage_all)([^a-z]|$)|\*/i;
const WRITE = /(^|[.:_\-\s/])(write|manage|create|update|delete|modify|edit|rw)([.:_\-\s/]|$)/i;
/** Breadth words: write power on their own (`repo:full`), read-only beside a read word (`User.Read.All`). */
const BROAD = /(^|[.:_\-\s/])(full|all)([.:_\-\s/]|$)/i;
const READ = /(^|[.:_\-\s/])(read|list|view|get|ro|readonly|read_only)([.:_\-\s/]|$)/i;

export function classifyScope(scope: string): 'admin' | 'admin-read' | 'write' | undefined {
  // A read word does not excuse an explicit write word: `account:read_write` grants write.
  if (WRITE.test(scope)) return ADMIN.test(scope) ? 'admin' : 'write';
  // `admin.directory.user.readonly`, `admin.users:read`: read-only, but only in an admin's context.
  if (ADMIN.test(scope)) return READ.test(scope) ? 'admin-read' : 'admin';
  if (BROAD.test(scope) && !READ.test(scope)) return 'write';
  return undefined;
}

function scopesFromProse(op: Operation): { scopes: string[]; evidence: Evidence[] } {
  const scopes: string[] = [];
  const evidence: Evidence[] = [];
  for (const p of op.parameters) {
    const m = /requires?d? (?:the )?(?:oauth )?(?:scopes?|permissions?)[:\s]+((?:`[^`]+`[,\s]*(?:and|or)?\s*)+)/i.exec(p.description ?? '');
    if (!m) continue;
    scopes.push(...[...m[1]!.matchAll(/`([^`]+)`/g)].map((x) => x[1]!));
    evidence.push(quoted(p.source, m[0], `the ${p.name} parameter's description names the scopes ${op.id} requires`));
  }
  return { scopes, evidence };
}

function scopesFromExtensions(op: Operation): { scopes: string[]; evidence: Evidence[] } {
  const scopes: string[] = [];
  const evidence: Evidence[] = [];
  for (const [key, value] of Object.entries(op.extensions)) {
    if (!/permission|scope|role|privilege/i.test(key)) continue;
    const collect = (v: unknown): void => {
      if (typeof v === 'string') {
        if (!scopes.includes(v)) evidence.push(quoted(op.source, v, `the ${key} extension of ${op.id} names ${v}`));
        scopes.push(v);
      }
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => (/operator|type/i.test(k) ? undefined : collect(x)));
    };
    collect(value);
  }
  return { scopes: [...new Set(scopes)], evidence };
}

/**
 * A required scope, quoted where it is written: the operation's own security requirement, else the
 * security scheme that declares it (a requirement inherited from the document is no item of its own).
 */
function scopeEvidence(op: Operation, scheme: string, scope: string, model: Pick<ApiModel, 'security_schemes'>): Evidence {
  if (op.security) return quoted(op.source, scope, `${op.id} requires the ${scheme} scope ${scope}`);
  const declared = model.security_schemes.find((s) => s.key === scheme);
  const why = `the document's security requirement, which ${op.id} inherits, names the ${scheme} scope ${scope}`;
  return declared?.scopes.some((s) => s.name === scope) ? quoted(declared.source, scope, why) : reasoned(declared?.source ?? op.source, why);
}

/** True when the evidence quotes one of `scopes`: the scope itself, or a sentence naming it in backticks. */
function namesOneOf(e: Evidence, scopes: string[]): boolean {
  return scopes.some((s) => e.quote === s || !!e.quote?.includes(`\`${s}\``));
}

/**
 * The least scopes one stream's operation needs, the admin/write scopes the docs attach to it, and
 * the evidence for each — the least scopes' first. Never throws.
 */
export function privilegeOf(stream: { name: string; op: Operation }, model: Pick<ApiModel, 'security' | 'security_schemes'>): Finding {
  const op = stream.op;
  const evidence: Evidence[] = [];
  const all: string[] = [];
  for (const req of requirementsOf(op, model)) {
    for (const r of req) {
      all.push(...r.scopes);
      for (const scope of r.scopes) evidence.push(scopeEvidence(op, r.scheme, scope, model));
    }
  }
  const prose = scopesFromProse(op);
  const ext = scopesFromExtensions(op);
  // Prose is hostile data: where the docs declare their scopes, a scope named only in prose must be
  // one of them, so injected text cannot add a scope the API does not have.
  const declared = new Set(model.security_schemes.flatMap((s) => s.scopes.map((x) => x.name)));
  const admissible = (scope: string) => !declared.size || declared.has(scope);
  all.push(...prose.scopes.filter(admissible), ...ext.scopes);
  evidence.push(...prose.evidence, ...ext.evidence);
  // "none" is how some docs (Slack) say an operation needs no scope.
  const scopes = [...new Set(all)].filter((s) => s.toLowerCase() !== 'none');
  // Least: the plain read scopes when the docs offer them beside stronger ones; else admin reads.
  const unflagged = scopes.filter((s) => !classifyScope(s));
  const adminReads = scopes.filter((s) => classifyScope(s) === 'admin-read');
  const least = unflagged.length ? unflagged : adminReads.length ? adminReads : scopes;
  return {
    stream: stream.name,
    operation_id: op.id,
    least_scopes: least,
    flagged: scopes.flatMap((s) => {
      const why = classifyScope(s);
      return why ? [{ scope: s, why }] : [];
    }),
    // The least scopes' evidence first: that is what a human provisions.
    evidence: [...evidence.filter((e) => namesOneOf(e, least)), ...evidence.filter((e) => !namesOneOf(e, least))],
  };
}
