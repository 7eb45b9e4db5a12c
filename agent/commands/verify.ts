import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Command } from '../cli/main.ts';
import { EXIT, FetchwrightError } from '../errors.ts';
import { verifyConnector } from '../pr/verify-connector.ts';

export const VerifyOptions = z.object({
  dir: z.string().min(1),
  rerun: z.boolean().default(false),
  publicKey: z.string().optional(),
  allowUnsigned: z.boolean().default(false),
  json: z.boolean().default(false),
});

export const command: Command = {
  usage: 'fetchwright verify <connector-dir> [--rerun] [--public-key PEM] [--allow-unsigned] [--json]',
  summary:
    'Checks a connector against its change record: the ed25519 signature (pinned to --public-key when given),\n' +
    'the sha256 of every file — a change to any byte fails, naming the file — and that plan, manifest and\n' +
    'scorecard agree with the record. --rerun repeats the sandbox proof. Exits 0 when all holds, 16 when not.',
  args: { rerun: { type: 'boolean' }, 'public-key': { type: 'string' }, 'allow-unsigned': { type: 'boolean' }, json: { type: 'boolean' } },
  async run(values, positionals, io, { audit }) {
    if (positionals.length !== 1) {
      io.stderr.write(`error[usage]: verify takes exactly one <connector-dir>\n  usage: ${command.usage}\n`);
      return EXIT.usage;
    }
    const opts = VerifyOptions.parse({ ...values, publicKey: values['public-key'], allowUnsigned: values['allow-unsigned'], dir: positionals[0] });
    let pinned: string | undefined;
    if (opts.publicKey) {
      pinned = await readFile(opts.publicKey, 'utf8').catch(() => {
        throw new FetchwrightError('usage', `--public-key ${opts.publicKey} cannot be read`, { hint: 'Give the path of the signer\'s public key in PEM form (openssl pkey -in key.pem -pubout).' });
      });
    }
    const result = await verifyConnector(opts.dir, { ...(pinned ? { pinnedPublicKeyPem: pinned } : {}), allowUnsigned: opts.allowUnsigned, rerun: opts.rerun });
    audit.record('verify', result.ok ? 'ok' : 'fail', {}, { dir: opts.dir, signer: result.signer, findings: result.findings, rerun: opts.rerun });
    if (opts.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else if (result.ok) io.stdout.write(`verified: ${result.checked.length} files match the change record${result.signer ? `, signed by ${result.signer}` : ' (unsigned, allowed)'}${opts.rerun ? '; the sandbox proof passes again' : ''}\n`);
    else io.stdout.write(`NOT verified:\n${result.findings.map((f) => `  ${f.file}: ${f.problem}`).join('\n')}\n`);
    return result.ok ? EXIT.ok : EXIT.verifyFailed;
  },
};
