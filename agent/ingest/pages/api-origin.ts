/**
 * Which origin (scheme, host, port) a web reference's requests go to, from what its pages say: the
 * base URL its prose states ("The base URL is https://api.acme.example/") and the hosts its samples
 * call. Docs are hostile data: one injected sample on another host must not move the API there (the
 * credential follows the base URL), so a stated base URL is never outvoted by samples alone.
 *
 * - One origin named in all: that one.
 * - A stated origin the samples also call wins (two signals agree); several such: the one nearly all
 *   of their samples call.
 * - One stated origin and no absolute sample (the samples are paths): the stated one.
 * - Nothing stated: the origin nearly all absolute samples call (4 in 5 at least).
 * - Otherwise the pages disagree — a stated origin no sample calls while samples call another (a
 *   sentence about webhooks is no base URL), samples split between hosts: no origin — the base URL is
 *   the human's to give, and the reason says which origins the pages name.
 * Samples on any origin but the chosen one are not requests of this API: `ignored` names their origins.
 */
export interface OriginChoice {
  origin?: string;
  /** Origins the pages' samples call that are not the chosen one (their samples are left out). */
  ignored: string[];
  /** Why no origin was chosen, for the reviewer; undefined when one was. */
  ambiguous?: string;
}

/**
 * `stated`: the origins the prose states as the base URL, in page order (repeats count);
 * `sampled`: each origin the samples call, with how many samples call it.
 */
const MAJORITY = 0.8;

export function chooseOrigin(stated: readonly string[], sampled: ReadonlyMap<string, number>): OriginChoice {
  const said = [...new Set(stated)];
  const all = [...new Set([...said, ...sampled.keys()])];
  const rest = (origin: string | undefined) => [...sampled.keys()].filter((o) => o !== origin).sort();
  // The origin nearly all of these samples call: 4 in 5 at least, so a few injected samples are outnumbered, never a tie broken.
  const most = (candidates: string[]): string | undefined => {
    const ranked = [...candidates].sort((a, b) => (sampled.get(b) ?? 0) - (sampled.get(a) ?? 0));
    const total = ranked.reduce((n, o) => n + (sampled.get(o) ?? 0), 0);
    const top = ranked[0];
    return top && (sampled.get(top) ?? 0) >= MAJORITY * total ? top : undefined;
  };
  if (all.length <= 1) return { ...(all[0] ? { origin: all[0] } : {}), ignored: [] };
  const backed = said.filter((o) => sampled.has(o));
  let origin: string | undefined;
  if (backed.length === 1) origin = backed[0];
  else if (backed.length > 1) origin = most(backed);
  else if (said.length === 1 && sampled.size === 0) origin = said[0];
  else if (said.length === 0) origin = most([...sampled.keys()]);
  if (origin) return { origin, ignored: rest(origin) };
  const named = all.slice(0, 5).join(', ');
  return { ignored: [...sampled.keys()].sort(), ambiguous: `the pages name ${all.length} API origins (${named}${all.length > 5 ? ', …' : ''}) and nothing tells which one the API is at` };
}
