import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { AuditLog, stateDir } from '../audit/audit-log.ts';
import { redactorFromEnv, type Redactor } from '../audit/redact.ts';
import { EXIT, FetchwrightError, isFetchwrightError } from '../errors.ts';
import type { Io } from './io.ts';

/** What every command gets besides its options: the audit log of this run and the redactor. */
export interface Context {
  audit: AuditLog;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
}

/**
 * The whole CLI, callable in-process: parse arguments, dispatch to one module per command (loaded
 * lazily), and map every error to an exit code in one place.
 */

export interface Command {
  usage: string;
  summary: string;
  args: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, unknown>, positionals: string[], io: Io, ctx: Context): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  plan: () => import('../commands/plan.ts'),
  generate: () => import('../commands/generate.ts'),
  validate: () => import('../commands/validate.ts'),
  mock: () => import('../commands/mock.ts'),
  pr: () => import('../commands/pr.ts'),
  verify: () => import('../commands/verify.ts'),
};

const HELP = `fetchwright — writes read-only identity connectors from a vendor's API docs

usage: fetchwright <command> [options]

commands:
  plan <docs>              which identity streams a connector would fetch, how it would authenticate and page, and why
  generate <docs>          render the connector from approved templates and prove it in the sandbox
  validate <connector-dir> re-run the sandbox proof of a connector on disk, as it is now
  mock <docs> --port N     serve the synthetic mock of the vendor API on 127.0.0.1 to explore
  pr <connector-dir> --repo PATH   commit the connector with a signed change record on a new branch; draft PR with --github
  verify <connector-dir>   check the signature and every hash of a connector's change record

Run "fetchwright <command> --help" for a command's options.
`;

export async function main(argv: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP);
    return name ? EXIT.ok : EXIT.usage;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`error[usage]: unknown command "${name}"\n\n${HELP}`);
    return EXIT.usage;
  }
  const redactor = redactorFromEnv(env);
  let audit: AuditLog | undefined;
  try {
    const { command } = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(`usage: ${command.usage}\n\n${command.summary}\n`);
      return EXIT.ok;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.args, allowPositionals: true, strict: true });
    } catch (e) {
      throw new FetchwrightError('usage', (e as Error).message, { hint: `usage: ${command.usage}` });
    }
    audit = new AuditLog({ dir: stateDir(env), command: name, redactor });
    audit.record('start', 'ok', {}, { argv: rest });
    const code = await command.run(parsed.values, parsed.positionals, io, { audit, redactor, env });
    audit.record('end', code === EXIT.ok ? 'ok' : 'fail', {}, { exit_code: code });
    return code;
  } catch (e) {
    const code = report(e, io, redactor);
    try {
      audit?.record('end', isFetchwrightError(e) ? 'refused' : 'error', {}, { exit_code: code, error: isFetchwrightError(e) ? { code: e.code, message: e.message } : String((e as Error)?.message ?? e) });
    } catch {
      // the audit log itself failed: the error above already says so or says more
    }
    return code;
  }
}

function report(e: unknown, io: Io, redactor: Redactor): number {
  if (isFetchwrightError(e)) {
    io.stderr.write(`${redactor.text(e.render())}\n`);
    return e.exitCode;
  }
  if (e instanceof z.ZodError) {
    io.stderr.write(redactor.text(`error[usage]: ${e.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}\n`));
    return EXIT.usage;
  }
  const err = e as Error;
  io.stderr.write(redactor.text(`internal error: ${err?.message ?? String(e)}\nThis is a bug in fetchwright, not in your input. Set FETCHWRIGHT_DEBUG=1 for the stack trace.\n`));
  if (process.env.FETCHWRIGHT_DEBUG) io.stderr.write(redactor.text(`${err?.stack ?? ''}\n`));
  return EXIT.internal;
}
