import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FetchwrightError } from '../errors.ts';
import { findCodeowners, openDraftPullRequest, reviewersFromCodeowners, type DraftPullRequest } from './github.ts';
import { rejection } from '../../test/helpers/rejection.ts';

const TOKEN = 'ghp_FAKEfetchwrightTOKEN0123456789abcdef';
const API = 'https://api.github.com/repos/acme/connectors';

interface Sent {
  method: string;
  url: string;
  auth: string | null;
  headers: string;
  body: string;
}
let sent: Sent[] = [];

async function record(request: Request): Promise<unknown> {
  const body = await request.text();
  const headers = [...request.headers].filter(([k]) => k !== 'authorization').map(([k, v]) => `${k}: ${v}`).join('\n');
  sent.push({ method: request.method, url: request.url, auth: request.headers.get('authorization'), headers, body });
  return body ? JSON.parse(body) : undefined;
}

const created = http.post(`${API}/pulls`, async ({ request }) => {
  await record(request);
  return HttpResponse.json({ number: 42, html_url: 'https://github.com/acme/connectors/pull/42', draft: true }, { status: 201 });
});
const labelled = http.post(`${API}/issues/42/labels`, async ({ request }) => {
  await record(request);
  return HttpResponse.json([{ name: 'fetchwright' }]);
});
const reviewersOk = http.post(`${API}/pulls/42/requested_reviewers`, async ({ request }) => {
  await record(request);
  return HttpResponse.json({ number: 42 }, { status: 201 });
});

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
beforeEach(() => {
  sent = [];
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const BODY = '## Credentials to provision\n- [ ] Okta API token with `okta.users.read` ([docs](https://developer.okta.com))\n\n## Scorecard\npassed';

function request(overrides: Partial<DraftPullRequest> = {}): DraftPullRequest {
  return {
    owner: 'acme',
    repo: 'connectors',
    token: TOKEN,
    head: 'fetchwright/okta',
    base: 'main',
    title: 'Add the okta identity connector',
    body: BODY,
    labels: ['fetchwright', 'connector'],
    reviewers: { users: ['octo'], teams: ['iam-reviewers'] },
    ...overrides,
  };
}

/** The token travels in the Authorization header and nowhere else. */
function expectTokenOnlyInAuthorization(...more: unknown[]): void {
  for (const s of sent) {
    expect(s.auth).toBe(`token ${TOKEN}`);
    expect(s.url).not.toContain(TOKEN);
    expect(s.body).not.toContain(TOKEN);
    expect(s.headers).not.toContain(TOKEN);
  }
  for (const m of more) expect(JSON.stringify(m) ?? String(m)).not.toContain(TOKEN);
}


describe('openDraftPullRequest', () => {
  it('opens a draft PR, labels it and requests the reviewers — and never merges', async () => {
    server.use(created, labelled, reviewersOk);
    const pr = await openDraftPullRequest(request());
    expect(pr).toEqual({ number: 42, url: 'https://github.com/acme/connectors/pull/42', warnings: [] });

    expect(sent.map((s) => `${s.method} ${new URL(s.url).pathname}`)).toEqual([
      'POST /repos/acme/connectors/pulls',
      'POST /repos/acme/connectors/issues/42/labels',
      'POST /repos/acme/connectors/pulls/42/requested_reviewers',
    ]);
    const [create, labels, reviewers] = sent.map((s) => JSON.parse(s.body) as Record<string, unknown>);
    expect(create).toEqual({ head: 'fetchwright/okta', base: 'main', title: 'Add the okta identity connector', body: BODY, draft: true });
    expect(create?.body).toContain('## Credentials to provision');
    expect(labels).toEqual({ labels: ['fetchwright', 'connector'] });
    expect(reviewers).toEqual({ reviewers: ['octo'], team_reviewers: ['iam-reviewers'] });
    expectTokenOnlyInAuthorization(pr);
  });

  it('skips the labels and reviewers calls when there are none', async () => {
    server.use(created);
    const pr = await openDraftPullRequest(request({ labels: [], reviewers: { users: [], teams: [] } }));
    expect(pr.number).toBe(42);
    expect(sent).toHaveLength(1);
  });

  it('normalises @names and org/team names before asking', async () => {
    server.use(created, labelled, reviewersOk);
    await openDraftPullRequest(request({ reviewers: { users: ['@octo', 'octo'], teams: ['@acme/iam-reviewers', 'iam-reviewers'] } }));
    expect(JSON.parse(sent[2]?.body ?? '')).toEqual({ reviewers: ['octo'], team_reviewers: ['iam-reviewers'] });
  });

  it('turns a reviewer GitHub refuses (422) into a warning and still asks everyone else', async () => {
    server.use(
      created,
      labelled,
      http.post(`${API}/pulls/42/requested_reviewers`, async ({ request }) => {
        const body = (await record(request)) as { reviewers?: string[] };
        if (body.reviewers?.includes('outsider')) {
          return HttpResponse.json({ message: 'Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the acme/connectors repository.', documentation_url: 'https://docs.github.com/rest' }, { status: 422 });
        }
        return HttpResponse.json({ number: 42 }, { status: 201 });
      }),
    );
    const pr = await openDraftPullRequest(request({ reviewers: { users: ['octo', 'outsider'], teams: ['iam-reviewers'] } }));
    expect(pr.number).toBe(42);
    expect(pr.warnings).toHaveLength(1);
    expect(pr.warnings[0]).toMatch(/@outsider was not requested: HTTP 422: Reviews may only be requested from collaborators/);
    // The batch, then one request per reviewer.
    expect(sent.filter((s) => s.url.endsWith('/requested_reviewers')).map((s) => JSON.parse(s.body))).toEqual([
      { reviewers: ['octo', 'outsider'], team_reviewers: ['iam-reviewers'] },
      { reviewers: ['octo'] },
      { reviewers: ['outsider'] },
      { team_reviewers: ['iam-reviewers'] },
    ]);
    expectTokenOnlyInAuthorization(pr);
  });

  it('keeps the PR when labelling is refused, and says so', async () => {
    server.use(
      created,
      http.post(`${API}/issues/42/labels`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ message: 'Resource not accessible by personal access token' }, { status: 403 });
      }),
      reviewersOk,
    );
    const pr = await openDraftPullRequest(request());
    expect(pr.number).toBe(42);
    expect(pr.warnings).toEqual(['labels fetchwright, connector were not added: HTTP 403: Resource not accessible by personal access token']);
  });

  it('fails a refused token (401) with the status and message, never the token — even when GitHub echoes it', async () => {
    server.use(
      http.post(`${API}/pulls`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ message: `Bad credentials: ${TOKEN}`, documentation_url: 'https://docs.github.com/rest' }, { status: 401 });
      }),
    );
    const e = await rejection(openDraftPullRequest(request()));
    expect(e.code).toBe('github-failed');
    expect(e.message).toContain('HTTP 401: Bad credentials');
    expect(e.message).toContain('[REDACTED]');
    expect(e.details.hint).toMatch(/refused the token/);
    expect(sent).toHaveLength(1);
    expectTokenOnlyInAuthorization(e.message, e.render(), e, String(e.stack));
  });

  it("reports GitHub's reason when the PR cannot be opened (422)", async () => {
    server.use(
      http.post(`${API}/pulls`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:fetchwright/okta.' }] }, { status: 422 });
      }),
    );
    const e = await rejection(openDraftPullRequest(request()));
    expect(e.code).toBe('github-failed');
    expect(e.message).toContain('HTTP 422: Validation Failed (A pull request already exists for acme:fetchwright/okta.)');
    expect(e.message).toContain('fetchwright/okta into main');
    expectTokenOnlyInAuthorization(e.message, e.render());
  });

  it('talks to a GitHub Enterprise API URL, through the fetch it is given', async () => {
    const ghe = 'https://ghe.example.test/api/v3/repos/acme/connectors';
    server.use(
      http.post(`${ghe}/pulls`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ number: 7, html_url: 'https://ghe.example.test/acme/connectors/pull/7' }, { status: 201 });
      }),
    );
    const seen: string[] = [];
    const pr = await openDraftPullRequest(
      request({
        baseUrl: 'https://ghe.example.test/api/v3/',
        labels: [],
        reviewers: { users: [], teams: [] },
        fetch: (input, init) => {
          seen.push(String(input instanceof Request ? input.url : input));
          return globalThis.fetch(input, init);
        },
      }),
    );
    expect(pr).toEqual({ number: 7, url: 'https://ghe.example.test/acme/connectors/pull/7', warnings: [] });
    expect(seen).toEqual([`${ghe}/pulls`]);
  });

  it('refuses to start without a token or with head equal to base', async () => {
    expect((await rejection(openDraftPullRequest(request({ token: '' })))).code).toBe('usage');
    expect((await rejection(openDraftPullRequest(request({ head: 'main' })))).code).toBe('usage');
    expect(sent).toHaveLength(0);
  });
});

