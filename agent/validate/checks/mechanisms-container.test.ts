import { describe, expect, it } from 'vitest';
import { planHeuristically } from '../../plan/heuristic-planner.ts';
import type { Stream } from '../../plan/connector-plan.ts';
import { createMockVendor } from '../../../synthetic-data/mock-api/mock-vendor.ts';
import type { ListReading } from '../../../synthetic-data/mock-api/read-list.ts';
import { arrayOf, listOp, modelOf, openapi, USER } from '../../../test/helpers/spec.ts';
import { checkMechanisms } from './mechanisms.ts';

/**
 * Whether the records are a list or the values of a map is read twice — by the planner and by the
 * mock, each with its own code — and the two readings must agree: a plan that reads a map as a list
 * (or a list as a map) fails the proof by name, whichever side misread.
 */

const bearer = { components: { securitySchemes: { t: { type: 'http', scheme: 'bearer' } } }, security: [{ t: [] }] };

async function setup(schema: object) {
  const model = await modelOf(openapi({ '/users': listOp(schema) }, bearer));
  const plan = planHeuristically(model);
  const stream = plan.streams[0]!;
  const reading = createMockVendor(model, { seed: 1 }).readingOf(model.operations[0]!)!;
  const check = (change: Partial<Stream> = {}, readingChange: Partial<ListReading> = {}) =>
    checkMechanisms({ ...stream, ...change }, { ...reading, ...readingChange }).map((f) => `${f.id}: ${f.args.plan} / ${f.args.docs}`);
  return { stream, check };
}

describe('mechanisms: the container of the records, planner against mock', () => {
  it('a map both read as a map agrees; either side reading a list is a finding', async () => {
    const { stream, check } = await setup({ type: 'object', additionalProperties: { type: 'object', properties: USER }, 'x-map-key': 'name' });
    expect(stream.items_container).toBe('map');
    expect(check()).toEqual([]);
    const disagree = ['items-container-disagrees: a list / the values of a map keyed by data'];
    // The planner misreads (drops the map): the mock's own reading catches it.
    expect(check({ items_container: undefined, map_key_field: undefined })).toEqual(disagree);
    expect(check({ items_container: 'array' })).toEqual(disagree);
    // The mock misreads: the same finding, the other way round.
    expect(check({}, { container: 'array' })).toEqual(['items-container-disagrees: the values of a map keyed by data / a list']);
  });

  it('a list both read as a list agrees; a plan that reads it as a map is a finding', async () => {
    const { check } = await setup(arrayOf(USER));
    expect(check()).toEqual([]);
    expect(check({ items_container: 'map', map_key_field: 'id' })).toEqual(['items-container-disagrees: the values of a map keyed by data / a list']);
  });
});
