import { z } from 'zod';
import { streamEmits } from '../plan/stream-emits.ts';
import { CANONICAL_SCHEMA_VERSION } from '../../templates/canonical.ts';
import { Evidence, type ConnectorPlan } from '../plan/connector-plan.ts';
import { REQUEST_POLICY_VERSION } from '../../policy/request-policy.ts';

/**
 * manifest.json: what the connector may touch (hosts, methods) and the credentials a human must
 * provision, each with the least scopes the docs require, cited. Never a secret value.
 */

export const Manifest = z.object({
  schema_version: z.literal(1),
  vendor: z.string(),
  base_url: z.object({ url: z.string(), variables: z.record(z.string(), z.string()) }),
  /** Tenant path parameters a human fills in (`org`), with what the docs say of each. */
  tenant_variables: z.record(z.string(), z.string()),
  /** The egress allow-list: the API's origins, scheme, host and port (with placeholders a human fills in). */
  hosts: z.array(z.string()),
  methods: z.array(z.literal('GET')),
  credentials: z.array(
    z.object({
      scheme: z.string(),
      type: z.string(),
      /** Where the host puts it: header or query, its name, and the text before it. */
      in: z.string(),
      name: z.string(),
      prefix: z.string(),
      least_scopes: z.array(z.string()),
      /** For a credential that takes no scope: the least role the docs name (or the role an operation requires), as a human grants it. */
      least_role: z.string().optional(),
      /**
       * The OAuth 2.0 client credentials grant (RFC 6749 §4.4): what a human provisions — a client id
       * and secret — and where the host (never the fetcher) obtains the access token, with which scopes.
       */
      obtain: z
        .object({ grant: z.literal('client_credentials'), provide: z.array(z.string()), token_url: z.string(), scopes: z.array(z.string()) })
        .optional(),
      flagged_scopes: z.array(z.object({ scope: z.string(), why: z.string() })),
      evidence: z.array(Evidence),
    }),
  ),
  streams: z.array(z.object({ name: z.string(), kind: z.string(), method: z.literal('GET'), path: z.string() })),
  /** Every fixed value the connector sends, each passed by the request policy: for a reviewer to read whole. */
  fixed_values: z.array(z.object({ stream: z.string(), in: z.enum(['path', 'query', 'header']), name: z.string(), value: z.string() })).default([]),
  /** The request policy the fixed values and operations passed (policy/request-policy.ts). */
  request_policy_version: z.string().optional(),
  templates: z.array(z.object({ id: z.string(), version: z.number().int(), sha256: z.string() })),
  canonical_schema_version: z.number().int(),
  plan_sha256: z.string(),
  docs_sha256: z.string(),
  api_model_sha256: z.string(),
  assessment: z.object({ score: z.number(), verdict: z.string(), reasons: z.array(z.string()) }),
});
export type Manifest = z.infer<typeof Manifest>;

/** A fixed value a connector sends, as the manifest, the plan screen and the PR body list it. */
export interface FixedValue {
  stream: string;
  in: 'path' | 'query' | 'header';
  name: string;
  value: string;
}

/** Every fixed value the plan's streams send — path parameters, query parameters, headers — in stream order. */
export function fixedValuesOf(plan: ConnectorPlan): FixedValue[] {
  return plan.streams.flatMap((s) => [
    ...Object.entries(s.path_params).map(([name, value]) => ({ stream: s.name, in: 'path' as const, name, value })),
    ...Object.entries(s.query).map(([name, value]) => ({ stream: s.name, in: 'query' as const, name, value })),
    ...Object.entries(s.headers).map(([name, value]) => ({ stream: s.name, in: 'header' as const, name, value })),
  ]);
}

export function buildManifest(plan: ConnectorPlan, templates: Manifest['templates'], planSha: string): Manifest {
  const least = [...new Set(plan.assessment.privilege.flatMap((p) => p.least_scopes))];
  // Roles for a credential that takes no scope: the one most streams need, then each other with the streams that need it.
  const byRole = new Map<string, string[]>();
  for (const p of plan.assessment.privilege) if (p.least_role) byRole.set(p.least_role, [...(byRole.get(p.least_role) ?? []), p.stream]);
  const roles = [...byRole.entries()].sort((a, b) => b[1].length - a[1].length).map(([role, streams], i) => (i === 0 ? role : `${role} (for ${streams.join(', ')})`));
  const cc = plan.auth.client_credentials;
  const flagged = plan.assessment.privilege.flatMap((p) => p.flagged).filter((f, i, all) => all.findIndex((x) => x.scope === f.scope) === i);
  // Every least scope cited once: the docs' text that names it where an operation requires it, else
  // the evidence whose reasoning names it (a listing scope, cited by its description); when no
  // scope is cited so, each stream's first two. Evidence for a scope left out is never a citation.
  const all = plan.assessment.privilege.flatMap((p) => p.evidence.filter((e) => !/; not asked for: /.test(e.reasoning) && !p.flagged.some((f) => f.scope === e.quote)));
  const mentions = (e: Evidence, scope: string) => e.reasoning.split(/[\s,;()]+/).includes(scope);
  const perScope = least.flatMap((s) => all.find((e) => e.quote === s) ?? all.find((e) => mentions(e, s)) ?? []).filter((e, i, list) => list.indexOf(e) === i);
  const privilegeEvidence = (perScope.length ? perScope : plan.assessment.privilege.flatMap((p) => p.evidence.slice(0, 2))).slice(0, 10);
  // A credential's evidence is what names its scheme or its header, in the docs' words or the planner's.
  const names = (e: Evidence, c: { scheme: string; name: string }) => [e.quote, e.reasoning].some((t) => !!t && (t.includes(c.scheme) || t.includes(c.name)));
  // The exact origin the gate allows: scheme, host and port (placeholders kept for a human to fill).
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(plan.base_url.url)?.[0] ?? plan.base_url.url;
  return {
    schema_version: 1,
    vendor: plan.vendor,
    base_url: { url: plan.base_url.url, variables: plan.base_url.variables },
    tenant_variables: plan.tenant_variables,
    hosts: [origin],
    methods: ['GET'],
    credentials: plan.auth.credentials.map((c) => ({
      scheme: c.scheme,
      type: plan.auth.type,
      in: c.in,
      name: c.name,
      prefix: c.prefix,
      least_scopes: least,
      ...(roles.length ? { least_role: roles.join('; ') } : {}),
      ...(cc && cc.scheme === c.scheme ? { obtain: { grant: 'client_credentials' as const, provide: ['client id', 'client secret'], token_url: cc.token_url, scopes: cc.scopes } } : {}),
      flagged_scopes: flagged,
      // The grant's token URL, quoted, when the host obtains this credential: what the human confirms.
      evidence: [...plan.auth.evidence.filter((e) => names(e, c)).slice(0, 2), ...(cc && cc.scheme === c.scheme ? plan.auth.evidence.filter((e) => e.quote === cc.token_url).slice(0, 1) : []), ...privilegeEvidence],
    })),
    streams: plan.streams.map((s) => ({ name: s.name, kind: streamEmits(s), method: 'GET' as const, path: s.path })),
    fixed_values: fixedValuesOf(plan),
    request_policy_version: REQUEST_POLICY_VERSION,
    templates,
    canonical_schema_version: CANONICAL_SCHEMA_VERSION,
    plan_sha256: planSha,
    docs_sha256: plan.docs_sha256,
    api_model_sha256: plan.api_model_sha256,
    assessment: { score: plan.assessment.score, verdict: plan.assessment.verdict, reasons: plan.assessment.reasons },
  };
}
