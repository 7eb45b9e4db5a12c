import { stripTypeScriptTypes } from 'node:module';

/**
 * fetcher.ts → the script the sandbox runs: types erased (Node's own type stripping), nothing
 * else changed, so what runs is what a reviewer reads.
 */
export function compileFetcher(source: string): { ok: true; js: string } | { ok: false; message: string } {
  try {
    return { ok: true, js: stripTypeScriptTypes(source, { mode: 'strip' }) };
  } catch (e) {
    return { ok: false, message: `fetcher.ts is not erasable TypeScript: ${(e as Error).message.split('\n')[0]}` };
  }
}
