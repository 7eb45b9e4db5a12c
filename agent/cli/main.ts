import { constants } from 'node:os';
import { CommanderError } from 'commander';
import { AuditLog, stateDir } from '../audit/audit-log.ts';
import { argumentRedacted, redactorFromEnv, type Redactor } from '../audit/redact.ts';
import { EXIT, isFetchwrightError } from '../errors.ts';
import { packageVersion } from '../package-info.ts';
import type { CommandModule, CommandSpec } from './command-table.ts';
import type { Io } from './io.ts';
import { testPause } from '../test-pause.ts';
import { buildProgram } from './program.ts';
import { safeIo } from './safe-io.ts';

/**
 * The whole CLI, callable in-process: commander parses the arguments from the command table
 * (agent/cli/command-table.ts), one module per command runs (loaded lazily), and every error maps
 * to an exit code in one place (the EXIT_CODES table in agent/errors.ts).
 */

/** How long a finished command waits for a signal sent during its synchronous work to arrive (ms). */
const SIGNAL_POLL_MS = 20;

/** What every command gets besides its options. */
export interface Context {
  /** The audit log of this run: one line per step. */
  audit: AuditLog;
  redactor: Redactor;
  env: NodeJS.ProcessEnv;
  /** What Ctrl-C / SIGTERM does while the command runs. */
  interrupts: Interrupts;
}

/**
 * While a command runs, SIGINT and SIGTERM end it at once with the shell's code (130, 143), one
 * line on stderr saying what is on disk (`describe`), and the audit log's closing line. A command
 * that is stopped by a signal as its normal end (`mock`) sets `stop` instead.
 */
export interface Interrupts {
  /** What is on disk if the run stops now; default: nothing was written. */
  describe: () => string;
  /** When set, a signal calls this instead of ending the process. */
  stop?: (signal: NodeJS.Signals) => void;
  /** When set, runs (synchronously) before the process ends on a signal: puts back what a step wrote. */
  cleanup?: () => void;
}

/**
 * Runs `fetchwright <argv>`: help and `--version` on stdout (exit 0), usage errors on stderr
 * (exit 2), a command's own exit code, a FetchwrightError's code, or 1 for a bug.
 */
export async function main(argv: string[], rawIo: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Docs, responses and file names are hostile: nothing reaches a terminal as a control sequence.
  const io = safeIo(rawIo);
  const redactor = redactorFromEnv(env);
  let code: number = EXIT.ok;
  let audit: AuditLog | undefined;
  const runCommand = async (spec: CommandSpec, args: string[], opts: Record<string, unknown>) => {
    const interrupts: Interrupts = { describe: () => 'nothing was written' };
    const log = new AuditLog({ dir: stateDir(env), command: spec.name, redactor, onNote: (line) => io.stderr.write(`${line}\n`) });
    // The first line, before any work: a log that does not hold (exit 31) or cannot be written stops the
    // command here. Once it is written, the run's end is audited too.
    if (spec.audited !== false) {
      log.record('start', 'ok', {}, { argv: argv.map(argumentRedacted) });
      audit = log;
    }
    const release = holdSignals(io, audit, interrupts);
    try {
      await testPause(env, 'started', io.stderr);
      const module = (await spec.load()) as CommandModule;
      code = await module.run(args, opts, io, { audit: log, redactor, env, interrupts });
      // A signal that came during synchronous work (a plan of a large spec) is delivered now, to this
      // command's handler: one poll of the event loop, which a bare setImmediate does not always give.
      await new Promise((resolve) => setTimeout(resolve, SIGNAL_POLL_MS));
      audit?.record('end', code === EXIT.ok ? 'ok' : 'fail', {}, { exit_code: code });
    } finally {
      release(code);
    }
    await testPause(env, 'finished', io.stderr);
  };
  try {
    await buildProgram(io, packageVersion(), runCommand, (t) => redactor.text(t)).parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const failed = report(e, io, redactor);
    if (signals.finishedWith !== undefined) signals.finishedWith = failed;
    try {
      audit?.record('end', isFetchwrightError(e) ? 'refused' : 'error', {}, { exit_code: failed, error: isFetchwrightError(e) ? { code: e.code, message: e.message } : String((e as Error)?.message ?? e) });
    } catch {
      // the audit log itself failed: the error above already says so or says more
    }
    return failed;
  }
}

function report(e: unknown, io: Io, redactor: Redactor): number {
  if (isFetchwrightError(e)) {
    io.stderr.write(`${redactor.text(e.render())}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  io.stderr.write(redactor.text(`internal error: ${err?.message ?? String(e)}\nThis is a bug in fetchwright, not in your input. Set FETCHWRIGHT_DEBUG=1 for the stack trace.\n`));
  if (process.env.FETCHWRIGHT_DEBUG) io.stderr.write(redactor.text(`${err?.stack ?? ''}\n`));
  return EXIT.internal;
}

/**
 * Signals go to one dispatcher, installed once per process: while a command runs, to its handler;
 * once it has finished, a signal ends the process with the command's own exit code at once (the
 * work is done and reported: Ctrl-C then must not turn a success into 130); before any command,
 * the signal's default action.
 */
const signals: { installed: boolean; active?: (signal: NodeJS.Signals) => void; finishedWith?: number } = { installed: false };

function dispatch(signal: NodeJS.Signals): void {
  if (signals.active) return signals.active(signal);
  if (signals.finishedWith !== undefined) process.exit(signals.finishedWith);
  raiseDefault(signal);
}

/** Ends the process the way `signal` ends one, so the shell sees 128+n: our handlers off, the signal raised again. */
function raiseDefault(signal: NodeJS.Signals): void {
  process.removeListener('SIGINT', dispatch);
  process.removeListener('SIGTERM', dispatch);
  process.kill(process.pid, signal);
  process.exit(128 + (constants.signals[signal] ?? 0));
}

/** Routes SIGINT/SIGTERM to `interrupts` while a command runs; returns the release, given the command's exit code. */
function holdSignals(io: Io, audit: AuditLog | undefined, interrupts: Interrupts): (code: number) => void {
  if (!signals.installed) {
    signals.installed = true;
    process.on('SIGINT', dispatch);
    process.on('SIGTERM', dispatch);
  }
  signals.finishedWith = undefined;
  signals.active = (signal: NodeJS.Signals) => {
    if (interrupts.stop) return interrupts.stop(signal);
    const code = 128 + (constants.signals[signal] ?? 0);
    try {
      interrupts.cleanup?.();
    } catch {
      // exiting anyway; describe() says what is on disk
    }
    io.stderr.write(`interrupted by ${signal}: ${interrupts.describe()}\n`);
    try {
      audit?.record('end', 'fail', {}, { exit_code: code, interrupted_by: signal });
    } catch {
      // exiting anyway: the line above says what happened
    }
    // Killed at once by the default action: no exit-time teardown for a native add-on's thread to
    // block (a rare hang seen with process.exit here).
    raiseDefault(signal);
  };
  return (code) => {
    signals.active = undefined;
    signals.finishedWith = code;
  };
}
