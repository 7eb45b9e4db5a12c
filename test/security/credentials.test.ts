import { attackClass } from './attack-suite.ts';
import { CREDENTIAL_ATTACKS } from './attacks/credentials.ts';

attackClass('credentials', CREDENTIAL_ATTACKS);
