import type { Reporter, TestModule } from 'vitest/node';
import { ATTACK_CLASS_PREFIX } from './attack-suite.ts';

/**
 * Prints, per attack class, how many attacks were tried and how many were stopped, and a last line
 * `N attacks, N stopped` (`npm run security`). An attack is a test in a describe block named
 * `attack class: <name>` (attack-suite.ts), its frame check excepted; it is stopped when it passed.
 */
export default class SecurityReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const classes = new Map<string, { tried: number; stopped: number; through: string[] }>();
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        let suite = test.parent;
        while (suite.type === 'suite' && !suite.name.startsWith(ATTACK_CLASS_PREFIX)) suite = suite.parent;
        if (suite.type !== 'suite' || test.name === 'has attacks of several variants') continue;
        const cls = suite.name.slice(ATTACK_CLASS_PREFIX.length);
        const row = classes.get(cls) ?? { tried: 0, stopped: 0, through: [] };
        const state = test.result().state;
        if (state === 'skipped' || state === 'pending') continue;
        row.tried += 1;
        if (state === 'passed') row.stopped += 1;
        else row.through.push(test.name);
        classes.set(cls, row);
      }
    }
    if (!classes.size) return;
    const width = Math.max(...[...classes.keys()].map((c) => c.length));
    const lines = ['', 'security suite: attacks tried and stopped, per class'];
    let tried = 0;
    let stopped = 0;
    for (const [cls, row] of [...classes].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`  ${cls.padEnd(width)}  ${String(row.tried).padStart(4)} tried  ${String(row.stopped).padStart(4)} stopped${row.through.length ? `  NOT STOPPED: ${row.through.join('; ')}` : ''}`);
      tried += row.tried;
      stopped += row.stopped;
    }
    lines.push(`${tried} attacks, ${stopped} stopped`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
