import { runFetcher } from '../../sandbox/run-fetcher.ts';
import { emptyRunStats, type RunResult } from '../../sandbox/result.ts';
import type { RunInput } from '../../templates/slots/connector.ts';
import { createMockVendor, type MockVendor } from '../../synthetic-data/mock-api/mock-vendor.ts';
import { hashJson, sha256 } from '../hash.ts';
import type { ApiModel } from '../ingest/api-model.ts';
import { resolveBaseUrl } from '../docs-view/server-url.ts';
import { FetchwrightError } from '../errors.ts';
import { unsafeBaseUrl, unusableBaseUrl } from '../plan/base-url.ts';
import type { ConnectorPlan } from '../plan/connector-plan.ts';
import { declaredHeaders } from '../plan/declared-headers.ts';
import { compileFetcher } from '../render/compile-fetcher.ts';
import { checkEvidence } from './checks/evidence.ts';
import { checkLinkEnds } from './checks/link-ends.ts';
import { RecordTally, recordBudget } from './checks/record-tally.ts';
import { checkSinceProof } from './checks/since-proof.ts';
import { sliceModel } from './model-slice.ts';
import { expectedStreams } from './expected.ts';
import type { Scorecard } from './scorecard.ts';
import { score } from './score.ts';
import { scanSecrets } from './secret-scan.ts';

/**
 * The sandbox proof: the fetcher runs in an isolate against the mock of the vendor's API, seeded
 * with synthetic identities, through the egress gate — which allows only the plan's host and GET,
 * and adds the synthetic credential itself. Production credentials and customer data never enter
 * this loop.
 */

export interface ValidationOptions {
  model: ApiModel;
  plan: ConnectorPlan;
  fetcherSource: string;
  seed: number;
  /** Progress for a person (stderr). */
  onLog?: (line: string) => void;
  /** Other sandbox limits (tests, benchmarks); the record budget comes from the seeded data (`recordBudget`) unless given here. */
  limits?: Partial<typeof VALIDATION_LIMITS & { maxTotalRecordBytes: number }>;
  /** Mock size (benchmarks): records per page and per root list. */
  mock?: { pageSize?: number; rootCount?: number };
  /** The fraction of its waits the fetcher sleeps, and the mock judges retries by (tests); `VALIDATION_SLEEP_SCALE` unless given. */
  sleepScale?: number;
  /** The hashes of the proof a connector directory recorded: re-proving it says what changed since. */
  recorded?: Pick<Scorecard['hashes'], 'fetcher_sha256' | 'api_model_sha256'>;
  /** The sandbox run's own figures (benchmarks: start-up, isolate CPU), which the scorecard does not keep. */
  onRunStats?: (stats: RunResult['stats']) => void;
}

export const VALIDATION_LIMITS = { memoryMb: 128, cpuMs: 30_000, wallMs: 60_000, maxRecords: 200_000 };
/**
 * The fetcher's sleeps last this fraction of what it asks for: a backoff is proved without being
 * waited out, and the mock, told the same fraction, judges in the fetcher's own time whether a retry
 * came before the rate-limit window its 429 announced (synthetic-data/mock-api/mock-vendor.ts).
 */
export const VALIDATION_SLEEP_SCALE = 0.005;

/** Values for the plan's tenant path variables that the mock serves (a human gives real ones in a live run). */
export function tenantVariableValues(plan: ConnectorPlan, model: ApiModel, mock: MockVendor): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of Object.keys(plan.tenant_variables)) {
    const stream = plan.streams.find((s) => s.path.includes(`{${name}}`));
    const op = stream && model.operations.find((o) => o.id === stream.operation_id);
    const reading = op && mock.readingOf(op);
    values[name] = reading ? mock.datasets.valueFor(reading, name, {}) : `fw-${name}`;
  }
  return values;
}

export function planSha256(plan: ConnectorPlan): string {
  return hashJson(plan);
}

