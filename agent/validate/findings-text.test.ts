import { describe, expect, it } from 'vitest';
import { RUNTIME_FINDINGS } from '../../templates/runtime/findings.ts';
import { CALL_FINDINGS } from './checks/calls.ts';
import { EVIDENCE_FINDINGS } from './checks/evidence.ts';
import { MECHANISM_FINDINGS } from './checks/mechanisms.ts';
import { RUN_FINDINGS } from './checks/run-record.ts';
import { SANDBOX_FINDINGS } from './checks/sandbox.ts';
import { SINCE_PROOF_FINDINGS } from './checks/since-proof.ts';
import { RECORD_FINDINGS } from './checks/stream-records.ts';
import { renderFinding } from './findings-text.ts';

/** Finding ids are a contract: each is declared once, kebab-case, and renders without its arguments crashing. */
describe('finding ids', () => {
  const registries = { RUNTIME_FINDINGS, RUN_FINDINGS, RECORD_FINDINGS, CALL_FINDINGS, MECHANISM_FINDINGS, SANDBOX_FINDINGS, EVIDENCE_FINDINGS, SINCE_PROOF_FINDINGS };

  it('each id is declared by exactly one check', () => {
    const owners = new Map<string, string[]>();
    for (const [registry, defs] of Object.entries(registries)) for (const id of Object.keys(defs)) owners.set(id, [...(owners.get(id) ?? []), registry]);
    expect([...owners].filter(([, by]) => by.length > 1)).toEqual([]);
  });

  it('each id is kebab-case and renders, even with no arguments', () => {
    for (const defs of Object.values(registries)) {
      for (const id of Object.keys(defs)) {
        expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(renderFinding({ id, level: 'error', args: {} })).not.toBe('');
      }
    }
  });

  it('an id this build does not know is shown as data, not dropped', () => {
    expect(renderFinding({ id: 'from-a-newer-build', level: 'error', stream: 'users', args: { n: 1 } })).toBe('users: from-a-newer-build {"n":1}');
  });
});
