import { attackClass } from './attack-suite.ts';
import { DOCS_HOST_ATTACKS } from './attacks/docs-hosts.ts';

attackClass('docs-as-attacker', DOCS_HOST_ATTACKS);
