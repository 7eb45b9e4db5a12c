import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { identitiesOf, type HubShape } from './jupyterhub-like-server.ts';

/**
 * Live-run figures (issue 9): `runLive` — the path of `fetchwright run` — with a JupyterHub connector
 * generated from examples/jupyterhub, against a JupyterHub-like server on 127.0.0.1
 * (`jupyterhub-like-server.ts`). Each run happens in a process of its own (`live-run-one.ts`) and the
 * server in another, so the time and memory are the run's own.
 *
 * - throughput: a hub with 10,000 identities (users, a token each, groups, services); records/s over
 *   the whole run, sandbox start-up included. Each user's tokens are one request, as JupyterHub lists them.
 * - memory: the host's peak resident memory (RSS) of a run whose fetcher emits about 200,000 records,
 *   against one with about 20,000: flat when the larger run peaks under 1.5 × the smaller.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const NODE = [process.execPath, '--disable-warning=ExperimentalWarning'] as const;
const TOKEN = 'fw-bench-token-5f2c9e1a7b3d';

/** What live-run-one.ts prints. */
export interface LiveFigures {
  records: number;
  records_by_kind: Record<string, number>;
  complete: boolean;
  failure: string | null;
  wall_ms: number;
  rss_before_mb: number;
  peak_rss_mb: number;
  peak_heap_used_mb: number;
  heap_after_gc_mb?: number;
}

/** 10,000 identities: 4,995 users with one token each, 5 groups, 5 services. */
export const THROUGHPUT_HUB = { users: 4_995, tokensPerUser: 1, groups: 5, services: 5 } as const;
/** About 20,000 and 200,000 records (each token is an identity and an `owns` relationship), ~1 KB each. */
export const MEMORY_HUBS = {
  small: { users: 100, tokensPerUser: 100, groups: 5, services: 5, noteChars: 400 },
  large: { users: 1_000, tokensPerUser: 100, groups: 5, services: 5, noteChars: 400 },
} as const;

/** Starts the server in its own process; resolves with its URL and a way to stop it. */
async function serve(shape: HubShape): Promise<{ url: string; stop: () => void }> {
  const child = spawn(NODE[0], [...NODE.slice(1), path.join(here, 'jupyterhub-like-server.ts'), JSON.stringify(shape)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`bench: the hub server exited (${code}) before listening`)));
  });
  return { url, stop: () => void child.kill() };
}

async function liveRun(dir: string, shape: HubShape, work: string): Promise<LiveFigures> {
  const hub = await serve(shape);
  try {
    const { stdout } = await promisify(execFile)(NODE[0], ['--expose-gc', ...NODE.slice(1), path.join(here, 'live-run-one.ts'), dir, hub.url, path.join(work, 'records.jsonl')], {
      env: { PATH: process.env.PATH ?? '', HUB_API_TOKEN: TOKEN, FETCHWRIGHT_STATE_DIR: path.join(work, 'state') },
      maxBuffer: 1 << 20,
    });
    const figures = JSON.parse(stdout.trim().split('\n').at(-1)!) as LiveFigures;
    if (!figures.complete) throw new Error(`bench: the live run was not complete: ${figures.failure ?? 'see its report'}`);
    return figures;
  } finally {
    hub.stop();
  }
}

export interface LiveRunBench {
  throughput: LiveFigures & { identities: number; records_per_s: number; identities_per_s: number };
  memory: { small: LiveFigures; large: LiveFigures; records_mb: number; ratio: number };
}

export async function benchLiveRun(): Promise<LiveRunBench> {
  const work = mkdtempSync(path.join(tmpdir(), 'fetchwright-live-bench-'));
  try {
    execFileSync(NODE[0], [...NODE.slice(1), path.join(here, '../bin/fetchwright.js'), 'generate', path.join(here, '../examples/jupyterhub'), '--out', path.join(work, 'connectors'), '--json'], {
      env: { ...process.env, FETCHWRIGHT_STATE_DIR: path.join(work, 'state') },
      stdio: ['ignore', 'ignore', 'ignore'],
      maxBuffer: 64 << 20,
    });
    const dir = path.join(work, 'connectors', 'jupyterhub');
    const shape = { ...THROUGHPUT_HUB, token: TOKEN };
    const t = await liveRun(dir, shape, work);
    const identities = identitiesOf(shape);
    const small = await liveRun(dir, { ...MEMORY_HUBS.small, token: TOKEN }, work);
    const large = await liveRun(dir, { ...MEMORY_HUBS.large, token: TOKEN }, work);
    const recordsMb = Math.round(statSync(path.join(work, 'records.jsonl')).size / 2 ** 20);
    return {
      throughput: { ...t, identities, records_per_s: Math.round((t.records / t.wall_ms) * 1000), identities_per_s: Math.round((identities / t.wall_ms) * 1000) },
      memory: { small, large, records_mb: recordsMb, ratio: Math.round((large.peak_rss_mb / small.peak_rss_mb) * 100) / 100 },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) console.log(JSON.stringify(await benchLiveRun(), null, 2));