export async function validateConnector(options: ValidationOptions): Promise<Scorecard> {
  const { plan, fetcherSource, seed } = options;
  // The mock serves from the part of the docs the connector keeps beside it (api-model.json): the
  // proof generate runs and the one pr, verify and validate run again read the same docs, so they
  // serve the same synthetic data — a reading of one operation that consults others (a sibling's page
  // parameter, the list a reference points at) sees the same others every time.
  const model = sliceModel(options.model, plan);
  const recorded = options.recorded;
  const sleepScale = options.sleepScale ?? VALIDATION_SLEEP_SCALE;
  const mock = createMockVendor(model, { seed, sleepScale, ...options.mock });
  // Hosts from docs must be public: a plan.json edited to point at 127.0.0.1 (or a metadata address) is refused, not proved.
  const unsafe = unsafeBaseUrl(plan.base_url.url, plan.base_url.variables);
  if (unsafe) throw new FetchwrightError('unsafe-host', `the plan's base URL ${plan.base_url.url.replace(/\/\/[^/@]*@/, '//[REDACTED]@')} cannot be the connector's host: ${unsafe}`, { hint: "Regenerate the connector from the vendor's docs: plan.json was edited or made from a server the docs cannot give. A live run against a test server is the human's `run --base-url`." });
  const unusable = unusableBaseUrl(plan.base_url.url, plan.base_url.variables);
  if (unusable) throw new FetchwrightError('invalid-connector', `the plan's base URL ${plan.base_url.url} cannot be requested: ${unusable}`, { hint: 'Regenerate the connector from the vendor\'s docs; plan.json was edited or made from a server the docs cannot give.' });
  const baseUrl = resolveBaseUrl(plan.base_url, plan.vendor);
  const origin = new URL(baseUrl).origin;
  const headerCredentials = plan.auth.credentials.filter((c) => c.in === 'header');
  const queryCredentials = plan.auth.credentials.filter((c) => c.in === 'query');
  const tenantVariables = tenantVariableValues(plan, model, mock);
  const input: RunInput = { base_url: baseUrl, tenant_variables: tenantVariables, max_pages_per_stream: 200, max_records: 100_000, retry: { max_attempts: 5, base_delay_ms: 500, max_delay_ms: 30_000 } };
  // The mock's synthetic data is generated here, before the sandbox starts, so the fetcher's wall
  // clock (and the throughput figure) is not charged for it: seeding is per dataset key, so the data
  // is the same whichever order it is built in.
  const expected = expectedStreams(plan, model, mock, tenantVariables);
  const compiled = compileFetcher(fetcherSource);
  // Records are scored as they stream out and none is kept (bounded host memory whatever the fetcher
  // emits); past the budget the sandbox ends the run as a record flood, and the scorecard says so.
  const tally = new RecordTally(expected);
  let result: RunResult;
  if (!compiled.ok) {
    result = { ok: false, failure: { kind: 'bad-source', message: compiled.message }, records: [], calls: [], violations: [], logs: [], stats: emptyRunStats() };
  } else {
    result = await runFetcher({
      source: compiled.js,
      filename: 'fetcher.ts',
      input,
      limits: { ...VALIDATION_LIMITS, ...recordBudget(expected, VALIDATION_LIMITS.maxRecords), ...options.limits },
      keepRecords: false,
      onRecord: (record) => tally.add(record),
      sleepScale,
      egress: {
        allowedOrigins: [origin],
        // The mock is in-process and its credential a synthetic placeholder: a public API the docs give
        // over plain http is proved with it too (a live run sends a real credential over https only).
        ...(origin.startsWith('http:') ? { plaintextCredentialOrigins: [origin] } : {}),
        allowedHeaders: declaredHeaders(plan),
        allowedMethods: ['GET'],
        maxRequests: 20_000,
        // The host adds the mock's synthetic placeholder credential, for the plan's host only.
        injectAuth: () => Object.fromEntries(headerCredentials.map((c) => [c.name, `${c.prefix}${mock.credentials[c.scheme]?.value ?? ''}`])),
        injectQuery: () => Object.fromEntries(queryCredentials.map((c) => [c.name, `${c.prefix}${mock.credentials[c.scheme]?.value ?? ''}`])),
        fetchImpl: (request) => mock.fetch(request),
      },
      ...(options.onLog ? { onLog: options.onLog } : {}),
    });
  }
  options.onRunStats?.(result.stats);
  const readings = new Map(
    plan.streams.flatMap((s) => {
      const op = model.operations.find((o) => o.id === s.operation_id && o.method === 'get');
      const reading = op && mock.readingOf(op);
      return reading ? [[s.name, reading] as const] : [];
    }),
  );
  const mockData = mock.datasets
    .all()
    .map((d) => [d.key, d.unique] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return score({
    plan,
    expected,
    readings,
    findings: [...checkEvidence(plan, model), ...checkLinkEnds(plan, model, mock), ...(recorded ? checkSinceProof(recorded, { fetcher_sha256: sha256(fetcherSource), api_model_sha256: hashJson(model) }) : [])],
    result,
    tally,
    calls: mock.calls,
    secrets: scanSecrets(fetcherSource),
    hashes: {
      seed,
      mock_data_sha256: hashJson(mockData),
      fetcher_sha256: sha256(fetcherSource),
      plan_sha256: planSha256(plan),
      api_model_sha256: hashJson(model),
    },
  });
}
