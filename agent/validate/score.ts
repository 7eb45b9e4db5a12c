import { IdentityRecord, OutputRecord, RelationshipRecord, RunRecord } from '../../templates/canonical.ts';
import { CanonicalField } from '../../templates/slots/mapping.ts';
import type { RunResult } from '../../sandbox/result.ts';
import type { MockCall } from '../../synthetic-data/mock-api/mock-vendor.ts';
import { canonicalJson, hashJson } from '../hash.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { pairKey, unusable, type ExpectedStream } from './expected.ts';
import type { Scorecard, StreamScore } from './scorecard.ts';

/** Compares what the fetcher returned in the sandbox with what the mock seeded. */

export interface ScoreInput {
  plan: ConnectorPlan;
  expected: Map<string, ExpectedStream>;
  result: RunResult;
  calls: MockCall[];
  secrets: { line: number; kind: string }[];
  hashes: { seed: number; mock_data_sha256: string; fetcher_sha256: string; plan_sha256: string };
}

const UNPLANNED: MockCall['outcome'][] = ['unknown-path', 'not-a-list', 'no-such-parent', 'bad-request'];
const MAX_EXAMPLES = 5;

function scoreStream(exp: ExpectedStream, records: OutputRecord[], run: RunRecord | undefined): { score: StreamScore; reasons: string[] } {
  const s = exp.stream;
  const reasons: string[] = [];
  const examples: string[] = [];
  const identities = records.filter((r): r is IdentityRecord => r.type === 'identity' && r.source.stream === s.name);
  const outcome = run?.streams.find((o) => o.name === s.name);
  let schemaFailures = 0;
  const byId = new Map<string, IdentityRecord[]>();
  for (const r of identities) {
    if (!IdentityRecord.safeParse(r).success) schemaFailures++;
    byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
  }
  let seeded: number;
  let fetched: number;
  let missing: string[];
  let unexpected: string[];
  let duplicates: number;
  if (s.parent) {
    const rels = records.filter((r): r is RelationshipRecord => r.type === 'relationship' && r.source.stream === s.name);
    const got = rels.map((r) => pairKey(r.from_id, r.to_id, r.relation));
    const gotSet = new Set(got);
    seeded = exp.pairs.size;
    fetched = gotSet.size;
    duplicates = got.length - gotSet.size;
    missing = [...exp.pairs].filter((k) => !gotSet.has(k));
    unexpected = [...gotSet].filter((k) => !exp.pairs.has(k));
  } else {
    seeded = exp.identities.size;
    fetched = byId.size;
    duplicates = identities.length - byId.size;
    missing = [...exp.identities.keys()].filter((id) => !byId.has(id));
    unexpected = [...byId.keys()].filter((id) => !exp.identities.has(id));
  }
  let mismatched = 0;
  for (const [id, got] of byId) {
    const want = exp.identities.get(id);
    if (want && canonicalJson(got[0]) !== canonicalJson(want)) {
      mismatched++;
      if (examples.length < MAX_EXAMPLES) {
        const diff = (Object.keys(want) as (keyof IdentityRecord)[]).filter((k) => canonicalJson(want[k]) !== canonicalJson(got[0]![k]));
        examples.push(`${id}: ${diff.map((k) => `${k} is ${JSON.stringify(got[0]![k])}, expected ${JSON.stringify(want[k])}`).join('; ')}`);
      }
    }
  }
  for (const id of missing.slice(0, MAX_EXAMPLES - examples.length)) examples.push(`missing ${id}`);
  for (const id of unexpected.slice(0, Math.max(0, MAX_EXAMPLES - examples.length))) examples.push(`not seeded: ${id}`);

  const coverage: StreamScore['coverage'] = {};
  for (const field of CanonicalField.options) {
    const m = s.mapping[field];
    if (!m?.path) continue;
    const seededWith = [...exp.identities.values()].filter((r) => r[field] !== null && r[field] !== 'unknown').length;
    const fetchedWith = [...byId.values()].filter((r) => r[0]![field] !== null && r[0]![field] !== 'unknown').length;
    coverage[field] = { path: m.path, seeded_with_value: seededWith, fetched_with_value: fetchedWith };
    const u = unusable(exp, field);
    if (field !== 'status' && u.present > 0 && u.usable === 0) reasons.push(`${s.name}: ${field} is mapped from "${m.path}" with ${m.transform}, but none of the ${u.present} seeded values maps — the wrong field or transform`);
  }

  if (exp.problem) reasons.push(`${s.name}: ${exp.problem}`);
  if (exp.collisions) reasons.push(`${s.name}: the id field "${s.mapping.id?.path}" is not unique across seeded records (${exp.collisions} collisions)`);
  if (exp.unidentifiable) reasons.push(`${s.name}: ${exp.unidentifiable} seeded records have no value at the id field "${s.mapping.id?.path}"`);
  if (missing.length) reasons.push(`${s.name}: ${missing.length} of ${seeded} seeded ${s.parent ? 'parent–child pairs' : 'identities'} never came back`);
  if (unexpected.length) reasons.push(`${s.name}: ${unexpected.length} records came back that were never seeded`);
  if (duplicates) reasons.push(`${s.name}: ${duplicates} duplicate records in the output`);
  if (schemaFailures) reasons.push(`${s.name}: ${schemaFailures} records fail the canonical schema`);
  if (mismatched) reasons.push(`${s.name}: ${mismatched} records are mapped differently from the plan's mapping`);
  if (outcome && !outcome.complete) reasons.push(`${s.name}: incomplete — ${outcome.error ?? 'the stream did not finish'}`);
  if (!outcome && run) reasons.push(`${s.name}: the fetcher never ran this stream`);

  return {
    score: {
      name: s.name,
      kind: s.kind,
      operation_id: s.operation_id,
      seeded,
      fetched,
      missing: missing.length,
      unexpected: unexpected.length,
      duplicates,
      schema_failures: schemaFailures,
      mismatched,
      coverage,
      pages: outcome?.pages ?? 0,
      requests: outcome?.requests ?? 0,
      retries: outcome?.retries ?? 0,
      complete: outcome?.complete ?? false,
      error: outcome?.error ?? null,
      examples,
    },
    reasons,
  };
}

