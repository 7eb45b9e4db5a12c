import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateConnector } from '../../agent/generate/generate-connector.ts';
import { ingest } from '../../agent/ingest/ingest.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { errorIds } from '../helpers/findings.ts';
import { VENDOR_DOCS } from '../helpers/vendor-docs.ts';

/**
 * Field case 21: a list field written as a `$ref` with a sibling `type: array` and no `items`. Read
 * the way a person reads it — an array of the referenced schema — and the plan's evidence says so
 * (other spellings of the class: test/generate/docs-reading.test.ts, agent/plan/docs-defects.test.ts).
 */

const CASE = path.resolve(VENDOR_DOCS, '../field-cases/21-ref-with-siblings/spec.yaml');

describe('21 — a $ref with sibling keywords', () => {
  it('plans the users as an array of User, saying so in the evidence, with the fields of User mapped', async () => {
    const model = await ingest(CASE);
    expect(model.defects).toEqual([expect.objectContaining({ kind: 'ref-with-siblings', source: { file: 'spec.yaml', pointer: '/definitions/UserList/properties/users' } })]);
    const plan = planHeuristically(model);
    expect(plan.streams.map((s) => [s.name, s.kind, s.items_path, s.mapping.id.path, s.mapping.email.path])).toEqual([['users', 'human', 'users', 'uuid', 'email']]);
    expect(plan.streams[0]!.evidence).toContainEqual({
      source: { file: 'spec.yaml', pointer: '/definitions/UserList' },
      quote: 'The users of this page.',
      reasoning: 'the field "users" is written as $ref "#/definitions/User" with a sibling "type: array" and no "items"; read as an array of User (spec.yaml at /definitions/UserList/properties/users)',
    });
    expect(plan).not.toHaveProperty('warnings');
  });

  it('passes its proof', async () => {
    const model = await ingest(CASE);
    const result = await generateConnector(model, planHeuristically(model), { seed: 1, maxAttempts: 3, force: false });
    expect(errorIds(result.scorecard)).toEqual([]);
  }, 60_000);
});
