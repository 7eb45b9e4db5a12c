import vm from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { ConnectorSlots } from '../../templates/slots/connector.ts';
import { compileFetcher } from './compile-fetcher.ts';
import { parseSlots, renderFetcher } from './render-fetcher.ts';
import { SLOTS_CLOSING, SLOTS_OPENING, slotsDeclaration, slotsJsonText } from './slots-literal.ts';

/**
 * The plan's values are one JSON text in `String.raw`…`` that no value can end or turn into code:
 * for hostile strings (a table, then seeded random mixes of them) in every string a slot holds, as
 * keys and as values, the rendered file parses back to exactly the slots, in TypeScript's parser
 * (one template literal, no substitution) and when the compiled file runs.
 */

const provenance = { vendor: 'acme', plan_sha256: 'a'.repeat(64), docs_sha256: 'b'.repeat(64), api_model_sha256: 'c'.repeat(64) };

/** What could end a template literal, start a substitution, end a comment or a line, or hide from a reviewer. */
const HOSTILE = [
  '`',
  '${',
  '${globalThis.pwned = true}',
  '`); globalThis.pwned = true; (String.raw`',
  '\\',
  '\\`',
  '\\${',
  '\\u0060',
  '\\\\u0024{',
  '"',
  '\\"',
  "'",
  '*/',
  '/*',
  '//',
  '\u2028',
  '\u2029',
  '\r',
  '\r\n',
  '\n',
  '\t',
  '\0',
  '\u007f',
  '\u0085',
  '</script>',
  '<!--',
  '__proto__',
  'constructor',
  '\ud800',
  '\udfff',
  '\udbff\udfff',
  '😀',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\u00a0',
  '\u3000',
  '\ue000',
  '\u{f0000}',
  '\u{e0001}',
  'é',
  'a',
  ' ',
  '{',
  '}',
];

/** mulberry32: a small seeded generator, so a failing mix can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mix(next: () => number, pieces = HOSTILE): string {
  const n = Math.floor(next() * 6);
  let s = '';
  for (let i = 0; i < n; i++) s += pieces[Math.floor(next() * pieces.length)];
  return s;
}

/** Non-empty (a parameter name) and free of what a path may not hold. */
const nameFrom = (s: string) => `p${s.replace(/[\s?#]/g, '')}`;

/** Slots with `evil` in every string the schema lets a plan choose, as keys and as values. */
function slotsWith(evil: string, other: string): ConnectorSlots {
  const param = nameFrom(evil);
  return {
    vendor: 'acme',
    tenant_variables: [param, nameFrom(other)],
    streams: [
      {
        name: 'users',
        kind: 'human',
        operation_id: `op${evil}`,
        path: `/users/${nameFrom(evil)}`,
        path_params: { [param]: evil, [nameFrom(other)]: other },
        query: { [param]: evil, q: other },
        query_variables: [param],
        headers: { 'X-Evil': evil },
        items_path: evil,
        empty: { no_content: false, null_items: true },
        pagination: { style: 'cursor', cursor_param: param, cursor_path: evil, limit_param: other, page_size: 100, stops: [{ when: 'no-next' }] },
        mapping: {
          id: { path: evil, transform: 'string' },
          status: { path: other, transform: 'status-map', values: { [evil]: 'active', [other]: 'suspended' } },
        },
        parent: null,
      },
      {
        name: 'keys',
        kind: 'api_key',
        operation_id: `op${other}`,
        path: `/users/{${param}}/keys`,
        path_params: {},
        query: {},
        query_variables: [],
        headers: {},
        items_path: other,
        empty: { no_content: true, null_items: false },
        pagination: { style: 'next-url', next_path: evil, relative: true, stops: [{ when: 'no-next' }] },
        mapping: { id: { path: other, transform: 'sha256-fingerprint' } },
        parent: { stream: 'users', param, from_field: `f${evil}`, relation: 'owns', parent_is: 'from' },
      },
    ],
  };
}

/** The SLOTS declaration of a rendered file, as TypeScript parses it: the template literal's raw text. */
function parsedSlotsLiteral(source: string): string {
  const file = ts.createSourceFile('fetcher.ts', source, ts.ScriptTarget.ES2024, true, ts.ScriptKind.TS);
  const declarations = file.statements.filter(ts.isVariableStatement).flatMap((s) => s.declarationList.declarations).filter((d) => d.name.getText(file) === 'SLOTS');
  expect(declarations).toHaveLength(1);
  const init = declarations[0]!.initializer!;
  expect(ts.isCallExpression(init) && init.expression.getText(file)).toBe('JSON.parse');
  const call = init as ts.CallExpression;
  expect(call.arguments).toHaveLength(1);
  const tagged = call.arguments[0]!;
  expect(ts.isTaggedTemplateExpression(tagged) && tagged.tag.getText(file)).toBe('String.raw');
  const template = (tagged as ts.TaggedTemplateExpression).template;
  // A substitution would make this a TemplateExpression; an early end would leave text after it.
  expect(ts.isNoSubstitutionTemplateLiteral(template)).toBe(true);
  return (template as ts.NoSubstitutionTemplateLiteral).rawText!;
}

/** One context for every run: each runs inside its own function, so nothing is shared but `globalThis`. */
const context = vm.createContext({});

