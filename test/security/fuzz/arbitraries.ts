import fc from 'fast-check';
import type { Mutation, Target, Zone } from './mutations.ts';

/**
 * fast-check generators of the mutations a hostile vendor (or a broken export) makes to real docs, one
 * family each: the document's structure, hostile strings and keys, nesting, servers, parameters.
 */

/** Strings chosen to break parsers, URL handling, terminals and JavaScript objects. */
export const HOSTILE_STRINGS: string[] = [
  '',
  ' ',
  '%zz',
  '%',
  '%E0%A4%A',
  '%00',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '#/',
  '#',
  '{',
  '}',
  '{x}',
  '{{',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '\u0000',
  '\u0007\u0008\u001b[31mred\u001b[0m',
  '\u001b]52;c;aGVsbG8=\u0007',
  '\r\n\r\nX-Injected: 1',
  'line one\nline two',
  '\u202eevil\u202c',
  '\ud800',
  '\udfff\ud800',
  '\ufeff',
  '😀🏳️‍🌈',
  'İıßﬀΩ',
  'javascript:alert(1)',
  '<script>alert(1)</script>',
  '![x](https://tracker.example.test/p.png) @team **APPROVED**',
  '${process.exit(1)}',
  '`;process.exit(1);//',
  '*/ process.exit(1); /*',
  '"',
  "'",
  '\\',
  'NaN',
  '-1',
  '0',
  '1e999',
  'x'.repeat(100_000),
];

/** A huge string, generated only now and then (a megabyte in every field would only be slow). */
const HUGE = 'A'.repeat(1_000_000);

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant(HUGE) },
);

/** `$ref` values: malformed escapes, paths out of the folder, the network, self references, odd targets. */
export const hostileRef: fc.Arbitrary<string> = fc.constantFrom(
  '%zz',
  '#/%zz',
  '#/components/%E0%A4%A',
  '%zz.json#/components/schemas/User',
  '../outside.json',
  '../../../../etc/passwd',
  '/etc/passwd',
  'file:///etc/passwd',
  'http://127.0.0.1:1/x.json',
  'https://169.254.169.254/latest/meta-data',
  '#',
  '#/',
  '',
  '#/paths',
  '#/info/title',
  '#/servers/0',
  '#{{self}}',
  '#/x-fuzz-nothing',
  '#/__proto__',
  '#/constructor/prototype',
  '#/components/schemas/__proto__',
  'missing.json',
  'api.json#/info',
  '#components/schemas',
  '#/paths/~2',
  '#/%25zz',
);

/**
 * Objects as JSON.parse makes them from hostile text: own members named `toString`, `valueOf`,
 * `__proto__`, `constructor` (a string where JavaScript expects a function, or an object where it expects a prototype).
 */
export const POISONED_OBJECTS: unknown[] = [
  JSON.parse('{"toString":"x","valueOf":"y"}'),
  JSON.parse('{"toString":{},"valueOf":{}}'),
  JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
  JSON.parse('{"hasOwnProperty":"x","length":1e9,"0":"a"}'),
  JSON.parse('[{"toString":"x"}]'),
];

/** Values of another type than the one the docs put there, without `$ref`s. */
export const plainValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, 0, -1, 0.5, 1e308, -1e308, 2 ** 53 + 2, [], {}, [null], { '': null }) },
  { weight: 3, arbitrary: fc.constantFrom(...POISONED_OBJECTS) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: hostileString.map((s) => [s]) },
  { weight: 1, arbitrary: hostileString.map((s) => Object.defineProperty({}, s, { value: s, enumerable: true, writable: true, configurable: true })) },
);

/** Values of another type than the one the docs put there, a `$ref` among them. */
export const retypedValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 5, arbitrary: plainValue }, { weight: 1, arbitrary: hostileRef.map((r) => ({ $ref: r })) });

const target = (zones: Zone[]): fc.Arbitrary<Target> => fc.record({ zone: fc.constantFrom(...zones), pick: fc.nat({ max: 1_000_000 }) });

const ALL_ZONES: Zone[] = ['any', 'top', 'scalars', 'scalars', 'paths', 'parameters', 'responses', 'schemas', 'security', 'servers', 'refs'];

/** Deleting, duplicating and retyping nodes. */
export const structureMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: target(ALL_ZONES) }),
  fc.record({ kind: fc.constant('copy' as const), from: target(ALL_ZONES), to: target(ALL_ZONES) }),
  fc.record({ kind: fc.constant('set' as const), at: target(ALL_ZONES), value: retypedValue }),
);

