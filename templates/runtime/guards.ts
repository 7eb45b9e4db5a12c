import { FetcherError } from './errors.ts';

/**
 * template fetchwright/guards@1 — loop guards around every paginator: a request URL seen before
 * (a cursor or next link that did not advance) and a page cap both stop the stream, loudly.
 */
export class PageGuard {
  private readonly seen = new Set<string>();
  private pages = 0;
  private readonly maxPages: number;
  private readonly stream: string;

  constructor(stream: string, maxPages: number) {
    this.stream = stream;
    this.maxPages = maxPages;
  }

  /** Call before requesting a page. */
  admit(url: string): void {
    if (this.seen.has(url)) {
      throw new FetcherError('loop', `stream ${this.stream}: pagination asked for ${url} again — the cursor or next link did not advance, so the fetcher stopped instead of looping`);
    }
    if (this.pages >= this.maxPages) {
      throw new FetcherError('page-cap', `stream ${this.stream}: stopped at the page cap of ${this.maxPages} pages; the run is incomplete`);
    }
    this.seen.add(url);
    this.pages++;
  }

  get pageCount(): number {
    return this.pages;
  }
}
