import { checkQuotes } from '../../docs-view/quote-check.ts';
import type { ApiModel } from '../../ingest/api-model.ts';
import type { ConnectorPlan } from '../../plan/connector-plan.ts';
import { arg, defineFindings, findingOf, type Finding } from '../finding.ts';

/** Every quote in the plan's evidence is verbatim text at the docs item it cites (the connector's api-model.json). */

export const EVIDENCE_FINDINGS = defineFindings({
  'evidence-not-in-docs': { level: 'error', text: (a) => `the plan quotes "${arg(a, 'quote')}" at ${arg(a, 'at')}, which the docs ${a.why === 'no-such-source' ? 'have no item for' : 'do not contain there'}` },
});

export function checkEvidence(plan: ConnectorPlan, model: ApiModel): Finding[] {
  return checkQuotes(plan, model).map((p) => findingOf(EVIDENCE_FINDINGS, 'evidence-not-in-docs', { at: p.at, quote: p.quote.slice(0, 160), why: p.why }, { source: p.source }));
}
