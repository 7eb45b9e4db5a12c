import { describe, expect, it } from 'vitest';
import { READ_ONLY_REQUEST_POLICY, type RequestPolicy } from '../../policy/request-policy.ts';
import type { CallLogEntry } from '../../sandbox/call-log.ts';
import { EgressGate, type EgressGateOptions, type FetchReply, type FetchRequest } from '../../sandbox/egress-gate.ts';
import type { Violation } from '../../sandbox/violation.ts';

/**
 * The security suite's frame (`npm run security`; `npm test` runs it too). Each attack class is one
 * test file (`test/security/<class>.test.ts`) over a list of attacks kept in `attacks/<class>.ts`.
 * An attack is tried against a set of defenses and says whether it was stopped; a class's test file
 * tries every attack against the shipped defenses and expects each one stopped. The
 * security reporter (`security-reporter.ts`) prints, per class, how many were tried and stopped.
 *
 * The suite proves it can fail: `permissive.test.ts` tries every attack that depends on the gate or
 * the request policy against a permissive gate and policy assembled in that test, and expects each
 * to get through. No switch in shipped code weakens a defense: the permissive ones live only there.
 */

/** What an attack needs of a gate: the shipped `EgressGate`'s public face. */
export interface GateLike {
  fetch(request: FetchRequest, signal?: AbortSignal): Promise<FetchReply>;
  readonly violations: Violation[];
  readonly calls: CallLogEntry[];
}

/** The defenses an attack is tried against. */
export interface Defenses {
  name: 'shipped' | 'permissive';
  /** Builds the egress gate the attack's requests go through. */
  gate(options: EgressGateOptions): GateLike;
  /** The request policy the planner, slot schemas and gate judge by. */
  policy: RequestPolicy;
}

/** The defenses fetchwright ships. */
export const SHIPPED: Defenses = { name: 'shipped', gate: (options) => new EgressGate(options), policy: READ_ONLY_REQUEST_POLICY };

/**
 * One attack. `layer` says which swappable defense stops it (`gate`, `policy`), or `other` for those
 * stopped by parts the permissive run cannot swap (the isolate, the file checks, the audit chain).
 * `attempt` resolves `undefined` when the defenses stopped it, or a sentence saying what got through.
 * It rejects only for a bug in the attack itself.
 */
export interface Attack {
  name: string;
  layer: 'gate' | 'policy' | 'other';
  attempt(defenses: Defenses): Promise<string | undefined>;
}

/** The describe-block prefix the security reporter counts by. */
export const ATTACK_CLASS_PREFIX = 'attack class: ';

/** Registers one attack class: every attack must be stopped by the shipped defenses. */
export function attackClass(cls: string, attacks: Attack[], options: { timeout?: number } = {}): void {
  describe(`${ATTACK_CLASS_PREFIX}${cls}`, () => {
    it('has attacks of several variants', () => {
      expect(attacks.length).toBeGreaterThanOrEqual(3);
      expect(new Set(attacks.map((a) => a.name)).size).toBe(attacks.length);
    });
    for (const attack of attacks) {
      it(attack.name, async () => {
        const through = await attack.attempt(SHIPPED);
        expect(through, `got through: ${through}`).toBeUndefined();
      }, options.timeout);
    }
  });
}

/** A gate under attack and every request it let onto the (fake) network. */
export interface RecordingGate {
  gate: GateLike;
  seen: Request[];
}

/**
 * The gate `defenses` build for one https `origin` with the host's credential injected (`auth`: the
 * header's value), over a fake network that answers with `respond` and records every request that
 * reached it. `options` override any of the gate's options.
 */
export function recordingGate(defenses: Defenses, origin: string, auth: string, respond: (req: Request) => Response = () => Response.json([]), options: Partial<EgressGateOptions> = {}): RecordingGate {
  const seen: Request[] = [];
  const gate = defenses.gate({
    allowedOrigins: [origin],
    injectAuth: () => ({ Authorization: auth }),
    fetchImpl: async (req) => {
      seen.push(req);
      return respond(req);
    },
    ...options,
  });
  return { gate, seen };
}

/** `undefined` (stopped) when `ok`, else the sentence: a small helper for attack bodies. */
export function stoppedIf(ok: boolean, through: string): string | undefined {
  return ok ? undefined : through;
}
