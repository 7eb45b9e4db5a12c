/**
 * Which origin (scheme, host, port) a web reference's requests go to, from what its pages say: the
 * base URL its prose states ("The base URL is https://api.acme.example/") and the hosts its samples
 * call. Docs are hostile data: one injected sample on another host must not move the API there (the
 * credential follows the base URL), so a stated base URL is never outvoted by samples alone.
 *
 * - The origin nearly all samples with a host call (4 in 5 at least), when nothing is stated or a
 *   statement names it too: a statement confirms the samples, never outvotes them.
 * - One stated origin and no sample with a host (the samples are paths): the stated one, marked
 *   `statedOnly` — a human confirms it (pages-model.ts makes its host a variable to fill).
 * - Otherwise the pages disagree — a stated origin the samples do not call (a sentence about
 *   webhooks is no base URL), samples split between hosts, several statements: no origin — the base
 *   URL is the human's to give, and the reason says which origins the pages name.
 * Samples on any origin but the chosen one are not requests of this API: `ignored` names their origins.
 */
export interface OriginChoice {
  origin?: string;
  /** Origins the pages' samples call that are not the chosen one (their samples are left out). */
  ignored: string[];
  /** Why no origin was chosen, for the reviewer; undefined when one was. */
  ambiguous?: string;
  /**
   * The origin rests on the prose alone (no sample the pages show calls a host): a sentence anyone who
   * can write on the page can plant, or hide — a human confirms it before a credential goes there.
   */
  statedOnly?: true;
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
  // The samples decide where they agree (4 in 5); a statement only confirms them, never outvotes them.
  const bySamples = sampled.size ? most([...sampled.keys()]) : undefined;
  if (bySamples && (!said.length || said.includes(bySamples))) return { origin: bySamples, ignored: rest(bySamples) };
  // Only a statement, no sample with a host: the host the pages state, for a human to confirm.
  if (!sampled.size && said.length === 1) return { origin: said[0]!, ignored: [], statedOnly: true };
  if (!all.length) return { ignored: [] };
  const named = all.slice(0, 5).join(', ');
  return { ignored: [...sampled.keys()].sort(), ambiguous: `the pages name ${all.length} API origins (${named}${all.length > 5 ? ', …' : ''}) and nothing tells which one the API is at` };
}
