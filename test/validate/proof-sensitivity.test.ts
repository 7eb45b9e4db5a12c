import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../agent/ingest/ingest.ts';
import type { ApiModel } from '../../agent/ingest/api-model.ts';
import type { ConnectorPlan } from '../../agent/plan/connector-plan.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { renderFetcher } from '../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../agent/render/slots-from-plan.ts';
import { validateConnector } from '../../agent/validate/run-validation.ts';
import type { ConnectorSlots, StreamSlot } from '../../templates/slots/connector.ts';
import { errorKinds } from '../helpers/findings.ts';
import { REPO_ROOT, vendorDoc } from '../helpers/vendor-docs.ts';

/**
 * Proof sensitivity: a proof that cannot fail proves nothing. Change one decision at a time in the
 * SLOTS of a generated fetcher.ts — items path, pagination style, cursor/offset/page parameter,
 * first offset, stop condition, id field, a mapped field — and in the plan's auth (header name,
 * prefix): the proof must fail every time, with the finding that names the cause. The mutations are
 * derived from the plan (one stream per pagination style, roots and children), never hand-picked.
 */

interface Mutation {
  name: string;
  /** Finding ids, any one of which names this cause. */
  expect: string[];
  slots?: (s: StreamSlot) => void;
  auth?: (p: ConnectorPlan) => void;
}

function otherPath(s: StreamSlot, not: string | null | undefined): string | undefined {
  const paths = Object.values(s.mapping).map((m) => m?.path).filter((p): p is string => !!p && p !== not);
  return paths[0];
}

/** The one-decision mutations of one stream's slots, as they apply to its pagination style. */
function streamMutations(s: StreamSlot): Mutation[] {
  const out: Mutation[] = [];
  const at = (name: string) => `${s.name}: ${name}`;
  out.push({ name: at(`items path ${JSON.stringify(s.items_path)} → ${JSON.stringify(s.items_path === '' ? 'data' : '')}`), expect: ['items-path-missing', 'items-path-not-a-list'], slots: (x) => void (x.items_path = x.items_path === '' ? 'data' : '') });
  const p = s.pagination;
  if (p.style !== 'none') out.push({ name: at(`pagination ${p.style} → none`), expect: ['records-missing'], slots: (x) => void (x.pagination = { style: 'none' }) });
  else out.push({ name: at('pagination none → page numbers'), expect: ['undocumented-parameter'], slots: (x) => void (x.pagination = { style: 'page', page_param: 'page', first_page: 1, stops: [{ when: 'empty-page' }] }) });
  switch (p.style) {
    case 'offset':
      out.push({ name: at(`offset parameter ${p.offset_param} → ${p.offset_param}x`), expect: ['undocumented-parameter'], slots: (x) => void (x.pagination = { ...p, offset_param: `${p.offset_param}x` }) });
      out.push({ name: at(`first offset ${p.first_offset} → ${1 - p.first_offset}`), expect: ['records-missing', 'bad-page-request'], slots: (x) => void (x.pagination = { ...p, first_offset: 1 - p.first_offset }) });
      out.push(
        p.stops.every((x) => x.when === 'empty-page')
          ? { name: at('stop empty page → has-more "more"'), expect: ['stop-signal-missing'], slots: (x) => void (x.pagination = { ...p, stops: [{ when: 'more-false', path: 'more' }] }) }
          : { name: at(`stop ${p.stops.map((x) => x.when).join('+')} → empty page`), expect: ['request-past-end'], slots: (x) => void (x.pagination = { ...p, stops: [{ when: 'empty-page' }] }) },
      );
      break;
    case 'page':
      out.push({ name: at(`page parameter ${p.page_param} → ${p.page_param}x`), expect: ['undocumented-parameter'], slots: (x) => void (x.pagination = { ...p, page_param: `${p.page_param}x` }) });
      out.push({ name: at(`first page ${p.first_page} → ${1 - p.first_page}`), expect: ['records-missing', 'bad-page-request'], slots: (x) => void (x.pagination = { ...p, first_page: 1 - p.first_page }) });
      out.push(
        p.stops.every((x) => x.when === 'empty-page')
          ? { name: at('stop empty page → page count "pages"'), expect: ['stop-signal-missing'], slots: (x) => void (x.pagination = { ...p, stops: [{ when: 'page-count', path: 'pages' }] }) }
          : { name: at(`stop ${p.stops.map((x) => x.when).join('+')} → empty page`), expect: ['request-past-end'], slots: (x) => void (x.pagination = { ...p, stops: [{ when: 'empty-page' }] }) },
      );
      break;
    case 'cursor':
      out.push({ name: at(`cursor parameter ${p.cursor_param} → ${p.cursor_param}x`), expect: ['undocumented-parameter'], slots: (x) => void (x.pagination = { ...p, cursor_param: `${p.cursor_param}x` }) });
      out.push({ name: at(`cursor path ${p.cursor_path} → ${p.cursor_path}x`), expect: ['records-missing'], slots: (x) => void (x.pagination = { ...p, cursor_path: `${p.cursor_path}x` }) });
      break;
    case 'link-header':
      out.push({ name: at('link rel next → last'), expect: ['records-missing'], slots: (x) => void (x.pagination = { ...p, rel: 'last' }) });
      break;
    case 'next-url':
      out.push({ name: at(`next URL ${p.next_path} → ${p.next_path}x`), expect: ['records-missing'], slots: (x) => void (x.pagination = { ...p, next_path: `${p.next_path}x` }) });
      break;
    case 'none':
      break;
  }
  const idPath = s.mapping.id?.path;
  const otherId = otherPath(s, idPath) ?? 'no_such_field';
  out.push({ name: at(`id field ${idPath} → ${otherId}`), expect: ['records-missing', 'records-unexpected', 'record-without-id'], slots: (x) => void (x.mapping = { ...x.mapping, id: { path: otherId, transform: 'string' } }) });
  const mapped = (['display_name', 'email', 'created_at', 'status', 'scopes'] as const).find((f) => s.mapping[f]?.path && s.mapping[f]!.path !== idPath);
  if (mapped) {
    const from = s.mapping[mapped]!;
    const to = otherPath(s, from.path) ?? 'no_such_field';
    out.push({ name: at(`${mapped} field ${from.path} → ${to}`), expect: ['records-mismatched', 'field-unusable'], slots: (x) => void (x.mapping = { ...x.mapping, [mapped]: { ...from, path: to } }) });
  }
  return out;
}

