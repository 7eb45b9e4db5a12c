import type { ApiModel, Operation, Server } from '../ingest/api-model.ts';
import type { ConnectorPlan } from './connector-plan.ts';
import { quoted, reasoned } from './evidence.ts';

/**
 * The API's base URL: the server the chosen operations use, its `{placeholders}` listed for a human
 * to fill (with the docs' defaults). A relative server (`/hub/api`) or none at all becomes a
 * `{host}` the human provides: fetchwright never guesses a tenant's host.
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
  // Swagger 2.0's server is put together from `schemes`, `host` and `basePath`: only the host is the docs' text at `/host`.
  const words = server.source.pointer === '/host' ? server.url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0] : server.url;
  const why = `${shared ? 'every chosen operation names this server' : 'the docs\' server'}${url !== server.url.replace(/\/+$/, '') ? `; it is relative, so a human provides the host (${url})` : ''}`;
  return { url, variables, evidence: [quoted(server.source, words, why)], confidence };
}
