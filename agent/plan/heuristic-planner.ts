import { assess } from '../assess/assess.ts';
import { FetchwrightError } from '../errors.ts';
import type { ApiModel } from '../ingest/api-model.ts';
import { hashJson } from '../hash.ts';
import { chooseBaseUrl, serverPath } from './base-url.ts';
import type { ConnectorPlan, Stream } from './connector-plan.ts';
import { withClientCredentials } from './client-credentials.ts';
import { detectAuth } from './detect-auth.ts';
import { detectPagination } from './pagination/detect.ts';
import { collectSignals } from './pagination/signals.ts';
import { SchemaView } from '../docs-view/schema-view.ts';
import { concreteServerUrl, resolveBaseUrl } from '../docs-view/server-url.ts';
import { sameCollection, selectStreams, type Candidate, type Selection } from './select-streams.ts';
import { judgeDefects, refuseUnreadableLists } from './docs-defects.ts';
import { kindFromField } from './record-kind.ts';
import { membershipsTakenAsPeople, selectLinkStreams } from './link-streams.ts';
import { linkTargetStreams } from './link-targets.ts';
import { absentAtZero } from './empty-answers.ts';
import { readRateLimit } from './rate-limit.ts';
import { assertQuotesInDocs } from './verify-evidence.ts';
import { READ_ONLY_REQUEST_POLICY, type PolicyRefusal, type RequestPolicy } from '../../policy/request-policy.ts';

/** What the planner may be given beside the docs. */
export interface PlanOptions {
  /** The request policy (the shipped read-only one unless a test swaps it). */
  policy?: RequestPolicy;
  /** Stream names a person asked to leave out (expand's `skip_streams`). */
  skip?: ReadonlySet<string>;
  /**
   * The streams, decided elsewhere (the model-driven planner: `decidedSelection`) instead of by the
   * heuristics; everything after selection — auth, paging, scopes, admin and reachability rules,
   * evidence checks — is this planner's, unchanged.
   */
  selection?: Selection;
  /**
   * With a `selection`: still look for link streams (memberships, role bindings) among the GETs it did
   * not take, as the heuristics do — for a heuristic selection a model reviewed (`--planner auto`).
   */
  linkStreams?: boolean;
  /** Who decided, for the plan and the change record (default: the heuristic planner). */
  planner?: ConnectorPlan['planner'];
}

/** The reason in `plan.excluded` of a stream a person asked to skip (expand reads it back to check every name was a stream). */
export function skippedReason(stream: string): string {
  return `skipped: the catalogue entry lists ${stream} in skip_streams`;
}

/**
 * The embedded default planner: deterministic, no network. ApiModel → ConnectorPlan, every
 * decision with its evidence and a confidence. The plan is checked before it is returned: every
 * quote must be the docs' text at the item it cites.
 *
 * Every operation and fixed value passes the request policy (`options.policy`, the shipped read-only
 * one unless a test swaps it): what it refuses is left out, with the reason among the rejections.
 *
 * Throws FetchwrightError `no-identity-operations` (exit 7) when no operation lists identities, and
 * `evidence-not-in-docs` (exit 24) when a quote is not in the docs — a bug in this planner.
 */
