/**
 * Token accounting for one vendor's planning loop (issue 13, "Bounded": a token budget per vendor, the
 * totals in the audit log and the change record).
 */

/** Tokens of one chat turn, as the endpoint's `usage` gives them, or estimated when it gives none. */
export interface TurnUsage {
  prompt_tokens: number;
  completion_tokens: number;
  /** True when the endpoint reported no usage and the counts are characters / 4 (`estimateTokens`). */
  estimated: boolean;
}

/** Limits on the sums; a missing limit is no limit. */
export interface TokenLimits {
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
}

export interface TokenTotals {
  vendor: string;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  turns: number;
  /** How many of the turns were estimated: the totals are exact only when this is 0. */
  estimated_turns: number;
  /** The prompt tokens the loop sent by its own count (characters / 4), whatever the endpoint reported. */
  sent_tokens?: number;
}

/**
 * Rough token count of a text for servers that report no usage (some local servers): one token per four
 * characters, the common rule of thumb for English and JSON with BPE tokenizers. Always labelled an
 * estimate where it is shown.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Sums one vendor's turns and says when a limit is reached. */
export class TokenBudget {
  readonly vendor: string;
  readonly limits: Readonly<TokenLimits>;
  #prompt = 0;
  #completion = 0;
  #turns = 0;
  #estimated = 0;

  constructor(vendor: string, limits: TokenLimits = {}) {
    for (const [name, n] of Object.entries(limits)) {
      if (n !== undefined && (!Number.isFinite(n) || n < 0)) throw new RangeError(`token limit ${name} must be a number >= 0, not ${n}`);
    }
    this.vendor = vendor;
    this.limits = { ...limits };
  }

  /** Adds one turn's usage (negative or non-finite counts from a server count as 0). */
  record(usage: TurnUsage): void {
    this.#prompt += clean(usage.prompt_tokens);
    this.#completion += clean(usage.completion_tokens);
    this.#turns += 1;
    if (usage.estimated) this.#estimated += 1;
  }

  totals(): TokenTotals {
    return {
      vendor: this.vendor,
      prompt_tokens: this.#prompt,
      completion_tokens: this.#completion,
      total_tokens: this.#prompt + this.#completion,
      turns: this.#turns,
      estimated_turns: this.#estimated,
    };
  }

  /** Whether any limit is reached (a sum equal to its limit counts: the next turn would pass it). */
  exceeded(): boolean {
    const t = this.totals();
    const { promptTokens, completionTokens, totalTokens } = this.limits;
    return (promptTokens !== undefined && t.prompt_tokens >= promptTokens)
      || (completionTokens !== undefined && t.completion_tokens >= completionTokens)
      || (totalTokens !== undefined && t.total_tokens >= totalTokens);
  }

  /** One line for the output and the audit log: `acme: 1200 prompt + 300 completion tokens in 3 turns (estimated for 1 turn)`. */
  describe(): string {
    const t = this.totals();
    const est = t.estimated_turns === 0 ? '' : ` (estimated from characters for ${t.estimated_turns} of them)`;
    return `${t.vendor}: ${t.prompt_tokens} prompt + ${t.completion_tokens} completion tokens in ${t.turns} turn${t.turns === 1 ? '' : 's'}${est}`;
  }
}

function clean(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
