import { existsSync } from 'node:fs';
import { DEBIAN_CHROMIUM } from '../../agent/ingest/pages/page-browser.ts';

/** Why the browser tests cannot run here, or `undefined` when they can (CI installs Debian's chromium and requires them). */
export function chromiumMissing(): string | undefined {
  const path = process.env.FETCHWRIGHT_CHROMIUM ?? DEBIAN_CHROMIUM;
  if (existsSync(path)) return undefined;
  if (process.env.FETCHWRIGHT_REAL_SERVERS === 'required') throw new Error(`FETCHWRIGHT_REAL_SERVERS=required but there is no Chromium at ${path}: .ci/run installs it with apt-get`);
  return `no Chromium at ${path}: \`sudo apt-get install -y chromium\` (Debian/Ubuntu) runs these tests; CI installs it in .ci/run`;
}
