import { attackClass } from './attack-suite.ts';
import { AUDIT_LOG_ATTACKS } from './attacks/audit-log.ts';

// The audit log's hash chain, its refusals and its redaction (design.md, security invariant 6).
attackClass('integrity', AUDIT_LOG_ATTACKS);
