import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The planner's score against hand-checked labels (issue 11's "Done when"): of the identity lists
 * an identity engineer would want from a description, how many the plan takes as a stream (found),
 * how many of those it pages the way the docs say (paged), and how many of its streams are lists
 * nobody labelled (the complement of precision). Labels live in `test/plan/labels/<vendor>.json`,
 * one per description, written from the docs' own text, never from a plan.
 *
 * This module knows nothing about the planner: it reads a plan's streams as `{method, path,
 * pagination}` (any planner, heuristic or LLM, any version of the pagination slot), so the same
 * scorer measures every planner the same way.
 */

/** `GET /api/v1/users`: an operation as method + path, never by operationId (ids repeat in real docs). */
const OpKey = z.string().regex(/^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S*$/, 'an operation is "METHOD /path"');

const PaginationLabel = z.strictObject({
  style: z.enum(['link-header', 'cursor', 'offset', 'page', 'next-url', 'none']),
  /** cursor: the query parameter that carries the cursor. */
  cursor_param: z.string().optional(),
  /** cursor: where the next cursor comes from — exactly one of these when the label gives a source. */
  cursor_path: z.string().optional(),
  cursor_header: z.string().optional(),
  last_record_path: z.string().optional(),
  /** offset: the offset parameter. */
  offset_param: z.string().optional(),
  /** page: the page-number parameter. */
  page_param: z.string().optional(),
  /** next-url: where the next URL sits in the body. */
  next_path: z.string().optional(),
  /**
   * Stop signals the docs give that the plan must honour (templates/slots/pagination.ts `stops`):
   * each must be among the plan's, with the same body path when the label names one.
   */
  stops: z.array(z.strictObject({ when: z.string().min(1), path: z.string().optional() })).min(1).optional(),
});
export type PaginationLabel = z.infer<typeof PaginationLabel>;

export const ListLabel = z.strictObject({
  op: OpKey,
  /** `required`: counted for found/paged; `also-acceptable`: a duplicate or lesser view — taking it is not a false stream, missing it is not a miss. */
  status: z.enum(['required', 'also-acceptable']),
  /**
   * What the records are: an identity kind; `relationship` for link records (memberships, role
   * assignments); `container` for a non-identity list acceptable only as the parent a plan must read
   * to reach credentials under it. Compared with the plan's kind for identity kinds only, as a figure.
   */
  kind: z.string().optional(),
  /** How the docs say the list pages; several when the docs support more than one reading equally. Required for `required` lists. */
  pagination: z.union([PaginationLabel, z.array(PaginationLabel).min(1)]).optional(),
  /** The docs' reason, when it is not obvious. */
  why: z.string().optional(),
});
export type ListLabel = z.infer<typeof ListLabel>;

export const LabelFile = z
  .strictObject({
    /** The description, relative to the vendor-docs root (a file or a folder). */
    spec: z.string().min(1),
    /** The labelling rule, in words: what was counted and why, what was left out. */
    notes: z.string().min(1),
    lists: z.array(ListLabel).min(1),
  })
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.lists.forEach((l, i) => {
      if (seen.has(l.op)) ctx.addIssue({ code: 'custom', path: ['lists', i, 'op'], message: `${l.op} is labelled twice` });
      seen.add(l.op);
      if (l.status === 'required' && !l.pagination) ctx.addIssue({ code: 'custom', path: ['lists', i, 'pagination'], message: `${l.op} is required but says nothing about paging` });
    });
  });
export type LabelFile = z.infer<typeof LabelFile>;

/** What the scorer reads of a planned stream: loose on purpose, so any planner's plan fits. */
export interface PlannedStream {
  method: string;
  path: string;
  kind?: string;
  pagination: { style: string; [k: string]: unknown };
}

/** One labelled list the plan missed, or found but paged otherwise than the docs say. */
export interface Miss {
  op: string;
  /** `not-found`: no stream; `paged-wrong`: a stream whose paging differs from the label; `kind-differs`: found with another kind than the label's. */
  what: 'not-found' | 'paged-wrong' | 'kind-differs';
  /** For `paged-wrong` and `kind-differs`: the plan's reading and the label's, in short. */
  detail?: string;
}

export interface SpecScore {
  spec: string;
  required: number;
  found: number;
  paged: number;
  streams: number;
  /** Streams whose operation is not labelled at all (neither required nor also-acceptable). */
  unlabelled: string[];
  /** Found lists whose label names an identity kind (not `relationship`), and those the plan gives that kind: a figure, no target. */
  kinded: number;
  kind_agrees: number;
  misses: Miss[];
}

/** Label kinds that name no identity kind, so no plan kind is compared with them. */
const NOT_A_KIND = new Set(['relationship', 'container']);

const opKey = (method: string, p: string) => `${method.toUpperCase()} ${p}`;

/** The plan's pagination in short: `cursor(after ← body meta.next) until more-false(more)`. */
export function describePagination(p: PlannedStream['pagination'] | PaginationLabel): string {
  const r = p as Record<string, unknown>;
  const stops = Array.isArray(r.stops) ? (r.stops as { when?: unknown; path?: unknown }[]) : [];
  const until = stops.length ? ` until ${stops.map((x) => `${String(x.when)}${typeof x.path === 'string' ? `(${x.path})` : ''}`).join(' or ')}` : '';
  return describeSource(p) + until;
}

function describeSource(p: PlannedStream['pagination'] | PaginationLabel): string {
  const r = p as Record<string, unknown>;
  const s = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
  switch (p.style) {
    case 'cursor': {
      const from = s('cursor_path') ? `body ${s('cursor_path')}` : s('cursor_header') ? `header ${s('cursor_header')}` : s('last_record_path') ? `last record's ${s('last_record_path')}` : '?';
      return `cursor(${s('cursor_param') ?? '?'} ← ${from})`;
    }
    case 'offset':
      return `offset(${s('offset_param') ?? '?'})`;
    case 'page':
      return `page(${s('page_param') ?? '?'})`;
    case 'next-url':
      return `next-url(${s('next_path') ?? '?'})`;
    default:
      return p.style;
  }
}

