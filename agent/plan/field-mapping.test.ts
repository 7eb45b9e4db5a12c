import { describe, expect, it } from 'vitest';
import type { SchemaNode } from '../ingest/api-model.ts';
import { listOp, modelOf, openapi } from '../../test/helpers/spec.ts';
import type { IdentityKind } from './connector-plan.ts';
import { canonicalStatus, mapFields } from './field-mapping.ts';
import { SchemaView } from '../docs-view/schema-view.ts';

const view = new SchemaView({ schemas: {} });
const s = (type: string, more: Partial<SchemaNode> = {}): SchemaNode => ({ type: [type], ...more });
const mapOf = (properties: Record<string, SchemaNode>, kind: IdentityKind = 'human') => mapFields(view, { type: ['object'], properties }, kind).mapping;

describe('mapFields', () => {
  it('maps id, display name and email by name', () => {
    const m = mapOf({ id: s('string'), display_name: s('string'), name: s('string'), email: s('string') });
    expect(m.id).toMatchObject({ path: 'id', transform: 'string' });
    expect(m.display_name?.path).toBe('display_name');
    expect(m.email?.path).toBe('email');
  });

  it('finds the email by its format when no field is named like one', () => {
    const m = mapOf({ id: s('string'), login: s('string'), contact: s('string', { format: 'email' }) });
    expect(m.email).toMatchObject({ path: 'contact', transform: 'string' });
  });

  it('keeps an undocumented field unknown (`null`), never guessed', () => {
    const m = mapOf({ id: s('string'), name: s('string') });
    expect(m.email?.path).toBeNull();
    expect(m.last_used_at?.path).toBeNull();
    // People own nothing: owner_id is unknown by kind.
    expect(m.owner_id?.path).toBeNull();
  });

  it('maps a status enum to canonical statuses', () => {
    const m = mapOf({ id: s('string'), status: s('string', { enum: ['ACTIVE', 'PASSWORD_EXPIRED', 'SUSPENDED', 'LOCKED_OUT', 'DEPROVISIONED', 'STAGED'] }) });
    expect(m.status).toMatchObject({ path: 'status', transform: 'status-map' });
    expect(m.status?.values).toEqual({
      ACTIVE: 'active',
      PASSWORD_EXPIRED: 'active',
      SUSPENDED: 'suspended',
      LOCKED_OUT: 'suspended',
      DEPROVISIONED: 'deprovisioned',
      STAGED: 'unknown',
    });
  });

  it('reads a boolean `deleted` as deprovisioned, `is_disabled` as suspended and `active` as active', () => {
    expect(mapOf({ id: s('string'), deleted: s('boolean') }).status).toMatchObject({ path: 'deleted', transform: 'bool-true-is-deprovisioned' });
    expect(mapOf({ id: s('string'), is_disabled: s('boolean') }).status).toMatchObject({ path: 'is_disabled', transform: 'bool-true-is-suspended' });
    expect(mapOf({ id: s('string'), active: s('boolean') }).status).toMatchObject({ path: 'active', transform: 'bool-true-is-active' });
  });

  it('tells unix seconds from millis and ISO strings', () => {
    const m = mapOf({
      id: s('string'),
      created: s('integer', { example: 1_600_000_000 }),
      last_used_at: s('integer', { example: 1_600_000_000_000 }),
      expires_at: s('string', { format: 'date-time' }),
    }, 'token');
    expect(m.created_at).toMatchObject({ path: 'created', transform: 'unix-seconds' });
    expect(m.last_used_at).toMatchObject({ path: 'last_used_at', transform: 'unix-millis' });
    expect(m.expires_at).toMatchObject({ path: 'expires_at', transform: 'iso-datetime' });
  });

  it('maps a space-separated scope string by splitting and a list as a list', () => {
    expect(mapOf({ id: s('string'), scope: s('string') }, 'token').scopes).toMatchObject({ path: 'scope', transform: 'split-space' });
    expect(mapOf({ id: s('string'), scopes: s('array', { items: s('string') }) }, 'token').scopes).toMatchObject({ path: 'scopes', transform: 'string-list' });
  });

  it('maps a secret-valued field only through a sha256 fingerprint, and never for anything else', () => {
    const m = mapOf({ key: s('string'), secret: s('string'), token: s('string'), created_at: s('string', { format: 'date-time' }) }, 'api_key');
    expect(m.id).toMatchObject({ path: 'key', transform: 'sha256-fingerprint' });
    const secretsElsewhere = Object.entries(m).filter(([field, x]) => field !== 'id' && /^(key|secret|token)$/.test(x.path ?? ''));
    expect(secretsElsewhere).toEqual([]);
    expect(m.display_name?.path).toBeNull();
  });

  it('does not reach for a secret when the record has a real id', () => {
    const m = mapOf({ id: s('string'), key: s('string'), label: s('string') }, 'api_key');
    expect(m.id).toMatchObject({ path: 'id', transform: 'string' });
    expect(Object.values(m).some((x) => x.path === 'key')).toBe(false);
    expect(m.display_name?.path).toBe('label');
  });

  it('maps the owner of a credential, and nested fields by their dotted path', () => {
    const m = mapFields(
      view,
      { type: ['object'], properties: { id: s('string'), user: { type: ['object'], properties: { id: s('string'), email: s('string') } } } },
      'token',
    ).mapping;
    expect(m.owner_id?.path).toBe('user.id');
    expect(m.email?.path).toBe('user.email');
  });

  it('never maps a scalar field to an object whose schema omits `type` (owner `user`, SCIM `name`)', () => {
    const m = mapFields(
      view,
      {
        type: ['object'],
        properties: {
          id: s('string'),
          // Real specs often give properties without `type: object`.
          user: { properties: { id: s('string'), email: s('string') } },
          name: { properties: { givenName: s('string'), familyName: s('string') } },
          created: { properties: { at: s('string') } },
        },
      },
      'token',
    ).mapping;
    expect(m.owner_id?.path).toBe('user.id');
    expect(m.display_name?.path).not.toBe('name');
    expect(m.created_at?.path).not.toBe('created');
  });

  it('works through $refs and allOf across the files of a split YAML spec', async () => {
    const model = await modelOf(
      openapi(
        { '/users': listOp({ type: 'array', items: { $ref: '#/components/schemas/User' } }) },
        { components: { schemas: { User: { allOf: [{ $ref: 'common.yaml#/components/schemas/Base' }, { type: 'object', properties: { mail: { type: 'string' }, state: { type: 'string', enum: ['enabled', 'disabled'] } } }] } } } },
      ),
      { format: 'yaml', files: { 'common.yaml': { components: { schemas: { Base: { type: 'object', properties: { uuid: { type: 'string' } } } } } } } },
    );
    expect(model.documents.map((d) => d.file).sort()).toEqual(['common.yaml', 'spec.yaml']);
    const v = new SchemaView(model);
    const items = v.items(model.operations[0]!.responses[0]!.schema)!;
    const { mapping } = mapFields(v, v.resolve(items), 'human');
    expect(mapping.id?.path).toBe('uuid');
    expect(mapping.email?.path).toBe('mail');
    expect(mapping.status?.values).toEqual({ enabled: 'active', disabled: 'suspended' });
  });
});

