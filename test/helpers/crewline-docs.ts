import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Crewline, a small vendor written for the model planner's tests (issue 13): `/users`, whose records'
 * `login` the child path `/users/{username}/keys` takes (the heuristics fill it with the numeric id,
 * and the proof fails: a case for a repair), and service accounts two objects deep (the heuristics
 * find no list there: a doubt for `--planner auto`).
 */

const json = (schema: object) => ({ 'application/json': { schema } });
const USER = { type: 'object', properties: { login: { type: 'string', description: 'The handle the user signs in with.' }, id: { type: 'integer' }, email: { type: 'string', format: 'email' }, full_name: { type: 'string' } } };
export const KEYS_PARAM_SAYS = "The user's login (the `login` field of a user), not the numeric id.";

/** The Crewline docs: `/users`, and optionally each user's SSH keys and the service accounts. */
export function crewline(parts: { keys?: boolean; serviceAccounts?: boolean }): string {
  const paths: Record<string, object> = {
    '/users': { get: { operationId: 'listUsers', summary: 'List users', responses: { 200: { description: 'The users', content: json({ type: 'array', items: USER }) } } } },
  };
  if (parts.keys) {
    paths['/users/{username}/keys'] = {
      get: {
        operationId: 'listUserKeys',
        summary: "List a user's SSH keys",
        parameters: [{ name: 'username', in: 'path', required: true, description: KEYS_PARAM_SAYS, schema: { type: 'string' } }],
        responses: { 200: { description: 'The keys', content: json({ type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' }, key: { type: 'string', description: 'The public SSH key' }, created_at: { type: 'string', format: 'date-time' } } } }) } },
      },
    };
  }
  if (parts.serviceAccounts) {
    const account = { type: 'object', properties: { id: { type: 'string' }, display_name: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, disabled: { type: 'boolean' }, created: { type: 'string', format: 'date-time' } } };
    paths['/service-accounts'] = {
      get: {
        operationId: 'listServiceAccounts',
        summary: 'List service accounts',
        description: 'Every robot account of the organization. The accounts are in data.page.entries.',
        responses: { 200: { description: 'The accounts', content: json({ type: 'object', properties: { data: { type: 'object', properties: { page: { type: 'object', properties: { entries: { type: 'array', items: account } } } } } } }) } },
      },
    };
  }
  const spec = { openapi: '3.0.3', info: { title: 'Crewline API', version: '1' }, servers: [{ url: 'https://api.crewline.example' }], components: { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } }, security: [{ token: [] }], paths };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fetchwright-auto-docs-'));
  writeFileSync(path.join(dir, 'crewline.json'), JSON.stringify(spec, null, 2));
  return path.join(dir, 'crewline.json');
}

