import type { ConnectorPlan, Evidence, Pagination, Stream } from '../plan/connector-plan.ts';

/**
 * The plan for a person: one screen of decisions, then the evidence behind each — the planner's
 * reasoning on one line, and under it where the docs say so, in their own words when quoted.
 */

function pct(n: number): string {
  return `${Math.round(n * 100)}%`;
}

export function describePagination(p: Pagination): string {
  switch (p.style) {
    case 'link-header':
      return `Link header rel=${p.rel}${p.cursor_param ? ` (carries ${p.cursor_param})` : ''}`;
    case 'cursor':
      return `cursor ${p.cursor_param} ← ${p.cursor_header ? `header ${p.cursor_header}` : p.cursor_path}`;
    case 'offset':
      return `offset ${p.offset_param}/${p.limit_param}=${p.page_size}, stop: ${p.stop === 'has-more-field' ? `${p.more_path} false` : p.stop === 'last-field' ? `${p.last_path} true` : p.stop === 'total' ? `${p.total_path} reached` : 'empty page'}`;
    case 'page':
      return `page ${p.page_param}${p.size_param ? `/${p.size_param}` : ''} from ${p.first_page}, stop: ${p.stop === 'page-count' ? `${p.pages_path}` : p.stop === 'total' ? `${p.total_path} reached` : p.stop === 'has-more-field' ? `${p.more_path} false` : p.stop === 'last-field' ? `${p.last_path} true` : 'empty page'}`;
    case 'next-url':
      return `next URL ${p.next_path}${p.relative ? ' (relative)' : ''}`;
    case 'none':
      return 'none (one page)';
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function streamRow(s: Stream): string[] {
  return [
    s.name,
    s.kind,
    `GET ${s.path}`,
    s.items_path || '(body)',
    describePagination(s.pagination),
    s.parent ? `${s.parent.stream}.${s.parent.from_field} → {${s.parent.param}}` : '',
    pct(s.confidence),
  ];
}

/** The planner's reasoning, then the docs' place and words: two lines, indented under a decision. */
function why(e: Evidence): string[] {
  const where = `${e.source.file}${e.source.pointer ? `#${e.source.pointer}` : ''}`;
  const quote = e.quote === undefined ? '' : `: “${e.quote.replace(/\s+/g, ' ').slice(0, 160)}”`;
  return [`    ${e.reasoning.replace(/\s+/g, ' ')}`, `      ${where}${quote}`];
}

/** The plan as text for a terminal: decisions first, then the evidence behind each stream and the auth. */
export function renderPlan(plan: ConnectorPlan): string {
  const a = plan.auth;
  const creds = a.credentials.map((c) => `${c.in} ${c.name}: ${c.prefix ? `"${c.prefix}"` : ''}<credential>`).join(' + ');
  const lines = [
    `vendor     ${plan.vendor}`,
    `base URL   ${plan.base_url.url}${Object.keys(plan.base_url.variables).length ? `  (fill in: ${Object.entries(plan.base_url.variables).map(([k, v]) => (v ? `${k}=${v}` : k)).join(', ')})` : ''}`,
    ...(Object.keys(plan.tenant_variables).length ? [`tenant     ${Object.keys(plan.tenant_variables).map((n) => `{${n}}`).join(', ')} — path variables a human fills in`] : []),
    `auth       ${a.type}${creds ? ` — ${creds}` : ''}  [${pct(a.confidence)}]`,
    `assessment ${plan.assessment.score}/100 — ${plan.assessment.verdict === 'generate' ? 'ready to generate' : 'MANUAL BUILD RECOMMENDED'}`,
    ...plan.assessment.reasons.map((r) => `           · ${r}`),
    '',
    table([['stream', 'kind', 'operation', 'records', 'pagination', 'parent', 'conf'], ...plan.streams.map(streamRow)]),
    '',
    'least privilege:',
    ...plan.assessment.privilege.map(
      (p) => `  ${p.stream}: ${p.least_scopes.length ? p.least_scopes.join(', ') : '(the docs name no scope)'}${p.flagged.length ? `  ⚠ ${p.flagged.map((f) => `${f.scope} (${f.why})`).join(', ')}` : ''}`,
    ),
    '',
    'why:',
  ];
  for (const s of plan.streams) {
    lines.push(`  ${s.name}`);
    for (const e of [...s.evidence, ...s.pagination.evidence].slice(0, 4)) lines.push(...why(e));
  }
  lines.push('  auth');
  for (const e of a.evidence.slice(0, 3)) lines.push(...why(e));
  return `${lines.join('\n')}\n`;
}
