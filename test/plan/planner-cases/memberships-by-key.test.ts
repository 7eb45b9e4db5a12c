import { describe, expect, it } from 'vitest';
import { expectAccounted, get, obj, pathParam, planSpec, str, streamOf, whyNot, wrapped } from './case.ts';

/**
 * Memberships whose records name both ends by key — who by email address, what by the list's key
 * (Mailman's `/members`: `{member_id, email, list_id, role}`) — are relationships, not people; the
 * collections those keys address (`GET /lists/{list_id}`, `GET /addresses/{email}`) are the
 * identities they join, read keyed as the relationships name them. Invented APIs in other words,
 * with negatives.
 */

const Member = obj({ member_id: str, email: str, list_id: str, role: str, display_name: str });
const MailingList = obj({ list_id: str, display_name: str, member_count: { type: 'integer' } });
const Address = obj({ email: str, registered_on: { type: 'string', format: 'date-time' } });
const User = obj({ user_id: str, display_name: str });

const api = (extra: Record<string, object> = {}) => ({
  '/users': get(wrapped('entries', 'User')),
  '/members': get(wrapped('entries', 'Member')),
  '/members/{member_id}': get({ $ref: '#/components/schemas/Member' }, { parameters: [pathParam('member_id')] }),
  '/lists': get(wrapped('entries', 'MailingList')),
  '/lists/{list_id}': get({ $ref: '#/components/schemas/MailingList' }, { parameters: [pathParam('list_id')] }),
  '/addresses': get(wrapped('entries', 'Address')),
  '/addresses/{email}': get({ $ref: '#/components/schemas/Address' }, { parameters: [pathParam('email')] }),
  ...extra,
});
const schemas = { Member, MailingList, Address, User };

describe('memberships named by keys: relationships, and the identities their keys address', () => {
  it('members are links from the email address to the list; lists are groups keyed by list_id, addresses people keyed by email', async () => {
    const planned = await planSpec(api(), schemas);
    const { plan } = planned;
    expect(streamOf(plan, '/members')).toMatchObject({
      name: 'members',
      link: { relation: 'member_of', from: { from: 'field', path: 'email' }, to: { from: 'field', path: 'list_id' } },
      // The membership's own id (named for the record) tells a repeated record from a new one; it is no reference.
      mapping: { id: { path: 'member_id' } },
    });
    expect(streamOf(plan, '/lists')).toMatchObject({ kind: 'group', mapping: { id: { path: 'list_id' } } });
    expect(streamOf(plan, '/addresses')).toMatchObject({ kind: 'human', mapping: { id: { path: 'email' }, email: { path: 'email' }, created_at: { path: 'registered_on' } } });
    expect(streamOf(plan, '/users')).toMatchObject({ kind: 'human' });
    // Each target cites the one-record read its key addresses.
    expect(JSON.stringify(streamOf(plan, '/lists')!.evidence)).toMatch(/GET \/lists\/\{list_id\} reads one of GET \/lists's records by list_id/);
    expectAccounted(planned);
  });

  it('a membership whose role field the docs list with an owner among its values: an owner\'s record owns the list; without an owner value, no per-record relation', async () => {
    const withRoles = (values: string[]) => planSpec(api(), { ...schemas, Member: obj({ member_id: str, email: str, list_id: str, role: { type: 'string', enum: values } }) });
    expect(streamOf((await withRoles(['member', 'owner', 'moderator'])).plan, '/members')?.link?.relation_from).toEqual({ path: 'role', values: { owner: 'owns' } });
    expect(streamOf((await withRoles(['member', 'moderator'])).plan, '/members')?.link?.relation_from).toBeUndefined();
  });

  it('negative: no one-record read by the key — the lists stay out (nothing says list_id addresses them)', async () => {
    const paths = api() as Record<string, object>;
    delete paths['/lists/{list_id}'];
    const { plan } = await planSpec(paths, schemas);
    expect(streamOf(plan, '/members')?.link?.relation).toBe('member_of');
    expect(streamOf(plan, '/lists')).toBeUndefined();
    expect(whyNot(plan, '/lists')).toBeDefined();
  });

  it('negative: a record the key addresses that lacks the field is not taken (its id would not be the relationships\' key)', async () => {
    const { plan } = await planSpec(api(), { ...schemas, MailingList: obj({ id: str, display_name: str }) });
    expect(streamOf(plan, '/lists')).toBeUndefined();
  });

  it('negative: a membership that names a member by a user id keeps its reference; the email is then an attribute, not a second end', async () => {
    const { plan } = await planSpec(api(), { ...schemas, Member: obj({ member_id: str, user_id: str, email: str, list_id: str }) });
    expect(streamOf(plan, '/members')?.link).toEqual({ relation: 'member_of', from: { from: 'field', path: 'user_id' }, to: { from: 'field', path: 'list_id' } });
  });

  it('a list keyed per list (`/lists/{list_id}/roster/member`) is never read once per membership record that carries list_id', async () => {
    const { plan } = await planSpec(api({ '/lists/{list_id}/roster/member': get(wrapped('entries', 'Member'), { parameters: [pathParam('list_id'), { name: 'page', in: 'query', schema: { type: 'integer' } }, { name: 'count', in: 'query', schema: { type: 'integer' } }] }) }), schemas);
    // A roster of one list: read under the lists (the collection its key addresses), never once per membership record.
    expect(streamOf(plan, '/lists/{list_id}/roster/member')?.parent?.stream ?? null).not.toBe('members');
    expect(streamOf(plan, '/members')?.link?.relation).toBe('member_of');
  });
});

describe('memberships named by keys, when nothing else lists people', () => {
  it('docs whose only list is the memberships: its records stay the people read, never "no identities"', async () => {
    const { plan } = await planSpec({ '/members': get(wrapped('entries', 'Member')) }, { Member });
    expect(plan.streams.map((s) => [s.path, s.kind, s.link ?? null])).toEqual([['/members', 'human', null]]);
  });
});
