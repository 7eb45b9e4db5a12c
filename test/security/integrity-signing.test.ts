import { attackClass } from './attack-suite.ts';
import { INTEGRITY_SIGNING_ATTACKS } from './attacks/integrity-signing.ts';

// The first attack also generates (and the first verify attack signs) the shared example connector.
attackClass('integrity', INTEGRITY_SIGNING_ATTACKS, { timeout: 30_000 });
