import { describe, expect, it } from 'vitest';
import type { SchemaNode } from '../ingest/api-model.ts';
import { SchemaView } from '../docs-view/schema-view.ts';
import { mapFields } from './field-mapping.ts';

/**
 * Mapping by meaning: the canonical `scopes` are the permissions a credential or identity was
 * granted — role names are not (a role is an identity of its own, linked by `has_role`) — and a
 * field the docs call deprecated loses to one they do not.
 */

const view = new SchemaView({ schemas: {} });
const list: SchemaNode = { type: ['array'], items: { type: ['string'] } };
const mapOf = (properties: Record<string, SchemaNode>, docsWords?: (field: string) => string | undefined) =>
  mapFields(view, { type: ['object'], properties }, 'token', undefined, docsWords).mapping;

describe('mapFields: scopes by meaning', () => {
  it('a record\'s roles are not its scopes', () => {
    expect(mapOf({ id: { type: ['string'] }, roles: list }).scopes?.path).toBeNull();
    expect(mapOf({ id: { type: ['string'] }, roles: list, permissions: list }).scopes?.path).toBe('permissions');
  });

  it('scopes beside a deprecated field: the one the docs do not retire', () => {
    // Declared first and named like scopes, but retired in its own description.
    const retired: SchemaNode = { ...list, description: 'Deprecated in v3, always an empty list. Use scopes.' };
    expect(mapOf({ id: { type: ['string'] }, permissions: retired, scopes: list }).scopes?.path).toBe('scopes');
    expect(mapOf({ id: { type: ['string'] }, permissions: list, scopes: list }).scopes?.path).toBe('permissions');
    // Retired only in the docs' words (an observed shape carries none of its own).
    const docsSay = (field: string) => (field === 'permissions' ? 'Deprecated: no longer returned.' : undefined);
    expect(mapOf({ id: { type: ['string'] }, permissions: list, scopes: list }, docsSay).scopes?.path).toBe('scopes');
  });

  it('a deprecated field still maps when nothing else does, and says so', () => {
    const m = mapOf({ id: { type: ['string'] }, created: { type: ['string'], format: 'date-time', description: 'Deprecated: use created_at.' } });
    expect(m.created_at?.path).toBe('created');
    expect(m.created_at?.evidence[0]?.reasoning).toContain('deprecated');
    // …and loses to a field the same rule finds that is not deprecated, or to one a later, weaker rule finds.
    const same = mapOf({ id: { type: ['string'] }, name: { type: ['string'], description: 'Deprecated.' }, label: { type: ['string'] } });
    expect(same.display_name?.path).toBe('label');
    const weaker = mapOf({ id: { type: ['string'] }, email: { type: ['string'], description: 'Obsolete; always empty.' }, work_email: { type: ['string'] } });
    expect(weaker.email?.path).toBe('work_email');
  });
});
