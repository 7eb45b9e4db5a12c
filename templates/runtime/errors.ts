/**
 * template fetchwright/errors@1 — error classification. 401/403 fail loudly with the vendor's own
 * message; other 4xx are fatal for the stream; 5xx and 429 are retried first (see retry).
 */

export type FetchErrorKind = 'auth' | 'not-found' | 'client' | 'server' | 'rate-limited' | 'invalid-json' | 'schema-drift' | 'loop' | 'page-cap' | 'config';

export class FetcherError extends Error {
  readonly kind: FetchErrorKind;
  readonly status: number | undefined;

  constructor(kind: FetchErrorKind, message: string, status?: number) {
    super(message);
    this.name = 'FetcherError';
    this.kind = kind;
    this.status = status;
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

export function classifyStatus(status: number, body: string, url: string): FetcherError {
  const said = vendorMessage(body) || '(no message)';
  if (status === 401 || status === 403) {
    return new FetcherError('auth', `${status} from ${url}: the vendor refused the credential — ${said}. Check the credential and that it has the scopes the manifest lists.`, status);
  }
  if (status === 404) return new FetcherError('not-found', `404 from ${url}: ${said}`, status);
  if (status === 429) return new FetcherError('rate-limited', `429 from ${url} after every retry: ${said}`, status);
  if (status >= 500) return new FetcherError('server', `${status} from ${url} after every retry: ${said}`, status);
  return new FetcherError('client', `${status} from ${url}: ${said}`, status);
}
