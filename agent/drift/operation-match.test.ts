import { describe, expect, it } from 'vitest';
import type { Operation } from '../ingest/api-model.ts';
import { matchOperation, pathTemplate } from './operation-match.ts';

/** Operations matched as oasdiff matches endpoints: path template without parameter names, then operationId. */

const op = (id: string, path: string, method: Operation['method'] = 'get') => ({ id, method, path }) as Operation;

describe('matchOperation', () => {
  it('parameter names and a trailing slash do not make another operation', () => {
    expect(pathTemplate('/users/{id}/groups/')).toBe('/users/{}/groups');
    const next = { operations: [op('listGroupsOfUser', '/users/{userId}/groups')] };
    expect(matchOperation(next, op('listUserGroups', '/users/{id}/groups'))).toEqual({ op: next.operations[0], by: 'path' });
  });

  it('a moved path is found by its operationId, never by the id ingest makes up (`GET /path`), nor by another method', () => {
    const next = { operations: [op('listGroups', '/v2/groups'), op('GET /v2/teams', '/v2/teams'), op('listThings', '/v2/things', 'post')] };
    expect(matchOperation(next, op('listGroups', '/v1/groups'))).toEqual({ op: next.operations[0], by: 'operation-id' });
    expect(matchOperation(next, op('GET /v1/teams', '/v1/teams'))).toBeUndefined();
    expect(matchOperation(next, op('listThings', '/v1/things'))).toBeUndefined();
  });
});
