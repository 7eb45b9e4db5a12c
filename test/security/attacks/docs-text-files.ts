import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureIo } from '../../../agent/cli/io.ts';
import { main } from '../../../agent/cli/main.ts';
import { generateConnector } from '../../../agent/generate/generate-connector.ts';
import { ingest } from '../../../agent/ingest/ingest.ts';
import { planHeuristically } from '../../../agent/plan/heuristic-planner.ts';
import { renderPrBody } from '../../../agent/pr/pr-body.ts';
import { renderValidation } from '../../../agent/validate/validation-report.ts';
import type { Attack } from '../attack-suite.ts';

/**
 * Docs as the attacker, through what people read and what fetchwright reads: doc text that would be
 * markup in the PR body or a control sequence on the terminal, and symbolic links that would pull a
 * file from outside the docs folder into the connector.
 */

const OSC52 = '\u001b]52;c;cHduZWQ=\u0007';
const ANSI = '\u001b[2K\r\u001b[32mAPPROVED\u001b[0m';
const MARKDOWN = '![px](https://pixel.example/t.gif) @security-team <img src=x onerror=alert(1)>\n## APPROVED by security';
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function tmp(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `fetchwright-attack-${prefix}-`));
}

/** A one-list spec whose words carry `text` in the title, the summary, a field's description and the auth description. */
function hostileSpec(text: string): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: { title: `Acme ${text}`, version: '1' },
    servers: [{ url: 'https://api.acme.test' }],
    components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: `The key. ${text}` } } },
    security: [{ key: [] }],
    paths: {
      '/users': {
        get: {
          summary: `List users ${text}`,
          description: `Lists every user. ${text}`,
          // A tenant parameter: its description is quoted to the reviewer (PR body checklist, plan screen).
          parameters: [{ name: 'team_id', in: 'query', required: true, schema: { type: 'string' }, description: `The team. ${text}` }],
          responses: { '200': { description: `OK ${text}`, content: { 'application/json': { schema: { type: 'array', items: { type: 'object', properties: { id: { type: 'string', description: `The id ${text}` }, email: { type: 'string', format: 'email' } } } } } } } },
        },
      },
    },
  };
}

function specFile(text: string): string {
  const file = path.join(tmp('text'), 'api.json');
  writeFileSync(file, JSON.stringify(hostileSpec(text)));
  return file;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(argv, io, { ...process.env, FETCHWRIGHT_STATE_DIR: tmp('state') });
  return { code, out: io.out(), err: io.err() };
}

/**
 * Lines a doc value with newlines would print as if fetchwright had: a passing attempt and verdict.
 * A value holding `SPOOF` must stay on its own line's tail, never be a line of its own.
 */
const SPOOFED_LINES = ['attempt 1: pass', 'acme: PASS — sandbox proof against a synthetic mock (seed 1)', 'written to /tmp/ok'];
const SPOOF = `\n\n${SPOOFED_LINES[0]}\n${SPOOFED_LINES[1]}\n  ${SPOOFED_LINES[2]}\n`;

/** `spoof`: the attack is a doc value with newlines, and fails when a line shown (trimmed) is exactly one of `SPOOFED_LINES`. */
const terminal = (argvOf: (file: string) => string[], text: string, what: string, exit = 0, mutate?: (spec: Record<string, any>) => void, o: { spoof?: boolean } = {}): Attack => ({
  name: `terminal: ${what}`,
  layer: 'other',
  async attempt() {
    const spec = hostileSpec(text);
    mutate?.(spec);
    const file = path.join(tmp('text'), 'api.json');
    writeFileSync(file, JSON.stringify(spec));
    const r = await cli(...argvOf(file));
    const shown = `${r.out}${r.err}`;
    if (r.code !== exit) return `the command exited ${r.code}, not ${exit}: ${r.err.slice(0, 200)}`;
    if (o.spoof) {
      if (!shown.replace(/\s+/g, ' ').includes(SPOOFED_LINES[0]!)) return 'the doc value was not shown at all: the attack did not reach the terminal';
      const line = shown.split('\n').find((l) => SPOOFED_LINES.includes(l.trim()));
      if (line !== undefined) return `a doc value printed a line of its own: ${JSON.stringify(line)}`;
    } else if (!shown.includes(exit ? 'nowhere' : 'List users')) return 'the doc text was not shown at all: the attack did not reach the terminal';
    return CONTROL.test(shown) ? `a control character reached the terminal: ${JSON.stringify(shown.match(CONTROL)?.[0])}` : undefined;
  },
});

/** Puts `SPOOF` in the base URL: a server variable's default (a URL the proof's findings quote). */
const spoofServerVariable = (s: Record<string, any>) => (s.servers = [{ url: 'https://api.acme.test/{v}', variables: { v: { default: `v1${SPOOF}` } } }]);
/** Puts `SPOOF` in the one value of the required tenant query parameter's enum (sent on every request). */
const spoofQueryEnum = (s: Record<string, any>) => (s.paths['/users'].get.parameters[0].schema = { type: 'string', enum: [`t${SPOOF}`] });

