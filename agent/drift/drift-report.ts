import type { FindingArgs } from '../validate/finding.ts';
import { AUTH_FINDINGS } from './auth-changes.ts';
import type { DriftFinding, DriftFindingDefinition, DriftLevel } from './drift-finding.ts';
import { OPERATION_FINDINGS } from './operation-findings.ts';
import { PARAMETER_FINDINGS } from './parameter-changes.ts';
import { RESPONSE_FINDINGS } from './response-changes.ts';
import { RUNTIME_FINDINGS } from './runtime-drift.ts';

/**
 * The drift report (`fetchwright/drift@1`): every finding of a docs diff and of a live run's
 * report, breaking first, each with its one line of text, and the counts by level. `breaking` is
 * what `fetchwright drift` exits 1 on and what makes `expand` regenerate. Every string may come from
 * hostile docs or a server (a field name, a URL): the renderers (render-drift.ts) escape it for
 * their medium; here text is only made one line.
 */

export const DRIFT_REPORT_SCHEMA = 'fetchwright/drift@1';

/** Every drift finding, by id: where its text comes from. */
export const ALL_DRIFT_FINDINGS: Record<string, DriftFindingDefinition> = { ...OPERATION_FINDINGS, ...PARAMETER_FINDINGS, ...RESPONSE_FINDINGS, ...AUTH_FINDINGS, ...RUNTIME_FINDINGS };

export interface ReportedFinding extends DriftFinding {
  /** One line for a person, rendered from the id and args (raw text: escape it for the medium). */
  text: string;
}

export interface DriftReport {
  schema: typeof DRIFT_REPORT_SCHEMA;
  /** The connector folder diffed, or null (a diff of docs alone). */
  connector: string | null;
  vendor: string;
  /** sha256 of the docs the connector was made from. */
  docs_sha256_before: string;
  /** sha256 of the new docs; null when only a run report was read. */
  docs_sha256_after: string | null;
  /** True when any finding is breaking. */
  breaking: boolean;
  /** Breaking first, then additive, then info; within a level, in the order found. */
  findings: ReportedFinding[];
  /** Every finding found, by level (`omitted` ones included). */
  counts: Record<DriftLevel, number>;
  /** Additive and info findings past the report's cap (breaking ones are all kept). */
  omitted: number;
}

/** Additive and info findings kept in a report: a description rewritten whole can add thousands. */
export const MAX_MINOR_FINDINGS = 200;

const RANK: Record<DriftLevel, number> = { breaking: 0, additive: 1, info: 2 };

/** Whitespace runs and control characters as one space: a finding's text is one line. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** How a medium writes the values a finding's text quotes: as code (`` `name` `` in a definition), or as prose. */
export interface TextMedium {
  code: (value: string) => string;
  text: (value: string) => string;
  /** Our own words between the values (never a value): how the medium escapes them. */
  words: (text: string) => string;
}

/** Plain text: code in backticks; made one line at the end. */
const PLAIN: TextMedium = { code: (v) => `\`${v}\``, text: (v) => v, words: (t) => t };

/** A sentinel that holds the place of a value while the definition writes the sentence (no value can hold U+0000: it is cut from every value first). */
const TOKEN = /(`\u0000\d+\u0000`|\u0000\d+\u0000)/;

/**
 * A finding's sentence in a medium: the definition writes it with each string argument replaced by
 * a placeholder, and each placeholder is then replaced by the value as the medium writes it — as
 * code where the definition quotes it (`` `…` ``), as prose elsewhere — so a value can never open
 * or close a construct of the medium (a code span, a table cell, an HTML tag). An id this build
 * does not know is written with its arguments as data.
 */
export function driftTextIn(f: Pick<DriftFinding, 'id' | 'args'>, medium: TextMedium): string {
  const definition = Object.hasOwn(ALL_DRIFT_FINDINGS, f.id) ? ALL_DRIFT_FINDINGS[f.id] : undefined;
  if (!definition) return `${medium.code(f.id)} ${medium.text(JSON.stringify(f.args))}`;
  const values: string[] = [];
  // eslint-disable-next-line no-control-regex
  const token = (v: string) => `\u0000${values.push(v.replace(/\u0000/g, '')) - 1}\u0000`;
  const args: FindingArgs = Object.fromEntries(Object.entries(f.args).map(([k, v]) => [k, typeof v === 'string' ? token(v) : Array.isArray(v) ? v.map(token) : v]));
  return definition
    .text(args)
    .split(TOKEN)
    .map((part, i) => {
      if (i % 2 === 0) return medium.words(part);
      const quoted = part.startsWith('`');
      const value = values[Number(quoted ? part.slice(2, -2) : part.slice(1, -1))] ?? '';
      return quoted ? medium.code(value) : medium.text(value);
    })
    .join('');
}

/** A finding's one line of plain text (raw values: escape it for the medium it goes to). */
export function driftText(f: Pick<DriftFinding, 'id' | 'args'>): string {
  return oneLine(driftTextIn(f, PLAIN));
}

/** The report of `findings` (sorted, texts rendered, counted, minor ones capped). */
export function buildDriftReport(o: { connector: string | null; vendor: string; docs_sha256_before: string; docs_sha256_after: string | null; findings: DriftFinding[] }): DriftReport {
  const sorted = o.findings.map((f, i) => [f, i] as const).sort((a, b) => RANK[a[0].level] - RANK[b[0].level] || a[1] - b[1]).map(([f]) => f);
  const counts: Record<DriftLevel, number> = { breaking: 0, additive: 0, info: 0 };
  for (const f of sorted) counts[f.level]++;
  const breaking = sorted.filter((f) => f.level === 'breaking');
  const minor = sorted.filter((f) => f.level !== 'breaking');
  const kept = [...breaking, ...minor.slice(0, MAX_MINOR_FINDINGS)];
  return {
    schema: DRIFT_REPORT_SCHEMA,
    connector: o.connector,
    vendor: o.vendor,
    docs_sha256_before: o.docs_sha256_before,
    docs_sha256_after: o.docs_sha256_after,
    breaking: counts.breaking > 0,
    findings: kept.map((f) => ({ ...f, text: driftText(f) })),
    counts,
    omitted: Math.max(0, minor.length - MAX_MINOR_FINDINGS),
  };
}
