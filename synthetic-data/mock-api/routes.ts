import type { Operation } from '../../agent/ingest/api-model.ts';

/** Matches request paths against the docs' path templates (`/users/{name}/tokens`). */

export interface Route {
  op: Operation;
  regex: RegExp;
  params: string[];
  literalLength: number;
}

export function routeOf(op: Operation): Route {
  const params: string[] = [];
  const source = op.path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (m) {
        params.push(m[1]!);
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { op, regex: new RegExp(`^${source}/?$`), params, literalLength: op.path.replace(/\{[^}]+\}/g, '').length };
}

/** The most specific GET route for a path, with its parameter values decoded. */
export function matchRoute(routes: Route[], path: string): { route: Route; values: Record<string, string> } | undefined {
  let best: { route: Route; values: Record<string, string> } | undefined;
  for (const route of routes) {
    const m = route.regex.exec(path);
    if (!m) continue;
    if (best && best.route.literalLength >= route.literalLength) continue;
    const values: Record<string, string> = {};
    route.params.forEach((p, i) => {
      values[p] = decodeURIComponent(m[i + 1]!);
    });
    best = { route, values };
  }
  return best;
}
