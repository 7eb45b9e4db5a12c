import { describe, expect, it } from 'vitest';
import type * as canonical from '../canonical.ts';
import type * as connector from '../slots/connector.ts';
import type * as mapping from '../slots/mapping.ts';
import type * as pagination from '../slots/pagination.ts';
import type * as rateLimit from '../slots/rate-limit.ts';
import type * as contract from './contract.ts';
import type { RuntimeFinding } from './findings.ts';

/**
 * The plain types of `fetchwright/contract` (what a rendered fetcher.ts is type-checked against)
 * are the zod schemas' types (what the host checks values with), exactly: each pair below must be
 * identical, not merely assignable, so a field added, dropped, made optional or retyped on either
 * side fails `tsc --noEmit -p tsconfig.json` (the first step of `npm test`) at the line of the pair.
 */

/** True only when A and B are the same type (optional and readonly modifiers included). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** A line that does not compile unless `T` is `true`. */
type Holds<T extends true> = T;

export type ContractMatchesSchemas = [
  Holds<Same<contract.IdentityKind, canonical.IdentityKind>>,
  Holds<Same<contract.Relation, canonical.Relation>>,
  Holds<Same<contract.CanonicalStatus, mapping.CanonicalStatus>>,
  Holds<Same<contract.IdentityRecord, canonical.IdentityRecord>>,
  Holds<Same<contract.RelationshipRecord, canonical.RelationshipRecord>>,
  Holds<Same<RuntimeFinding, canonical.RuntimeFinding>>,
  Holds<Same<contract.StreamOutcome, canonical.StreamOutcome>>,
  Holds<Same<contract.RunRecord, canonical.RunRecord>>,
  Holds<Same<contract.Transform, mapping.Transform>>,
  Holds<Same<contract.FieldMappingSlot, mapping.FieldMappingSlot>>,
  Holds<Same<contract.CanonicalField, mapping.CanonicalField>>,
  Holds<Same<contract.MappingSlot, mapping.MappingSlot>>,
  Holds<Same<contract.PaginatorOf<'link-header'>, pagination.PaginatorOf<'link-header'>>>,
  Holds<Same<contract.PaginatorOf<'cursor'>, pagination.PaginatorOf<'cursor'>>>,
  Holds<Same<contract.PaginatorOf<'offset'>, pagination.PaginatorOf<'offset'>>>,
  Holds<Same<contract.PaginatorOf<'page'>, pagination.PaginatorOf<'page'>>>,
  Holds<Same<contract.PaginatorOf<'next-url'>, pagination.PaginatorOf<'next-url'>>>,
  Holds<Same<contract.PaginatorOf<'none'>, pagination.PaginatorOf<'none'>>>,
  Holds<Same<contract.PaginatorStyle, pagination.PaginatorStyle>>,
  Holds<Same<contract.StopCondition, pagination.StopCondition>>,
  Holds<Same<contract.Paginator, pagination.Paginator>>,
  Holds<Same<contract.ParentSlot, connector.ParentSlot>>,
  Holds<Same<contract.KindFromSlot, connector.KindFromSlot>>,
  Holds<Same<contract.LinkEnd, connector.LinkEnd>>,
  Holds<Same<contract.LinkSlot, connector.LinkSlot>>,
  Holds<Same<contract.WaitUnit, rateLimit.WaitUnit>>,
  Holds<Same<contract.WaitHeader, rateLimit.WaitHeader>>,
  Holds<Same<contract.RateLimitSlot, rateLimit.RateLimitSlot>>,
  Holds<Same<contract.StreamSlot, connector.StreamSlot>>,
  Holds<Same<contract.ConnectorSlots, connector.ConnectorSlots>>,
  Holds<Same<contract.RunInput, connector.RunInput>>,
];

describe('template fetchwright/contract', () => {
  it('is types only: nothing in it runs, so a fetcher carries no zod and no code of its own from it', async () => {
    const mod = await import('./contract.ts');
    expect(Object.keys(mod)).toEqual([]);
  });

  it('the pairs checked above are every type the contract exports', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(new URL('./contract.ts', import.meta.url), 'utf8');
    const exported = [...source.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]).sort();
    const self = await readFile(new URL(import.meta.url), 'utf8');
    const checked = [...new Set([...self.matchAll(/contract\.([A-Z]\w*)/g)].map((m) => m[1]))].sort();
    // The paginator variants are checked through PaginatorOf<style>.
    const variants = ['CursorPaginator', 'LinkHeaderPaginator', 'NextUrlPaginator', 'NoPaginator', 'OffsetPaginator', 'PagePaginator'];
    expect(exported.filter((name) => !variants.includes(name!))).toEqual(checked);
  });
});
