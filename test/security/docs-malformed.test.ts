import { attackClass } from './attack-suite.ts';
import { DOCS_MALFORMED_ATTACKS } from './attacks/docs-malformed.ts';

/** Docs built to crash the reader (attacks/docs-malformed.ts): each is refused with the exit code of its cause, never exit 1. */
attackClass('docs-as-attacker', DOCS_MALFORMED_ATTACKS);
