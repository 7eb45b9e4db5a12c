import { CanonicalField } from '../../../templates/slots/mapping.ts';
import { unusable, type ExpectedStream } from '../expected.ts';
import { arg, counted, defineFindings, findingOf, type Finding } from '../finding.ts';
import type { StreamScore } from '../scorecard.ts';
import { MAX_EXAMPLES, type StreamTally } from './record-tally.ts';

/**
 * Per stream: what came back against what the mock seeded — every seeded identity (for a child
 * stream, every parent–child pair) exactly once, mapped as the plan's mapping maps the seeded record.
 */

export const RECORD_FINDINGS = defineFindings({
  'records-missing': { level: 'error', text: (a) => `${arg(a, 'missing')} of ${arg(a, 'seeded')} seeded ${arg(a, 'unit')} never came back`, hint: 'See the stream\'s other findings for why (paging, records location, auth); the examples in scorecard.json name the missing ids.' },
  'records-unexpected': { level: 'error', text: (a) => `${counted(a, 'record')} came back that ${arg(a, 'count') === '1' ? 'was' : 'were'} never seeded` },
  'records-duplicated': { level: 'error', text: (a) => `${counted(a, 'duplicate record')} in the output` },
  'records-not-canonical': { level: 'error', text: (a) => `${counted(a, 'identity record')} ${arg(a, 'count') === '1' ? 'fails' : 'fail'} the canonical schema` },
  'records-mismatched': { level: 'error', text: (a) => `${counted(a, 'record')} ${arg(a, 'count') === '1' ? 'is' : 'are'} mapped differently from the plan's mapping` },
  'field-unusable': { level: 'error', text: (a) => `${arg(a, 'field')} is mapped from "${arg(a, 'path')}" with ${arg(a, 'transform')}, but none of the ${arg(a, 'present')} seeded values maps — the wrong field or transform` },
  'seeded-ids-collide': { level: 'error', text: (a) => `the id field "${arg(a, 'id_path')}" is not unique across seeded records (${arg(a, 'collisions')} collisions)` },
  'seeded-without-id': { level: 'error', text: (a) => `${arg(a, 'count')} seeded records have no value at the id field "${arg(a, 'id_path')}"` },
  'list-not-served': { level: 'error', text: (a) => arg(a, 'problem') },
  'stream-not-run': { level: 'error', text: () => 'the fetcher never ran this stream' },
});

/**
 * One stream's score from its tally (`record-tally.ts`: the records as they streamed out, kept only
 * as far as scoring needs). Examples: mismatched identities first, then missing, then unseeded ones.
 */
export function checkStreamRecords(exp: ExpectedStream, tally: StreamTally, ranStream: boolean): { score: Omit<StreamScore, 'pages' | 'requests' | 'retries' | 'complete'>; findings: Finding[] } {
  const s = exp.stream;
  const found = (id: keyof typeof RECORD_FINDINGS, args: Parameters<typeof findingOf>[2]) => findingOf(RECORD_FINDINGS, id, args, { stream: s.name });
  const findings: Finding[] = [];
  const examples: string[] = [...tally.mismatchExamples];
  const schemaFailures = tally.schemaFailures;
  let seeded: number;
  let fetched: number;
  let missing: string[];
  let unexpected: number;
  let unexpectedExamples: string[];
  let duplicates: number;
  // A child stream's parent–child pairs, or a link stream's relationships: scored as pairs.
  const byPairs = !!s.parent || !!s.link;
  if (byPairs) {
    seeded = exp.pairs.size;
    fetched = tally.distinctPairs;
    duplicates = tally.relationships - fetched;
    missing = [...exp.pairs].filter((k) => !tally.seededPairs.has(k));
    unexpected = tally.unseededPairs.count;
    unexpectedExamples = tally.unseededPairs.examples;
  } else {
    seeded = exp.identities.size;
    fetched = tally.distinctIds;
    duplicates = tally.identities - fetched;
    missing = [...exp.identities.keys()].filter((id) => !tally.seededIds.has(id));
    unexpected = tally.unseededIds.count;
    unexpectedExamples = tally.unseededIds.examples;
  }
  const mismatched = tally.mismatched;
  for (const id of missing.slice(0, Math.max(0, MAX_EXAMPLES - examples.length))) examples.push(`missing ${id}`);
  for (const id of unexpectedExamples.slice(0, Math.max(0, MAX_EXAMPLES - examples.length))) examples.push(`not seeded: ${id}`);
  const coverage: StreamScore['coverage'] = {};
  for (const field of CanonicalField.options) {
    const m = s.mapping[field];
    if (!m?.path) continue;
    const seededWith = [...exp.identities.values()].filter((r) => r[field] !== null && r[field] !== 'unknown').length;
    const fetchedWith = tally.fetchedWithValue[field] ?? 0;
    coverage[field] = { path: m.path, seeded_with_value: seededWith, fetched_with_value: fetchedWith };
    const u = unusable(exp, field);
    if (field !== 'status' && u.present > 0 && u.usable === 0) findings.push(found('field-unusable', { field, path: m.path, transform: m.transform, present: u.present }));
  }

  if (exp.problem) findings.push(found('list-not-served', { problem: exp.problem }));
  if (exp.collisions) findings.push(found('seeded-ids-collide', { id_path: s.mapping.id?.path ?? null, collisions: exp.collisions }));
  if (exp.unidentifiable) findings.push(found('seeded-without-id', { id_path: s.mapping.id?.path ?? null, count: exp.unidentifiable }));
  if (missing.length) findings.push(found('records-missing', { missing: missing.length, seeded, unit: s.link ? 'relationships' : s.parent ? 'parent–child pairs' : 'identities' }));
  if (unexpected) findings.push(found('records-unexpected', { count: unexpected }));
  if (duplicates) findings.push(found('records-duplicated', { count: duplicates }));
  if (schemaFailures) findings.push(found('records-not-canonical', { count: schemaFailures }));
  if (mismatched) findings.push(found('records-mismatched', { count: mismatched }));
  if (!ranStream) findings.push(found('stream-not-run', {}));

  return {
    score: { name: s.name, kind: s.kind, operation_id: s.operation_id, seeded, fetched, missing: missing.length, unexpected, duplicates, schema_failures: schemaFailures, mismatched, coverage, examples },
    findings,
  };
}
