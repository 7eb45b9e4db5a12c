import { tamperedError } from '../audit/audit-chain.ts';
import { verifyChain, type ChainReport } from '../audit/verify-chain.ts';
import type { Io } from '../cli/io.ts';
import type { Context } from '../cli/main.ts';
import { count } from '../english.ts';
import { EXIT } from '../errors.ts';

/** `fetchwright audit`'s options, as commander parses them (agent/cli/command-table.ts). */
export interface AuditOptions {
  file?: string;
  json?: boolean;
}

/**
 * `fetchwright audit verify [--file PATH] [--json]`: walks the audit log's hash chain
 * (agent/audit/verify-chain.ts). Exit 0 with "N lines, chain intact"; exit 31 naming the first broken
 * line and why (on stderr as error[audit-tampered], or in the --json report on stdout). It changes
 * nothing and adds no audit line (main skips it: `audited: false`): a broken log must stay verifiable
 * as it is. It holds the log's lock only while it notes the log's size and audit.head.
 */
export async function run(_action: string[], opts: AuditOptions, io: Io, { audit }: Context): Promise<number> {
  const report = await verifyChain(opts.file ?? audit.file, { stateLog: opts.file === undefined });
  if (opts.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.intact ? EXIT.ok : EXIT.auditTampered;
  }
  if (report.broken) throw tamperedError(report.file, report.broken, { verifying: true });
  io.stdout.write(`${count(report.lines, 'line')}, chain intact${headNote(report, opts.file !== undefined)}\n`);
  return EXIT.ok;
}

function headNote(report: ChainReport, named: boolean): string {
  if (report.lines === 0 && report.head === 'absent') return named ? '' : ' (no audit log yet)';
  if (report.head === 'one-behind') return ' (audit.head is one line behind: a run ended between writing its line and the head)';
  if (report.head === 'absent') return ' (no audit.head beside it: lines removed from its end cannot be told)';
  return '';
}
