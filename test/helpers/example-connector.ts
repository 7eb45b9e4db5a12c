import path from 'node:path';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { REPO_ROOT } from './vendor-docs.ts';

/**
 * Generates the shipped JupyterHub example into `root/connectors/jupyterhub` with the audit log in
 * `root/state`, as a user's `fetchwright generate examples/jupyterhub` would; returns the folder.
 * Throws with generate's stderr when it does not pass.
 */
export async function generateExampleConnector(root: string): Promise<string> {
  const io = captureIo();
  const code = await main(['generate', path.join(REPO_ROOT, 'examples/jupyterhub'), '--out', path.join(root, 'connectors')], io, { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(root, 'state') });
  if (code !== 0) throw new Error(`generate failed (${code}): ${io.err()}`);
  return path.join(root, 'connectors', 'jupyterhub');
}