describe('canonicalStatus', () => {
  it.each([
    ['active', 'active'],
    ['Active', 'active'],
    ['deactivated', 'suspended'],
    ['inactive', 'suspended'],
    ['revoked', 'deprovisioned'],
    ['expired', 'deprovisioned'],
    ['PASSWORD_EXPIRED', 'active'],
    ['pending', 'unknown'],
  ] as const)('%s → %s', (value, status) => {
    expect(canonicalStatus(value)).toBe(status);
  });
});

describe('mapFields: what the docs say of a field decides its reading', () => {
  it('status from the values the docs list: a state field with account standings, in an enum or in its words', () => {
    expect(mapOf({ id: s('string'), state: s('string', { enum: ['enabled', 'disabled'] }) }).status).toMatchObject({ path: 'state', transform: 'status-map', values: { enabled: 'active', disabled: 'suspended' } });
    expect(mapOf({ id: s('string'), lifecycle_state: s('string', { enum: ['active', 'suspended', 'deprovisioned'] }) }).status).toMatchObject({ path: 'lifecycle_state', values: { active: 'active', suspended: 'suspended', deprovisioned: 'deprovisioned' } });
    expect(mapOf({ id: s('string'), status: s('string', { description: 'One of `active`, `suspended` or `deprovisioned`.' }) }).status?.values).toEqual({ active: 'active', suspended: 'suspended', deprovisioned: 'deprovisioned' });
    // A state of something else (the address, the invitation) is not the account's standing, nor are values that are no standings.
    expect(mapOf({ id: s('string'), email_state: s('string', { enum: ['active', 'bounced', 'disabled'] }) }).status?.path).toBeNull();
    expect(mapOf({ id: s('string'), plan_state: s('string', { enum: ['free', 'paid'] }) }).status?.path).toBeNull();
  });

  it('status from booleans named for a standing', () => {
    expect(mapOf({ id: s('string'), disabled: s('boolean') }).status).toMatchObject({ path: 'disabled', transform: 'bool-true-is-suspended' });
    expect(mapOf({ id: s('string'), is_archived: s('boolean') }).status).toMatchObject({ transform: 'bool-true-is-deprovisioned' });
    expect(mapOf({ id: s('string'), deactivated: s('boolean') }).status).toMatchObject({ transform: 'bool-true-is-suspended' });
    expect(mapOf({ id: s('string'), inactive: s('boolean') }).status).toMatchObject({ transform: 'bool-true-is-suspended' });
    expect(mapOf({ id: s('string'), is_enabled: s('boolean') }).status).toMatchObject({ transform: 'bool-true-is-active' });
  });

  it('epoch times in the unit the docs say, over the example\'s magnitude; text the docs call a Unix time', () => {
    const m = mapOf({
      id: s('string'),
      created_at: s('integer', { description: 'Unix timestamp (seconds).', example: 1_600_000_000_000 }),
      last_login: s('integer', { description: 'Milliseconds since epoch.' }),
      expires_at: s('string', { description: 'When the key expires, as a Unix timestamp.' }),
    }, 'api_key');
    expect(m.created_at?.transform).toBe('unix-seconds');
    expect(m.last_used_at).toMatchObject({ path: 'last_login', transform: 'unix-millis' });
    expect(m.expires_at?.transform).toBe('unix-seconds');
    expect(mapOf({ id: s('string'), created: s('integer', { format: 'int64', description: 'Creation time in ms since the Unix epoch' }) }).created_at?.transform).toBe('unix-millis');
    // A date-time string stays one whatever its words.
    expect(mapOf({ id: s('string'), created_at: s('string', { format: 'date-time', description: 'Epoch of creation' }) }).created_at?.transform).toBe('iso-datetime');
  });

  it('scopes from the field that holds the permissions, not the one that says how they were assigned', () => {
    const list: SchemaNode = { type: ['array'], items: { type: ['string'] } };
    expect(mapOf({ id: s('string'), permission_type: s('string', { enum: ['direct', 'inherited'] }), token_scopes: list }, 'token').scopes?.path).toBe('token_scopes');
    expect(mapOf({ id: s('string'), permissions: s('string', { enum: ['direct', 'inherited'] }), granted_permissions: list }, 'token').scopes?.path).toBe('granted_permissions');
    expect(mapOf({ id: s('string'), scope_type: s('string') }, 'token').scopes?.path).toBeNull();
  });

  it('a field named like `last_email_sent_at` is not an email', () => {
    expect(mapOf({ id: s('string'), last_email_sent_at: s('string', { format: 'date-time' }) }).email?.path).toBeNull();
    expect(mapOf({ id: s('string'), last_email_sent_at: s('string') }).email?.path).toBeNull();
    expect(mapOf({ id: s('string'), email_count: s('string'), email_status: s('string'), work_email: s('string') }).email?.path).toBe('work_email');
  });
});
