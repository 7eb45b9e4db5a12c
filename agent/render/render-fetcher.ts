import { FetchwrightError } from '../errors.ts';
import { ConnectorSlots } from '../../templates/slots/connector.ts';
import { loadTemplates, type LoadedTemplate } from '../../templates/registry.ts';

/**
 * Renders a connector: the approved templates, verbatim except for their `import` lines and
 * `export` keywords, then the slot values as one JSON *string* literal parsed at run time. Nothing
 * from docs or a model is ever written as code — not even as an object literal, where a
 * `__proto__` key would mean something.
 */

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
  ];
  const sections = templates.map((t) => `// ── ${t.id}@${t.version} ${'─'.repeat(Math.max(2, 80 - t.id.length))}\n${toScriptSection(t)}`);
  // One JSON string literal per line of the pretty-printed slots: readable, and still only data.
  const literal = JSON.stringify(slots, null, 2)
    .split('\n')
    .map((line) => `  ${JSON.stringify(line)},`)
    .join('\n');
  const entry = [
    '// ── slots (data: JSON string literals, joined and parsed at run time) ────────────────────',
    `const SLOTS: ConnectorSlots = JSON.parse([\n${literal}\n].join('\\n'));`,
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
