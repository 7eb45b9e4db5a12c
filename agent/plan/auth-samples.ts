import type { Evidence } from './connector-plan.ts';
import { linesAround, quoted } from './evidence.ts';

/**
 * How the docs' own samples write a credential header: `Authorization: SSWS {API Token}`,
 * `'Authorization': f'token {token}'`, `Authorization: Bearer YOUR_TOKEN`. Read by the planner for
 * declared schemes (detect-auth.ts) and for auth the docs describe only in prose (prose-auth.ts).
 */

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Finds `Name: PREFIX {placeholder}` (or `'Name': f'prefix {token}'`) in the docs' words: the
 * prefix (`Bearer `, `Token token=`) and evidence quoting the lines that hold the sample. Undefined
 * when no text has such a sample. Never throws.
 */
export function findPrefix(headerName: string, texts: { text: string; source: Evidence['source'] }[]): { prefix: string; evidence: Evidence } | undefined {
  const pattern = new RegExp(
    // An ALL-CAPS placeholder follows the prefix after a space or `=`: in `YOUR_API_KEY` alone there is no prefix.
    `${escapeRegExp(headerName)}['"\`]?\\s*[:=]\\s*f?['"\`]?([A-Za-z][A-Za-z0-9_-]*(?:[ \\t]+[A-Za-z0-9_-]+=)?)(?:[ \\t]*[{<$\\[]|(?:[ \\t]+|(?<==))[A-Z][A-Z0-9_]{2,}\\b)`,
  );
  for (const t of texts) {
    const m = pattern.exec(t.text);
    if (!m) continue;
    const word = m[1]!;
    const prefix = word.endsWith('=') ? word : `${word} `;
    return { prefix, evidence: quoted(t.source, linesAround(t.text, { index: m.index, length: m[0].length }), `the docs write the ${headerName} header as "${prefix}" followed by the credential`) };
  }
  return undefined;
}
