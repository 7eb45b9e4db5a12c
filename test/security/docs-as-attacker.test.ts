import { attackClass } from './attack-suite.ts';
import { DOCS_HOST_ATTACKS } from './attacks/docs-hosts.ts';
import { DOCS_MALFORMED_ATTACKS } from './attacks/docs-malformed.ts';
import { DOCS_TEXT_FILE_ATTACKS } from './attacks/docs-text-files.ts';
import { DOCS_WRITE_ATTACKS } from './attacks/docs-writes.ts';

/**
 * Docs as the attacker (design.md, invariants 1 and 4): docs that would make a read write
 * (docs-writes), name a host no connector may call (docs-hosts), crash the reader (docs-malformed:
 * each refused with the exit code of its cause, never exit 1), or reach people as markup or control
 * sequences and pull files from outside the docs folder (docs-text-files).
 */
attackClass('docs-as-attacker', [...DOCS_WRITE_ATTACKS, ...DOCS_HOST_ATTACKS, ...DOCS_MALFORMED_ATTACKS, ...DOCS_TEXT_FILE_ATTACKS], { timeout: 60_000 });