/** Hostile strings in values and keys, and hostile `$ref`s. */
export const stringMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: target(ALL_ZONES), value: hostileString }),
  fc.record({ kind: fc.constant('rename' as const), at: target(ALL_ZONES), key: hostileString }),
  fc.record({ kind: fc.constant('set' as const), at: target(['refs', 'schemas', 'parameters', 'responses', 'paths']), value: hostileRef.map((r) => ({ $ref: r })) }),
);

/** Deep nesting of schemas and values, and long chains of `$ref`s. */
export const nestingMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('nest' as const),
    at: target(['schemas', 'responses', 'any']),
    depth: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 200, max: 1_200 })),
    shape: fc.constantFrom('properties' as const, 'items' as const, 'allOf' as const, 'array' as const, 'object' as const),
  }),
  fc.record({
    kind: fc.constant('refChain' as const),
    at: target(['schemas', 'refs', 'responses', 'parameters']),
    length: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 400, max: 1_500 })),
    hops: fc.constantFrom('ref' as const, 'properties' as const, 'allOf' as const),
  }),
);

const SCHEMES = ['https', 'http', 'HTTPS', 'ftp', 'file', 'gopher', 'javascript', 'ws', ''];
const USERINFO = ['', 'user@', 'user:secret@', ':@', '%zz@'];
const HOSTS = [
  'api.example.test',
  'api.example.test.',
  '{host}',
  '{sub}.example.test',
  'a b.example.test',
  '',
  'ex%zzample.test',
  'xn--nxasmq6b.test',
  'ΩΩ.test',
  '*.example.test',
  '-bad-.test',
  `${'a'.repeat(300)}.test`,
  '127.0.0.1',
  'localhost',
  '169.254.169.254',
  '[::1]',
  '[::ffff:a9fe:a9fe]',
  '2852039166',
  '0x7f.1',
  '0',
  '10.0.0.1',
];
const PORTS = ['', ':0', ':443', ':8443', ':65535', ':65536', ':-1', ':abc', ':{port}', ':99999999999', ':'];
const PATHS = ['', '/', '/v1', '/{base}', '/v 1', '/%zz', '/../..', '/{a}/{b}', '?x=1', '#frag', '/a\nb', '/{version}/api'];

const variableValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('v1', 'a b', 'my tenant', '%zz', '', '{host}', 'x:y@z', '127.0.0.1', '0', '65536', '\n', 'api.example.test', '443', '/', '..', 'https') },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(null, 0, 443, -1, true, [], {}, ['a']) },
  { weight: 1, arbitrary: fc.constantFrom(...POISONED_OBJECTS) },
);

const serverVariables = (url: string): fc.Arbitrary<Record<string, unknown>> => {
  const names = [...new Set([...url.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!))];
  return fc
    .tuple(
      fc.tuple(...names.map(() => fc.record({ default: variableValue, enum: fc.array(variableValue, { maxLength: 3 }), description: hostileString }, { requiredKeys: [] }))),
      fc.option(fc.record({ default: variableValue }), { nil: undefined }),
    )
    .map(([vars, extra]) => {
      const out: Record<string, unknown> = {};
      names.forEach((n, i) => Object.defineProperty(out, n, { value: vars[i], enumerable: true, writable: true, configurable: true }));
      if (extra) out.unused = extra;
      return out;
    });
};

const serverUrl: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...SCHEMES), fc.constantFrom(...USERINFO), fc.constantFrom(...HOSTS), fc.constantFrom(...PORTS), fc.constantFrom(...PATHS)).map(([s, u, h, p, path]) => `${s ? `${s}://` : ''}${u}${h}${p}${path}`) },
  { weight: 1, arbitrary: fc.constantFrom('/api', '{scheme}://{host}', '//api.example.test/v1', 'api.example.test/v1', '.', '{url}', 'https://', 'https:///v1', 'https://{host}{port}{path}') },
  { weight: 1, arbitrary: hostileString },
);

const server: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: serverUrl.chain((url) => fc.record({ url: fc.constant(url), variables: serverVariables(url), description: fc.option(hostileString, { nil: undefined }) }, { requiredKeys: ['url'] })) },
  { weight: 1, arbitrary: plainValue },
);

/** Random server URLs (schemes, user info, hosts in many spellings, ports, paths) and variable defaults. */
export const serverMutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constant('servers' as const),
  servers: fc.array(server, { minLength: 0, maxLength: 3 }),
  swagger: fc.record(
    {
      host: fc.oneof(fc.constantFrom(...HOSTS.map((h) => h.replace(/[{}]/g, ''))).chain((h) => fc.constantFrom(...PORTS.filter((p) => !p.includes('{'))).map((p) => `${h}${p}`)), hostileString, plainValue),
      basePath: fc.oneof(fc.constantFrom(...PATHS), hostileString, plainValue),
      schemes: fc.oneof(fc.array(fc.constantFrom(...SCHEMES), { maxLength: 3 }), plainValue),
    },
    { requiredKeys: [] },
  ),
});

