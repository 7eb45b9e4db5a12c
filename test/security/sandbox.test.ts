import { attackClass } from './attack-suite.ts';
import { SANDBOX_ATTACKS } from './attacks/sandbox.ts';

attackClass('sandbox', SANDBOX_ATTACKS);
