import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.ts';

/** Redacting a JSON value string by string: hostile text cannot reshape the value around it. */
describe('Redactor.value', () => {
  it('a key-like block split across two strings is redacted in neither, and the structure stays', () => {
    const value = { streams: [{ name: 'users', error: '-----BEGIN PRIVATE KEY-----' }, { name: 'groups', error: null }, { name: 'services', error: '-----END PRIVATE KEY-----' }] };
    expect(new Redactor([]).value(value)).toEqual(value);
  });

  it('a secret right after an escape sequence is replaced without breaking the JSON', () => {
    const secret = 'bcdef0123456789abcdef';
    const value = { message: `\u001a${secret}`, [`key-${secret}`]: 1 };
    expect(new Redactor([secret]).value(value)).toEqual({ message: '\u001a[REDACTED]', 'key-[REDACTED]': 1 });
  });
});
