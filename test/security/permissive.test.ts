import { describe, expect, it } from 'vitest';
import type { RequestPolicy } from '../../policy/request-policy.ts';
import { REDACTED } from '../../sandbox/call-log.ts';
import type { CallLogEntry } from '../../sandbox/call-log.ts';
import type { EgressGateOptions, FetchReply, FetchRequest } from '../../sandbox/egress-gate.ts';
import type { Violation } from '../../sandbox/violation.ts';
import type { Attack, Defenses, GateLike } from './attack-suite.ts';
import { CREDENTIAL_ATTACKS } from './attacks/credentials.ts';
import { DOCS_WRITE_ATTACKS } from './attacks/docs-writes.ts';
import { EGRESS_ATTACKS } from './attacks/egress.ts';
import { HOST_RESOURCE_ATTACKS } from './attacks/host-resources.ts';

/**
 * The suite proves it can fail. Every attack that depends on the gate or the request policy is tried
 * against a permissive gate and policy assembled here — a gate that sends every request as asked,
 * adds the host's credential to every URL and hands back what the server said; a policy that refuses
 * nothing — and must get through. An attack that the permissive defenses still stop does not test the
 * defense it names. Nothing in shipped code can make the shipped gate or policy behave like these.
 */

/** A gate with no checks: what the shipped gate would be with every defense removed. */
class PermissiveGate implements GateLike {
  readonly violations: Violation[] = [];
  readonly calls: CallLogEntry[] = [];
  readonly #options: EgressGateOptions;
  constructor(options: EgressGateOptions) {
    this.#options = options;
  }
  async fetch(request: FetchRequest): Promise<FetchReply> {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    for (const [k, v] of Object.entries(this.#options.injectAuth?.(url) ?? {})) headers.set(k, v);
    for (const [k, v] of Object.entries(this.#options.injectQuery?.(url) ?? {})) if (!url.searchParams.has(k) || url.searchParams.get(k) === REDACTED) url.searchParams.set(k, v);
    const fetchImpl = this.#options.fetchImpl ?? ((r: Request) => globalThis.fetch(r));
    try {
      const response = await fetchImpl(new Request(url, { method: request.method ?? 'GET', headers, redirect: 'follow', ...(request.body !== undefined ? { body: request.body } : {}) }));
      this.calls.push({ seq: this.calls.length + 1, method: request.method ?? 'GET', url: url.href, status: response.status, outcome: 'ok', ms: 0, bytes: 0 });
      return { ok: true, response: { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text(), url: response.url || url.href } };
    } catch (e) {
      return { ok: false, code: 'network-error', message: (e as Error).message };
    }
  }
}

const ALLOW_ALL: RequestPolicy = { version: 'permissive', header: () => undefined, fixedValue: () => undefined, operation: () => undefined, path: () => undefined, wireQuery: () => undefined };
const PERMISSIVE: Defenses = { name: 'permissive', gate: (options) => new PermissiveGate(options), policy: ALLOW_ALL };

/** Every attack list whose attacks name a swappable defense. */
const LISTS: Record<string, Attack[]> = {
  'docs-as-attacker (writes)': DOCS_WRITE_ATTACKS,
  egress: EGRESS_ATTACKS,
  credentials: CREDENTIAL_ATTACKS,
  'host-resources': HOST_RESOURCE_ATTACKS,
};

describe('the security suite fails against a permissive gate and policy', () => {
  for (const [cls, attacks] of Object.entries(LISTS)) {
    const swappable = attacks.filter((a) => a.layer !== 'other');
    it(`${cls}: has attacks on the gate or the policy`, () => expect(swappable.length).toBeGreaterThan(0));
    for (const attack of swappable) {
      it(`${cls}: ${attack.name} — gets through`, async () => {
        expect(await attack.attempt(PERMISSIVE)).toMatch(/\S/);
      });
    }
  }
});
