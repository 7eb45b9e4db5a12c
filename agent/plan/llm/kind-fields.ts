import type { IdentityKind } from '../../../templates/canonical.ts';

/**
 * What a kind's records hold, by field name (issue 13): where the heuristics have no reading of an
 * operation's records, a model may name their kind only when the records carry the fields such
 * records carry — two signals, not one, since a single `key`, `name` or `email` is on many records
 * that are no identities (announcements, CI variables, orders). People need a sign-in field (an
 * email, a login, a user name) and a person's name or state; credentials a key or token field and
 * a credential's lifecycle field (prefix, fingerprint, last use, expiry, scopes); accounts two of
 * a name, a client or owner, roles or scopes; groups members, roles permissions; grants a scope and a
 * client. The sandbox proof does not judge kinds, so this gate must; what it lets through is a
 * kind the records could have, which the PR puts to the reviewer as the model's decision.
 */

const SIGN_IN = /^(e?mail(_?address)?|primary_?email|login|user_?name|username|upn|user_?principal_?name|sam_?account_?name)$/i;
const PERSON = /^(given_?name|family_?name|first_?name|last_?name|full_?name|display_?name|name|department|locale|time_?zone|last_?login(_?at)?|avatar(_?url)?|manager(_?id)?|job_?title|employee_?(id|number))$/i;
const KEY_VALUE = /(^|_)(key|token|public_?key|key_?id|secret_?hash|client_?secret|cert|certificate|pem)$/i;
const LIFECYCLE = /(^|_)(prefix|fingerprint|last_?used(_?at)?|expires?(_?at)?|expiry|expiration|scopes?|revoked(_?at)?|token_?type|key_?type|algorithm|thumbprint|not_?after|not_?before|issuer|serial(_?number)?)$/i;
const ACCOUNT = /^(name|display_?name|client_?id|app_?id|application_?id|e?mail|login|username|owner(_?id)?|created_?by|bot_?id|scopes?|roles?|permissions?|disabled|active|status)$/i;
const MEMBERS = /^(members?|member_?ids|member_?count|users?|user_?ids|users_?count|user_?count)$/i;
const PERMISSIONS = /^(permissions?|privileges?|scopes?|policies|actions|grants?)$/i;
const SCOPE = /(^|_)scopes?$/i;
const CLIENT = /(^|_)(client(_?id)?|app(_?id)?|application(_?id)?)$/i;

type Need = { test: (fields: readonly string[]) => boolean; words: string };
const has = (fields: readonly string[], re: RegExp) => fields.some((f) => re.test(f));
const count = (fields: readonly string[], re: RegExp) => fields.filter((f) => re.test(f)).length;

const ACCOUNT_NEED: Need = { test: (f) => count(f, ACCOUNT) >= 2, words: 'two of a name, a client or owner, an email or login, roles, scopes or a state' };
const CREDENTIAL_NEED: Need = { test: (f) => has(f, KEY_VALUE) && has(f, LIFECYCLE), words: 'a key or token field and a prefix, fingerprint, last use, expiry or scopes' };

const NEEDS: Record<IdentityKind, Need> = {
  human: { test: (f) => has(f, SIGN_IN) && has(f, PERSON), words: 'an email, login or user name, and a person\'s name or state' },
  service_account: ACCOUNT_NEED,
  bot: ACCOUNT_NEED,
  app: ACCOUNT_NEED,
  api_key: CREDENTIAL_NEED,
  token: CREDENTIAL_NEED,
  ssh_key: CREDENTIAL_NEED,
  certificate: { test: (f) => has(f, LIFECYCLE) && count(f, LIFECYCLE) >= 2, words: 'two of a fingerprint, serial, issuer, validity dates or expiry' },
  oauth_grant: { test: (f) => has(f, SCOPE) && has(f, CLIENT), words: 'a scope and a client or app' },
  group: { test: (f) => has(f, MEMBERS), words: 'members or users' },
  role: { test: (f) => has(f, PERMISSIONS), words: 'permissions, privileges, scopes or policies' },
};

/** Why records with these top-level `fields` cannot be `kind` records, or undefined when they can (bare ids always can). */
export function kindMisfit(kind: IdentityKind, fields: readonly string[]): string | undefined {
  if (!fields.length) return undefined;
  const need = NEEDS[kind];
  return need.test(fields) ? undefined : `its records (${fields.slice(0, 8).join(', ')}) do not carry what ${kind} records carry (${need.words})`;
}
