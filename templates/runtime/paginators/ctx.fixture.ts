import type { PageContext } from './types.ts';

/** A page as a paginator sees it. */
export function pageCtx(requestUrl: string, body: unknown, records: unknown[], headers: Record<string, string> = {}): PageContext {
  return { page: { status: 200, headers, body, url: requestUrl }, records, requestUrl };
}
