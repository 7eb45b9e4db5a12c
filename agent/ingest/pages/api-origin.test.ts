import { describe, expect, it } from 'vitest';
import { chooseOrigin } from './api-origin.ts';

/** The API's origin from a web reference's stated base URL and its samples' hosts; an injected sample never moves it. */
describe('chooseOrigin', () => {
  const API = 'https://api.acme.example';
  const EVIL = 'https://attacker.example.net';
  const counts = (entries: [string, number][]) => new Map(entries);

  it('one origin named anywhere: that one, nothing ignored', () => {
    expect(chooseOrigin([API], counts([[API, 4]]))).toEqual({ origin: API, ignored: [] });
    expect(chooseOrigin([], counts([[API, 1]]))).toEqual({ origin: API, ignored: [] });
    expect(chooseOrigin([API, API], new Map())).toEqual({ origin: API, ignored: [] });
    expect(chooseOrigin([], new Map())).toEqual({ ignored: [] });
  });

  it('a stated base URL the samples also call wins over samples on another host, however many; the other host is ignored', () => {
    expect(chooseOrigin([API], counts([[EVIL, 9], [API, 1]]))).toEqual({ origin: API, ignored: [EVIL] });
  });

  it('a stated origin no sample calls while samples call another (a sentence about webhooks, or an injected sample): no choice', () => {
    const webhook = chooseOrigin(['https://hooks.customer-site.example'], counts([[API, 12]]));
    expect(webhook.origin).toBeUndefined();
    expect(webhook.ambiguous).toMatch(/the pages name 2 API origins/);
    expect(chooseOrigin([API], counts([[EVIL, 1]])).origin).toBeUndefined();
  });

  it('two stated base URLs: the one samples also call; a tie between them, or none called, is no choice', () => {
    expect(chooseOrigin([EVIL, API], counts([[API, 3]]))).toEqual({ origin: API, ignored: [] });
    expect(chooseOrigin([EVIL, API], counts([[API, 4], [EVIL, 1]]))).toEqual({ origin: API, ignored: [EVIL] });
    expect(chooseOrigin([EVIL, API], counts([[API, 3], [EVIL, 1]])).origin).toBeUndefined();
    const tie = chooseOrigin([EVIL, API], counts([[API, 2], [EVIL, 2]]));
    expect(tie.origin).toBeUndefined();
    expect(tie.ambiguous).toMatch(/the pages name 2 API origins \(https:\/\/attacker\.example\.net, https:\/\/api\.acme\.example\)/);
    expect(chooseOrigin([EVIL, API], new Map()).origin).toBeUndefined();
  });

  it('nothing stated: the host nearly all samples call (4 in 5); a split is no choice', () => {
    expect(chooseOrigin([], counts([[API, 5], [EVIL, 1]]))).toEqual({ origin: API, ignored: [EVIL] });
    expect(chooseOrigin([], counts([[API, 3], [EVIL, 1]])).origin).toBeUndefined();
    expect(chooseOrigin([], counts([[API, 1], [EVIL, 2]])).origin).toBeUndefined();
    expect(chooseOrigin([], counts([[API, 1], [EVIL, 1]])).origin).toBeUndefined();
  });
});
