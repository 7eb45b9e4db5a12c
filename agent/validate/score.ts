import type { RunResult } from '../../sandbox/result.ts';
import type { MockCall } from '../../synthetic-data/mock-api/mock-vendor.ts';
import type { ListReading } from '../../synthetic-data/mock-api/read-list.ts';
import { hashJson } from '../hash.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { authenticated, checkCalls } from './checks/calls.ts';
import { checkMechanisms } from './checks/mechanisms.ts';
import type { RecordTally } from './checks/record-tally.ts';
import { checkRunRecord } from './checks/run-record.ts';
import { checkSandbox } from './checks/sandbox.ts';
import { checkStreamRecords } from './checks/stream-records.ts';
import type { ExpectedStream } from './expected.ts';
import { passes, type Finding } from './finding.ts';
import type { Scorecard, StreamScore } from './scorecard.ts';

/**
 * Compares what the fetcher returned in the sandbox with what the mock seeded, and the plan with
 * the mock's own reading of the docs; every check contributes findings, and the verdict is "no
 * error-level finding". The records are not here: they were tallied as they streamed out of the
 * sandbox (`checks/record-tally.ts`), so a scorecard is made in bounded memory whatever the fetcher
 * emitted, logged or tried, and always fits in one string.
 */

export interface ScoreInput {
  plan: ConnectorPlan;
  expected: Map<string, ExpectedStream>;
  /** The mock's reading of each planned stream's operation, by stream name. */
  readings: Map<string, ListReading>;
  /** The run; its `records` are not read (the run keeps none: `tally` scored them). */
  result: RunResult;
  /** The records the run emitted, as scored on their way out. */
  tally: RecordTally;
  calls: MockCall[];
  secrets: { line: number; kind: string }[];
  /** Findings of checks made before the run (the plan's evidence against the docs). */
  findings?: Finding[];
  hashes: { seed: number; mock_data_sha256: string; fetcher_sha256: string; plan_sha256: string; api_model_sha256: string };
}

export function score(input: ScoreInput): Scorecard {
  const { plan, expected, result, tally, calls, secrets } = input;
  const findings: Finding[] = [...checkSandbox(result, secrets), ...(input.findings ?? [])];
  const run = tally.run;
  findings.push(...checkRunRecord(run, result.ok, tally.notOutput));

  const streams: StreamScore[] = [];
  for (const exp of expected.values()) {
    const outcome = run?.streams.find((o) => o.name === exp.stream.name);
    const { score: s, findings: f } = checkStreamRecords(exp, tally.streams.get(exp.stream.name)!, !run || !!outcome);
    streams.push({ ...s, pages: outcome?.pages ?? 0, requests: outcome?.requests ?? 0, retries: outcome?.retries ?? 0, complete: outcome?.complete ?? false });
    const reading = input.readings.get(exp.stream.name);
    findings.push(...(reading ? checkMechanisms(exp.stream, reading) : []), ...f);
  }

  const refusedWrites = result.stats.violationCounts['refused-method'] ?? 0;
  const { findings: callFindings, summary } = checkCalls(plan, calls, refusedWrites);
  findings.push(...callFindings);

  const body = {
    schema_version: 2 as const,
    vendor: plan.vendor,
    verdict: passes(findings) ? ('pass' as const) : ('fail' as const),
    findings,
    streams,
    calls: summary,
    retries_exercised: {
      rate_limited: calls.filter((c) => c.outcome === 'fault-429').length,
      unavailable: calls.filter((c) => c.outcome === 'fault-503').length,
      retried: streams.reduce((n, s) => n + s.retries, 0),
    },
    auth_verified: authenticated(calls),
    auth_type: plan.auth.type,
    secrets_in_code: secrets,
    sandbox: {
      ok: result.ok,
      failure: result.ok ? null : result.failure,
      violations: result.violations.map((v) => ({ kind: v.kind, message: v.message })),
      ...(result.stats.violations > result.violations.length ? { violations_total: result.stats.violations } : {}),
      wall_ms: Math.round(result.stats.wallMs),
      requests: result.stats.requests,
    },
  };
  const scorecard_sha256 = hashJson({ ...body, hashes: input.hashes });
  return { ...body, hashes: { ...input.hashes, scorecard_sha256 } };
}
