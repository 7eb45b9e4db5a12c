import type { ApiModel, Operation } from '../ingest/api-model.ts';

/**
 * Which operation of the new docs is the one a stream calls. As oasdiff matches endpoints: by
 * method and path template with the parameter names dropped (`/users/{id}/groups` and
 * `/users/{userId}/groups` are one endpoint), then — for a path that moved — by the docs'
 * operationId, when the recorded operation had one of its own.
 */

/** A path template with its parameter names dropped and no trailing slash: `/users/{}/groups`. */
export function pathTemplate(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}').replace(/\/+$/, '') || '/';
}

/** The `{names}` of a path template, in order. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!);
}

export interface MatchedOperation {
  op: Operation;
  /** `path`: same method and path template; `operation-id`: the path moved, the operationId stayed. */
  by: 'path' | 'operation-id';
}

/** The new docs' operation that `old` is, or undefined when it is gone. */
export function matchOperation(next: Pick<ApiModel, 'operations'>, old: Pick<Operation, 'id' | 'method' | 'path'>): MatchedOperation | undefined {
  const template = pathTemplate(old.path);
  const byPath = next.operations.find((o) => o.method === old.method && pathTemplate(o.path) === template);
  if (byPath) return { op: byPath, by: 'path' };
  // An id ingest made up (`GET /v1/teams`, no operationId) names the old path: it matches no moved operation.
  const byId = next.operations.find((o) => o.method === old.method && o.id === old.id);
  return byId ? { op: byId, by: 'operation-id' } : undefined;
}

/** `GET /users`: how a finding names an operation. */
export function operationName(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}
