import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { captureIo } from '../../../agent/cli/io.ts';
import { main } from '../../../agent/cli/main.ts';
import { isFetchwrightError } from '../../../agent/errors.ts';
import { ingestWithReport } from '../../../agent/ingest/ingest.ts';
import { MAX_DOC_BYTES, MAX_DOCS_BYTES } from '../../../agent/ingest/read-docs.ts';
import { planHeuristically } from '../../../agent/plan/heuristic-planner.ts';
import { renderFetcher } from '../../../agent/render/render-fetcher.ts';
import { slotsFromPlan } from '../../../agent/render/slots-from-plan.ts';
import { arrayOf, listOp, openapi, USER } from '../../helpers/spec.ts';
import type { Attack } from '../attack-suite.ts';

/**
 * Docs as the attacker, with input built to crash the reader: the four inputs reported as internal
 * errors (exit 1) and other variants of each kind. A malformed percent-escape in a `$ref` (`%zz`, a
 * truncated UTF-8 escape, in a pointer, a file name, a split spec's second file); a server variable
 * whose default has spaces (in the host, the path, the port); schemas nested ~2,000 deep (inline, through
 * a chain of `$ref`s to schemas, a chain of `$ref`s to `$ref`s, `allOf`), where deeper nesting used to be
 * misreported as a `$ref` pointing at nothing; huge docs (a folder of four 62 MB specs, one file over
 * the limit, a 2 MB spec whose `$ref`s expand to gigabytes once followed, a device or pipe given as the
 * docs); and, found by the fuzz, a server no request can use named beside the usable one (the mock of
 * the proof threw on it). Stopped: a FetchwrightError with the exit code of the cause (never 1), a one-line message,
 * the file and, where there is one, the JSON pointer, and a hint. Or, where the input is usable (a path
 * variable with a space), a plan and a fetcher.
 */

const USERS = { '/users': listOp(arrayOf(USER)) };

interface Expected {
  code: string;
  exit: number;
  /** The file the error must name (details.file). */
  file: string;
  /** The JSON pointer it must name (details.at), when the cause has one. */
  at?: string;
  /** What the message must say. */
  message: RegExp;
}

/** Undefined when `thrown` is the expected refusal; else what got through. */
function refusedAs(thrown: unknown, expected: Expected): string | undefined {
  if (thrown === undefined) return `accepted: no error, expected ${expected.code}`;
  if (!isFetchwrightError(thrown)) return `internal error (exit 1): ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown)}`;
  if (thrown.code !== expected.code || thrown.exitCode !== expected.exit) return `error[${thrown.code}] exit ${thrown.exitCode}, not ${expected.code} exit ${expected.exit}: ${thrown.message}`;
  if (/[\r\n]/.test(thrown.message)) return `the message is more than one line: ${JSON.stringify(thrown.message.slice(0, 200))}`;
  if (!expected.message.test(thrown.message)) return `the message does not say ${expected.message}: ${thrown.message}`;
  if (thrown.details.file !== expected.file) return `the error names the file ${thrown.details.file}, not ${expected.file}`;
  if (expected.at !== undefined && thrown.details.at !== expected.at) return `the error names the pointer ${thrown.details.at}, not ${expected.at}`;
  if (!thrown.details.hint) return 'the error has no hint';
  return undefined;
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'fetchwright-docs-malformed-'));
}

