import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { EXIT, FetchwrightError, isFetchwrightError } from '../errors.ts';
import type { Io } from './io.ts';

/**
 * The whole CLI, callable in-process: parse arguments, dispatch to one module per command (loaded
 * lazily), and map every error to an exit code in one place.
 */

export interface Command {
  usage: string;
  summary: string;
  args: NonNullable<ParseArgsConfig['options']>;
  run(values: Record<string, unknown>, positionals: string[], io: Io): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  plan: () => import('../commands/plan.ts'),
  generate: () => import('../commands/generate.ts'),
  validate: () => import('../commands/validate.ts'),
  mock: () => import('../commands/mock.ts'),
};

const HELP = `fetchwright — writes read-only identity connectors from a vendor's API docs

usage: fetchwright <command> [options]

commands:
  plan <docs>              which identity streams a connector would fetch, how it would authenticate and page, and why
  generate <docs>          render the connector from approved templates and prove it in the sandbox
  validate <connector-dir> re-run the sandbox proof of a connector on disk, as it is now
  mock <docs> --port N     serve the synthetic mock of the vendor API on 127.0.0.1 to explore

Run "fetchwright <command> --help" for a command's options.
`;

export async function main(argv: string[], io: Io): Promise<number> {
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
    return await command.run(parsed.values, parsed.positionals, io);
  } catch (e) {
    return report(e, io);
  }
}

function report(e: unknown, io: Io): number {
  if (isFetchwrightError(e)) {
    io.stderr.write(`${e.render()}\n`);
    return e.exitCode;
  }
  if (e instanceof z.ZodError) {
    io.stderr.write(`error[usage]: ${e.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}\n`);
    return EXIT.usage;
  }
  const err = e as Error;
  io.stderr.write(`internal error: ${err?.message ?? String(e)}\nThis is a bug in fetchwright, not in your input. Set FETCHWRIGHT_DEBUG=1 for the stack trace.\n`);
  if (process.env.FETCHWRIGHT_DEBUG) io.stderr.write(`${err?.stack ?? ''}\n`);
  return EXIT.internal;
}
