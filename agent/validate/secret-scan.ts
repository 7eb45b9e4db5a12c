/**
 * Finds secrets in connector code: a credential-named key given a literal, an Authorization-style
 * value, or a token in a well-known vendor format. Generated code never holds one — the host
 * injects credentials at its egress gate — so any finding fails validation.
 */

const RULES: { kind: string; pattern: RegExp }[] = [
  { kind: 'credential literal', pattern: /["'`]?(?:authorization|x-api-key|api[_-]?key|access[_-]?token|auth[_-]?token|secret|password|passwd|private[_-]?key|client[_-]?secret)["'`]?\s*[:=]\s*["'`][^"'`\s]{6,}["'`]/i },
  { kind: 'authorization value', pattern: /["'`](?:Bearer|Basic|SSWS|Token token=|token)\s*[A-Za-z0-9._~+/=-]{8,}["'`]/ },
  { kind: 'vendor token format', pattern: /\b(?:ghp_[A-Za-z0-9]{20,}|gho_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*)/ },
  { kind: 'synthetic credential', pattern: /fw-synthetic-[a-z0-9-]+/ },
];

export function scanSecrets(source: string): { line: number; kind: string }[] {
  const findings: { line: number; kind: string }[] = [];
  source.split('\n').forEach((text, i) => {
    for (const rule of RULES) if (rule.pattern.test(text)) findings.push({ line: i + 1, kind: rule.kind });
  });
  return findings;
}
