import { describe, expect, it } from 'vitest';
import { chooseOrigin } from './api-origin.ts';

/** The API's origin from a web reference's stated base URL and its samples' hosts; a statement confirms the samples, never outvotes them. */
describe('chooseOrigin', () => {
  const API = 'https://api.acme.example';
  const EVIL = 'https://attacker.example.net';
  const counts = (entries: [string, number][]) => new Map(entries);

  it('the origin nearly all samples call (4 in 5), stated or not; the others ignored', () => {
    expect(chooseOrigin([API], counts([[API, 4]]))).toEqual({ origin: API, ignored: [] });
    expect(chooseOrigin([], counts([[API, 1]]))).toEqual({ origin: API, ignored: [] });
    expect(chooseOrigin([], counts([[API, 5], [EVIL, 1]]))).toEqual({ origin: API, ignored: [EVIL] });
    expect(chooseOrigin([EVIL, API], counts([[API, 4], [EVIL, 1]]))).toEqual({ origin: API, ignored: [EVIL] });
  });

  it('a statement alone (the samples are paths) is the origin, marked for a human to confirm', () => {
    expect(chooseOrigin([API, API], new Map())).toEqual({ origin: API, ignored: [], statedOnly: true });
    expect(chooseOrigin([], new Map())).toEqual({ ignored: [] });
  });

  it('a statement never outvotes the samples: a sentence about webhooks, a planted "sandbox" base URL with one sample of its own', () => {
    const webhook = chooseOrigin(['https://hooks.customer-site.example'], counts([[API, 12]]));
    expect(webhook.origin).toBeUndefined();
    expect(webhook.ambiguous).toMatch(/the pages name 2 API origins/);
    expect(chooseOrigin([EVIL], counts([[EVIL, 1], [API, 5]])).origin).toBeUndefined();
    expect(chooseOrigin([API], counts([[EVIL, 9], [API, 1]])).origin).toBeUndefined();
    expect(chooseOrigin([API], counts([[EVIL, 1]])).origin).toBeUndefined();
  });

  it('samples split between hosts (under 4 in 5), or several statements and no sample: no choice', () => {
    expect(chooseOrigin([], counts([[API, 3], [EVIL, 1]])).origin).toBeUndefined();
    expect(chooseOrigin([], counts([[API, 1], [EVIL, 2]])).origin).toBeUndefined();
    expect(chooseOrigin([EVIL, API], counts([[API, 3], [EVIL, 1]])).origin).toBeUndefined();
    const two = chooseOrigin([EVIL, API], new Map());
    expect(two.origin).toBeUndefined();
    expect(two.ambiguous).toMatch(/the pages name 2 API origins \(https:\/\/attacker\.example\.net, https:\/\/api\.acme\.example\)/);
  });
});
