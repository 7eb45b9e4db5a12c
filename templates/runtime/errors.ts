import { describeFinding, type FindingArgs, type RuntimeFinding, type RuntimeFindingId } from './findings.ts';

/**
 * template fetchwright/errors@2 — a run's failures are findings: an error thrown inside a stream
 * carries the finding that ends that stream (or, for a refused credential, the whole run). 401/403
 * fail loudly with the vendor's own message; other statuses are classified by what they mean.
 */

export class FetcherError extends Error {
  readonly finding: RuntimeFinding;

  constructor(id: RuntimeFindingId, url: string | null, args: FindingArgs = {}) {
    const finding = { id, url, args };
    super(describeFinding(finding));
    this.name = 'FetcherError';
    this.finding = finding;
  }

  /** True when the whole run must stop: the vendor refused the credential. */
  get fatal(): boolean {
    return this.finding.id === 'auth-refused';
  }
}

/** The vendor's own words from an error body (`message`, `error`, `errors[0].detail`…), bounded. */
export function vendorMessage(body: string): string {
  let text = body;
  try {
    const parsed = JSON.parse(body) as unknown;
    const pick = (v: unknown): string | undefined => {
      if (typeof v === 'string') return v;
      if (!v || typeof v !== 'object') return undefined;
      const o = v as Record<string, unknown>;
      for (const key of ['message', 'error_description', 'errorSummary', 'detail', 'error', 'title', 'msg']) {
        const found = pick(o[key]);
        if (found) return found;
      }
      if (Array.isArray(o.errors)) return pick(o.errors[0]);
      return undefined;
    };
    text = pick(parsed) ?? body;
  } catch {
    // not JSON: use the text as it is
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

/** The finding for a status a list request must not end with (after every retry). */
export function classifyStatus(status: number, body: string, url: string): FetcherError {
  const message = vendorMessage(body) || '(no message)';
  if (status === 401 || status === 403) return new FetcherError('auth-refused', url, { status, message });
  if (status === 404) return new FetcherError('not-found', url, { status, message });
  if (status === 429) return new FetcherError('rate-limited', url, { status, message });
  if (status >= 500) return new FetcherError('server-error', url, { status, message });
  return new FetcherError('unexpected-status', url, { status, message });
}
