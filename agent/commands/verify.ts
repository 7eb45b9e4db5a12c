import { readFile } from 'node:fs/promises';
import type { Io } from '../cli/io.ts';
import { fitLines } from '../cli/fit-lines.ts';
import type { Context } from '../cli/main.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import { verifyConnector, type VerifyResult } from '../pr/verify-connector.ts';
import { count } from '../english.ts';

/** `fetchwright verify`'s options, as commander parses them (agent/cli/command-table.ts). */
export interface VerifyOptions {
  rerun?: boolean;
  publicKey?: string;
  allowUnsigned?: boolean;
  trustEmbeddedKey?: boolean;
  docs?: string;
  observed?: string;
  json?: boolean;
}

/** Who signed, in words: pinned, only the record's own key (accepted with --trust-embedded-key), or unsigned. */
function signerInWords(result: VerifyResult): string {
  if (!result.signer) return ' (unsigned, allowed)';
  if (result.signer_pinned) return `, signed by ${result.signer} (the pinned key)`;
  return `, signed by ${result.signer} — a key the record names itself, NOT pinned (--trust-embedded-key): anyone who can edit this folder could have re-signed it; give --public-key to require your signer`;
}

/**
 * `fetchwright verify <connector-dir>`: 0 when the signature and every hash hold, 16 when not — a
 * signature checked only against the key the record names itself included, unless
 * --trust-embedded-key. Usage error (exit 2) for --trust-embedded-key with --public-key; exit 3 for
 * a --public-key that cannot be read.
 */
export async function run([dir]: string[], opts: VerifyOptions, io: Io, { audit }: Context): Promise<number> {
  if (opts.trustEmbeddedKey && opts.publicKey) {
    throw new FetchwrightError('usage', '--trust-embedded-key and --public-key contradict each other', { hint: 'Give --public-key to require your signer (the safe choice), or --trust-embedded-key alone to accept whoever signed.' });
  }
  let pinned: string | undefined;
  if (opts.publicKey) {
    pinned = await readFile(opts.publicKey, 'utf8').catch(() => {
      throw new FetchwrightError('input-not-found', `--public-key ${opts.publicKey} cannot be read`, { file: opts.publicKey, hint: 'Give the path of the signer\'s public key in PEM form (openssl pkey -in key.pem -pubout).' });
    });
    // A private key given as the pin would be a key leaked into a command line and shell history: refused, never read further.
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pinned!)) {
      throw new FetchwrightError('usage', `--public-key ${opts.publicKey} holds a private key`, { file: opts.publicKey, hint: 'Pin the signer by its public key: openssl pkey -in key.pem -pubout -out signer.pub.pem, then --public-key signer.pub.pem. Keep the private key with the signer only.' });
    }
  }
  if (opts.observed && !opts.docs) throw new FetchwrightError('usage', '--observed means something only with --docs', { hint: 'Give the vendor\'s docs with --docs, and the shapes file the plan was made with by --observed.' });
  const result = await verifyConnector(dir!, { ...(pinned ? { pinnedPublicKeyPem: pinned } : {}), allowUnsigned: !!opts.allowUnsigned, trustEmbeddedKey: !!opts.trustEmbeddedKey, rerun: !!opts.rerun, ...(opts.docs ? { docs: opts.docs } : {}), ...(opts.observed ? { observed: opts.observed } : {}) });
  audit.record('verify', result.ok ? 'ok' : 'fail', {}, { dir, signer: result.signer, signer_pinned: result.signer_pinned, findings: result.findings, rerun: !!opts.rerun });
  if (opts.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else if (result.ok) io.stdout.write(fitLines(`verified: ${count(result.checked.length, 'file')} ${result.checked.length === 1 ? 'matches' : 'match'} the change record${signerInWords(result)}${opts.docs ? `; it is what ${opts.docs} give` : ''}${opts.rerun ? '; the sandbox proof passes again' : ''}\n`));
  else io.stdout.write(fitLines(`NOT verified:\n${result.findings.map((f) => `  - ${f.file}: ${f.problem}`).join('\n')}\n`));
  return result.ok ? EXIT.ok : EXIT.verifyFailed;
}
