import { SecretScrubber } from '../../../sandbox/secret-scrubber.ts';
import { ModelError } from './model-error.ts';

/**
 * Refuses to let a secret reach the model (issue 13: "No secret is ever sent to the model"). Every string
 * in `payload` — message contents and their text parts, tool results, tool call arguments the model wrote
 * earlier, names, tool definitions — is searched for every secret in every form the egress scrubber knows
 * (sandbox/secret-scrubber.ts): verbatim, percent-encoded (up to four times), form-encoded, JSON-escaped,
 * HTML-escaped, hex, base64 and base64url (whole or embedded in a larger encoded value).
 *
 * `messages` is what is about to be sent (chat messages, optionally with the tool definitions); `secrets`
 * is what must never leave (OPENAI_API_KEY, GITHUB_TOKEN, the vendor credentials, the synthetic
 * placeholder); empty strings are ignored.
 *
 * @throws ModelError kind `secret-in-prompt`, naming where (message index, role, tool call id) but never
 *   the secret, when one is found. Returns nothing otherwise.
 */
export function secretGuard(messages: readonly unknown[], secrets: readonly string[], options: { endpoint?: string; tools?: readonly unknown[] } = {}): void {
  const live = secrets.filter((s) => s.length > 0);
  if (live.length === 0) return;
  const scrubber = new SecretScrubber(live);
  const hit = (text: string) => scrubber.scrub(text) !== text;
  const endpoint = options.endpoint ?? '';
  messages.forEach((message, i) => {
    check(message, hit, `message ${i} (${describe(message)})`, endpoint);
  });
  (options.tools ?? []).forEach((tool, i) => {
    check(tool, hit, `tool definition ${i}`, endpoint);
  });
}

/** Nesting deeper than any chat message has: such a value is refused unread rather than sent unread. */
const MAX_DEPTH = 64;

function check(value: unknown, hit: (s: string) => boolean, where: string, endpoint: string): void {
  const found = anyString(value, hit);
  if (found === 'too-deep') throw refusal(where, endpoint, `is nested more than ${MAX_DEPTH} levels deep and cannot be checked for secrets`);
  if (found) throw refusal(where, endpoint, 'holds a secret (verbatim or encoded)');
}

function refusal(where: string, endpoint: string, what: string): ModelError {
  const to = endpoint ? ` to ${endpoint}` : '';
  return new ModelError('secret-in-prompt', `${where} ${what}: nothing was sent${to}`, {
    endpoint,
    hint: 'a tool answer or the docs carry a credential, token or placeholder value; remove it from the docs, or report it as a fetchwright bug if a tool put it there',
  });
}

/** Role, and tool call id for a tool result: enough to find the message, nothing of its content. */
function describe(message: unknown): string {
  if (!message || typeof message !== 'object') return typeof message;
  const m = message as { role?: unknown; tool_call_id?: unknown };
  const role = typeof m.role === 'string' ? m.role.slice(0, 20) : 'no role';
  return typeof m.tool_call_id === 'string' && role === 'tool' ? `tool result for ${m.tool_call_id.slice(0, 64)}` : role;
}

/** Whether any string anywhere in `value` (keys too) satisfies `test`; depth-first, stops at the first. */
function anyString(value: unknown, test: (s: string) => boolean, depth = 0): boolean | 'too-deep' {
  if (typeof value === 'string') return test(value);
  if (!value || typeof value !== 'object') return false;
  if (depth >= MAX_DEPTH) return 'too-deep';
  const children = Array.isArray(value) ? value.map((v): [string, unknown] => ['', v]) : Object.entries(value);
  for (const [k, v] of children) {
    if (k && test(k)) return true;
    const found = anyString(v, test, depth + 1);
    if (found) return found;
  }
  return false;
}