export function score(input: ScoreInput): Scorecard {
  const { plan, expected, result, calls, secrets } = input;
  const reasons: string[] = [];
  const records: OutputRecord[] = [];
  let run: RunRecord | undefined;
  let invalid = 0;
  for (const raw of result.records) {
    const parsed = OutputRecord.safeParse(raw);
    if (!parsed.success) {
      invalid++;
      continue;
    }
    records.push(parsed.data);
    if (parsed.data.type === 'run') run = parsed.data;
  }
  if (!result.ok) reasons.push(`sandbox: ${result.failure.kind} — ${result.failure.message}`);
  for (const v of result.violations) reasons.push(`egress gate: ${v.kind} — ${v.message}`);
  if (!run && result.ok) reasons.push('the fetcher ended without its run record: completeness unknown');
  if (invalid) reasons.push(`${invalid} emitted records are not canonical records at all`);

  const streams: StreamScore[] = [];
  for (const exp of expected.values()) {
    const { score: s, reasons: r } = scoreStream(exp, records, run);
    streams.push(s);
    reasons.push(...r);
  }

  const planned = new Set(plan.streams.map((s) => s.operation_id));
  const unplanned = calls
    .filter((c) => UNPLANNED.includes(c.outcome) || (c.operation_id !== null && !planned.has(c.operation_id)))
    .map((c) => ({ method: c.method, path: c.path, why: c.outcome === 'ok' ? `not in the plan (${c.operation_id})` : c.outcome }));
  const writes = calls.filter((c) => c.outcome === 'write').length + result.violations.filter((v) => v.kind === 'refused-method').length;
  const unauthorised = calls.filter((c) => c.outcome === 'unauthorised').length;
  const undocumented = new Map<string, Set<string>>();
  for (const c of calls) if (c.undocumented.length) undocumented.set(c.path, new Set([...(undocumented.get(c.path) ?? []), ...c.undocumented]));
  const undocumentedList = [...undocumented].map(([path, params]) => ({ path, params: [...params] }));
  if (unplanned.length) reasons.push(`${unplanned.length} calls outside the plan, e.g. ${unplanned[0]!.method} ${unplanned[0]!.path} (${unplanned[0]!.why})`);
  if (writes) reasons.push(`${writes} write calls attempted: connectors are read-only`);
  if (unauthorised) reasons.push(`${unauthorised} calls were refused by the API's authentication`);
  for (const u of undocumentedList) reasons.push(`${u.path} was called with ${u.params.map((p) => `"${p}"`).join(', ')}, which the docs do not describe`);
  const authVerified = unauthorised === 0 && calls.some((c) => c.outcome === 'ok');
  if (!authVerified && !unauthorised) reasons.push('authentication was never verified: no call succeeded');
  for (const f of secrets) reasons.push(`secret in code: line ${f.line} (${f.kind})`);

  const pass = reasons.length === 0;
  const body = {
    schema_version: 1 as const,
    vendor: plan.vendor,
    verdict: pass ? ('pass' as const) : ('fail' as const),
    reasons: pass ? [`every seeded identity of ${streams.length} streams came back exactly once and correctly mapped`] : reasons,
    streams,
    calls: { total: calls.length, unplanned, writes, unauthorised, undocumented_params: undocumentedList },
    retries_exercised: {
      rate_limited: calls.filter((c) => c.outcome === 'fault-429').length,
      unavailable: calls.filter((c) => c.outcome === 'fault-503').length,
      retried: streams.reduce((n, s) => n + s.retries, 0),
    },
    auth_verified: authVerified,
    secrets_in_code: secrets,
    sandbox: {
      ok: result.ok,
      failure: result.ok ? null : result.failure,
      violations: result.violations.map((v) => ({ kind: v.kind, message: v.message })),
      wall_ms: Math.round(result.stats.wallMs),
      requests: result.stats.requests,
    },
  };
  const scorecard_sha256 = hashJson({ ...body, hashes: input.hashes });
  return { ...body, hashes: { ...input.hashes, scorecard_sha256 } };
}
