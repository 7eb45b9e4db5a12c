import type { SchemaNode } from '../agent/ingest/api-model.ts';

/**
 * What a field means, from its name and schema: an email where the field is an email, an ISO date
 * where it is a date-time, a unique key where it identifies the record. Synthetic values follow the
 * meaning so a fetcher's mapping meets realistic data.
 */

export type Semantic =
  | 'identifier'
  | 'email'
  | 'person-name'
  | 'username'
  | 'datetime'
  | 'unix-time'
  | 'unix-millis'
  | 'unix-time-text'
  | 'unix-millis-text'
  | 'date'
  | 'url'
  | 'uuid'
  | 'phone'
  | 'enum'
  | 'boolean'
  | 'integer'
  | 'number'
  | 'text'
  | 'object'
  | 'array';

const IDENTIFIER = /^(id|uid|uuid|sid|guid|key|key_?id|token_?id|user_?id|client_?id|app_?id|fingerprint|kid|handle|slug|account_?id|member_?id|principal_?id|object_?id|person_?id|employee_?id|subject_?id|[a-z][a-z0-9]*(_[a-z0-9]+)*_sid)$/i;
const NAME_KEY = /^(name|username|user_?name|login|display_?name)$/i;

/** Fields whose values must be unique across a dataset, so any of them can identify a record. */
export function isUniqueKey(name: string): boolean {
  return IDENTIFIER.test(name) || NAME_KEY.test(name) || /^e?mail$|email/i.test(name);
}

export function semanticOf(name: string, schema: SchemaNode): Semantic {
  const type = schema.type ?? (schema.properties ? ['object'] : schema.items ? ['array'] : []);
  if (type.includes('array')) return 'array';
  if (type.includes('object') || schema.properties) return 'object';
  if (schema.enum?.length) return 'enum';
  if (type.includes('boolean')) return 'boolean';
  const n = name.toLowerCase();
  // A time since the epoch, in the unit its description says: digits in a string when the docs type it so.
  const words = schema.description ?? '';
  const epoch = /\b(unix|epoch|posix)\b|seconds since/i.test(words);
  const millis = /milli ?seconds?|\bms\b|\bmillis\b/i.test(words);
  if (type.includes('integer') || type.includes('number')) {
    if (millis && (epoch || /since|timestamp/i.test(words))) return 'unix-millis';
    if (epoch) return 'unix-time';
    if (/(^|_)(created|updated|modified|expires?|last_|date|time|timestamp|ts$)|_at$|_on$/.test(n) || /^(created|updated|expires|expiry|ts)$/.test(n)) return 'unix-time';
    return type.includes('integer') ? 'integer' : 'number';
  }
  const format = schema.format?.toLowerCase();
  if (type.includes('string') && epoch && !/date/.test(format ?? '')) return millis ? 'unix-millis-text' : 'unix-time-text';
  if (format === 'email' || /(^|_)e?mail($|_address)|email/.test(n)) return 'email';
  // `createdAt` reads as `created_at`: a camelCase time field is one too.
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  if (format === 'date-time' || [n, snake].some((w) => /(_at|_on|_time|timestamp|date_?created|date_?updated|creation_?timestamp)$|^(created|updated|last_?login|last_?used|expires?|expiry|expiry_?date|expiration|expiration_?date|valid_until|not_after|not_before)$/.test(w))) return 'datetime';
  if (format === 'date') return 'date';
  if (format === 'uuid' || n === 'uuid') return 'uuid';
  if (format === 'uri' || format === 'url' || /(^|_)(url|uri|href|link|avatar|image)($|_)/.test(n)) return 'url';
  if (/phone|mobile|msisdn/.test(n)) return 'phone';
  if (IDENTIFIER.test(n)) return 'identifier';
  if (/^(username|user_?name|login|handle|screen_?name)$/.test(n)) return 'username';
  if (/(^|_)(display_?name|real_?name|full_?name|first_?name|last_?name|given_?name|family_?name|friendly_?name)$|^name$|^label$|^title$|^summary$/.test(n)) return 'person-name';
  return 'text';
}
