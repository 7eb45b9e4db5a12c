import { FetcherError } from './errors.ts';

/**
 * template fetchwright/guards@2 — loop guards around every paginator: a request URL seen before
 * (a cursor or next link that did not advance) and a page cap both stop the stream, loudly.
 */
export class PageGuard {
  private readonly seen = new Set<string>();
  private pages = 0;
  private readonly maxPages: number;

  constructor(maxPages: number) {
    this.maxPages = maxPages;
  }

  /** Call before requesting a page. */
  admit(url: string): void {
    if (this.seen.has(url)) {
      throw new FetcherError('pagination-loop', url, { detail: 'the cursor or next link asked for a page already fetched' });
    }
    if (this.pages >= this.maxPages) {
      throw new FetcherError('page-cap', url, { cap: this.maxPages });
    }
    this.seen.add(url);
    this.pages++;
  }

  get pageCount(): number {
    return this.pages;
  }
}
