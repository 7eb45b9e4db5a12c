import { arg, defineDriftFindings, named } from './drift-finding.ts';

/** The findings about a stream's operation as a whole, and about operations the new docs add (emitted by docs-diff.ts). */
export const OPERATION_FINDINGS = defineDriftFindings({
  'list-operation-removed': { level: 'breaking', text: () => 'the list operation the stream reads is gone from the docs' },
  'operation-path-changed': { level: 'breaking', text: (a) => `the operation ${named(a, 'operation_id')} moved to ${named(a, 'now')}; the connector calls ${named(a, 'was')}` },
  'operation-deprecated': { level: 'info', text: () => 'the docs now mark the operation the stream reads as deprecated' },
  'identity-list-added': { level: 'additive', text: (a) => `a new identity list: ${arg(a, 'emits')} records (stream ${named(a, 'stream')}), which a regenerated connector would read` },
  'operation-added': { level: 'additive', text: () => 'a new GET operation, not an identity list the connector reads' },
});