describe('reviewersFromCodeowners', () => {
  const FILE = 'connectors/okta/fetcher.ts';

  it('lets the last matching pattern win, and ignores comments, blank lines and emails', () => {
    const text = [
      '# Default owners',
      '*       @acme/everyone',
      '',
      'connectors/   @acme/iam-reviewers @octo   # identity team',
      '*.md    @docs-writer',
      '/connectors/okta/   @okta-expert security@acme.example',
    ].join('\n');
    expect(reviewersFromCodeowners(text, FILE)).toEqual({ users: ['okta-expert'], teams: [] });
    expect(reviewersFromCodeowners(text, 'connectors/github/fetcher.ts')).toEqual({ users: ['octo'], teams: ['iam-reviewers'] });
    expect(reviewersFromCodeowners(text, 'connectors/github/README.md')).toEqual({ users: ['docs-writer'], teams: [] });
    expect(reviewersFromCodeowners(text, 'src/index.ts')).toEqual({ users: [], teams: ['everyone'] });
  });

  it('matches extensions at any depth, and a file-pattern later wins over a directory', () => {
    expect(reviewersFromCodeowners('connectors/ @acme/iam\n*.ts @ts-owner\n', FILE)).toEqual({ users: ['ts-owner'], teams: [] });
    expect(reviewersFromCodeowners('*.ts @ts-owner\nconnectors/ @acme/iam\n', FILE)).toEqual({ users: [], teams: ['iam'] });
    expect(reviewersFromCodeowners('*.js @js-owner\n', FILE)).toEqual({ users: [], teams: [] });
  });

  it('anchors patterns with a leading or middle slash, and not the others', () => {
    expect(reviewersFromCodeowners('/okta/ @root-okta\n', FILE)).toEqual({ users: [], teams: [] });
    expect(reviewersFromCodeowners('okta/ @any-okta\n', FILE)).toEqual({ users: ['any-okta'], teams: [] });
    expect(reviewersFromCodeowners('/connectors/ @root-connectors\n', FILE)).toEqual({ users: ['root-connectors'], teams: [] });
    expect(reviewersFromCodeowners('okta/fetcher.ts @nested\n', FILE)).toEqual({ users: [], teams: [] });
    expect(reviewersFromCodeowners('connectors/okta @dir-no-slash\n', FILE)).toEqual({ users: ['dir-no-slash'], teams: [] });
  });

  it('handles ** and a final /* as GitHub does', () => {
    expect(reviewersFromCodeowners('**/okta/** @deep\n', FILE)).toEqual({ users: ['deep'], teams: [] });
    expect(reviewersFromCodeowners('connectors/**/fetcher.ts @any-fetcher\n', FILE)).toEqual({ users: ['any-fetcher'], teams: [] });
    expect(reviewersFromCodeowners('connectors/**/fetcher.ts @any-fetcher\n', 'connectors/fetcher.ts')).toEqual({ users: ['any-fetcher'], teams: [] });
    expect(reviewersFromCodeowners('** @everyone\n', FILE)).toEqual({ users: ['everyone'], teams: [] });
    // docs/* owns docs/a.md but not docs/guide/b.md.
    expect(reviewersFromCodeowners('connectors/* @top-level-only\n', FILE)).toEqual({ users: [], teams: [] });
    expect(reviewersFromCodeowners('connectors/okta/* @direct\n', FILE)).toEqual({ users: ['direct'], teams: [] });
  });

  it('treats a matching pattern with no owners as nobody, and does not let "." or regex characters leak', () => {
    expect(reviewersFromCodeowners('* @acme/everyone\nconnectors/okta/\n', FILE)).toEqual({ users: [], teams: [] });
    expect(reviewersFromCodeowners('*.ts @ts-owner\n', 'connectors/okta/fetcherXts')).toEqual({ users: [], teams: [] });
    expect(reviewersFromCodeowners('connectors/(okta)/ @parens\n', FILE)).toEqual({ users: [], teams: [] });
  });

  it('accepts a path written with ./ or a leading slash', () => {
    expect(reviewersFromCodeowners('/connectors/ @c\n', `./${FILE}`)).toEqual({ users: ['c'], teams: [] });
    expect(reviewersFromCodeowners('/connectors/ @c\n', `/${FILE}`)).toEqual({ users: ['c'], teams: [] });
  });
});

describe('findCodeowners', () => {
  it('reads .github/CODEOWNERS first, then CODEOWNERS, then docs/CODEOWNERS', async () => {
    const repo = await mkdtemp(path.join(os.tmpdir(), 'fetchwright-codeowners-'));
    try {
      expect(await findCodeowners(repo)).toBeUndefined();
      await mkdir(path.join(repo, 'docs'));
      await writeFile(path.join(repo, 'docs/CODEOWNERS'), '* @docs\n');
      expect(await findCodeowners(repo)).toBe('* @docs\n');
      await writeFile(path.join(repo, 'CODEOWNERS'), '* @root\n');
      expect(await findCodeowners(repo)).toBe('* @root\n');
      await mkdir(path.join(repo, '.github'));
      await writeFile(path.join(repo, '.github/CODEOWNERS'), '* @github\n');
      expect(await findCodeowners(repo)).toBe('* @github\n');
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});
