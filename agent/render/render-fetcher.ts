import { FetchwrightError } from '../errors.ts';
import { ConnectorSlots } from '../../templates/slots/connector.ts';
import { loadTemplates, type LoadedTemplate } from '../../templates/registry.ts';
import { slotsDeclaration } from './slots-literal.ts';

/**
 * Renders a connector: the approved templates, verbatim except for their `import` lines and
 * `export` keywords, then the slot values as one pretty-printed JSON text parsed at run time
 * (`slots-literal.ts`). Nothing from docs or a model is ever written as code — not even as an
 * object literal, where a `__proto__` key would mean something.
 *
 * The result is one script that type-checks on its own: every type a template uses is declared by
 * a template (`fetchwright/contract` holds the slots, the run input and the records), and the host's
 * capabilities are reached through the typed `host()` of `fetchwright/host`, so no DOM or Node
 * types are needed: `STANDALONE_TSC` (written in the header) passes in a folder with nothing else,
 * and with `@types/node` or the DOM library present too.
 */

/** How a reviewer or a connectors repository's CI type-checks a fetcher.ts, written in its header. */
export const STANDALONE_TSC = 'tsc --strict --noEmit --target es2024 --module nodenext --lib es2024 fetcher.ts';

export interface Provenance {
  vendor: string;
  plan_sha256: string;
  docs_sha256: string;
  api_model_sha256: string;
}

export interface RenderedFetcher {
  source: string;
  templates: { id: string; version: number; sha256: string }[];
}

/** Drops module syntax so the templates concatenate into one script. */
export function toScriptSection(t: LoadedTemplate): string {
  const lines = t.source.split('\n');
  const kept = lines.filter((line) => !/^import\s/.test(line)).map((line) => line.replace(/^export (?=(async |const |function |class |interface |type |let ))/, ''));
  return kept.join('\n').trim();
}

/**
 * `value` checked against the zod `ConnectorSlots` schema (defaults filled in). Throws
 * FetchwrightError `invalid-slot` (exit 11) naming the first failing path.
 */
export function parseSlots(value: unknown): ConnectorSlots {
  const parsed = ConnectorSlots.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FetchwrightError('invalid-slot', `a template slot fails its schema at ${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      at: issue.path.join('.'),
      hint: 'The plan asks for something no approved template can express. Fix the plan (or its docs); templates are never edited to fit.',
    });
  }
  return parsed.data;
}

/**
 * The fetcher.ts of a connector: provenance header, the approved templates in registry order, the
 * checked slots as one JSON text, and `run(input)`. Throws what `parseSlots` throws; the templates
 * are read from disk once per process (`loadTemplates`).
 */
export function renderFetcher(slotsValue: unknown, provenance: Provenance): RenderedFetcher {
  const slots = parseSlots(slotsValue);
  const templates = loadTemplates();
  const header = [
    `// fetchwright connector: ${slots.vendor}`,
    '// Generated from approved templates. Do not edit by hand: `fetchwright validate` re-proves',
    '// this file as it is, in the sandbox, against the mock of the vendor API.',
    `// plan sha256      ${provenance.plan_sha256}`,
    `// docs sha256      ${provenance.docs_sha256}`,
    `// api model sha256 ${provenance.api_model_sha256}`,
    '// templates:',
    ...templates.map((t) => `//   ${t.id}@${t.version} sha256:${t.sha256}`),
    '//',
    '// Every request is a GET. Authentication is added by the host at its egress gate: this file',
    '// holds no credential and cannot see one. Only SLOTS below comes from the plan, and it is data.',
    '//',
    '// It type-checks on its own, with no other file and no DOM or Node types:',
    `//   ${STANDALONE_TSC}`,
  ];
  const sections = templates.map((t) => `// ── ${t.id}@${t.version} ${'─'.repeat(Math.max(2, 80 - t.id.length))}\n${toScriptSection(t)}`);
  const entry = [
    '// ── slots: the plan\'s values (data: one JSON text, parsed at run time) ──────────────────',
    '// Inside the JSON, ` and $ are written \\u0060 and \\u0024, so no value can end the text or run.',
    slotsDeclaration(slots),
    '',
    'async function run(input: RunInput): Promise<RunRecord> {',
    '  return runConnector(SLOTS, input);',
    '}',
  ];
  return {
    source: `${[...header, '', ...sections, '', ...entry].join('\n')}\n`,
    templates: templates.map((t) => ({ id: t.id, version: t.version, sha256: t.sha256 })),
  };
}