/** Streams to mutate: one root and one child per pagination style. */
function representatives(plan: ConnectorPlan): string[] {
  const seen = new Set<string>();
  return plan.streams.filter((s) => {
    const key = `${s.pagination.style}/${s.parent ? 'child' : 'root'}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).map((s) => s.name);
}

function mutations(plan: ConnectorPlan): Mutation[] {
  const slots = slotsFromPlan(plan);
  const streams = representatives(plan).flatMap((name) => streamMutations(slots.streams.find((s) => s.name === name)!).map((m) => ({ ...m, stream: name })));
  const auth: Mutation[] = [
    { name: `auth header ${plan.auth.credentials[0]!.name} → X-Fetchwright-Wrong`, expect: ['credential-rejected'], auth: (p) => void (p.auth.credentials[0]!.name = 'X-Fetchwright-Wrong') },
    { name: `auth prefix ${JSON.stringify(plan.auth.credentials[0]!.prefix)} → ${JSON.stringify(plan.auth.credentials[0]!.prefix === '' ? 'Bearer ' : '')}`, expect: ['credential-rejected'], auth: (p) => void (p.auth.credentials[0]!.prefix = p.auth.credentials[0]!.prefix === '' ? 'Bearer ' : '') },
  ];
  return [...streams.map((m) => ({ ...m, slots: m.slots && ((s: StreamSlot) => (s.name === m.stream ? m.slots!(s) : undefined)) })), ...auth];
}

async function prove(model: ApiModel, plan: ConnectorPlan, slots: ConnectorSlots) {
  const fetcherSource = renderFetcher(slots, { vendor: plan.vendor, plan_sha256: 'a'.repeat(64), docs_sha256: plan.docs_sha256, api_model_sha256: plan.api_model_sha256 }).source;
  return validateConnector({ model, plan, fetcherSource, seed: 1 });
}

const CONNECTORS: [string, string][] = [
  ['jupyterhub', path.join(REPO_ROOT, 'examples/jupyterhub')],
  ['okta', 'okta.yaml'],
];

describe.each(CONNECTORS)('proof sensitivity: %s', (name, docs) => {
  it('catches every one-decision mutation of the slots and the auth, naming the cause', async () => {
    const model = await ingest(docs.startsWith('/') ? docs : vendorDoc(docs));
    const plan = planHeuristically(model);
    expect((await prove(model, plan, slotsFromPlan(plan))).verdict, `${name}: the unmutated connector must pass`).toBe('pass');
    const results: { name: string; caught: boolean; named: boolean; ids: string[] }[] = [];
    for (const m of mutations(plan)) {
      const mutatedPlan = structuredClone(plan);
      m.auth?.(mutatedPlan);
      const slots = structuredClone(slotsFromPlan(plan));
      for (const s of slots.streams) m.slots?.(s);
      const card = await prove(model, mutatedPlan, slots);
      const ids = errorKinds(card);
      results.push({ name: m.name, caught: card.verdict === 'fail', named: ids.some((id) => m.expect.includes(id)), ids });
    }
    const caught = results.filter((r) => r.caught && r.named).length;
    console.log(`proof sensitivity, ${name}: ${caught} of ${results.length} one-decision mutations of fetcher.ts SLOTS and the plan's auth caught with the matching finding`);
    expect(results.filter((r) => !(r.caught && r.named))).toEqual([]);
    expect(results.length).toBeGreaterThan(8);
  }, 240_000);

  it('catches the same paging and records-location decisions made wrong by the planner (plan and fetcher agree)', async () => {
    const model = await ingest(docs.startsWith('/') ? docs : vendorDoc(docs));
    const plan = planHeuristically(model);
    const results: { name: string; caught: boolean; ids: string[] }[] = [];
    // A wrong plan renders a consistent fetcher: only the mock's own reading of the docs can disagree.
    for (const m of mutations(plan).filter((x) => x.slots && /items path|pagination|parameter|first (offset|page)|stop|cursor path|link rel|next URL/.test(x.name))) {
      const slots = structuredClone(slotsFromPlan(plan));
      for (const s of slots.streams) m.slots!(s);
      const wrong = structuredClone(plan);
      for (const s of wrong.streams) {
        const slot = slots.streams.find((x) => x.name === s.name)!;
        s.items_path = slot.items_path;
        s.pagination = { ...slot.pagination, evidence: s.pagination.evidence, confidence: s.pagination.confidence } as typeof s.pagination;
      }
      const card = await prove(model, wrong, slotsFromPlan(wrong));
      results.push({ name: m.name, caught: card.verdict === 'fail', ids: errorKinds(card) });
    }
    console.log(`proof sensitivity, ${name}: ${results.filter((r) => r.caught).length} of ${results.length} wrong planner decisions (paging, records location) fail the proof`);
    expect(results.filter((r) => !r.caught)).toEqual([]);
  }, 240_000);
});
