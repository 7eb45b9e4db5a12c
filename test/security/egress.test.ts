import { attackClass } from './attack-suite.ts';
import { EGRESS_ATTACKS } from './attacks/egress.ts';

attackClass('egress', EGRESS_ATTACKS);