/** Runs a compiled fetcher (or declaration) and returns SLOTS as JSON text, with what its objects are made of. */
function evaluatedSlots(source: string): { json: string; ownProtoKeys: number; pollutedPrototypes: number } {
  const compiled = compileFetcher(source);
  if (!compiled.ok) throw new Error(compiled.message);
  const probe = `
    let ownProtoKeys = 0, pollutedPrototypes = 0;
    const walk = (v) => {
      if (v === null || typeof v !== 'object') return;
      if (!Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) pollutedPrototypes++;
      if (Object.prototype.hasOwnProperty.call(v, '__proto__')) ownProtoKeys++;
      for (const k of Object.keys(v)) walk(v[k]);
    };
    walk(SLOTS);
    return { json: JSON.stringify(SLOTS), ownProtoKeys, pollutedPrototypes, pwned: globalThis.pwned === true };`;
  const out = vm.runInContext(`(() => {\n${compiled.js}\n${probe}\n})()`, context, { timeout: 5_000 }) as { json: string; ownProtoKeys: number; pollutedPrototypes: number; pwned: boolean };
  expect(out.pwned).toBe(false);
  return { json: out.json, ownProtoKeys: out.ownProtoKeys, pollutedPrototypes: out.pollutedPrototypes };
}

/** The checks every rendered SLOTS text must pass. */
function expectSafeText(text: string): void {
  expect(text).not.toMatch(/[`$]/);
  expect(text).not.toMatch(/[\r\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00a0]/);
  expect(text.isWellFormed()).toBe(true);
}

describe('slots literal: one JSON text no value can end', () => {
  it('plain values are the pretty-printed JSON itself, one value per line', () => {
    const value = { vendor: 'acme', list: ['a', 'b'], nested: { n: 1, ok: true, none: null } };
    expect(slotsJsonText(value)).toBe(JSON.stringify(value, null, 2));
    expect(slotsDeclaration(value)).toBe(`${SLOTS_OPENING}${JSON.stringify(value, null, 2)}${SLOTS_CLOSING}`);
  });

  it('writes ` and $ and what a reviewer could not see as JSON escapes', () => {
    expect(slotsJsonText({ a: '`${x}`' })).toBe('{\n  "a": "\\u0060\\u0024{x}\\u0060"\n}');
    expect(slotsJsonText(['\u2028\u202e\u00a0 é😀'])).toBe('[\n  "\\u2028\\u202e\\u00a0 é😀"\n]');
    expect(slotsJsonText(['\u{e0001}'])).toBe('[\n  "\\udb40\\udc01"\n]');
    expect(() => slotsJsonText(undefined)).toThrow(TypeError);
  });

  for (const evil of HOSTILE) {
    it(`a value and a key of ${JSON.stringify(evil)} parse back exactly, as an own property`, () => {
      const value = { [evil]: evil, list: [evil, { [`k${evil}`]: `v${evil}` }], __proto__key: JSON.parse(`{"__proto__": ${JSON.stringify(evil)}}`) as unknown };
      const declaration = slotsDeclaration(value);
      expectSafeText(declaration.slice(SLOTS_OPENING.length, -SLOTS_CLOSING.length));
      expect(JSON.parse(parsedSlotsLiteral(declaration))).toEqual(JSON.parse(JSON.stringify(value)));
      const run = evaluatedSlots(declaration);
      expect(run.json).toBe(JSON.stringify(value));
      expect(run.ownProtoKeys).toBe(evil === '__proto__' ? 2 : 1);
      expect(run.pollutedPrototypes).toBe(0);
    });
  }

  it('any mix of them, in any JSON value, parses back exactly (seeded: 1,000 values)', () => {
    const next = random(8);
    const value = (depth: number): unknown => {
      const r = next();
      if (depth > 3 || r < 0.4) return mix(next);
      if (r < 0.5) return Math.floor(next() * 1e6) - 5e5;
      if (r < 0.75) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [next() < 0.2 ? '__proto__' : mix(next), value(depth + 1)]));
    };
    for (let i = 0; i < 1_000; i++) {
      const v = { vendor: 'acme', data: value(0) };
      const declaration = slotsDeclaration(v);
      expectSafeText(declaration.slice(SLOTS_OPENING.length, -SLOTS_CLOSING.length));
      expect(parsedSlotsLiteral(declaration), `value #${i}`).toBe(slotsJsonText(v));
      expect(evaluatedSlots(declaration).json, `value #${i}`).toBe(JSON.stringify(v));
    }
  });
});

describe('a rendered fetcher.ts: the slots come back exactly', () => {
  const cases = [...HOSTILE.map((evil) => [evil, 'x']), ...Array.from({ length: 30 }, (_, i) => [mix(random(i)), mix(random(1_000 + i))])] as [string, string][];
  it.each(cases)('slots holding %j and %j', (evil, other) => {
    const slots = parseSlots(slotsWith(evil, other));
    const source = renderFetcher(slots, provenance).source;
    const text = parsedSlotsLiteral(source);
    expectSafeText(text);
    expect(text).toBe(slotsJsonText(slots));
    const run = evaluatedSlots(source);
    expect(run.json).toBe(JSON.stringify(slots));
    expect(run.pollutedPrototypes).toBe(0);
  });
});
