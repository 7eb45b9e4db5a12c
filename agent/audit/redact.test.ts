import { describe, expect, it } from 'vitest';
import { argumentRedacted, Redactor } from './redact.ts';

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

describe('the secrets of an environment', () => {
  it('are values of secret-named variables (a PAT, an access key, one starting with /), and the password of any URL — not a key file\'s path', async () => {
    const { secretsFromEnv } = await import('./redact.ts');
    const found = secretsFromEnv({
      GH_PAT: 'ghp_patVALUE0123456789',
      AWS_SECRET_ACCESS_KEY: '/wJalrXUtnFEMI/K7MDENG+bPxRfiCY',
      DATABASE_URL: 'postgres://admin:Hunter2isLong@db.internal/app',
      FETCHWRIGHT_SIGNING_KEY: '/home/me/keys/signing.pem',
      HOME: '/home/me',
      PATH_TO_NOTHING: 'not-a-secret-value',
    });
    expect(found.sort()).toEqual(['/wJalrXUtnFEMI/K7MDENG+bPxRfiCY', 'Hunter2isLong', 'ghp_patVALUE0123456789'].sort());
  });
});

describe('a URL\'s user information, whatever its scheme', () => {
  it('blanks the password of redis://, postgres:// and https:// URLs, with or without a user, and keeps the host', () => {
    const r = new Redactor([]);
    expect(r.text('queue redis://:s3cretpw@queue.internal:6379/0 down')).toBe('queue redis://[REDACTED]@queue.internal:6379/0 down');
    expect(r.text('postgres://admin:hunter2@db/x')).toBe('postgres://[REDACTED]@db/x');
    expect(r.text('https://u:p@h/')).toBe('https://[REDACTED]@h/');
    expect(r.text('see https://example.com/a@b and mailto:x@y')).toBe('see https://example.com/a@b and mailto:x@y');
  });

  it('blanks a command-line argument\'s user information up to its last @, a password holding / or @ included', () => {
    expect(argumentRedacted('redis://:pa/ss@w@queue:6379/0')).toBe('redis://[REDACTED]@queue:6379/0');
    expect(argumentRedacted('--queue=rediss://user:pw@h/1')).toBe('--queue=rediss://[REDACTED]@h/1');
    expect(argumentRedacted('redis://queue:6379/0')).toBe('redis://queue:6379/0');
    expect(argumentRedacted('../shared/vendor-docs/okta.yaml')).toBe('../shared/vendor-docs/okta.yaml');
  });
});
