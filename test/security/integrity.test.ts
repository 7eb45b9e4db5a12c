import { attackClass } from './attack-suite.ts';
import { AUDIT_LOG_ATTACKS } from './attacks/audit-log.ts';
import { INTEGRITY_SIGNING_ATTACKS } from './attacks/integrity-signing.ts';

/**
 * Integrity (design.md, invariants 6 and 7): only proved template code is signed and verified
 * (integrity-signing: the first attack also generates, and the first verify attack signs, the shared
 * example connector), and the audit log's hash chain, refusals and redaction hold (audit-log).
 */
attackClass('integrity', [...INTEGRITY_SIGNING_ATTACKS, ...AUDIT_LOG_ATTACKS], { timeout: 30_000 });
