import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FetchwrightError } from '../errors.ts';
import { MAX_OBSERVED_PROPERTIES, MAX_SHAPE_PROPERTIES } from './observed-shapes.ts';
import { MAX_SHAPES_BYTES, readObservedShapes } from './read-observed-shapes.ts';

/**
 * A shapes file is untrusted input read back: parsed with the observed-shapes@1 schema, bounded in
 * size and nesting, each problem a FetchwrightError that says what is wrong and where.
 */

const FIXTURE = path.resolve(import.meta.dirname, '../../test/fixtures/observed/jupyterhub-3.0.0.shapes.json');
const dir = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-shapes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = () => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}
function errorOf(file: string): FetchwrightError {
  try {
    readObservedShapes(file);
  } catch (e) {
    if (e instanceof FetchwrightError) return e;
    throw e;
  }
  throw new Error(`${file} was accepted`);
}

describe('readObservedShapes', () => {
  it('reads a shapes file: the parsed shapes, its base name and the sha256 of its bytes', () => {
    const input = readObservedShapes(FIXTURE);
    expect(input.file).toBe('jupyterhub-3.0.0.shapes.json');
    expect(input.sha256).toBe(createHash('sha256').update(readFileSync(FIXTURE)).digest('hex'));
    expect(input.shapes.vendor).toBe('jupyterhub');
    expect(input.shapes.operations.map((o) => o.path)).toEqual(['/users', '/groups', '/services', '/users/{name}/tokens']);
    expect(input.shapes.operations[2]!.responses[0]!.body).toMatchObject({ type: 'object', 'x-map-key': 'name' });
  });

  it('no such file: not found (exit 3)', () => {
    const e = errorOf(path.join(dir, 'missing.json'));
    expect([e.code, e.exitCode]).toEqual(['input-not-found', 3]);
    expect(errorOf(dir).code).toBe('input-not-found');
  });

  it('not JSON, another format, a damaged shape: unreadable (exit 4), the problem in plain words', () => {
    const bad = errorOf(write('bad.json', '{"format": "fetchwright/observed-shapes@1",'));
    expect([bad.code, bad.exitCode]).toEqual(['unreadable-docs', 4]);
    expect(bad.message).toMatch(/is not JSON/);
    expect(errorOf(write('other.json', { format: 'openapi' })).message).toContain('its "format" is "openapi", not "fetchwright/observed-shapes@1"');
    const unknown = fixture();
    (unknown.operations as Record<string, unknown>[])[1]!.note = 'added by hand';
    const e = errorOf(write('unknown.json', unknown));
    expect(e.code).toBe('unreadable-docs');
    expect(e.message).toContain('operations.1 has keys fetchwright never writes: note');
    expect(e.details.at).toBe('/operations/1');
    const deep = fixture();
    ((deep.operations as { responses: { body: Record<string, unknown> }[] }[])[0]!.responses[0]!.body).type = 'date';
    expect(errorOf(write('type.json', deep)).message).toMatch(/operations\.0\.responses\.0\.body\.type is "date"/);
    const value = fixture();
    ((value.operations as { responses: Record<string, unknown>[] }[])[0]!.responses[0]!).status = 'ok';
    expect(errorOf(write('status.json', value)).message).toContain('operations.0.responses.0.status is "ok", where a number belongs');
  });

  it('too large, or nested deeper than any shape: refused before it is parsed', () => {
    const big = write('big.json', '');
    truncateSync(big, MAX_SHAPES_BYTES + 1);
    // Refused by its size on disk, before a byte is read.
    expect(errorOf(big).message).toMatch(/is 8\.0 MB, over the 8 MB limit$/);
    let body: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 200; i++) body = { type: 'object', properties: { a: body } };
    const nested = fixture();
    ((nested.operations as { responses: { body: unknown }[] }[])[0]!.responses[0]!).body = body;
    expect(errorOf(write('deep.json', nested)).message).toMatch(/nested more than \d+ levels deep/);
  });

  it('more property names than a live run writes (in all, or in one object): refused with the bound, before the schema is applied', () => {
    type Body = { items: { properties: Record<string, unknown> } };
    const bodyOf = (f: Record<string, unknown>) => (f.operations as { responses: { body: Body }[] }[])[0]!.responses[0]!.body;
    const wide = fixture();
    const had = Object.keys(bodyOf(wide).items.properties).length;
    for (let i = 0; i < MAX_SHAPE_PROPERTIES + 1 - had; i++) bodyOf(wide).items.properties[`f${i}`] = { type: 'string' };
    const e = errorOf(write('wide.json', wide));
    expect([e.code, e.exitCode]).toEqual(['unreadable-docs', 4]);
    expect(e.message).toMatch(new RegExp(`holds an object with ${MAX_SHAPE_PROPERTIES + 1} properties, over the ${MAX_SHAPE_PROPERTIES} limit: more than any live run writes$`));
    // Many objects, each within the bound, past the bound in all.
    const many = fixture();
    const groups = Math.ceil(MAX_OBSERVED_PROPERTIES / MAX_SHAPE_PROPERTIES) + 1;
    for (let g = 0; g < groups; g++) bodyOf(many).items.properties[`g${g}`] = { type: 'object', properties: Object.fromEntries(Array.from({ length: MAX_SHAPE_PROPERTIES - 1 }, (_, i) => [`f${i}`, { type: 'string' }])) };
    expect(errorOf(write('many.json', many)).message).toMatch(new RegExp(`holds \\d+ property names, over the ${MAX_OBSERVED_PROPERTIES} limit`));
  });

  it('field names are held in null-prototype objects: a field named constructor or toString is a field', () => {
    const f = fixture();
    Object.assign(bodyOfFirst(f).items.properties, { constructor: { type: 'string' }, toString: { type: 'integer' } });
    const shapes = readObservedShapes(write('builtin.json', f)).shapes;
    const props = shapes.operations[0]!.responses[0]!.body!.items!.properties!;
    expect(Object.getPrototypeOf(props)).toBeNull();
    expect(props.constructor).toEqual({ type: 'string' });
    expect(props.toString).toEqual({ type: 'integer' });
    expect(Object.hasOwn(props, 'hasOwnProperty')).toBe(false);
    expect(props.hasOwnProperty).toBeUndefined();
  });
});

function bodyOfFirst(f: Record<string, unknown>): { items: { properties: Record<string, unknown> } } {
  return (f.operations as { responses: { body: { items: { properties: Record<string, unknown> } } }[] }[])[0]!.responses[0]!.body;
}
