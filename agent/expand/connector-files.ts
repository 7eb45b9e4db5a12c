import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CONNECTOR_FILES } from '../generate/connector-dir.ts';

/**
 * sha256 over a connector folder's files — every file `generate` writes (fetcher.ts, plan.json,
 * manifest.json, scorecard.json, VALIDATION.md, api-model.json, attempts.json), by name and bytes —
 * or undefined when one is missing, not a regular file, or unreadable. expand records it when a job
 * leaves a passing connector, and skips the vendor later only while the folder still hashes the
 * same: a connector edited, replaced, removed or made a link since is never reported as covered
 * without being made again. (`pr` adds change-record.json and PULL_REQUEST.md; they are not part of it.)
 */
export function connectorFilesSha256(dir: string): string | undefined {
  const h = createHash('sha256');
  try {
    if (!lstatSync(dir).isDirectory()) return undefined;
    for (const name of CONNECTOR_FILES) {
      const file = path.join(dir, name);
      if (!lstatSync(file).isFile()) return undefined;
      h.update(`${name}\0${createHash('sha256').update(readFileSync(file)).digest('hex')}\n`);
    }
  } catch {
    return undefined;
  }
  return h.digest('hex');
}
