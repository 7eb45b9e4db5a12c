import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkQuotes } from '../../agent/docs-view/quote-check.ts';
import { FetchwrightError, isFetchwrightError } from '../../agent/errors.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import { ingest } from '../../agent/ingest/ingest.ts';
import type { ConnectorPlan, Evidence } from '../../agent/plan/connector-plan.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { assertQuotesInDocs } from '../../agent/plan/verify-evidence.ts';
import { sliceModel } from '../../agent/validate/model-slice.ts';
import { modelOf, openapi, arrayOf, USER, SERVER } from '../helpers/spec.ts';
import { REPO_ROOT, vendorDoc } from '../helpers/vendor-docs.ts';

/**
 * Evidence that can be checked: every quote in every plan of every real description, planner case
 * and field case is the docs' own text at the item it cites — in the full ApiModel and in the
 * slice a connector directory keeps.
 */

const SHARED = path.resolve(REPO_ROOT, '../shared');
const VENDOR_DOCS = ['jupyterhub', 'okta.yaml', 'slack.json', 'pagerduty.json', 'linode.yaml', 'twilio.json', 'kubernetes.json', 'datadog.yaml', 'netlify.yaml', 'digitalocean.yaml', 'snowflake.yaml', 'split/snowflake'];

function sharedCases(folder: string): string[] {
  const dir = path.join(SHARED, folder);
  if (!existsSync(dir)) throw new Error(`${dir} not found: clone the project with shared/ beside it`);
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isFile() && /\.ya?ml$/.test(e.name)) return [path.join(dir, e.name)];
    if (!e.isDirectory()) return [];
    const spec = ['spec.yaml', 'spec.json'].map((f) => path.join(dir, e.name, f)).find(existsSync);
    return [spec ?? path.join(dir, e.name, 'docs')];
  });
}

/** The model and plan of a description, or undefined when the planner finds no identities there. */
async function planned(input: string): Promise<{ model: ApiModel; plan: ConnectorPlan } | undefined> {
  const model = await ingest(input);
  try {
    return { model, plan: planHeuristically(model) };
  } catch (e) {
    if (isFetchwrightError(e) && e.code === 'no-identity-operations') return undefined;
    throw e;
  }
}

function allEvidence(value: unknown, out: Evidence[] = []): Evidence[] {
  if (Array.isArray(value)) value.forEach((v) => allEvidence(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.source && typeof o.reasoning === 'string') out.push(o as unknown as Evidence);
    Object.values(o).forEach((v) => allEvidence(v, out));
  }
  return out;
}

const inputs = [
  ...VENDOR_DOCS.map((name) => ({ name: `vendor-docs/${name}`, input: () => vendorDoc(name) })),
  ...sharedCases('planner-cases').map((p) => ({ name: path.relative(SHARED, p), input: () => p })),
  ...sharedCases('field-cases').map((p) => ({ name: path.relative(SHARED, p), input: () => p })),
];

describe('every quote of every plan is in its docs, at the item it cites', () => {
  for (const { name, input } of inputs) {
    it(name, async () => {
      const result = await planned(input());
      if (!result) return; // a case the planner refuses (no identity operation) has no plan to check
      const { model, plan } = result;
      const evidence = allEvidence(plan);
      // Not vacuous: each stream quotes the docs somewhere, and every piece of evidence has its reasoning.
      expect(evidence.filter((e) => e.quote !== undefined).length).toBeGreaterThanOrEqual(plan.streams.length);
      for (const e of evidence) expect(e.reasoning.length, JSON.stringify(e)).toBeGreaterThan(0);
      expect(checkQuotes(plan, model)).toEqual([]);
      // The slice a connector directory keeps still holds every item the plan cites.
      expect(checkQuotes(plan, sliceModel(model, plan))).toEqual([]);
    }, 30_000);
  }
});

describe('field case 01: a cursor in a declared X-Next-Page-Token header', () => {
  it('quotes no Link header the docs do not have: the Link reading is the planner\'s reasoning, said to be a guess', async () => {
    const { plan } = (await planned(path.join(SHARED, 'field-cases/01-cursor-in-header/spec.yaml')))!;
    const evidence = allEvidence(plan);
    expect(evidence.filter((e) => /\blink\b/i.test(e.quote ?? '')).map((e) => e.quote)).toEqual([]);
    const members = plan.streams[0]!;
    if (members.pagination.style === 'link-header') {
      expect(members.pagination.evidence).toContainEqual(expect.objectContaining({ reasoning: expect.stringMatching(/assumes the Link header.*a guess/) }));
      expect(members.pagination.evidence.find((e) => /Link header/.test(e.reasoning))).not.toHaveProperty('quote');
    }
  });
});

describe('assertQuotesInDocs: a plan whose quote the docs do not hold is refused', () => {
  it('throws evidence-not-in-docs (exit 24), naming file, pointer and quote', async () => {
    const { model, plan } = (await planned(vendorDoc('jupyterhub')))!;
    expect(assertQuotesInDocs(plan, model)).toBe(plan);
    const edited = structuredClone(plan);
    const e = edited.streams[0]!.evidence.find((x) => x.quote)!;
    e.quote = e.quote!.replace(/\busers\b/, 'admins');
    expect(e.quote).not.toBe(plan.streams[0]!.evidence.find((x) => x.quote)!.quote);
    let thrown: unknown;
    try {
      assertQuotesInDocs(edited, model);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(FetchwrightError);
    const error = thrown as FetchwrightError;
    expect({ code: error.code, exit: error.exitCode, file: error.details.file, at: error.details.at }).toEqual({ code: 'evidence-not-in-docs', exit: 24, file: e.source.file, at: e.source.pointer });
    expect(error.message).toContain(`${e.source.file}#${e.source.pointer}: “${e.quote}”`);
    expect(error.render()).toMatch(/bug in fetchwright's heuristic planner/);
  });
});

describe('sliceModel keeps every item the evidence cites', () => {
  it('keeps an operation outside the plan whose 429 the assessment quotes', async () => {
    const tooMany = { '429': { description: 'Slow down: too many requests.', headers: { 'Retry-After': { schema: { type: 'integer' } } } } };
    const model = await modelOf(
      openapi({
        '/users': { get: { responses: { '200': { description: 'OK', content: { 'application/json': { schema: arrayOf(USER) } } } } } },
        '/reports': { post: { responses: { '201': { description: 'Created' }, ...tooMany } } },
      }, { servers: [{ url: SERVER }] }),
    );
    const plan = planHeuristically(model);
    const rate = plan.assessment.checks.find((c) => c.id === 'rate-limits')!;
    expect(rate.evidence).toContainEqual(expect.objectContaining({ quote: 'Retry-After', source: model.operations.find((o) => o.path === '/reports')!.responses[1]!.source }));
    const slice = sliceModel(model, plan);
    expect(slice.operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(['get /users', 'post /reports']);
    expect(checkQuotes(plan, slice)).toEqual([]);
  });
});
