import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { FetchwrightError } from '../errors.ts';
import { MAX_CATALOGUE_BYTES, nearest, readCatalogue } from './catalogue.ts';

/**
 * The catalogue `fetchwright expand` works through: every bad entry is its own problem naming the
 * file, the entry and the field, with what to write, and never stops the valid entries; the file
 * itself is read as untrusted text (size, aliases, nesting, `__proto__`, control characters).
 */
describe('readCatalogue', () => {
  let dir: string;
  /** Writes `text` as a catalogue in the test folder and returns its path. */
  const catalogue = (text: string, name = 'vendors.yaml') => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  /** The FetchwrightError `readCatalogue` throws for `file`. */
  const refused = (file: string): FetchwrightError => {
    try {
      readCatalogue(file);
    } catch (e) {
      expect(e).toBeInstanceOf(FetchwrightError);
      return e as FetchwrightError;
    }
    throw new Error('readCatalogue did not throw');
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'catalogue-'));
    mkdirSync(path.join(dir, 'docs', 'split'), { recursive: true });
    writeFileSync(path.join(dir, 'docs', 'okta.yaml'), 'openapi: 3.0.3\n');
    writeFileSync(path.join(dir, 'docs', 'slack.json'), '{}');
    writeFileSync(path.join(dir, 'shapes.json'), '{}');
    symlinkSync('loop-b', path.join(dir, 'loop-a'));
    symlinkSync('loop-a', path.join(dir, 'loop-b'));
  });

  it('reads valid entries with their defaults and resolved paths, highest priority first, then catalogue order', () => {
    const file = catalogue(`vendors:
  - vendor: okta
    docs: docs/okta.yaml
    owner: "@acme/identity"
  - vendor: slack
    docs: docs/slack.json
    owner: jane@example.com
    priority: 10
    tenant: { team: acme, port: 8443, tls: true }
    skip_streams: [api_tokens, api_tokens, users]
    observed: shapes.json
  - vendor: snowflake
    docs: docs/split
    owner: ops
    priority: -1
  - vendor: linode
    docs: ${path.join(dir, 'docs', 'okta.yaml')}
    owner: ops
`);
    const { entries, problems } = readCatalogue(file);
    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.vendor, e.priority, e.index])).toEqual([
      ['slack', 10, 1],
      ['okta', 0, 0],
      ['linode', 0, 3],
      ['snowflake', -1, 2],
    ]);
    const [slack, okta, linode] = entries;
    expect(okta).toEqual({ index: 0, vendor: 'okta', docs: 'docs/okta.yaml', docsPath: path.join(dir, 'docs', 'okta.yaml'), owner: '@acme/identity', priority: 0, tenant: {}, skip_streams: [] });
    expect(slack!.tenant).toEqual({ team: 'acme', port: '8443', tls: 'true' });
    expect(slack!.skip_streams).toEqual(['api_tokens', 'users']);
    expect(slack!.observed).toBe('shapes.json');
    expect(slack!.observedPath).toBe(path.join(dir, 'shapes.json'));
    // An absolute docs path is the operator's to give: kept as written.
    expect(linode!.docs).toBe(path.join(dir, 'docs', 'okta.yaml'));
  });

  it('reads a top-level list and JSON alike', () => {
    expect(readCatalogue(catalogue('- { vendor: okta, docs: docs/okta.yaml, owner: a }\n', 'list.yaml')).entries.map((e) => e.vendor)).toEqual(['okta']);
    const json = catalogue(JSON.stringify({ vendors: [{ vendor: 'okta', docs: 'docs/okta.yaml', owner: 'a' }] }), 'vendors.json');
    expect(readCatalogue(json).entries.map((e) => e.vendor)).toEqual(['okta']);
  });

  it('reports each bad entry on its own, with file, entry, vendor, field and what to write, and still returns the good ones', () => {
    const file = catalogue(`vendors:
  - vendor: okta
    docs: docs/okta.yaml
    owner: a
  - docs: docs/okta.yaml
    owner: a
  - vendor: Okta Inc
    docs: docs/okta.yaml
    owner: a
  - vendor: slack
    docs: docs/missing.yaml
    owner: a
  - vendor: linode
    docs: docs/okta.yaml
  - vendor: twilio
    docs: docs/okta.yaml
    owner: "line one\\nline two"
  - vendor: netlify
    docs: docs/okta.yaml
    owner: a
    priority: high
  - vendor: datadog
    docs: docs/okta.yaml
    owner: a
    priority: 1.5
  - vendor: pagerduty
    docs: docs/okta.yaml
    owner: a
    tenant: { "sub domain": acme }
  - vendor: kubernetes
    docs: docs/okta.yaml
    owner: a
    skip_streams: [users, Groups]
  - vendor: jupyterhub
    docs: docs/okta.yaml
    owner: a
    observed: missing-shapes.json
  - vendor: digitalocean
    docs: docs/okta.yaml
    owner: a
    skipStreams: [users]
  - vendor: snowflake
    docs: docs/split
    owner: a
    observed: docs
  - just a string
  - vendor: okta
    docs: docs/okta.yaml
    owner: b
  - vendor: tailscale
    docs: docs/okta.yaml
    owner: a
    tenant: { tailnet: { nested: map } }
`);
    const { entries, problems } = readCatalogue(file);
    expect(entries.map((e) => e.vendor)).toEqual(['okta']);
    const byEntry = new Map(problems.map((p) => [p.entry, p]));
    expect(problems.every((p) => p.file === file)).toBe(true);
    const expectProblem = (entry: number, vendor: string | null, field: string | null, ...words: RegExp[]) => {
      const p = byEntry.get(entry);
      expect(p, `entry ${entry}`).toBeDefined();
      expect([p!.vendor, p!.field]).toEqual([vendor, field]);
      for (const w of words) expect(p!.message).toMatch(w);
    };
    expectProblem(1, null, 'vendor', /^vendor is missing: write the vendor's short name/);
    expectProblem(2, 'Okta Inc', 'vendor', /vendor "Okta Inc" is not a vendor name \(perhaps vendor: okta-inc\)/, /lower-case letters, digits and dashes/);
    expectProblem(3, 'slack', 'docs', /docs "docs\/missing\.yaml" \(".*missing\.yaml"\) does not exist: write the path of the vendor's OpenAPI/);
    expectProblem(4, 'linode', 'owner', /^owner is missing: write the team or person/);
    expectProblem(5, 'twilio', 'owner', /owner "line one\\nline two" holds a control character or a line break/);
    expectProblem(6, 'netlify', 'priority', /priority is a string "high", not a number: write a whole number/);
    expectProblem(7, 'datadog', 'priority', /priority is a number 1\.5, not a whole number/);
    expectProblem(8, 'pagerduty', 'tenant.sub domain', /tenant variable name "sub domain" is not a variable name: write a map/);
    expectProblem(9, 'kubernetes', 'skip_streams.1', /skip_streams\.1 "Groups" is not a stream name: write a list of at most 500 stream names/);
    expectProblem(10, 'jupyterhub', 'observed', /observed "missing-shapes\.json" .* does not exist: write the path of a shapes file written by fetchwright run --observe/);
    expectProblem(11, 'digitalocean', 'skipStreams', /unknown field "skipStreams" \(did you mean skip_streams\?\): an entry's fields are vendor, docs, owner/);
    expectProblem(12, 'snowflake', 'observed', /observed "docs" .* is a folder, not a file/);
    expectProblem(13, null, null, /the entry is a string, not a mapping/);
    expectProblem(14, 'okta', 'vendor', /vendor okta is already the vendor of entry 0 \(vendors\[0\]\): each vendor appears once/);
    expectProblem(15, 'tailscale', 'tenant.tailnet', /tenant\.tailnet is a mapping, not a string/);
    expect(problems).toHaveLength(15);
  });

  it('lists every problem of one entry in its one message, each field\'s help once', () => {
    const file = catalogue(`vendors:
  - vendor: BAD
    docs: nowhere
    owner: ""
    priority: 99999999
    tenant: { "a b": x, "c d": y }
`);
    const { problems } = readCatalogue(file);
    expect(problems).toHaveLength(1);
    const [p] = problems;
    expect(p!.field).toBe('vendor');
    expect(p!.message).toMatch(/^vendor "BAD" is not a vendor name .*; owner "" is empty: write .*; priority is 99999999, out of range \(at most 1000000\): write .*; docs "nowhere" .* does not exist: write/);
    expect(p!.message.match(/write a map of/g)).toHaveLength(1);
    expect(p!.message).toContain('"a b"');
    expect(p!.message).toContain('"c d"');
  });

  it('makes every later entry of a vendor a problem, even when the first is invalid', () => {
    const file = catalogue(`vendors:
  - { vendor: okta, docs: nowhere, owner: a }
  - { vendor: okta, docs: docs/okta.yaml, owner: a }
  - { vendor: okta, docs: docs/okta.yaml, owner: a }
`);
    const { entries, problems } = readCatalogue(file);
    expect(entries).toEqual([]);
    expect(problems.map((p) => [p.entry, p.field])).toEqual([[0, 'docs'], [1, 'vendor'], [2, 'vendor']]);
    expect(problems[2]!.message).toMatch(/already the vendor of entry 0/);
  });

  it('reports a docs path that is a symbolic link loop, and accepts a .. path as given', () => {
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    const file = path.join(dir, 'sub', 'vendors.yaml');
    writeFileSync(file, `vendors:
  - { vendor: okta, docs: ../loop-a, owner: a }
  - { vendor: slack, docs: ../docs/slack.json, owner: a }
`);
    const { entries, problems } = readCatalogue(file);
    expect(problems.map((p) => [p.entry, p.field])).toEqual([[0, 'docs']]);
    expect(problems[0]!.message).toMatch(/docs "\.\.\/loop-a" .* is a symbolic link loop/);
    expect(entries[0]!.docs).toBe('../docs/slack.json');
    expect(entries[0]!.docsPath).toBe(path.join(dir, 'docs', 'slack.json'));
  });

  it('keeps a web reference\'s http(s) URL as written, and refuses one with a user or password, or another scheme, without showing the password', () => {
    const file = catalogue(`vendors:
  - { vendor: mailman, docs: "https://docs.example.org/mailman/rest/users.html", owner: a }
  - { vendor: plain, docs: "http://127.0.0.1:8080/docs/", owner: a }
  - { vendor: secret, docs: "https://admin:hunter2@docs.example.org/api/", owner: a }
  - { vendor: ftp, docs: "ftp://docs.example.org/api/", owner: a }
`);
    const { entries, problems } = readCatalogue(file);
    expect(entries.map((e) => [e.vendor, e.docs, e.docsPath])).toEqual([
      ['mailman', 'https://docs.example.org/mailman/rest/users.html', 'https://docs.example.org/mailman/rest/users.html'],
      ['plain', 'http://127.0.0.1:8080/docs/', 'http://127.0.0.1:8080/docs/'],
    ]);
    expect(problems.map((p) => [p.entry, p.vendor, p.field])).toEqual([
      [2, 'secret', 'docs'],
      [3, 'ftp', 'docs'],
    ]);
    expect(problems[0]!.message).toMatch(/^docs "https:\/\/…@docs\.example\.org\/api\/": the docs URL carries a user or password: fetchwright never sends credentials to docs/);
    expect(problems[0]!.message).not.toMatch(/hunter2|admin/);
    expect(problems[1]!.message).toMatch(/^docs "ftp:\/\/docs\.example\.org\/api\/": a URL fetchwright does not read: .*or the http\(s\) URL of its web reference/);
  });

  it('a credential anywhere in a docs URL never reaches a problem\'s text: a password holding ? or #, blanks before the URL, a token in the query', () => {
    const file = catalogue(`vendors:
  - { vendor: qmark, docs: "https://admin:s3cr3t?XYZ@docs.example.org/api/", owner: a }
  - { vendor: spaced, docs: " https://admin:HUNTER2@docs.example.org/api/", owner: a }
  - { vendor: hashpw, docs: "https://admin:pa#ss@docs.example.org/api/", owner: a }
  - { vendor: query, docs: "https://docs.example.org/api/?access_token=QTOKEN", owner: a }
  - vendor: block
    docs: |
      https://admin:NLSECRET@docs.example.org/api/
    owner: a
  - { vendor: backslash, docs: "https:\\\\admin:BSSECRET@docs.example.org/api/", owner: a }
`);
    const { entries, problems } = readCatalogue(file);
    expect(entries).toEqual([]);
    expect(problems.map((p) => p.vendor)).toEqual(['qmark', 'spaced', 'hashpw', 'query', 'block', 'backslash']);
    for (const p of problems) expect(p.message).not.toMatch(/s3cr3t|XYZ|HUNTER2|pa#ss|QTOKEN|NLSECRET|BSSECRET|admin/);
    expect(problems[3]!.message).toMatch(/carries a credential in its query \(access_token=…\)/);
  });

  it('reports unknown top-level fields without dropping the vendor list', () => {
    const { entries, problems } = readCatalogue(catalogue(`defaults: { owner: a }
vendors:
  - { vendor: okta, docs: docs/okta.yaml, owner: a }
`));
    expect(entries).toHaveLength(1);
    expect(problems).toEqual([{ file: expect.any(String), entry: null, vendor: null, field: 'defaults', message: expect.stringMatching(/unknown top-level field "defaults"/) }]);
  });

  it('keeps a __proto__ key from touching any prototype: an unknown field, or a tenant name refused', () => {
    const file = catalogue(`vendors:
  - vendor: okta
    docs: docs/okta.yaml
    owner: a
    __proto__: { polluted: true }
  - vendor: slack
    docs: docs/okta.yaml
    owner: a
    tenant: { __proto__: x, team: t }
`);
    const { entries, problems } = readCatalogue(file);
    expect(entries).toEqual([]);
    expect(problems.map((p) => [p.entry, p.field])).toEqual([[0, '__proto__'], [1, 'tenant.__proto__']]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('quotes control characters in a vendor or a path as escapes, never raw', () => {
    const file = catalogue(`vendors:
  - { vendor: "okta\\e[31m\\u202e", docs: "no\\ewhere", owner: a }
`);
    const [p] = readCatalogue(file).problems;
    expect(p!.vendor).toBe('okta\u001b[31m\u202e');
    expect(p!.message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(p!.message).toContain('\\u001b[31m');
    expect(p!.message).toContain('docs "no\\u001bwhere" holds a control character');
  });

  describe('refuses a file it cannot read as a catalogue (invalid-catalogue, exit 34)', () => {
    it('a missing file, a folder, an empty file, a FIFO', () => {
      for (const [file, words] of [
        [path.join(dir, 'nope.yaml'), /does not exist/],
        [path.join(dir, 'docs'), /is a folder, not a file/],
        [catalogue('  \n', 'empty.yaml'), /is empty/],
      ] as const) {
        const e = refused(file);
        expect([e.code, e.exitCode, e.details.file]).toEqual(['invalid-catalogue', 34, file]);
        expect(e.message).toMatch(words);
        expect(e.details.hint).toBeTruthy();
      }
      const fifo = path.join(dir, 'fifo.yaml');
      execFileSync('mkfifo', [fifo]);
      expect(refused(fifo).message).toMatch(/is not a regular file/);
    });

    it('broken YAML, with the line and column', () => {
      const e = refused(catalogue('vendors:\n  - vendor: okta\n   docs: [unclosed\n', 'broken.yaml'));
      expect(e.message).toMatch(/is not valid YAML/);
      expect(e.details.at).toMatch(/^\d+:\d+$/);
    });

    it('a duplicate key in a mapping', () => {
      expect(refused(catalogue('vendors:\n  - { vendor: okta, vendor: slack, docs: d, owner: a }\n', 'dup.yaml')).message).toMatch(/not valid YAML: .*duplicate/i);
    });

    it('no vendor list: a mapping without vendors (with a near name), a scalar, vendors that is not a list', () => {
      const near = refused(catalogue('Vendors:\n  - { vendor: okta, docs: d, owner: a }\n', 'near.yaml'));
      expect(near.message).toMatch(/holds no vendor list \("Vendors" is not vendors\)/);
      expect(refused(catalogue('just text\n', 'scalar.yaml')).message).toMatch(/holds no vendor list/);
      expect(refused(catalogue('vendors: { okta: {} }\n', 'map.yaml')).message).toMatch(/holds no vendor list/);
    });

    it('a file over the size limit, before parsing it', () => {
      const e = refused(catalogue(`# ${'x'.repeat(MAX_CATALOGUE_BYTES)}\nvendors: []\n`, 'huge.yaml'));
      // Refused from its size on disk, before a byte is read.
      expect(e.message).toMatch(/is 4\.0 MB, over the 4 MB limit/);
    });

    it('an alias bomb, an alias cycle, deep nesting', () => {
      const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
      bomb.push('vendors: []');
      expect(refused(catalogue(`${bomb.join('\n')}\n`, 'bomb.yaml')).message).toMatch(/expands, through YAML aliases, to more than 1,000,000 values/);
      expect(refused(catalogue(`vendors: ${'['.repeat(200)}${']'.repeat(200)}\n`, 'deep.yaml')).message).toMatch(/not valid YAML: .*nesting exceeded|nested too deep/);
      expect(refused(catalogue('vendors: &v [*v]\n', 'cycle.yaml')).message).toMatch(/contains itself through a YAML alias/);
      const many = `x: &x 1\nvendors: [${Array(1_001).fill('*x').join(', ')}]\n`;
      expect(refused(catalogue(many, 'aliases.yaml')).message).toMatch(/maxAliases/);
    });
  });

  it('suggests a field for a near name', () => {
    expect(nearest(['skip-streams'], ['skip_streams', 'owner'])).toBe('skip_streams');
    expect(nearest(['ownr'], ['skip_streams', 'owner'])).toBe('owner');
    expect(nearest(['Priority'], ['priority'])).toBe('priority');
    expect(nearest(['SKIP-STREAMS'], ['skip_streams', 'owner'])).toBe('skip_streams');
    expect(nearest(['zzzzzz'], ['owner'])).toBeUndefined();
  });
});
