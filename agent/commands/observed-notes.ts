import type { OverlayReport } from '../ingest/observed-overlay.ts';
import { count } from '../english.ts';

/**
 * The lines `plan --observed` and `generate --observed` print on stderr about the shapes laid over
 * the docs: how many operations they changed, and each observed operation these docs do not
 * describe (left out, never added: an operation comes only from the docs). `[]` without shapes.
 */
export function observedNotes(report: OverlayReport | undefined): string[] {
  if (!report) return [];
  const notes = [`observed shapes: ${count(report.applied.length, 'operation')} read as the live run answered${report.applied.length ? ` (${report.applied.map((a) => `GET ${a.path}`).join(', ')})` : ''}`];
  for (const op of report.unmatched) notes.push(`note: the shapes file observed ${op}, which these docs do not describe: left out`);
  return notes;
}