export function planHeuristically(model: ApiModel, options: PlanOptions = {}): ConnectorPlan {
  const view = new SchemaView(model);
  const selected = options.selection ?? selectStreams(model, view, options.policy);
  const { children, rejections, excluded: notTaken } = selected;
  // Memberships the identity selection took as people (`GET /members` whose records name who and which list) are relationships.
  const readLinks = !options.selection || !!options.linkStreams;
  // The heuristics' own reading only: a model's decided streams (a selection given) are not turned into links or joined by lists it did not name.
  const ownReading = !options.selection;
  const asLinks = ownReading ? membershipsTakenAsPeople(view, selected.roots, children, options.policy) : { roots: selected.roots, links: [] };
  // Docs whose only people are the memberships' (no list of whom they name): those records stay the people read.
  const moved = asLinks.roots.length ? asLinks : { roots: selected.roots, links: [] };
  const names = new Set([...selected.roots, ...children].map((c) => c.name));
  // Lists of relationships (memberships, role bindings) among the GETs not taken: link streams, no longer excluded (a decided selection decides its own).
  const found = readLinks ? selectLinkStreams(model, view, moved.roots, notTaken, names, options.policy) : { links: [], excluded: notTaken };
  const links = [...moved.links, ...found.links];
  // The lists the relationships' ends point at (`/lists` for members' list_id): identities too, keyed as the relationships name them.
  const targets = ownReading ? linkTargetStreams(model, view, links, new Set([...moved.roots, ...children, ...links].map((c) => c.op)), found.excluded, names, options.policy) : { streams: [], excluded: found.excluded };
  const roots = [...moved.roots, ...targets.streams];
  const excluded = targets.excluded;
  // A list that names identities but whose records' schema is a $ref to nothing: refused naming it, not "no identities".
  refuseUnreadableLists(model, view, excluded);
  const refused = rejections.flatMap((r) => (r.policy ? [{ operation_id: r.operation_id, path: model.operations.find((o) => o.id === r.operation_id)?.path ?? '', reason: r.policy }] : []));
  if (!roots.length && refused.length && !rejections.some((r) => !r.policy && /^lists /.test(r.reason))) {
    throw new FetchwrightError('no-identity-operations', `every list these docs offer is one the read-only request policy refuses (${refused.length} left out): ${refused.slice(0, 3).map((r) => `GET ${r.path}: ${r.reason}`).join('; ')}${refused.length > 3 ? '; …' : ''}`, {
      file: model.documents[0]?.file,
      hint: 'fetchwright never calls an operation that writes, issues, rotates or revokes, nor sends a method override: these docs give no read-only way to list identities. If an operation is a plain read the policy misjudged, report it.',
    });
  }
  if (!roots.length) {
    // A `$ref` to nothing may be why: a path item or response that points at nothing lists nothing.
    const dangling = (model.defects ?? []).filter((d) => d.kind === 'dangling-ref');
    const why =
      (rejections.length ? ` Closest misses: ${rejections.slice(0, 3).map((r) => `${r.operation_id} ${r.reason}`).join('; ')}.` : '') +
      (dangling.length ? ` The docs have ${dangling.length} $ref${dangling.length === 1 ? '' : 's'} to nothing, e.g. ${dangling[0]!.source.file}#${dangling[0]!.source.pointer}: ${dangling[0]!.text}.` : '');
    throw new FetchwrightError('no-identity-operations', `no operation in these docs lists identities (users, groups, service accounts, apps, keys, tokens, roles…).${why}`, {
      file: model.documents[0]?.file,
      hint: 'fetchwright needs a GET that returns a list of identity records with documented fields. Check that you passed the vendor\'s full API description, not a partial one.',
    });
  }

  const toStream = (c: Candidate & { name: string }, parent: Stream['parent']): Stream & { documented: boolean; op: Candidate['op'] } => {
    const headers = c.op.responses.filter((r) => /^2/.test(r.status)).flatMap((r) => r.headers.map((h) => h.name));
    const signals = collectSignals(c.op, c.body, c.example, c.items.path, model, view, headers);
    const { best, alternatives } = detectPagination(signals);
    const confidence = Math.round(((c.nounWeight + c.items.confidence + best.confidence) / 3) * 100) / 100;
    return {
      name: c.name,
      operation_id: c.op.id,
      method: 'GET',
      path: c.op.path,
      kind: c.kind,
      items_path: c.items.path,
      // Only a map says so: a plan of lists is what it was before maps were read.
      ...(c.items.container === 'map' ? { items_container: 'map' as const, map_key_field: c.items.mapKey } : {}),
      // The empty answers the docs allow: a documented 204, a list the schema lets be null.
      // The records' key left out beside a total of 0, where the docs print such an answer.
      empty: ((absent) => ({ no_content: c.op.responses.some((r) => r.status === '204'), null_items: view.resolve(view.at(c.body, c.items.path)).nullable === true, ...(absent && c.items.container !== 'map' ? { absent_at_zero: absent } : {}) }))(absentAtZero(c.op, c.items.path)),
      pagination: best,
      pagination_alternatives: alternatives,
      parent,
      // A container of credentials (`/pipelines`) is read only to reach its children: none of its records is emitted.
      ...(c.container ? { container: true } : {}),
      mapping: c.mapping,
      // Each record's kind from a discriminator the docs give (`is_bot`, `type: bot|user`).
      ...kindFromField(view, c.op, c.items, c.itemSchema, c.kind),
      path_params: c.fixedPath,
      query: c.query,
      query_variables: c.queryVariables,
      headers: c.headers,
      required_scopes: [],
      evidence: c.evidence,
      confidence,
      documented: !!c.op.responses.find((r) => /^2/.test(r.status))?.schema,
      op: c.op,
    };
  };

  // A child list of bare ids (`?squad=` → `["U1", "U2"]`) says only who belongs to the parent: it is
  // read as links (the relationship, with the parent at its end), never as identities with every field unknown.
  const bareLink = (p: NonNullable<Stream['parent']>): NonNullable<Stream['link']> =>
    p.parent_is === 'from' ? { relation: p.relation, from: { from: 'parent' }, to: { from: 'record' } } : { relation: p.relation, from: { from: 'record' }, to: { from: 'parent' } };
  let drafts = [
    ...roots.map((r) => toStream(r, null)),
    ...children.map((c) => (c.bareIds ? { ...toStream(c, c.parent), link: bareLink(c.parent) } : toStream(c, c.parent))),
    ...links.map((l) => ({ ...toStream(l, l.parent), link: l.link })),
  ];
  // Streams dropped after selection, with why: they join the plan's list of what was left out.
  const later: { operation_id: string; path: string; reason: string }[] = [];
  const leaveOut = (gone: ReadonlySet<string>, why: (d: (typeof drafts)[number]) => string) => {
    for (const d of drafts) if (gone.has(d.name) || (d.parent && gone.has(d.parent.stream))) later.push({ operation_id: d.op.id, path: d.op.path, reason: gone.has(d.name) ? why(d) : `its parent stream ${d.parent!.stream} was left out` });
    return drafts.filter((d) => !gone.has(d.name) && !(d.parent && gone.has(d.parent.stream)));
  };
  // Streams a person asked to leave out (expand's catalogue `skip_streams`), before auth and scopes are chosen for the rest.
  if (options.skip?.size) {
    drafts = leaveOut(options.skip, (d) => skippedReason(d.name));
    if (!drafts.length) {
      throw new FetchwrightError('no-identity-operations', `every stream of these docs is one the catalogue asks to skip (${[...options.skip].join(', ')})`, {
        file: model.documents[0]?.file,
        hint: 'Remove some names from the entry\'s skip_streams: a connector reads at least one stream.',
      });
    }
  }
  const auth = authWithinPolicy(drafts.map((d) => d.op), model, options.policy ?? READ_ONLY_REQUEST_POLICY);
  // What a 429 tells the client, as the docs say (the streams' operations read first): the retry
  // template's slot; the assessment credits only what the template can honour.
  const rateLimit = readRateLimit(model, drafts.map((d) => d.op));
  // A stream readable only in an admin's context is dropped when another stream already covers its
  // kind without it: least privilege first. When it is the only source of its kind, it stays, flagged.
  const privilege = assess({ model, streams: drafts, auth, rateLimit }).privilege;
  const onlyWith = (whys: string[]) => new Set(privilege.filter((p) => p.least_scopes.length && p.least_scopes.every((s) => p.flagged.some((f) => f.scope === s && whys.includes(f.why)))).map((p) => p.stream));
  const adminOnly = onlyWith(['admin', 'admin-read']);
  // A scope with admin power (not a read-only admin scope) would make the whole connector's credential
  // an admin's: a stream that needs one is left out while other streams remain, named for the reviewer.
  const adminPower = onlyWith(['admin']);
  // A link stream lists relationships, not identities of its kind: it neither covers nor is covered.
  // Covered only by the same collection (select-streams.ts `sameCollection`): `/runners/access_tokens` is not `/tokens`.
  const byName = new Map<string, Candidate>([...roots, ...children].map((c) => [c.name, c]));
  const same = (a: string, b: string) => !byName.has(a) || !byName.has(b) || sameCollection(byName.get(a)!, byName.get(b)!);
  const covered = (d: (typeof drafts)[number]) => !d.link && !d.container && drafts.some((o) => o !== d && !o.link && !o.container && o.kind === d.kind && !adminOnly.has(o.name) && same(o.name, d.name));
  const dropped = new Set(drafts.filter((d) => adminOnly.has(d.name) && covered(d)).map((d) => d.name));
  drafts = leaveOut(dropped, (d) => `readable only with admin scopes, and another stream already lists the same ${d.kind} records: least privilege first`);
  // A list of another collection that needs a scope with admin power (not a read-only admin scope) is
  // left out when streams of its kind are read without one: the connector's credential stays
  // read-only, and the list is named for the reviewer. The only source of its kind stays, flagged.
  const readOnlyOf = (d: (typeof drafts)[number]) => drafts.some((o) => o !== d && !o.link && !o.container && o.kind === d.kind && !adminPower.has(o.name));
  const powerful = new Set(drafts.filter((d) => !d.link && !d.container && adminPower.has(d.name) && readOnlyOf(d)).map((d) => d.name));
  const scopesOf = (name: string) => privilege.find((p) => p.stream === name)?.least_scopes.join(', ') ?? '';
  drafts = leaveOut(powerful, (d) => `readable only with scopes that grant admin power (${scopesOf(d.name)}), while other ${d.kind} lists are read without them: left out so the connector's credential stays read-only; a reviewer who accepts that scope for it needs a connector built by hand`);
  // One base URL serves every stream: an operation the docs place only on other servers of its own
  // cannot be reached from it, and is left out (with its children) rather than called at a URL the docs do not give.
  const policy = options.policy ?? READ_ONLY_REQUEST_POLICY;
  const baseUrl = chooseBaseUrl(model, drafts.map((d) => d.op), policy);
  const base = resolveBaseUrl(baseUrl, model.vendor);
  const unreachable = new Set(drafts.filter((d) => d.op.servers?.length && !d.op.servers.some((s) => concreteServerUrl(s, model.vendor) === base)).map((d) => d.name));
  drafts = leaveOut(unreachable, () => `the docs serve it only from servers of its own, none of them the connector's base URL ${base}`);
  // A container is read only to reach the credentials under it: with none of them left, it is not read.
  const orphans = new Set(drafts.filter((d) => d.container && !drafts.some((o) => o.parent?.stream === d.name)).map((d) => d.name));
  drafts = leaveOut(orphans, (d) => `not identities: ${d.path} was to be read only to reach the credentials under its records, and none of them is read`);
  if (!drafts.length) {
    throw new FetchwrightError('no-identity-operations', `every operation that lists identities is documented on servers of its own, none of them ${base}`, {
      file: model.documents[0]?.file,
      hint: 'A connector reads from one base URL. Check the operations\' `servers` in the docs.',
    });
  }
  // On the wire each path is the server's joined to the operation's: `basePath: /keys/rotate` + `/apiKeys`
  // is judged whole, and an operation the join makes a write is left out with the policy's reason.
  const prefix = serverPath(baseUrl.url);
  if (prefix) {
    const byJoin = new Map(drafts.map((d) => [d.name, policy.operation({ ...d.op, path: `${prefix}${d.op.path}` })] as const));
    for (const d of drafts) {
      const r = byJoin.get(d.name);
      if (r) refused.push({ operation_id: d.op.id, path: d.op.path, reason: `on the server's path ${prefix}: ${r.reason}` });
    }
    drafts = drafts.filter((d) => !byJoin.get(d.name) && !(d.parent && byJoin.get(d.parent.stream)));
    if (!drafts.length) {
      throw new FetchwrightError('no-identity-operations', `every list these docs offer is one the read-only request policy refuses on the server's path ${prefix} (${refused.length} left out): ${refused.slice(0, 3).map((r) => `GET ${r.path}: ${r.reason}`).join('; ')}${refused.length > 3 ? '; …' : ''}`, {
        file: model.documents[0]?.file,
        hint: 'fetchwright never calls an operation that writes, issues, rotates or revokes: the docs\' server path makes every list one. If the server path is a plain read the policy misjudged, report it.',
      });
    }
  }
  const assessment = assess({ model, streams: drafts, auth, rateLimit });
  // Tenant path parameters (`{org}`) a human fills in: every path parameter that is neither fixed nor a parent's.
  const tenantVariables: Record<string, string> = {};
  for (const d of drafts) {
    for (const p of d.op.parameters.filter((x) => x.in === 'path' && d.path.includes(`{${x.name}}`))) {
      if (p.name in d.path_params || d.parent?.param === p.name) continue;
      tenantVariables[p.name] ??= (p.description ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
    }
    for (const name of d.query_variables) tenantVariables[name] ??= (d.op.parameters.find((x) => x.in === 'query' && x.name === name)?.description ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
  }
  const scopesByStream = new Map(assessment.privilege.map((p) => [p.stream, p.least_scopes]));
  // Every GET left out, with why: the selection's reasons, and streams the server's path made writes.
  const kept = new Set(drafts.map((d) => d.op.id));
  const pathOf = (id: string) => model.operations.find((o) => o.id === id && o.method === 'get')?.path ?? '';
  const excludedOps = [
    ...excluded.map((r) => ({ operation_id: r.operation_id, path: pathOf(r.operation_id), reason: r.reason, ...(r.doubtful ? { doubtful: true } : {}) })),
    ...refused.filter((r) => !kept.has(r.operation_id) && !excluded.some((x) => x.operation_id === r.operation_id)).map((r) => ({ ...r, reason: `refused by the request policy: ${r.reason}` })),
    ...later.filter((r) => !kept.has(r.operation_id)),
  ].filter((r, i, all) => all.findIndex((x) => x.operation_id === r.operation_id) === i);
  const streams: Stream[] = drafts.map(({ documented: _documented, op: _op, ...stream }) => ({ ...stream, required_scopes: scopesByStream.get(stream.name) ?? [] }));
  // Defects in the docs: a warning where no stream reads them, an error where one does, a reading said in its evidence.
  const defects = judgeDefects(model, view, streams);
  for (const s of streams) s.evidence.push(...(defects.evidence.get(s.name) ?? []));

  return assertQuotesInDocs({
    schema_version: 1,
    vendor: model.vendor,
    planner: options.planner ?? { kind: 'heuristic' },
    api_model_sha256: hashJson(model),
    docs_sha256: model.docs_sha256,
    ...(model.observed ? { observed_sha256: model.observed.sha256 } : {}),
    base_url: baseUrl,
    // The client credentials grant asks for the manifest's least scopes (agent/render/manifest.ts).
    auth: withClientCredentials(auth, model, assessment.privilege.flatMap((p) => p.least_scopes), base),
    tenant_variables: tenantVariables,
    streams,
    methods: ['GET'],
    ...(refused.length ? { refused_by_policy: refused } : {}),
    ...(excludedOps.length ? { excluded: excludedOps } : {}),
    ...(defects.warnings.length ? { warnings: defects.warnings } : {}),
    assessment,
    ...(rateLimit ? { rate_limit: rateLimit } : {}),
  }, model);
}

/**
 * The credential's placement passes the request policy too: docs that put it in a header that
 * overrides the method (`X-HTTP-Method-Override`), or give it a prefix that is a write method
 * (`Authorization: DELETE <key>`), get no usable auth — the assessment then says manual build, naming
 * why — rather than a plan the gate can only refuse on the wire.
 */
function refuseUnsafePlacement(auth: ConnectorPlan['auth'], policy: RequestPolicy): ConnectorPlan['auth'] {
  const refused = refusedPlacement(auth, policy);
  if (!refused) return auth;
  const { c, r } = refused;
  return {
    type: 'none',
    credentials: [],
    scheme_keys: [],
    confidence: 0.9,
    evidence: [...auth.evidence.slice(0, 1).map((e) => ({ ...e, reasoning: `the docs place the credential in the ${c.in} ${c.name}${c.prefix.trim() ? ` with the prefix "${c.prefix.trim()}"` : ''}, which the read-only request policy refuses (${r.reason}): no usable auth` }))],
  };
}

/**
 * The auth the planner would choose, its placement judged by the policy: when the docs offer
 * alternatives (OpenAPI security requirements) and the chosen one is refused, the next declared one is
 * chosen without the refused scheme — its order in the docs must not decide that no auth is usable.
 * Only declared schemes stand in: with none left, the first refusal stands (never prose instead).
 */
function authWithinPolicy(ops: Parameters<typeof detectAuth>[0], model: ApiModel, policy: RequestPolicy): ConnectorPlan['auth'] {
  const first = detectAuth(ops, model);
  let schemes = model.security_schemes;
  let auth = first;
  for (let refused = refusedPlacement(auth, policy); refused; refused = refusedPlacement(auth, policy)) {
    const without = schemes.filter((s) => s.key !== refused!.c.scheme);
    if (without.length === schemes.length) return refuseUnsafePlacement(first, policy);
    schemes = without;
    auth = detectAuth(ops, { ...model, security_schemes: schemes });
    if (auth.type === 'none' || !auth.scheme_keys.every((k) => schemes.some((s) => s.key === k))) return refuseUnsafePlacement(first, policy);
  }
  // Why the docs' other way is not taken, in the refusal's words.
  return auth === first ? auth : { ...auth, evidence: [...auth.evidence, ...refuseUnsafePlacement(first, policy).evidence.map((e) => ({ ...e, reasoning: e.reasoning.replace(/: no usable auth$/, ': not chosen') }))] };
}

/** The first credential whose placement the policy refuses, with the refusal. */
function refusedPlacement(auth: ConnectorPlan['auth'], policy: RequestPolicy): { c: ConnectorPlan['auth']['credentials'][number]; r: PolicyRefusal } | undefined {
  const refused = auth.credentials
    .map((c) => ({ c, r: c.in === 'header' ? (policy.header(c.name, `${c.prefix}x`) ?? (c.prefix.trim() ? policy.fixedValue('header', c.name, c.prefix.trim()) : undefined)) : c.in === 'query' ? policy.fixedValue('query', c.name, `${c.prefix}x`) : undefined }))
    .find((x) => x.r);
  return refused ? { c: refused.c, r: refused.r! } : undefined;
}