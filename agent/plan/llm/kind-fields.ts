import type { IdentityKind } from '../../../templates/canonical.ts';

/**
 * What a kind's records hold, by field name (issue 13): where the heuristics have no reading of an
 * operation's records, a model may name their kind only when the records have a field such records
 * have — people an email, a login or a name of a person; credentials a key, a token, a fingerprint,
 * a prefix or an expiry; groups and roles members or permissions; grants a scope or a client. A kind
 * the records' fields cannot carry (announcements as people, people as SSH keys) is refused: the
 * sandbox proof does not judge kinds, so this gate must.
 */

const PERSON = /^(e?mail(_?address)?|primary_?email|login|user_?name|username|handle|given_?name|family_?name|first_?name|last_?name|full_?name|upn|user_?principal_?name|sam_?account_?name)$/i;
const CREDENTIAL = /(^|_)(key|keys|token|fingerprint|prefix|secret|cert|certificate|public_?key|key_?id|expires?(_?at)?|expiry|expiration|last_?used(_?at)?|scopes?|thumbprint|serial(_?number)?|not_?after|not_?before)$/i;
const GROUPING = /^(members?|member_?ids|member_?count|users?|user_?ids|permissions?|privileges?|roles?|rules?|policy|policies|scopes?)$/i;
const GRANT = /(^|_)(scopes?|client(_?id)?|app(_?id)?|application(_?id)?|granted(_?at)?|consent(ed)?(_?at)?|issuer)$/i;
const ACCOUNT = /^(name|display_?name|client_?id|app_?id|application_?id|e?mail|login|username|owner(_?id)?|created_?by|bot_?id|scopes?|roles?|permissions?)$/i;

const NEEDS: Record<IdentityKind, { fields: RegExp; words: string }> = {
  human: { fields: PERSON, words: 'an email, a login or a name of a person' },
  service_account: { fields: ACCOUNT, words: 'a name, a client or owner, roles or scopes' },
  bot: { fields: ACCOUNT, words: 'a name, a client or owner, roles or scopes' },
  app: { fields: ACCOUNT, words: 'a name, a client or owner, roles or scopes' },
  api_key: { fields: CREDENTIAL, words: 'a key, a token, a prefix, a fingerprint or an expiry' },
  token: { fields: CREDENTIAL, words: 'a key, a token, a prefix, a fingerprint or an expiry' },
  ssh_key: { fields: CREDENTIAL, words: 'a key, a fingerprint or an expiry' },
  certificate: { fields: CREDENTIAL, words: 'a certificate, a fingerprint, a serial or an expiry' },
  oauth_grant: { fields: GRANT, words: 'a scope, a client or an app' },
  group: { fields: GROUPING, words: 'members, users, roles or permissions' },
  role: { fields: GROUPING, words: 'permissions, privileges, rules or members' },
};

/** Why records with these top-level `fields` cannot be `kind` records, or undefined when they can (bare ids always can). */
export function kindMisfit(kind: IdentityKind, fields: readonly string[]): string | undefined {
  const need = NEEDS[kind];
  if (!need || !fields.length) return undefined;
  return fields.some((f) => need.fields.test(f)) ? undefined : `its records (${fields.slice(0, 8).join(', ')}) have no field ${kind} records have (${need.words})`;
}
