import { attackClass } from './attack-suite.ts';
import { DOCS_WRITE_ATTACKS } from './attacks/docs-writes.ts';

attackClass('docs-as-attacker', DOCS_WRITE_ATTACKS);
