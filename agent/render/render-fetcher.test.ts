import { describe, expect, it } from 'vitest';
import { runFetcher } from '../../sandbox/run-fetcher.ts';
import type { ConnectorSlots } from '../../templates/slots/connector.ts';
import { FetchwrightError } from '../errors.ts';
import { compileFetcher } from './compile-fetcher.ts';
import { parseSlots, renderFetcher } from './render-fetcher.ts';
import { SLOTS_CLOSING, SLOTS_OPENING, slotsJsonText } from './slots-literal.ts';

const provenance = { vendor: 'acme', plan_sha256: 'a'.repeat(64), docs_sha256: 'b'.repeat(64), api_model_sha256: 'c'.repeat(64) };

function slots(overrides: Partial<ConnectorSlots['streams'][number]> = {}): ConnectorSlots {
  return {
    vendor: 'acme',
    tenant_variables: [],
    streams: [
      {
        name: 'users',
        kind: 'human',
        operation_id: 'listUsers',
        path: '/users',
        path_params: {},
        query: {},
        query_variables: [],
        headers: {},
        items_path: '',
        empty: { no_content: false, null_items: false },
        pagination: { style: 'none' },
        mapping: { id: { path: 'id', transform: 'string' } },
        parent: null,
        ...overrides,
      },
    ],
  };
}

const HOSTILE = [
  '"); globalThis.pwned = true; ("',
  "'); globalThis.pwned = true; ('",
  '`${globalThis.pwned = true}`',
  '*/ globalThis.pwned = true; /*',
  '\n globalThis.pwned = true; //',
  '\u2028globalThis.pwned = true;',
  '</script><script>globalThis.pwned = true</script>',
  '`); globalThis.pwned = true; (String.raw`',
  '${globalThis.pwned = true}',
  '\\`${globalThis.pwned = true}',
  '\\u0060); globalThis.pwned = true; //',
  '\r\n\u2029\ud800 globalThis.pwned = true;',
];

describe('render: slot values are data, never code', () => {
  for (const evil of HOSTILE) {
    it(`a hostile string stays a string: ${JSON.stringify(evil).slice(0, 40)}`, async () => {
      const rendered = renderFetcher(slots({ operation_id: evil, query: { q: evil }, items_path: evil, mapping: { id: { path: evil, transform: 'string' } } }), provenance);
      const compiled = compileFetcher(rendered.source);
      expect(compiled.ok).toBe(true);
      // Run it: the fetcher reads the hostile values back as plain strings and nothing else runs.
      const probe = `${(compiled as { js: string }).js}\nasync function probe() { return { pwned: globalThis.pwned === true, operation: SLOTS.streams[0].operation_id, q: SLOTS.streams[0].query.q }; }`;
      const result = await runFetcher({ source: `${probe}\nrun = async () => emit(await probe());`, egress: { allowedOrigins: [] } });
      expect(result.ok, JSON.stringify(result)).toBe(true);
      expect(result.records[0]).toEqual({ pwned: false, operation: evil, q: evil });
    });
  }

  it('a `__proto__` key in slot data cannot reach the fetcher as a prototype', async () => {
    const value = JSON.parse('{"vendor":"acme","streams":[{"name":"users","kind":"human","operation_id":"x","path":"/users","path_params":{},"query":{"__proto__":{"polluted":"yes"}},"headers":{},"items_path":"","pagination":{"style":"none"},"mapping":{"id":{"path":"id","transform":"string"}},"parent":null}]}');
    const compiled = compileFetcher(renderFetcher(value, provenance).source);
    const source = `${(compiled as { js: string }).js}\nrun = async () => emit({ polluted: ({}).polluted ?? null, queryPolluted: SLOTS.streams[0].query.polluted ?? null });`;
    const result = await runFetcher({ source, egress: { allowedOrigins: [] } });
    expect(result.records[0]).toEqual({ polluted: null, queryPolluted: null });
  });

  it('a slot that fails its schema is refused with the place, before anything is rendered', () => {
    const bad = (o: Partial<ConnectorSlots['streams'][number]>) => () => renderFetcher(slots(o), provenance);
    expect(bad({ path: 'https://evil.example/users' })).toThrow(FetchwrightError);
    expect(bad({ headers: { Authorization: 'Bearer x' } })).toThrow(/streams\.0\.headers/);
    expect(bad({ mapping: { id: { path: 'id', transform: 'eval' as never } } })).toThrow(/streams\.0\.mapping\.id\.transform/);
    expect(bad({ pagination: { style: 'graphql' } as never })).toThrow(/pagination/);
    try {
      bad({ name: 'Users; drop' })();
    } catch (e) {
      expect(e).toMatchObject({ code: 'invalid-slot', exitCode: 11 });
    }
  });

  it('writes the slots as one readable JSON text: one value per line, parsed once, never joined from pieces', () => {
    const value = slots({ query: { state: 'active', fields: 'id,email' }, mapping: { id: { path: 'id', transform: 'string' }, status: { path: 'state', transform: 'status-map', values: { on: 'active', off: 'suspended' } } } });
    const { source } = renderFetcher(value, provenance);
    const lines = source.split('\n');
    const first = lines.findIndex((l) => l.startsWith(SLOTS_OPENING));
    const last = lines.findIndex((l, i) => i >= first && l.endsWith(SLOTS_CLOSING));
    const pretty = JSON.stringify(parseSlots(value), null, 2);
    expect(last - first + 1).toBe(pretty.split('\n').length);
    // Plain values need no escape: the block is the pretty-printed JSON, character for character.
    expect(lines.slice(first, last + 1).join('\n')).toBe(`${SLOTS_OPENING}${pretty}${SLOTS_CLOSING}`);
    expect(slotsJsonText(parseSlots(value))).toBe(pretty);
    expect(source.split(SLOTS_OPENING)).toHaveLength(2);
    expect(source).not.toMatch(/\.join\('\\n'\)/);
    expect(lines[last + 1]).toBe('');
    expect(lines.slice(last + 2)).toEqual(['async function run(input: RunInput): Promise<RunRecord> {', '  return runConnector(SLOTS, input);', '}', '']);
  });

  it('records every template with its id, version and content hash', () => {
    const rendered = renderFetcher(slots(), provenance);
    expect(rendered.templates.length).toBeGreaterThan(10);
    for (const t of rendered.templates) expect(rendered.source).toContain(`${t.id}@${t.version} sha256:${t.sha256}`);
  });
});
