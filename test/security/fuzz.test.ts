import { afterAll } from 'vitest';
import { attackClass } from './attack-suite.ts';
import { FUZZ_ATTACK_TIMEOUT_MS, FUZZ_ATTACKS } from './attacks/fuzz.ts';
import { stopFuzzWorker } from './fuzz/fuzz-worker-pool.ts';

/** The fuzz class (attacks/fuzz.ts): mutated real specs never end in an internal error or a hang. */
afterAll(stopFuzzWorker);
attackClass('fuzz', FUZZ_ATTACKS, { timeout: FUZZ_ATTACK_TIMEOUT_MS });
