import { Command, type OutputConfiguration } from 'commander';
import { EXIT_CODES } from '../errors.ts';
import { editDistance } from '../edit-distance.ts';
import { COMMANDS, type CommandSpec } from './command-table.ts';
import type { Io } from './io.ts';

/**
 * Builds the commander program for one invocation from the command table. Help goes to stdout,
 * errors to stderr (as `error[usage]: …` with a hint naming the help to read); nothing calls
 * process.exit: commander throws a CommanderError (exitOverride) and main() maps it to an exit code.
 */

/** Help is wrapped to this many columns whatever the terminal (and in tests). */
const HELP_WIDTH = 100;

export type Action = (spec: CommandSpec, args: string[], opts: Record<string, unknown>) => Promise<void>;

/** The root help's last section: every exit code, from the one table in agent/errors.ts. */
export function exitCodesHelp(): string {
  const rows = Object.values(EXIT_CODES).map(({ code, meaning }) => wrap(meaning, HELP_WIDTH - 7).map((line, i) => `${i ? '     ' : String(code).padStart(3)}  ${line}`).join('\n'));
  return `\nExit codes:\n${rows.map((r) => `  ${r}`).join('\n')}\n`;
}

/** Splits `text` into lines of at most `width` columns at spaces (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

export function buildProgram(io: Io, version: string, action: Action, redact: (text: string) => string): Command {
  const output = (hint: string): OutputConfiguration => ({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s, write) => write(redact(`${usageMessage(s)}\n  hint: ${hint}\n`)),
    getOutHelpWidth: () => HELP_WIDTH,
    getErrHelpWidth: () => HELP_WIDTH,
  });
  const program = new Command('fetchwright')
    .description('Writes read-only identity connectors from a vendor\'s API docs, proves them in a sandbox, and proposes them as a pull request.')
    .version(version, '-V, --version', 'print fetchwright\'s version')
    .helpOption('-h, --help', 'print this help')
    .configureOutput(output('run "fetchwright --help" for the commands'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .addHelpText('after', `\nRun "fetchwright <command> --help" for a command's options.\n${exitCodesHelp()}`);
  // Our own `help [command]`: commander's prints the root help on stderr, silently, for an unknown name.
  program.helpCommand(false);
  program
    .command('help [command]')
    .description('print the help of a command')
    .action((name: string | undefined) => {
      if (!name || name === 'help') return program.outputHelp();
      const cmd = program.commands.find((c) => c.name() === name);
      if (cmd) return cmd.outputHelp();
      const near = closest(name, COMMANDS.map((c) => c.name));
      program.error(`error: unknown command '${name}'${near ? `\n(Did you mean ${near}?)` : ''}`, { code: 'commander.unknownCommand', exitCode: 2 });
    });
  for (const spec of COMMANDS) {
    const cmd = program
      .command(spec.name)
      .summary(spec.summary)
      .description(spec.description.replace(/(?<!\n)\n(?!\n)/g, ' ')) // commander wraps paragraphs itself
      .helpOption('-h, --help', 'print this help')
      .configureOutput(output(`run "fetchwright ${spec.name} --help" for its arguments and options`))
      .showSuggestionAfterError(true)
      .allowExcessArguments(false)
      .exitOverride();
    for (const a of spec.arguments) cmd.addArgument(a);
    for (const o of spec.options()) cmd.addOption(o);
    cmd.action(async (...params: unknown[]) => {
      const self = params.at(-1) as Command;
      await action(spec, self.processedArgs as string[], self.opts());
    });
  }
  return program;
}

/** The README's exit-code table (between its `exit-codes` markers), from the same table as --help. */
export function exitCodesMarkdown(): string {
  const rows = Object.values(EXIT_CODES).map(({ code, meaning }) => `| ${code} | ${meaning.replaceAll('|', '\\|')} |`);
  return ['| exit | meaning |', '|---:|---|', ...rows].join('\n');
}

/** The candidate within edit distance 2 of `word` (the nearest), for "did you mean"; undefined when none is near. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = editDistance(word, name);
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/**
 * commander's error text in fetchwright's form (an error stays one line, to grep and to copy; the
 * terminal wraps it): `error[usage]: …`, its own wording made plain, the suggestion on a line of its own.
 */
function usageMessage(commanderText: string): string {
  return commanderText
    .trimEnd()
    .replace(/^error: /, 'error[usage]: ')
    .replace(/command-argument value '(.*)' is invalid for argument '(.*?)'\. (.)/s, (_, value: string, name: string, first: string) => `<${name}> '${value}': ${first.toLowerCase()}`)
    .replace(/\n\(Did you mean (.*)\?\)$/, '\n  did you mean $1?');
}
