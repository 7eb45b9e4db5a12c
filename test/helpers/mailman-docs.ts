import { existsSync } from 'node:fs';

/** Debian's mailman3-doc: Mailman 3's Sphinx documentation, its REST API pages among it. */
export const MAILMAN_REST_DOCS = '/usr/share/doc/mailman3/html/src/mailman/rest/docs';

/** Why the Mailman pages tests cannot run here, or `undefined` when they can (CI installs mailman3-doc and requires them). */
export function mailmanDocsMissing(): string | undefined {
  if (existsSync(`${MAILMAN_REST_DOCS}/users.html`)) return undefined;
  if (process.env.FETCHWRIGHT_REAL_SERVERS === 'required') throw new Error('FETCHWRIGHT_REAL_SERVERS=required but mailman3-doc is not installed: .ci/run installs it with apt-get');
  return 'mailman3-doc is not installed: `sudo apt-get install -y mailman3-doc` (Debian/Ubuntu) runs these tests; CI installs it in .ci/run';
}