const TYPES = ['string', 'integer', 'number', 'boolean', 'array', 'object', 'null', 'file', ''];
const FORMATS = ['int32', 'int64', 'date-time', 'uri', 'email', 'uuid', 'binary', 'password', ''];

/** Random JSON schemas: odd types, enums, defaults and bounds, nested items and properties, combinators, `$ref`s. */
export const schema: fc.Arbitrary<unknown> = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record(
      {
        type: fc.oneof(fc.constantFrom(...TYPES), fc.array(fc.constantFrom(...TYPES), { maxLength: 3 }), plainValue),
        format: fc.oneof(fc.constantFrom(...FORMATS), hostileString),
        enum: fc.oneof(fc.array(fc.oneof(variableValue, fc.constantFrom('DELETE', 'rotate', 'true', 'write')), { maxLength: 4 }), plainValue),
        default: fc.oneof(variableValue, fc.constantFrom('DELETE', 'rotate', 'regenerate', 'client_credentials')),
        minimum: fc.oneof(fc.double(), fc.constantFrom(0, -1, 0.5, 1e308)),
        maximum: fc.oneof(fc.double(), fc.constantFrom(0, -1, 0.5, 1e308, 2 ** 53 + 2)),
        description: hostileString,
        nullable: fc.boolean(),
        example: plainValue,
        'x-map-key': hostileString,
      },
      { requiredKeys: [] },
    ),
    fc.record({ type: fc.constant('array'), items: tie('schema') }, { requiredKeys: ['items'] }),
    fc.record({ type: fc.constant('object'), properties: fc.dictionary(hostileString, tie('schema'), { maxKeys: 3 }), required: fc.array(hostileString, { maxLength: 2 }), additionalProperties: fc.oneof(fc.boolean(), tie('schema')) }, { requiredKeys: ['properties'] }),
    fc.record({ allOf: fc.array(tie('schema'), { maxLength: 3 }) }),
    fc.record({ oneOf: fc.array(tie('schema'), { maxLength: 3 }) }),
  ),
})).schema;

const PARAM_NAMES = ['limit', 'page', 'per_page', 'page_size', 'cursor', 'after', 'offset', 'since', 'filter', 'q', '_method', 'X-HTTP-Method-Override', 'grant_type', 'action', 'regenerate', 'Authorization', 'Accept', 'id', 'user_id'];
const PARAM_TEXTS = ['Number of items per page.', 'Cursor for the next page, from the Link header.', 'Offset of the first item.', 'Page number, starting at 1.', 'Set to DELETE to delete.', 'Rotates every token when true.', ''];

/** A random parameter, in any place, for OpenAPI 3 (`schema`) and Swagger 2.0 (inline `type`). */
export const parameter: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.record(
    {
      name: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PARAM_NAMES) }, { weight: 1, arbitrary: hostileString }),
      in: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('query', 'header', 'path', 'cookie') }, { weight: 1, arbitrary: fc.constantFrom('body', 'formData', 'nowhere', '') }),
      required: fc.oneof(fc.boolean(), plainValue),
      schema: fc.oneof({ weight: 8, arbitrary: schema }, { weight: 1, arbitrary: hostileRef.map((r) => ({ $ref: r })) }),
      type: fc.constantFrom(...TYPES),
      default: variableValue,
      enum: fc.array(variableValue, { maxLength: 3 }),
      description: fc.oneof(fc.constantFrom(...PARAM_TEXTS), hostileString),
    },
    { requiredKeys: ['name', 'in'] },
  ) },
  { weight: 1, arbitrary: plainValue },
);

/** Random parameters added to operations and path items. */
export const parameterMutation: fc.Arbitrary<Mutation> = fc.record({ kind: fc.constant('parameter' as const), at: target(['paths']), parameter });

/** The families of mutation, by name: each attack of the fuzz class draws from one of them. */
export const FAMILIES = {
  structure: structureMutation,
  strings: stringMutation,
  nesting: nestingMutation,
  servers: serverMutation,
  parameters: parameterMutation,
  mixed: fc.oneof(structureMutation, stringMutation, nestingMutation, serverMutation, parameterMutation),
} satisfies Record<string, fc.Arbitrary<Mutation>>;

export type Family = keyof typeof FAMILIES;

/** One to four mutations of a family. */
export function mutationsOf(family: Family): fc.Arbitrary<Mutation[]> {
  return fc.array(FAMILIES[family], { minLength: 1, maxLength: 4 });
}
