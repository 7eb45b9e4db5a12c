import { nonPublicHost } from '../docs-view/public-host.ts';
import { dropNonPublicHostDefaults, resolveBaseUrl } from '../docs-view/server-url.ts';
import { FetchwrightError } from '../errors.ts';
import type { ApiModel, Operation, Server } from '../ingest/api-model.ts';
import type { ConnectorPlan } from './connector-plan.ts';
import { quoted, reasoned } from './evidence.ts';
import { READ_ONLY_REQUEST_POLICY, type RequestPolicy } from '../../policy/request-policy.ts';

/**
 * The API's base URL: the server the chosen operations use, its `{placeholders}` listed for a human
 * to fill (with the docs' defaults). A relative server (`/hub/api`) or none at all becomes a
 * `{host}` the human provides: fetchwright never guesses a tenant's host.
 *
 * Hosts from docs must be public (agent/docs-view/public-host.ts): of the documented servers (https
 * first) the first whose host is a public name or address is taken; a variable in the host whose
 * default would make it private (`{host}` = `localhost`) loses that default, for a human to fill. A
 * plain-http server is taken only when no https one is public, and the plan says the credential is
 * never sent over it. A variable default the request policy refuses (`{action}` = `rotate`) is dropped
 * too, for a human to fill; the server's literal path is judged with each operation's by the planner
 * ({@link serverPath}).
 *
 * Returns `{ url, variables, evidence, confidence }` (the plan's `base_url`). Throws
 * `FetchwrightError('unsafe-host')` (exit 32), naming the server, its file and JSON pointer, when no
 * documented server is a public http(s) host without a user name or password (see {@link unsafeBaseUrl});
 * `FetchwrightError('unreadable-docs')` (exit 4) when the chosen one is not a usable absolute URL with
 * its defaults filled in: a port outside 1–65535 (`:0`), no host (see {@link unusableBaseUrl}).
 */
export function chooseBaseUrl(model: Pick<ApiModel, 'servers'>, ops: Operation[], policy: RequestPolicy = READ_ONLY_REQUEST_POLICY): ConnectorPlan['base_url'] {
  // An operation-level server wins only when every chosen operation names the same one.
  const firstOwn = ops[0]?.servers?.[0];
  const shared = firstOwn && ops.every((op) => op.servers?.[0]?.url === firstOwn.url) ? firstOwn : undefined;
  const https = (s: Server) => /^https:/i.test(s.url);
  const candidates: Server[] = shared ? [shared] : [...model.servers.filter(https), ...model.servers.filter((s) => !https(s))];
  if (!candidates.length) {
    return {
      url: 'https://{host}',
      variables: { host: '' },
      evidence: [reasoned(ops[0]?.source ?? { file: '', pointer: '' }, 'the docs name no server: a human provides the API host')],
      confidence: 0.3,
    };
  }
  const judged = candidates.map((c) => asBaseUrl(c, policy));
  const chosen = judged.find((j) => j.unsafe === undefined);
  if (!chosen) {
    const first = judged[0]!;
    throw new FetchwrightError('unsafe-host', `the docs' server ${JSON.stringify(withoutUserInfo(first.server.url))} cannot be the connector's host: ${first.unsafe}`, {
      file: first.server.source.file,
      at: first.server.source.pointer,
      hint: "Hosts from docs must be public https hosts (a DNS name or a public address, no user name or password): the docs never choose a machine on your network. A live run against a test server is the human's `run --base-url`. Fix the server in the docs, or use the vendor's published description.",
    });
  }
  const { server, url, variables, dropped, refused } = chosen;
  let confidence = chosen.relative ? 0.6 : 0.9;
  const problem = unusableBaseUrl(url, variables);
  if (problem) {
    throw new FetchwrightError('unreadable-docs', `the docs' server ${JSON.stringify(withoutUserInfo(server.url))} cannot be the connector's base URL: ${problem}`, {
      file: server.source.file,
      at: server.source.pointer,
      hint: 'A server must be an absolute http or https URL with a host, a port (if any) from 1 to 65535 and no user name or password (credentials are the host\'s to add, never the docs\'). Fix the server in the docs, or use the vendor\'s published description.',
    });
  }
  // Swagger 2.0's server is put together from `schemes`, `host` and `basePath`: only the host is the docs' text at `/host`.
  const words = server.source.pointer === '/host' ? server.url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0] : server.url;
  const notes = [
    shared ? 'every chosen operation names this server' : 'the docs\' server',
    ...(chosen.relative ? [`it is relative, so a human provides the host (${url})`] : []),
    ...(judged.indexOf(chosen) > 0 ? [`the docs' ${judged.slice(0, judged.indexOf(chosen)).map((j) => JSON.stringify(withoutUserInfo(j.server.url))).join(', ')} ${judged.indexOf(chosen) > 1 ? 'are' : 'is'} not a public host`] : []),
    ...dropped.map((d) => `the default ${JSON.stringify(d.default)} of {${d.name}} is not a public host, so a human provides it`),
    ...refused.map((d) => `the default ${JSON.stringify(d.default)} of {${d.name}} is refused by the request policy (${d.reason}), so a human provides it`),
  ];
  if (/^http:/i.test(url)) {
    notes.push('plain http: the host never sends the credential over it (a live run needs https)');
    confidence = Math.min(confidence, 0.6);
  }
  return { url, variables, evidence: [quoted(server.source, words, notes.join('; '))], confidence };
}

