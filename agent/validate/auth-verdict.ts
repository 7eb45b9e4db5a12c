import type { Scorecard } from './scorecard.ts';

/**
 * What the proof showed about authentication, in words that stay true for every plan: a plan that
 * sends no credential (auth `none`) has nothing to verify, so it is never reported as "verified".
 */

/** How the proof's authentication reads: `verified`, `not-verified` (a call was refused, or none got past the credential check), or `none` (the plan sends no credential and the mock asked for none). */
export type AuthOutcome = 'verified' | 'not-verified' | 'none';

/** The outcome for a scorecard. A scorecard written before `auth_type` existed is judged by `auth_verified` alone. */
export function authOutcome(card: Pick<Scorecard, 'auth_verified' | 'auth_type'>): AuthOutcome {
  if (!card.auth_verified) return 'not-verified';
  return card.auth_type === 'none' ? 'none' : 'verified';
}

/** A few words for a one-line summary: "auth verified yes", "auth verified NO", or "auth none (…nothing to verify)". */
export function authShort(card: Pick<Scorecard, 'auth_verified' | 'auth_type'>): string {
  switch (authOutcome(card)) {
    case 'verified':
      return 'auth verified yes';
    case 'not-verified':
      return 'auth verified NO';
    case 'none':
      return 'auth none declared by the docs — nothing to verify';
  }
}

/** A sentence for VALIDATION.md and the pull request. */
export function authSentence(card: Pick<Scorecard, 'auth_verified' | 'auth_type'>): string {
  switch (authOutcome(card)) {
    case 'verified':
      return 'authentication verified: yes (the host injected a synthetic placeholder credential at the egress gate, and the mock accepted it)';
    case 'not-verified':
      return card.auth_type === 'none'
        ? 'authentication verified: no (the plan sends no credential, and no call got past the mock\'s credential check)'
        : 'authentication verified: no (no call got past the mock\'s credential check with the synthetic placeholder credential)';
    case 'none':
      return 'authentication: none — the plan sends no credential and the docs declare none, so there was nothing to verify; confirm by hand that this API really takes no credential';
  }
}
