import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Issue 12's figures: `fetchwright expand` over a catalogue of every description, as a process —
 * the first run's wall time at `--concurrency 1` and `2` (fresh state and connectors folder each),
 * and the second run's (nothing changed: every vendor skipped), which must stay under 2 s.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '../bin/fetchwright.js');

export interface ExpandFigures {
  concurrency: number;
  vendors: number;
  first_ms: number;
  first_outcomes: Record<string, number>;
  second_ms: number;
  second_outcomes: Record<string, number>;
}

function expandOnce(catalogue: string, root: string, concurrency: number): { ms: number; outcomes: Record<string, number> } {
  const t0 = performance.now();
  let stdout = '';
  try {
    stdout = execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', BIN, 'expand', '--catalog', catalogue, '--state', path.join(root, 'expand'), '--out', path.join(root, 'connectors'), '--concurrency', String(concurrency), '--json'], {
      maxBuffer: 64 << 20,
      env: { ...process.env, FETCHWRIGHT_STATE_DIR: root, CI: 'true' },
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
  } catch (e) {
    // 33: some vendor failed — still a figure, its outcomes say which.
    stdout = String((e as { stdout?: Buffer }).stdout ?? '');
  }
  const ms = Math.round(performance.now() - t0);
  const outcomes: Record<string, number> = {};
  try {
    for (const v of (JSON.parse(stdout) as { vendors: { outcome: string }[] }).vendors) outcomes[v.outcome] = (outcomes[v.outcome] ?? 0) + 1;
  } catch {
    outcomes.error = 1;
  }
  return { ms, outcomes };
}

/** Runs the bench for each concurrency over the given descriptions (name → path). */
export function benchExpand(specs: { vendor: string; docs: string }[], concurrencies = [1, 2]): ExpandFigures[] {
  const present = specs.filter((s) => existsSync(s.docs));
  const figures: ExpandFigures[] = [];
  for (const concurrency of concurrencies) {
    const root = mkdtempSync(path.join(tmpdir(), 'fetchwright-bench-expand-'));
    const catalogue = path.join(root, 'vendors.yaml');
    writeFileSync(catalogue, `vendors:\n${present.map((s) => `  - ${JSON.stringify({ vendor: s.vendor, docs: s.docs, owner: '@bench' })}`).join('\n')}\n`);
    const first = expandOnce(catalogue, root, concurrency);
    const second = expandOnce(catalogue, root, concurrency);
    figures.push({ concurrency, vendors: present.length, first_ms: first.ms, first_outcomes: first.outcomes, second_ms: second.ms, second_outcomes: second.outcomes });
    rmSync(root, { recursive: true, force: true });
  }
  return figures;
}
