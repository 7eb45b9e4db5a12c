import { resolveBaseUrl } from '../docs-view/server-url.ts';
import { FetchwrightError } from '../errors.ts';
import type { ApiModel, Operation, Server } from '../ingest/api-model.ts';
import type { ConnectorPlan } from './connector-plan.ts';
import { quoted, reasoned } from './evidence.ts';

/**
 * The API's base URL: the server the chosen operations use, its `{placeholders}` listed for a human
 * to fill (with the docs' defaults). A relative server (`/hub/api`) or none at all becomes a
 * `{host}` the human provides: fetchwright never guesses a tenant's host.
 *
 * Returns `{ url, variables, evidence, confidence }` (the plan's `base_url`). Throws
 * `FetchwrightError('unreadable-docs')` (exit 4), naming the server URL, its file and JSON pointer, when
 * the chosen server is not a usable absolute http(s) URL with its defaults filled in: another scheme, a
 * port outside 1–65535 (`:0`), no host, or a user name or password in it (see {@link unusableBaseUrl}).
 */
export function chooseBaseUrl(model: Pick<ApiModel, 'servers'>, ops: Operation[]): ConnectorPlan['base_url'] {
  // An operation-level server wins only when every chosen operation names the same one.
  const firstOwn = ops[0]?.servers?.[0];
  const shared = firstOwn && ops.every((op) => op.servers?.[0]?.url === firstOwn.url) ? firstOwn : undefined;
  const server: Server | undefined = shared ?? model.servers.find((s) => /^https:/i.test(s.url)) ?? model.servers[0];
  if (!server) {
    return {
      url: 'https://{host}',
      variables: { host: '' },
      evidence: [reasoned(ops[0]?.source ?? { file: '', pointer: '' }, 'the docs name no server: a human provides the API host')],
      confidence: 0.3,
    };
  }
  let url = server.url.replace(/\/+$/, '');
  const variables: Record<string, string> = Object.fromEntries(server.variables.map((v) => [v.name, v.default ?? '']));
  let confidence = 0.9;
  if (!/^[a-z{][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('{')) {
    url = `https://{host}${url.startsWith('/') ? '' : '/'}${url}`;
    variables.host = '';
    confidence = 0.6;
  }
  for (const name of [...url.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)) variables[name] ??= '';
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
  const why = `${shared ? 'every chosen operation names this server' : 'the docs\' server'}${url !== server.url.replace(/\/+$/, '') ? `; it is relative, so a human provides the host (${url})` : ''}`;
  return { url, variables, evidence: [quoted(server.source, words, why)], confidence };
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

/** `https://user:secret@host/…` → `https://[REDACTED]@host/…`: what the docs put in a URL's user-info is never repeated. */
function withoutUserInfo(url: string): string {
  return url.replace(/^([a-z{][^:/]*:\/\/)[^/?#@]*@/i, '$1[REDACTED]@');
}