/** The PR body and VALIDATION.md of a connector generated from docs whose every word is hostile Markdown. */
const markdown: Attack = {
  name: 'markdown: doc text in the PR body and VALIDATION.md adds no image, link, mention, HTML or heading',
  layer: 'other',
  async attempt() {
    const model = await ingest(specFile(MARKDOWN));
    const plan = planHeuristically(model);
    const g = await generateConnector(model, plan, { seed: 3, maxAttempts: 1, force: true });
    const body = renderPrBody({ plan: g.plan, manifest: g.manifest, scorecard: g.scorecard, signed: false, forced: false, requestedBy: 'someone' });
    if (!body.includes('pixel.example')) return 'the doc text was not in the PR body at all: the attack did not reach it';
    for (const [name, text] of [['PR body', body], ['VALIDATION.md', renderValidation(g.scorecard, [])]] as const) {
      // What GitHub would render as markup: outside code spans, with backslash-escaped characters (literal, CommonMark §2.4) taken out.
      const outsideCode = text.replace(/`[^`\n]*`/g, '').replace(/\\[\\`*_[\]#!|@~]/g, '');
      if (/!\[|\]\(https?:|<img|(^|\s)@security-team|^#+ APPROVED/m.test(outsideCode)) return `the ${name} renders doc text as markup: ${outsideCode.match(/!\[.*|<img.*|@security-team.*|^#+ APPROVED.*/m)?.[0]}`;
    }
    return undefined;
  },
};

/** A docs folder whose spec `$ref`s a file through a link that leaves the folder: refused (exit 6), the outside file unread. */
function linkedRef(kind: 'file' | 'folder'): Attack {
  return {
    name: `files: a $ref through a symbolic link to a ${kind} outside the docs folder`,
    layer: 'other',
    async attempt() {
      const outside = tmp('outside');
      writeFileSync(path.join(outside, 'secret.json'), JSON.stringify({ type: 'object', properties: { private_key: { type: 'string', example: 'PRIVATE-KEY-MATERIAL' } } }));
      const docs = tmp('docs');
      const spec = hostileSpec('');
      const ref = kind === 'file' ? 'linked.json' : 'shared/secret.json';
      if (kind === 'file') symlinkSync(path.join(outside, 'secret.json'), path.join(docs, 'linked.json'));
      else symlinkSync(outside, path.join(docs, 'shared'));
      (spec.components as Record<string, unknown>).schemas = { Secret: { $ref: ref } };
      writeFileSync(path.join(docs, 'api.json'), JSON.stringify(spec));
      const out = path.join(tmp('out'), 'plan.json');
      const r = await cli('plan', docs, '--out', out);
      if (r.code !== 6) return `plan exited ${r.code}, not 6: ${r.err.slice(0, 200)}`;
      return /PRIVATE-KEY-MATERIAL/.test(`${r.out}${r.err}`) ? 'the outside file was read' : undefined;
    },
  };
}

/** A connector folder whose VALIDATION.md is a link to a private key: no command reads or commits it. */
const linkedConnectorFile: Attack = {
  name: 'files: a connector folder whose VALIDATION.md links to a private key is refused',
  layer: 'other',
  async attempt() {
    const out = tmp('conn');
    const g = await cli('generate', specFile(''), '--out', out, '--force');
    if (g.code !== 0) return `generate failed (${g.code}): ${g.err.slice(0, 200)}`;
    const dir = path.join(out, 'acme');
    const key = path.join(tmp('key'), 'id_ed25519');
    writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPRIVATE\n-----END PRIVATE KEY-----\n');
    // VALIDATION.md replaced by a link to the key.
    const report = path.join(dir, 'VALIDATION.md');
    rmSync(report);
    symlinkSync(key, report);
    const r = await cli('validate', dir);
    if (r.code !== 12) return `validate exited ${r.code}, not 12: ${r.err.slice(0, 200)}`;
    return /PRIVATE/.test(`${r.out}${r.err}`) ? 'the key was read' : undefined;
  },
};

export const DOCS_TEXT_FILE_ATTACKS: Attack[] = [
  terminal((f) => ['plan', f], OSC52, 'an OSC 52 clipboard write in a summary, through plan'),
  terminal((f) => ['plan', f, '--verbose'], ANSI, 'ANSI erase-line and colour in every description, through plan --verbose'),
  terminal((f) => ['plan', f], `${OSC52}\u202e${ANSI}\u009b31m`, 'OSC, bidi override and C1 CSI in an error that quotes a bad $ref', 6, (s) => (s.paths['/users'].get.responses['200'] = { $ref: `#/nowhere${OSC52}\u202e\u009b31m` })),
  terminal((f) => ['generate', f, '--out', tmp('out'), '--force', '--max-attempts', '1'], '', 'newlines in a server variable default print no line of their own in generate\'s attempt line and summary', 9, spoofServerVariable, { spoof: true }),
  terminal((f) => ['generate', f, '--out', tmp('out'), '--force', '--max-attempts', '1'], '', 'newlines in a query enum value, in the URL a failing proof quotes, print no line of their own through generate', 9, (s) => (spoofServerVariable(s), spoofQueryEnum(s)), { spoof: true }),
  markdown,
  linkedRef('file'),
  linkedRef('folder'),
  linkedConnectorFile,
];
