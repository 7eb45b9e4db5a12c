import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConnectorDir, type ConnectorOnDisk } from '../generate/connector-dir.ts';
import { generateExampleConnector } from '../../test/helpers/example-connector.ts';
import { assertProvedConnector } from './proved-connector.ts';

/**
 * A live run reads only what the proof hashed: api-model.json's slice for the plan. An operation
 * added to the file outside that slice (the same id, another method) changes no hash, so it must
 * not reach the run either — else it would decide which field names count as the docs' own.
 */

let connector: ConnectorOnDisk;
beforeAll(async () => {
  connector = await readConnectorDir(await generateExampleConnector(mkdtempSync(path.join(os.tmpdir(), 'fetchwright-proved-'))));
}, 120_000);

describe('assertProvedConnector', () => {
  it('passes the proved connector and hands back the slice the proof hashed, without what was added beside it', () => {
    const users = connector.model.operations.find((o) => o.method === 'get' && o.path === '/users')!;
    const planted = { ...users, method: 'post' as const };
    const edited = { ...connector, model: { ...connector.model, operations: [planted, ...connector.model.operations] } };
    const model = assertProvedConnector(edited);
    expect(model.operations.some((o) => o.id === users.id && o.method === 'get')).toBe(true);
    expect(model.operations.filter((o) => o.id === users.id).map((o) => o.method)).toEqual(['get']);
  });

  it('refuses an edit inside the slice (a response schema of a planned operation)', () => {
    const operations = connector.model.operations.map((o) => (o.method === 'get' && o.path === '/users' ? { ...o, summary: `${o.summary ?? ''} (edited)` } : o));
    expect(() => assertProvedConnector({ ...connector, model: { ...connector.model, operations } })).toThrow(/api-model\.json is not the docs the proof read/);
  });
});
