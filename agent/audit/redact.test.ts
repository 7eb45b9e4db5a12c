import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.ts';

/** Redacting a JSON value string by string: hostile text cannot reshape the value around it. */
describe('Redactor.value', () => {
  it('a key-like block split across two strings is redacted in neither, and the structure stays', () => {
    const value = { streams: [{ name: 'users', error: '-----BEGIN PRIVATE KEY-----' }, { name: 'groups', error: null }, { name: 'services', error: '-----END PRIVATE KEY-----' }] };
    expect(new Redactor([]).value(value)).toEqual(value);
  });

  it('a secret whose first character completes a JSON escape (\\u001a + the rest) does not break the value', () => {
    const secret = 'abcdef0123456789abcdef';
    // The server echoed U+001A followed by the credential without its first character: as JSON text
    // that reads `\u001abcdef…`, the whole credential, straddling the escape.
    const value = { message: `\u001a${secret.slice(1)}`, [`key-${secret}`]: 1 };
    expect(new Redactor([secret]).value(value)).toEqual({ message: `\u001a${secret.slice(1)}`, 'key-[REDACTED]': 1 });
  });
});
