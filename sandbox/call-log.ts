import { z } from 'zod';

/** How one fetch attempt ended at the egress gate. Every outcome but `ok` and `network-error` is refused by policy. */
export const CallOutcome = z.enum([
  'ok',
  'refused-host',
  'refused-method',
  'refused-scheme',
  'request-cap',
  'response-too-large',
  'redirect-off-host',
  'network-error',
]);
export type CallOutcome = z.infer<typeof CallOutcome>;

/**
 * One line of the call log: one request the fetcher asked for (refused ones included) or one redirect hop
 * the gate followed. Headers are never logged (auth lives there), and `url` has its secret-looking query
 * values redacted, so the log can be stored and shown as it is.
 */
export const CallLogEntry = z.object({
  seq: z.number().int().positive(),
  method: z.string(),
  url: z.string(),
  status: z.number().int().nullable(),
  outcome: CallOutcome,
  ms: z.number().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type CallLogEntry = z.infer<typeof CallLogEntry>;

/** Query parameter names whose values are treated as secrets in logs (`api_key`, `access_token`, `X-Amz-Signature`…). */
const SECRET_PARAM = /key|token|secret|signature|password|passwd|credential|session|^sig$|^auth/i;

export const REDACTED = 'REDACTED';

/**
 * The URL as it may be logged: no user-info, no fragment, secret-looking query values replaced. Other
 * parameters keep their exact encoding, so the log shows the page cursor the fetcher really sent.
 */
export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  copy.hash = '';
  if (copy.search.length > 1) {
    const parts = copy.search.slice(1).split('&').map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq === -1 ? part : part.slice(0, eq);
      return SECRET_PARAM.test(safeDecode(rawName)) ? `${rawName}=${REDACTED}` : part;
    });
    copy.search = `?${parts.join('&')}`;
  }
  return copy.href;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
