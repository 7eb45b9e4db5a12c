import { describe, expect, it, vi } from 'vitest';
import { captureIo } from '../../agent/cli/io.ts';
import { main } from '../../agent/cli/main.ts';
import { FetchwrightError } from '../../agent/errors.ts';
import { ingest } from '../../agent/ingest/ingest.ts';
import { planHeuristically } from '../../agent/plan/heuristic-planner.ts';
import { vendorDoc } from '../helpers/vendor-docs.ts';

/**
 * The heuristic planner checks its own plan before returning it. Here its evidence helper is made to
 * embellish every quote, as a planner bug would: the plan is refused, never returned.
 */
vi.mock('../../agent/plan/evidence.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../agent/plan/evidence.ts')>();
  return { ...original, quoted: (source: { file: string; pointer: string }, quote: string | undefined, reasoning: string) => ({ source, quote: `${quote ?? ''} (as the docs say)`, reasoning }) };
});

describe('planHeuristically refuses a plan whose quotes the docs do not hold', () => {
  it('throws evidence-not-in-docs, exit 24, naming the place and the quote', async () => {
    const model = await ingest(vendorDoc('jupyterhub'));
    let thrown: unknown;
    try {
      planHeuristically(model);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(FetchwrightError);
    const error = thrown as FetchwrightError;
    expect(error.code).toBe('evidence-not-in-docs');
    expect(error.exitCode).toBe(24);
    expect(error.message).toMatch(/jupyterhub-3\.0\.0-rest-api\.yml#\/\S+: “[^”]* \(as the docs say\)”/);
    expect(error.message).toMatch(/and \d+ more/);
  });

  it('`fetchwright plan` exits 24 with one message and no plan', async () => {
    const io = captureIo();
    expect(await main(['plan', vendorDoc('jupyterhub')], io)).toBe(24);
    expect(io.err()).toMatch(/error\[evidence-not-in-docs\]: the heuristic plan quotes text its docs do not hold/);
    expect(io.out()).toBe('');
  });
});