/** Writes `files` (name → text or JSON) to a fresh folder, runs `body` on it, removes it. */
async function withDocs<T>(files: Record<string, string | object>, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await tempDir();
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Ingests and plans `input`; what it threw, or undefined. */
async function thrownBy(input: string): Promise<unknown> {
  try {
    planHeuristically((await ingestWithReport(input)).model);
    return undefined;
  } catch (e) {
    return e;
  }
}

/** An attack: the docs `files`, read from `input` (a file of them, or the folder), must be refused as `expected`. */
function refused(name: string, files: Record<string, string | object>, input: string | undefined, expected: Expected): Attack {
  return {
    name,
    layer: 'other',
    attempt: () => withDocs(files, async (dir) => refusedAs(await thrownBy(input ? path.join(dir, input) : dir), expected)),
  };
}

/** The CLI's view: `argv` (with the docs path) exits `exit`, printing `error[code]`, the file line and a hint, and no stack or internal error. */
async function cliRefuses(argv: string[], dir: string, exit: number, code: string, inLine: string): Promise<string | undefined> {
  const io = captureIo();
  const got = await main(argv, io, { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(dir, 'state') });
  const err = io.err();
  if (got !== exit) return `${argv[0]} exited ${got}, not ${exit}: ${err.split('\n')[0]}`;
  if (!err.includes(`error[${code}]`)) return `no error[${code}] line: ${err.split('\n')[0]}`;
  if (!err.includes(inLine)) return `the error does not say "${inLine}": ${err}`;
  if (!/\n {2}hint: /.test(err)) return 'no hint line';
  if (/internal error|\n\s+at .*:\d+:\d+/.test(err)) return `an internal error or a stack trace: ${err}`;
  return undefined;
}

/** An OpenAPI document whose user list's items are `items`, with `extra` at the top level. */
function usersWith(items: object, extra: Record<string, unknown> = {}): object {
  return openapi({ '/users': listOp({ type: 'array', items }) }, extra);
}

const ITEMS_AT = '/paths/~1users/get/responses/200/content/application~1json/schema/items';

// --- a malformed percent-escape in a $ref -------------------------------------------------------

const percentEscapes: Attack[] = [
  refused('a $ref pointer with %zz', { 'api.json': usersWith({ $ref: '#/components/schemas/%zz' }, { components: { schemas: { U: USER } } }) }, 'api.json', {
    code: 'unresolvable-ref', exit: 6, file: 'api.json', at: ITEMS_AT, message: /\$ref "#\/components\/schemas\/%zz" is not a valid URI reference: "%zz" is not a percent-escape/,
  }),
  refused('a $ref file name with %zz', { 'api.json': usersWith({ $ref: 'common%zz.json#/User' }) }, 'api.json', {
    code: 'unresolvable-ref', exit: 6, file: 'api.json', at: ITEMS_AT, message: /"%zz" is not a percent-escape/,
  }),
  refused('a $ref with a truncated UTF-8 escape (%E0%A4%A)', { 'api.json': usersWith({ $ref: '#/components/schemas/%E0%A4%A' }) }, 'api.json', {
    code: 'unresolvable-ref', exit: 6, file: 'api.json', at: ITEMS_AT, message: /is not a valid URI reference/,
  }),
  refused('a $ref with a bad escape in a parameter', { 'api.json': openapi({ '/users': listOp(arrayOf(USER), { parameters: [{ $ref: '#/components/parameters/%' }] }) }) }, 'api.json', {
    code: 'unresolvable-ref', exit: 6, file: 'api.json', at: '/paths/~1users/get/parameters/0', message: /"%" is not a percent-escape/,
  }),
  refused(
    'a %zz $ref in the second file of a split spec',
    {
      'api.json': openapi({ '/users': listOp({ $ref: 'common.json#/components/schemas/Users' }) }),
      'common.json': { components: { schemas: { Users: { type: 'array', items: { $ref: '#/components/schemas/%zzUser' } }, User: USER } } },
    },
    undefined,
    { code: 'unresolvable-ref', exit: 6, file: 'common.json', at: '/components/schemas/Users/items', message: /"%zz" is not a percent-escape/ },
  ),
  {
    name: 'plan and generate (CLI) on a %zz $ref',
    layer: 'other',
    attempt: () =>
      withDocs({ 'api.json': usersWith({ $ref: '#/components/schemas/%zz' }) }, async (dir) => {
        const file = path.join(dir, 'api.json');
        return (
          (await cliRefuses(['plan', file], dir, 6, 'unresolvable-ref', `in: api.json at ${ITEMS_AT}`)) ??
          (await cliRefuses(['generate', file, '--out', path.join(dir, 'out')], dir, 6, 'unresolvable-ref', `in: api.json at ${ITEMS_AT}`))
        );
      }),
  },
];

// --- a server variable whose default has spaces -------------------------------------------------

function serverWith(url: string, variables: Record<string, { default: unknown }>): Record<string, object> {
  return { 'api.json': openapi(USERS, { servers: [{ url, variables }] }) };
}

const serverDefaults: Attack[] = [
  refused('a host variable whose default has a space', serverWith('https://{tenant}.example.test/v1', { tenant: { default: 'my tenant' } }), 'api.json', {
    code: 'unreadable-docs', exit: 4, file: 'api.json', at: '/servers/0', message: /not an absolute URL once its placeholders are filled/,
  }),
  refused('a port variable whose default is words', serverWith('https://api.example.test:{port}/v1', { port: { default: 'eighty eighty' } }), 'api.json', {
    code: 'unreadable-docs', exit: 4, file: 'api.json', at: '/servers/0', message: /cannot be the connector's base URL/,
  }),
  refused('a whole-URL variable whose default has spaces', serverWith('{base}', { base: { default: 'https://api example test/v1' } }), 'api.json', {
    code: 'unreadable-docs', exit: 4, file: 'api.json', at: '/servers/0', message: /cannot be the connector's base URL/,
  }),
  {
    name: 'a path variable whose default has a space plans and renders',
    layer: 'other',
    attempt: () =>
      withDocs(serverWith('https://api.example.test/{base}', { base: { default: 'v 1' } }), async (dir) => {
        try {
          const plan = planHeuristically((await ingestWithReport(path.join(dir, 'api.json'))).model);
          renderFetcher(slotsFromPlan(plan), { vendor: plan.vendor, plan_sha256: '0'.repeat(64), docs_sha256: plan.docs_sha256, api_model_sha256: plan.api_model_sha256 });
          return plan.base_url.url.includes('{base}') ? undefined : `the base URL lost its placeholder: ${plan.base_url.url}`;
        } catch (e) {
          return isFetchwrightError(e) && e.exitCode !== 1 ? undefined : `internal error: ${(e as Error).message}`;
        }
      }),
  },
  {
    name: 'generate (CLI) with a server no request can use beside the usable one: the proof runs, no internal error',
    layer: 'other',
    attempt: () =>
      withDocs({ 'api.json': openapi(USERS, { servers: [{ url: 'https://api.example.test/v1' }, { url: 'https://a b.example.test/v1' }, { url: 'javascript://x' }] }) }, async (dir) => {
        const io = captureIo();
        const code = await main(['generate', path.join(dir, 'api.json'), '--force', '--out', path.join(dir, 'out')], io, { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(dir, 'state') });
        return code === 0 || code === 9 ? undefined : `generate exited ${code}: ${io.err().split('\n')[0]}`;
      }),
  },
  {
    name: 'plan and generate (CLI) on a host variable default with spaces',
    layer: 'other',
    attempt: () =>
      withDocs(serverWith('https://{tenant}.example.test', { tenant: { default: 'a b' } }), async (dir) => {
        const file = path.join(dir, 'api.json');
        return (
          (await cliRefuses(['plan', file], dir, 4, 'unreadable-docs', 'in: api.json at /servers/0')) ??
          (await cliRefuses(['generate', file, '--out', path.join(dir, 'out')], dir, 4, 'unreadable-docs', 'in: api.json at /servers/0'))
        );
      }),
  },
];

// --- schemas nested about 2,000 deep --------------------------------------------------------------

/** `n` component schemas, each made by `link` from the name of the next; the last is a user. */
function chain(n: number, link: (next: string) => object): Record<string, object> {
  const schemas: Record<string, object> = {};
  for (let i = 0; i < n; i++) schemas[`S${i}`] = link(`#/components/schemas/S${i + 1}`);
  schemas[`S${n}`] = USER;
  return schemas;
}

function chained(n: number, link: (next: string) => object): Record<string, object> {
  return { 'api.json': usersWith({ $ref: '#/components/schemas/S0' }, { components: { schemas: chain(n, link) } }) };
}

/** A user whose `child` property is a user, `depth` times, as JSON text (built without recursion). */
function inlineNested(depth: number): string {
  const open = '{"type":"object","properties":{"child":'.repeat(depth);
  const close = '}}'.repeat(depth);
  return JSON.stringify(usersWith({ $ref: '#/x' })).replace('{"$ref":"#/x"}', `${open}${JSON.stringify(USER)}${close}`);
}

const nesting: Attack[] = [
  refused('schemas nested 2,000 deep inline', { 'api.json': inlineNested(2_000) }, 'api.json', {
    code: 'unreadable-docs', exit: 4, file: 'api.json', message: /api\.json is nested too deep to read: more than 1,000 levels/,
  }),
  refused('2,000 schemas, each a property $ref to the next', chained(2_000, (next) => ({ type: 'object', properties: { id: { type: 'string' }, child: { $ref: next } } })), 'api.json', {
    code: 'unreadable-docs', exit: 4, file: 'api.json', message: /nests schemas more than 500 levels deep/,
  }),
  refused('a chain of 2,000 $refs, each to the next $ref', chained(2_000, (next) => ({ $ref: next })), 'api.json', {
    code: 'unreadable-docs', exit: 4, file: 'api.json', at: ITEMS_AT, message: /starts a chain of more than 500 \$refs/,
  }),
  refused('a chain of 10,000 $refs is not reported as a $ref pointing at nothing', chained(10_000, (next) => ({ $ref: next })), 'api.json', {
    code: 'unreadable-docs', exit: 4, file: 'api.json', at: ITEMS_AT, message: /starts a chain of more than 500 \$refs/,
  }),
  refused('2,000 schemas, each allOf the next', chained(2_000, (next) => ({ allOf: [{ $ref: next }] })), 'api.json', {
    code: 'unreadable-docs', exit: 4, file: 'api.json', message: /nests schemas more than 500 levels deep/,
  }),
  {
    name: 'plan (CLI) on 2,000 chained schemas',
    layer: 'other',
    attempt: () =>
      withDocs(chained(2_000, (next) => ({ type: 'object', properties: { child: { $ref: next } } })), (dir) => cliRefuses(['plan', path.join(dir, 'api.json')], dir, 4, 'unreadable-docs', 'in: api.json at /components/schemas/')),
  },
];

// --- huge docs -------------------------------------------------------------------------------------

/** A sparse file of `bytes`: its size is what is checked, nothing is written or read. */
async function sparse(file: string, bytes: number): Promise<void> {
  const handle = await open(file, 'w');
  await handle.truncate(bytes);
  await handle.close();
}

/** A spec of `ops` operations, each with `statuses` responses that all `$ref` one response holding three ~19 KB examples. */
function amplifying(ops: number, statuses: number): object {
  const example = { users: Array.from({ length: 140 }, (_, i) => ({ id: `u${i}`, email: `user${i}@example.test`, name: 'x'.repeat(80) })) };
  const responses = Object.fromEntries(Array.from({ length: statuses }, (_, i) => [String(200 + i), { $ref: '#/components/responses/Users' }]));
  const paths = Object.fromEntries(Array.from({ length: ops }, (_, i) => [`/t${i}/users`, { get: { operationId: `list${i}`, responses } }]));
  return openapi(paths, {
    components: { responses: { Users: { description: 'd'.repeat(4_000), content: { 'application/json': { schema: { type: 'object', properties: { users: arrayOf(USER) } }, examples: { a: { value: example }, b: { value: example }, c: { value: example } } } } } } },
  });
}

const huge: Attack[] = [
  {
    name: 'a folder of four 62 MB specs',
    layer: 'other',
    attempt: () =>
      withDocs({}, async (dir) => {
        for (let i = 0; i < 4; i++) await sparse(path.join(dir, `part${i}.json`), 62 * 1024 * 1024);
        return refusedAs(await thrownBy(dir), { code: 'unreadable-docs', exit: 4, file: dir, message: new RegExp(`holds 248 MB of documentation files .* over the ${MAX_DOCS_BYTES / 1048576} MB limit for one folder`) });
      }),
  },
  {
    name: 'plan (CLI) on a folder of four 62 MB specs names the limit and how to point at one file',
    layer: 'other',
    attempt: () =>
      withDocs({}, async (dir) => {
        for (let i = 0; i < 4; i++) await sparse(path.join(dir, `part${i}.json`), 62 * 1024 * 1024);
        return cliRefuses(['plan', dir], dir, 4, 'unreadable-docs', `hint: Point fetchwright at the vendor's description file itself (for example: fetchwright plan ${path.join(dir, 'part0.json')})`);
      }),
  },
  {
    name: 'one spec over the size limit for one document',
    layer: 'other',
    attempt: () =>
      withDocs({}, async (dir) => {
        await sparse(path.join(dir, 'api.json'), MAX_DOC_BYTES + 1);
        return refusedAs(await thrownBy(path.join(dir, 'api.json')), { code: 'unreadable-docs', exit: 4, file: 'api.json', message: /over the 64 MB limit for one document/ });
      }),
  },
  refused('a 0.3 MB spec whose $refs expand past the model limit', { 'api.json': amplifying(30, 200) }, 'api.json', {
    code: 'unreadable-docs', exit: 4, file: 'api.json', message: /expands to more than 256 MB once its \$refs are followed/,
  }),
  {
    name: 'a device given as the docs (/dev/zero) is refused, not read',
    layer: 'other',
    attempt: async () => refusedAs(await thrownBy('/dev/zero'), { code: 'input-not-found', exit: 3, file: '/dev/zero', message: /neither a file nor a folder/ }),
  },
];

export const DOCS_MALFORMED_ATTACKS: Attack[] = [...percentEscapes, ...serverDefaults, ...nesting, ...huge];
