import { describe, expect, it } from 'vitest';
import { renderPlan } from '../cli/render-plan.ts';
import { FetchwrightError } from '../errors.ts';
import { listOp, modelOf, openapi, swagger2 } from '../../test/helpers/spec.ts';
import { planHeuristically } from './heuristic-planner.ts';

/**
 * Defects in the docs are judged by what the connector uses: a `$ref` to nothing in a part no stream
 * reads is a warning in the plan (shown on the plan screen), in a part a stream reads — or in the
 * records of a list that names identities — an error naming the file, the pointer and the fix. A
 * `$ref` beside `type: array` is read as an array of its schema, and the stream's evidence says so.
 */

const USER = { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' } } };
const users = listOp({ type: 'array', items: { $ref: '#/components/schemas/User' } });

function refusal(run: () => unknown): FetchwrightError {
  try {
    run();
  } catch (e) {
    if (e instanceof FetchwrightError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('a $ref to nothing where no stream reads it: a warning, not a refusal', () => {
  it('in another operation\'s response, and in an unmapped field of a planned stream', async () => {
    const model = await modelOf(openapi({
      '/users': listOp({ type: 'array', items: { $ref: '#/components/schemas/User' } }),
      '/widgets': listOp({ type: 'array', items: { $ref: '#/components/schemas/Widgit' } }),
    }, { components: { schemas: { User: { ...USER, properties: { ...USER.properties, address: { $ref: '#/components/schemas/Address' } } } } } }));
    const plan = planHeuristically(model);
    expect(plan.streams.map((s) => s.name)).toEqual(['users']);
    expect(plan.warnings?.map((w) => w.source.pointer)).toEqual(['/components/schemas/User/properties/address', '/paths/~1widgets/get/responses/200/content/application~1json/schema/items']);
    expect(plan.warnings![1]!.message).toMatch(/^\$ref "#\/components\/schemas\/Widgit" points at nothing \(spec\.json at \/paths\/~1widgets\/get\/responses\/200\/content\/application~1json\/schema\/items\); no stream uses it\. No value exists at/);
    const screen = renderPlan(plan, { verbose: false });
    expect(screen).toMatch(/⚠ 2 warnings about the docs \(each says where, and what to do\)/);
    expect(screen.replace(/\s+/g, ' ')).toContain('$ref "#/components/schemas/Widgit" points at nothing');
  });

  it('docs without defects: no warnings in the plan at all', async () => {
    const plan = planHeuristically(await modelOf(openapi({ '/users': users }, { components: { schemas: { User: USER } } })));
    expect(plan).not.toHaveProperty('warnings');
  });
});

describe('a $ref to nothing in a part the connector uses: an error that names it', () => {
  const expectNamed = (e: FetchwrightError, pointer: string, ref: string) => {
    expect(e.code).toBe('unresolvable-ref');
    expect(e.exitCode).toBe(6);
    expect(e.details).toMatchObject({ file: 'spec.json', at: pointer });
    expect(e.message).toContain(`$ref "${ref}" points at nothing`);
    expect(e.details.hint).toMatch(/Fix the \$ref/);
  };

  it('the records of a list that names identities (never "no operation lists identities")', async () => {
    for (const [path, items] of [['/users', { $ref: '#/components/schemas/Usr' }], ['/service-accounts', { $ref: '#/components/schemas/Gone' }]] as const) {
      const model = await modelOf(openapi({ [path]: listOp({ type: 'object', properties: { data: { type: 'array', items } } }) }, { components: { schemas: { User: USER } } }));
      const e = refusal(() => planHeuristically(model));
      expectNamed(e, `/paths/${path.replace(/\//g, '~1')}/get/responses/200/content/application~1json/schema/properties/data/items`, items.$ref);
      expect(e.message).toMatch(new RegExp(`^GET ${path} looks like a list of`));
    }
  });

  it('Swagger 2.0: the whole records schema, and a response $ref to nothing', async () => {
    const bare = await modelOf(swagger2({ '/members': { get: { responses: { 200: { description: 'ok', schema: { $ref: '#/definitions/MemberList' } } } } } }));
    expectNamed(refusal(() => planHeuristically(bare)), '/paths/~1members/get/responses/200/schema', '#/definitions/MemberList');
    const response = await modelOf(swagger2({ '/members': { get: { responses: { 200: { $ref: '#/responses/Members' } } } } }));
    expectNamed(refusal(() => planHeuristically(response)), '/paths/~1members/get/responses/200', '#/responses/Members');
  });

  it('a field the mapping reads, and a parameter the stream\'s operation declares', async () => {
    const field = await modelOf(openapi({ '/users': users }, { components: { schemas: { User: { ...USER, properties: { ...USER.properties, email: { $ref: '#/components/schemas/Email' } } } } } }));
    const e = refusal(() => planHeuristically(field));
    expectNamed(e, '/components/schemas/User/properties/email', '#/components/schemas/Email');
    expect(e.message).toMatch(/^the stream users \(GET \/users\) reads a part of the docs that is missing/);
    const param = await modelOf(openapi({ '/users': listOp({ type: 'array', items: { $ref: '#/components/schemas/User' } }, { parameters: [{ $ref: '#/components/parameters/Limit' }] }) }, { components: { schemas: { User: USER } } }));
    expectNamed(refusal(() => planHeuristically(param)), '/paths/~1users/get/parameters/0', '#/components/parameters/Limit');
  });

  it('a list whose path names no identities keeps its defect a warning', async () => {
    const model = await modelOf(openapi({ '/users': users, '/invoices': listOp({ type: 'array', items: { $ref: '#/components/schemas/Invoice' } }) }, { components: { schemas: { User: USER } } }));
    expect(planHeuristically(model).warnings).toHaveLength(1);
  });
});

describe('a $ref beside `type: array` in a stream\'s records: read as an array, said in the evidence', () => {
  it('the wrapper field\'s reading is cited where the docs declare it', async () => {
    const model = await modelOf(swagger2(
      { '/users': { get: { summary: 'List users', responses: { 200: { description: 'ok', schema: { $ref: '#/definitions/UserList' } } } } } },
      { definitions: { UserList: { properties: { total: { type: 'integer' }, users: { type: 'array', description: 'The users of this page.', $ref: '#/definitions/User' } } }, User: USER } },
    ));
    const plan = planHeuristically(model);
    const [stream] = plan.streams;
    expect(stream).toMatchObject({ name: 'users', kind: 'human', items_path: 'users' });
    expect(stream!.mapping.email.path).toBe('email');
    const said = stream!.evidence.find((e) => /read as an array of User/.test(e.reasoning));
    expect(said).toMatchObject({ source: { file: 'spec.json', pointer: '/definitions/UserList' }, quote: 'The users of this page.' });
    expect(said!.reasoning).toContain('(spec.json at /definitions/UserList/properties/users)');
    expect(plan).not.toHaveProperty('warnings');
  });

  it('where no stream reads it: a warning that says how it was read', async () => {
    const model = await modelOf(openapi({
      '/users': users,
      '/invoices': listOp({ type: 'object', properties: { lines: { type: 'array', $ref: '#/components/schemas/Line' } } }),
    }, { components: { schemas: { User: USER, Line: { type: 'object', properties: { amount: { type: 'number' } } } } } }));
    expect(planHeuristically(model).warnings?.map((w) => w.message)).toEqual([expect.stringMatching(/"lines" is written as \$ref .* read as an array of Line .*no stream uses it/)]);
  });
});

describe('an example that contradicts its schema', () => {
  const people = (example: unknown, record: object = USER) => openapi({ '/users': listOp({ type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/User' } } } }, { example }) }, { components: { schemas: { User: record } } });

  it('where a stream reads — the way to its records, a mapped field — is refused, naming the response and the place', async () => {
    const wrapped = await modelOf(people({ data: { id: 'u1' } }));
    const e = refusal(() => planHeuristically(wrapped));
    expect(e).toMatchObject({ code: 'unreadable-docs', exitCode: 4, details: { file: 'spec.json', at: '/paths/~1users/get/responses/200' } });
    expect(e.message).toBe('the stream users (GET /users) reads data, and the docs contradict themselves there: data is an object in the example but an array in the schema (the 200 response, spec.json at /paths/~1users/get/responses/200)');
    const timed = await modelOf(people({ data: [{ id: 'u1', created: '2024-01-02T03:04:05Z' }] }, { ...USER, properties: { ...USER.properties, created: { type: 'integer', description: 'Creation time.' } } }));
    expect(refusal(() => planHeuristically(timed)).message).toMatch(/reads data\[\]\.created, .*data\[\]\.created is a string in the example but an integer in the schema/);
  });

  it('elsewhere: one warning per response; a null, or a number written as digits, is no contradiction', async () => {
    const model = await modelOf(openapi({
      '/users': listOp({ type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/User' } } } }, { example: { data: [{ id: 'u1', email: null, name: 'Ada', team: 7, seats: '12' }] } }),
      '/reports': listOp({ type: 'object', properties: { rows: { type: 'array', items: { type: 'object', properties: { total: { type: 'number' } } } } } }, { example: { rows: { total: 'many' } } }),
    }, { components: { schemas: { User: { ...USER, properties: { ...USER.properties, team: { type: 'object' }, seats: { type: 'integer' } } } } } }));
    const warnings = planHeuristically(model).warnings?.map((w) => w.message);
    expect(warnings).toEqual([
      'the example of GET /users\'s 200 response contradicts its schema (spec.json at /paths/~1users/get/responses/200): data[].team is an integer in the example but an object in the schema; the connector does not read those fields. Fix the example or the schema.',
      'the example of GET /reports\'s 200 response contradicts its schema (spec.json at /paths/~1reports/get/responses/200): rows is an object in the example but an array in the schema; no stream uses it. Fix the example or the schema.',
    ]);
  });
});