/**
 * Whether a plan's pagination is the labelled one: the same style, every parameter or source the
 * label names equal (a cursor's parameter and where the next cursor comes from; an offset's or
 * page's parameter; a next URL's body path), and every stop signal the label names among the
 * plan's. A `link-header` label names no parameter: following the link is the whole mechanism.
 * Header names compare case-insensitively (RFC 9110 §5.1).
 */
export function paginationMatches(plan: PlannedStream['pagination'], label: PaginationLabel): boolean {
  if (plan.style !== label.style) return false;
  const r = plan as Record<string, unknown>;
  const planStops = Array.isArray(r.stops) ? (r.stops as { when?: unknown; path?: unknown }[]) : [];
  for (const want of label.stops ?? []) {
    if (!planStops.some((h) => h.when === want.when && (want.path === undefined || h.path === want.path))) return false;
  }
  for (const [k, v] of Object.entries(label)) {
    if (k === 'style' || k === 'stops' || v === undefined) continue;
    const got = r[k];
    if (k === 'cursor_header' ? typeof got !== 'string' || got.toLowerCase() !== String(v).toLowerCase() : got !== v) return false;
  }
  return true;
}

/** Scores one plan's streams against one label file. Pure: no I/O. */
export function scoreSpec(labels: LabelFile, streams: PlannedStream[]): SpecScore {
  const byOp = new Map(labels.lists.map((l) => [l.op, l]));
  const planned = new Map<string, PlannedStream>();
  for (const s of streams) if (!planned.has(opKey(s.method, s.path))) planned.set(opKey(s.method, s.path), s);
  const misses: Miss[] = [];
  let required = 0;
  let found = 0;
  let paged = 0;
  let kinded = 0;
  let kindAgrees = 0;
  for (const l of labels.lists) {
    if (l.status !== 'required') continue;
    required++;
    const s = planned.get(l.op);
    if (!s) {
      misses.push({ op: l.op, what: 'not-found' });
      continue;
    }
    found++;
    if (l.kind !== undefined && !NOT_A_KIND.has(l.kind) && s.kind !== undefined) {
      kinded++;
      if (s.kind === l.kind) kindAgrees++;
      else misses.push({ op: l.op, what: 'kind-differs', detail: `plan ${s.kind}, docs ${l.kind}` });
    }
    const wanted = Array.isArray(l.pagination) ? l.pagination : [l.pagination!];
    if (wanted.some((w) => paginationMatches(s.pagination, w))) paged++;
    else misses.push({ op: l.op, what: 'paged-wrong', detail: `plan ${describePagination(s.pagination)}, docs ${wanted.map(describePagination).join(' or ')}` });
  }
  const unlabelled = [...planned.keys()].filter((k) => !byOp.has(k));
  return { spec: labels.spec, required, found, paged, streams: streams.length, unlabelled, kinded, kind_agrees: kindAgrees, misses };
}

/**
 * The three figures of issue 11's target, in percent (0–100, one decimal), over one spec or a sum of
 * specs; `null` where the ratio has no denominator (no required list, nothing found, no stream).
 */
export interface Figures {
  /** Required labelled lists the plan takes as a stream ÷ required labelled lists. */
  found_pct: number | null;
  /** Of those found, the ones paged as the label says. */
  paged_pct: number | null;
  /** Streams that are labelled lists (required or also-acceptable) ÷ streams: the target is ≥ 90 (no more than one stream in ten that is not an identity list). */
  identity_pct: number | null;
}

const pct = (n: number, d: number) => (d === 0 ? null : Math.round((1000 * n) / d) / 10);

/**
 * The figures over one or more specs, pooled: every labelled list and every stream counts once, so a
 * spec with many lists weighs more than one with few.
 */
export function figuresOf(scores: SpecScore[]): Figures {
  const sum = (f: (s: SpecScore) => number) => scores.reduce((a, s) => a + f(s), 0);
  const streams = sum((s) => s.streams);
  return {
    found_pct: pct(sum((s) => s.found), sum((s) => s.required)),
    paged_pct: pct(sum((s) => s.paged), sum((s) => s.found)),
    identity_pct: pct(streams - sum((s) => s.unlabelled.length), streams),
  };
}

/** The label files in `dir` (`*.json`), parsed and checked. Throws naming the file when one is malformed. */
export function readLabels(dir: string): LabelFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const parsed = LabelFile.safeParse(JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
      if (!parsed.success) throw new Error(`labels ${f}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    });
}
