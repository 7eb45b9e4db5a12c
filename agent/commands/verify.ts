import { readFile } from 'node:fs/promises';
import type { Io } from '../cli/io.ts';
import { fitLines } from '../cli/fit-lines.ts';
import type { Context } from '../cli/main.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import { verifyConnector } from '../pr/verify-connector.ts';
import { count } from '../english.ts';

/** `fetchwright verify`'s options, as commander parses them (agent/cli/command-table.ts). */
export interface VerifyOptions {
  rerun?: boolean;
  publicKey?: string;
  allowUnsigned?: boolean;
  json?: boolean;
}

/** `fetchwright verify <connector-dir>`: 0 when the signature and every hash hold, 16 when not. */
export async function run([dir]: string[], opts: VerifyOptions, io: Io, { audit }: Context): Promise<number> {
  let pinned: string | undefined;
  if (opts.publicKey) {
    pinned = await readFile(opts.publicKey, 'utf8').catch(() => {
      throw new FetchwrightError('input-not-found', `--public-key ${opts.publicKey} cannot be read`, { file: opts.publicKey, hint: 'Give the path of the signer\'s public key in PEM form (openssl pkey -in key.pem -pubout).' });
    });
  }
  const result = await verifyConnector(dir!, { ...(pinned ? { pinnedPublicKeyPem: pinned } : {}), allowUnsigned: !!opts.allowUnsigned, rerun: !!opts.rerun });
  audit.record('verify', result.ok ? 'ok' : 'fail', {}, { dir, signer: result.signer, findings: result.findings, rerun: !!opts.rerun });
  if (opts.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else if (result.ok) io.stdout.write(fitLines(`verified: ${count(result.checked.length, 'file')} ${result.checked.length === 1 ? 'matches' : 'match'} the change record${result.signer ? `, signed by ${result.signer}${opts.publicKey ? ' (the pinned key)' : ' (a key the record names itself: give --public-key to require yours)'}` : ' (unsigned, allowed)'}${opts.rerun ? '; the sandbox proof passes again' : ''}\n`));
  else io.stdout.write(fitLines(`NOT verified:\n${result.findings.map((f) => `  - ${f.file}: ${f.problem}`).join('\n')}\n`));
  return result.ok ? EXIT.ok : EXIT.verifyFailed;
}
