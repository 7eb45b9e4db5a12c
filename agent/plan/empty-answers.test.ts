import { describe, expect, it } from 'vitest';
import type { Operation } from '../ingest/api-model.ts';
import { absentAtZero } from './empty-answers.ts';

/** An empty answer the docs print with the records' key left out: the total field beside it that is 0 there. */
describe('absentAtZero', () => {
  const op = (...examples: unknown[]): Operation => ({ id: 'GET /x', method: 'get', path: '/x', tags: [], deprecated: false, parameters: [], has_request_body: false, extensions: {}, source: { file: 'x.html', pointer: '' }, responses: [{ status: '200', content_type: 'application/json', examples, headers: [], source: { file: 'x.html', pointer: '' } }] });

  it('reads the total beside the left-out key (top level and one object down)', () => {
    expect(absentAtZero(op({ entries: [{ id: 1 }], total_size: 1 }, { start: 0, total_size: 0 }), 'entries')).toBe('total_size');
    expect(absentAtZero(op({ data: { items: [{ id: 1 }], count: 1 } }, { data: { count: 0 } }), 'data.items')).toBe('data.count');
  });

  it('nothing when every example shows the key, the total is not 0, the field is no total, or the records are the body', () => {
    expect(absentAtZero(op({ entries: [], total_size: 0 }), 'entries')).toBeUndefined();
    expect(absentAtZero(op({ start: 0, total_size: 2 }), 'entries')).toBeUndefined();
    expect(absentAtZero(op({ start: 0, page: 0 }), 'entries')).toBeUndefined();
    expect(absentAtZero(op([{ id: 1 }], { total: 0 }), '')).toBeUndefined();
  });
});