/** One documented server as a candidate base URL: placeholders listed, non-public host defaults dropped, and why it cannot be the host, if it cannot. */
function asBaseUrl(server: Server, policy: RequestPolicy): { server: Server; url: string; variables: Record<string, string>; relative: boolean; dropped: { name: string; default: string }[]; refused: { name: string; default: string; reason: string }[]; unsafe: string | undefined } {
  let url = server.url.replace(/\/+$/, '');
  const variables: Record<string, string> = Object.fromEntries(server.variables.map((v) => [v.name, v.default ?? '']));
  const relative = !/^[a-z{][a-z0-9+.-]*:/i.test(url) || /^[a-z0-9.-]+:\d/i.test(url);
  if (relative && !url.startsWith('{')) {
    url = `https://{host}${url.startsWith('/') ? '' : '/'}${url}`;
    variables.host = '';
  }
  for (const name of [...url.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)) variables[name] ??= '';
  const dropped = dropNonPublicHostDefaults(url, variables);
  // A default the request policy refuses as a path value (`{action}` = `rotate`) is never sent: a human fills the variable.
  const refused: { name: string; default: string; reason: string }[] = [];
  for (const v of server.variables) {
    const value = variables[v.name];
    const refusal = value ? policy.fixedValue('path', v.name, value, v.description) : undefined;
    if (refusal) {
      refused.push({ name: v.name, default: value!, reason: refusal.reason });
      variables[v.name] = '';
    }
  }
  return { server, url, variables, relative: relative && !server.url.startsWith('{'), dropped, refused, unsafe: unsafeBaseUrl(url, variables) };
}

/**
 * Why a base URL (with `{placeholders}` filled from `variables`, the docs' defaults) cannot be requested,
 * or undefined when it can: a scheme other than http/https, a port outside 1–65535, no host, or
 * credentials in it. Placeholders without a default are filled the way a validation run fills them
 * ({@link resolveBaseUrl}), so what is checked is what would be requested. Never throws.
 */
export function unusableBaseUrl(url: string, variables: Record<string, string>): string | undefined {
  const withDefaults = url.replace(/\{([^}]+)\}/g, (whole, name: string) => variables[name] || whole);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(withDefaults)?.[1];
  if (scheme && !/^https?$/i.test(scheme)) return `${scheme}: is not http or https`;
  const concrete = resolveBaseUrl({ url, variables }, 'vendor');
  const port = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:@]*):(\d+)(?=[/?#]|$)/i.exec(concrete)?.[1];
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65_535)) return `port ${Number(port)} is not a port a request can be sent to (1–65535)`;
  const parsed = URL.parse(concrete);
  if (!parsed) return `it is not an absolute URL once its placeholders are filled (${JSON.stringify(withoutUserInfo(concrete))})`;
  if (parsed.hostname === '') return 'it names no host';
  if (parsed.username !== '' || parsed.password !== '') return 'it has a user name or password in it; credentials are never taken from the docs';
  return undefined;
}

/**
 * Why a base URL (with `{placeholders}` filled from `variables`, the docs' defaults, or as a validation
 * run fills them) must not be the connector's host, or undefined: a scheme other than http/https
 * (`gopher:`, `file:`), a user name or password in it, or a host that is not public — loopback,
 * private, link-local, metadata and the rest, in any spelling (agent/docs-view/public-host.ts).
 * Never throws.
 */
export function unsafeBaseUrl(url: string, variables: Record<string, string>): string | undefined {
  const withDefaults = url.replace(/\{([^}]+)\}/g, (whole, name: string) => variables[name] || whole);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(withDefaults)?.[1];
  if (scheme && !/^https?$/i.test(scheme) && !/^[a-z0-9.-]+:\d/i.test(withDefaults)) return `${scheme}: is not http or https`;

  const parsed = URL.parse(resolveBaseUrl({ url, variables }, 'vendor'));
  if (!parsed) return undefined; // not a URL at all: unusableBaseUrl says so
  if (parsed.username !== '' || parsed.password !== '') return 'it has a user name or password in it; credentials are never taken from the docs';
  const host = nonPublicHost(parsed.hostname);
  return host ? `${host}, not a public host` : undefined;
}

/** `https://user:secret@host/…` → `https://[REDACTED]@host/…`: what the docs put in a URL's user-info is never repeated. */
function withoutUserInfo(url: string): string {
  return url.replace(/^([a-z{][^:/]*:\/\/)[^/?#@]*@/i, '$1[REDACTED]@');
}

/**
 * The path part of a base URL template (`https://{host}/hub/api` → `/hub/api`, placeholders kept,
 * no trailing slash; `''` when it has none): what every operation's path is joined to on the wire, so
 * the request policy judges the two together. Never throws.
 */
export function serverPath(url: string): string {
  const rest = url.replace(/^[a-z{][a-z0-9+.{}-]*:\/\/[^/?#]*/i, '').replace(/^\{[^}/]*\}(?=\/|$)/, '');
  return (rest.split(/[?#]/, 1)[0] ?? '').replace(/\/+$/, '');
}
