/**
 * What `fetchwright expand` ends with: one entry per catalogue vendor and per invalid catalogue
 * entry, and the totals a scheduler acts on. The JSON contract (`fetchwright/coverage@1`), also
 * rendered as a table for a terminal and as Markdown for a CI job summary (render-coverage.ts).
 * Every string in it may come from hostile input (a catalogue, docs titles, an error's text):
 * renderers escape it for their medium.
 */

/**
 * What happened to one vendor in this run:
 * - `generated`: no connector before; one was generated and proved;
 * - `regenerated`: the inputs changed and the plan changed (a breaking drift, a new identity list,
 *   new templates or policy): a new connector was generated and proved;
 * - `kept`: the docs changed but the connector reads them as before (additive or informational
 *   drift only, the same streams): nothing regenerated, nothing proposed;
 * - `skipped`: the inputs did not change since the last successful run;
 * - `failed`: this run tried and failed (`cause`);
 * - `waiting`: an earlier run failed on these same inputs and its retry time (`retry_at`) is not
 *   reached yet.
 */
export type VendorOutcome = 'generated' | 'regenerated' | 'kept' | 'skipped' | 'failed' | 'waiting';

export interface VendorSummary {
  vendor: string;
  owner: string | null;
  /** The docs path as the catalogue names it. */
  docs: string;
  outcome: VendorOutcome;
  /** A passing connector is on disk for this vendor after the run (whatever this run did). */
  covered: boolean;
  /** The connector folder, when one is on disk. */
  connector_dir: string | null;
  /** Streams the connector reads (0 when there is none). */
  streams: number;
  /** The canonical kinds its streams emit (`human`, `api_key`…; link streams as `links`), sorted, unique. */
  identity_kinds: string[];
  /** Streams the catalogue entry asked to skip. */
  skipped_streams: string[];
  /** Drift against the previous connector, when the docs changed: counts by level. */
  drift: { breaking: number; additive: number; info: number } | null;
  /** The pull request proposed for this change, this run or an earlier one. */
  pr: { branch: string; url: string | null } | null;
  /** One line for a person: why it failed (or why the last try failed, for `waiting`). */
  cause: string | null;
  /** The exit code the failing step would have ended `fetchwright generate` with. */
  exit_code: number | null;
  /** RFC 3339: when a later run retries a failure. */
  retry_at: string | null;
  /** Wall time spent on this vendor in this run (ms). */
  elapsed_ms: number;
}

/**
 * A catalogue entry that failed the catalogue's schema (not run), or whose `skip_streams` or `tenant`
 * names what its docs do not have (found once they are planned: the vendor is also `failed`).
 */
export interface CatalogueProblem {
  /** The catalogue file. */
  file: string;
  /** 0-based index of the entry in the catalogue's `vendors` list; null for a problem with the file itself. */
  entry: number | null;
  /** The entry's `vendor` when it has a readable one. */
  vendor: string | null;
  /** Dotted path of the field inside the entry (`docs`, `skip_streams.2`), or null for the whole entry. */
  field: string | null;
  message: string;
}

export interface CoverageSummary {
  schema: 'fetchwright/coverage@1';
  catalogue: string;
  /** RFC 3339. */
  started_at: string;
  finished_at: string;
  elapsed_ms: number;
  /** How many vendors were worked on at once: `--concurrency`; on a queue, how many worker processes did this run's jobs. */
  concurrency: number;
  /** When the jobs ran on a queue (`expand --queue … --wait`): the queue (its URL without a password) and the workers that did them (`host:pid`). */
  queue?: { url: string; workers: string[] };
  totals: {
    vendors: number;
    covered: number;
    generated: number;
    regenerated: number;
    kept: number;
    skipped: number;
    failed: number;
    waiting: number;
    invalid_entries: number;
  };
  vendors: VendorSummary[];
  invalid_entries: CatalogueProblem[];
}

/** The totals of a list of vendor summaries and catalogue problems. */
export function totalsOf(vendors: VendorSummary[], problems: CatalogueProblem[]): CoverageSummary['totals'] {
  const count = (o: VendorOutcome) => vendors.filter((v) => v.outcome === o).length;
  return {
    vendors: vendors.length,
    covered: vendors.filter((v) => v.covered).length,
    generated: count('generated'),
    regenerated: count('regenerated'),
    kept: count('kept'),
    skipped: count('skipped'),
    failed: count('failed'),
    waiting: count('waiting'),
    invalid_entries: problems.length,
  };
}
