import { REQUEST_POLICY_VERSION } from '../../policy/request-policy.ts';
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { canonicalJson, sha256 } from '../hash.ts';
import { FetchwrightError } from '../errors.ts';
import { PlannerRecord } from '../plan/connector-plan.ts';

/**
 * change-record.json: why this connector exists and what it was made from — who asked, which
 * identity ran the agent, the hashes of the docs (and of the shapes a live run observed, when the
 * plan rests on them), ApiModel, plan, templates, scorecard and of every file beside it — signed with ed25519 by a key the operator provides. `verify` recomputes it all.
 */

/** The policies the connector was held to: the egress gate's and the request policy's (policy/request-policy.ts) versions. */
export const POLICY_SET_VERSION = `fetchwright-policy/2 (${REQUEST_POLICY_VERSION})`;

export const Signature = z.object({
  alg: z.literal('ed25519'),
  /** The signer's public key (SPKI PEM) and its sha256, for pinning. */
  public_key_pem: z.string(),
  public_key_sha256: z.string(),
  /** base64 signature over the canonical JSON of the record without `signature`. */
  value: z.string(),
});

export const ChangeRecord = z.object({
  schema_version: z.literal(1),
  connector: z.string(),
  requested_by: z.string(),
  agent_identity: z.object({ user: z.string(), host: z.string(), ci_job: z.string().optional() }),
  created_at: z.string(),
  generator: z.string(),
  docs_sha256: z.string(),
  /** sha256 of the shapes file a live run wrote, when the plan rests on observation too (`generate --observed`). */
  observed_sha256: z.string().optional(),
  api_model_sha256: z.string(),
  plan_sha256: z.string(),
  templates: z.array(z.object({ id: z.string(), version: z.number().int(), sha256: z.string() })),
  planner: PlannerRecord,
  policy_set_version: z.string(),
  canonical_schema_version: z.number().int(),
  assessment: z.object({ score: z.number(), verdict: z.string(), forced: z.boolean() }),
  scorecard: z.object({ sha256: z.string(), verdict: z.enum(['pass', 'fail']), seed: z.number().int() }),
  /** sha256 of every file of the connector, by name. */
  files: z.record(z.string(), z.string()),
  signature: Signature.nullable(),
});
export type ChangeRecord = z.infer<typeof ChangeRecord>;


function signedBytes(record: ChangeRecord): Buffer {
  const { signature: _s, ...unsigned } = record;
  return Buffer.from(canonicalJson(unsigned));
}

/** The operator's ed25519 key from FETCHWRIGHT_SIGNING_KEY (a path to a PEM), or undefined when unset. */
export function loadSigningKey(env: NodeJS.ProcessEnv): KeyObject | undefined {
  const file = env.FETCHWRIGHT_SIGNING_KEY;
  if (!file) return undefined;
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new FetchwrightError('signing-key', `FETCHWRIGHT_SIGNING_KEY names ${file}, which cannot be read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {
      hint: 'Point it at an ed25519 private key in PEM form: openssl genpkey -algorithm ed25519 -out fetchwright-signing.pem',
    });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new FetchwrightError('signing-key', `${file} is not a PEM private key`, { hint: 'Make one with: openssl genpkey -algorithm ed25519 -out fetchwright-signing.pem' });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new FetchwrightError('signing-key', `${file} is a ${key.asymmetricKeyType} key; change records are signed with ed25519`, { hint: 'openssl genpkey -algorithm ed25519 -out fetchwright-signing.pem' });
  }
  return key;
}

export function signRecord(record: ChangeRecord, key: KeyObject | undefined): ChangeRecord {
  if (!key) return { ...record, signature: null };
  const publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  const value = sign(null, signedBytes({ ...record, signature: null }), key).toString('base64');
  return { ...record, signature: { alg: 'ed25519', public_key_pem: publicPem, public_key_sha256: sha256(publicPem), value } };
}

/** How a signing key is named to people: `ed25519 sha256:<first 16 hex of its SPKI PEM's sha256>`, as `verify` names a signer. */
export function signerName(key: KeyObject): string {
  return `ed25519 sha256:${sha256(createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString()).slice(0, 16)}`;
}

/** Checks the signature; with `pinnedPem`, the signer must be that public key. */
export function checkSignature(record: ChangeRecord, pinnedPem?: string): { ok: true; signer: string } | { ok: false; why: string } {
  if (!record.signature) return { ok: false, why: 'the change record is unsigned' };
  let key: KeyObject;
  try {
    key = createPublicKey(record.signature.public_key_pem);
  } catch {
    return { ok: false, why: 'the signature carries an unreadable public key' };
  }
  if (pinnedPem) {
    let pinned: string;
    try {
      pinned = createPublicKey(pinnedPem).export({ type: 'spki', format: 'pem' }).toString();
    } catch {
      return { ok: false, why: 'the pinned public key cannot be read' };
    }
    if (pinned !== key.export({ type: 'spki', format: 'pem' }).toString()) return { ok: false, why: 'signed by a different key than the one you pinned' };
  }
  if (sha256(record.signature.public_key_pem) !== record.signature.public_key_sha256) return { ok: false, why: 'the public key does not match its recorded fingerprint' };
  const ok = verify(null, signedBytes(record), key, Buffer.from(record.signature.value, 'base64'));
  return ok ? { ok: true, signer: `ed25519 sha256:${record.signature.public_key_sha256.slice(0, 16)}` } : { ok: false, why: 'the signature does not match the record: it was changed after signing' };
}
