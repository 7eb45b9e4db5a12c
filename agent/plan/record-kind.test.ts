import { describe, expect, it } from 'vitest';
import type { SchemaNode } from '../ingest/api-model.ts';
import { SchemaView } from '../docs-view/schema-view.ts';
import { listOp, modelOf, openapi } from '../../test/helpers/spec.ts';
import type { IdentityKind } from './connector-plan.ts';
import { planHeuristically } from './heuristic-planner.ts';
import { kindWord, recordKind } from './record-kind.ts';
import { renderPlan } from '../cli/render-plan.ts';

/**
 * Each record's kind from a discriminator the docs give: a boolean named for a kind, or a type field
 * whose values the docs list. The values map to canonical kinds from a closed word list; the
 * stream's kind is kept for any other value. Only streams of principals are refined.
 */

const view = new SchemaView({ schemas: {} });
const cite = (field: string | undefined, reasoning: string) => ({ source: { file: 'x', pointer: '' }, ...(field ? { quote: field } : {}), reasoning });
const kindOf = (properties: Record<string, SchemaNode>, kind: IdentityKind = 'human') => recordKind(view, { type: ['object'], properties }, kind, cite);
const str = (values?: string[]): SchemaNode => ({ type: ['string'], ...(values ? { enum: values } : {}) });
const bool: SchemaNode = { type: ['boolean'] };

describe('recordKind', () => {
  it('a boolean named for a kind: true is that kind, false the stream\'s', () => {
    expect(kindOf({ id: str(), is_bot: bool })).toMatchObject({ path: 'is_bot', values: { true: 'bot', false: 'human' } });
    expect(kindOf({ id: str(), is_service_account: bool })).toMatchObject({ values: { true: 'service_account', false: 'human' } });
    expect(kindOf({ id: str(), bot: bool })).toMatchObject({ path: 'bot', values: { true: 'bot' } });
    // A flag for a bot beats one for an app user; the evidence cites the field.
    const both = kindOf({ id: str(), is_app_user: bool, is_bot: bool });
    expect(both).toMatchObject({ path: 'is_bot' });
    expect(both!.evidence[0]).toMatchObject({ quote: 'is_bot', reasoning: expect.stringContaining('true → bot, false → human') });
  });

  it('a type field whose values the docs list: every listed value to its kind, unnamed ones to the stream\'s', () => {
    expect(kindOf({ id: str(), type: str(['bot', 'user']) })).toMatchObject({ path: 'type', values: { bot: 'bot', user: 'human' } });
    expect(kindOf({ id: str(), account_type: str(['service', 'human']) })).toMatchObject({ values: { service: 'service_account', human: 'human' } });
    expect(kindOf({ id: str(), user_type: str(['MEMBER', 'GUEST', 'BOT', 'ORGANIZATION']) })).toMatchObject({ values: { MEMBER: 'human', GUEST: 'human', BOT: 'bot', ORGANIZATION: 'human' } });
    expect(kindOf({ id: str(), principal_type: str(['User', 'ServiceAccount', 'Application']) }, 'service_account')).toMatchObject({ values: { User: 'human', ServiceAccount: 'service_account', Application: 'app' } });
    expect(kindOf({ id: str(), profile: { type: ['object'], properties: { kind: str(['person', 'machine']) } } })).toMatchObject({ path: 'profile.kind', values: { person: 'human', machine: 'service_account' } });
  });

  it('no discriminator: values that name no other principal, tiers, unlisted values, other kinds of stream', () => {
    // Every value is a person: nothing to refine.
    expect(kindOf({ id: str(), type: str(['admin', 'member', 'owner']) })).toBeUndefined();
    // A plan's tier says nothing of who holds the account.
    expect(kindOf({ id: str(), type: str(['Trial', 'Full']) }, 'service_account')).toBeUndefined();
    // A type the docs do not list the values of.
    expect(kindOf({ id: str(), type: str() })).toBeUndefined();
    // The flag names the stream's own kind.
    expect(kindOf({ id: str(), is_bot: bool }, 'bot')).toBeUndefined();
    // A key's or a group's type is not who it is.
    expect(kindOf({ id: str(), type: str(['user', 'service']) }, 'api_key')).toBeUndefined();
    expect(kindOf({ id: str(), is_bot: bool }, 'group')).toBeUndefined();
    // A string, not a boolean.
    expect(kindOf({ id: str(), is_bot: str() })).toBeUndefined();
  });

  it('kindWord: a closed word list', () => {
    expect(['bot', 'Robot', 'service-account', 'machine user', 'app', 'integration', 'person', 'end_user'].map(kindWord)).toEqual(['bot', 'bot', 'service_account', 'service_account', 'app', 'app', 'human', 'human']);
    expect(['full', 'standard', 'trial', 'admin', 'organization'].map(kindWord)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('the plan: a stream of people whose records say which are bots', () => {
  it('carries the kind_from slot with its evidence at the record field\'s declaration', async () => {
    const model = await modelOf(openapi(
      { '/users': listOp({ type: 'array', items: { $ref: '#/components/schemas/User' } }) },
      { components: { schemas: { User: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' }, is_bot: { type: 'boolean', description: 'Whether this user is a bot.' } } } } } },
    ));
    const [users] = planHeuristically(model).streams;
    expect(users).toMatchObject({ kind: 'human', kind_from: { path: 'is_bot', values: { true: 'bot', false: 'human' } } });
    expect(users!.kind_from!.evidence[0]).toMatchObject({ source: { file: 'spec.json', pointer: '/components/schemas/User' }, quote: 'Whether this user is a bot.' });
    // The plan screen says it, under the stream.
    expect(renderPlan(planHeuristically(model), {}).replace(/\s+/g, ' ')).toContain("kind each record's kind from its is_bot: true → bot, false → human; any other value: human");
  });
});
