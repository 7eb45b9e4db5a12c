import { attackClass } from './attack-suite.ts';
import { DOCS_TEXT_FILE_ATTACKS } from './attacks/docs-text-files.ts';

attackClass('docs-as-attacker', DOCS_TEXT_FILE_ATTACKS);
