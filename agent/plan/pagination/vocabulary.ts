/**
 * The words real docs use for pagination: parameter names, response field names and the phrases
 * that name a Link header. One vocabulary, read by the planner's detectors and by the mock API
 * (which serves every mechanism the docs describe).
 */

export const CURSOR_PARAM = /^(cursor|after|continue|page_?token|next_?token|next_?page_?token|starting_?after|marker|continuation_?token|page\[cursor\]|page\[after\]|next_?cursor|start_?cursor|search_?after)$/i;
export const CURSOR_FIELD = /^(next_?cursor|next_?token|next_?page_?token|cursor|continue|continuation_?token|after|end_?cursor|next_?marker|marker|next_?key)$/i;
export const LINK_WORDS = /\blink\b[^.]{0,40}\bheader|\blink header|rel="?next|\bLink:\s*<|\bnext`? link relation/i;
export const CURSORISH = /^(after|cursor|page_?token|next|marker|starting_?after|continue)$/i;
export const NEXT_PATH = /(^|\.)(next|next_?page_?(uri|url|link)?|next_?(uri|url|link)|nextlink|@odata\.nextlink|next\.href)$/i;
/** Prose that makes an offset start at 1 (SCIM's `startIndex`). */
export const ONE_BASED = /1-based|one-based|starts? (at|from) 1\b|first (item|result|record) is 1\b/i;
export const OFFSET_PARAM = /^(offset|skip|start_?at|start_?index|\$skip|start)$/i;
/** A boolean that says this is the last page (Atlassian's `isLast`): the inverse of MORE_FIELD. */
export const LAST_FIELD = /^(is_?last|is_?last_?page|last_?page_?reached)$/i;
export const MORE_FIELD = /^(more|has_?more|has_?next|has_?next_?page|is_?truncated)$/i;
export const TOTAL_FIELD = /^(total|total_?count|total_?results|total_?size|total_?records)$/i;
export const PAGE_PARAM = /^(page|page_?number|pagenumber|page\[number\]|p)$/i;
export const PAGES_FIELD = /^(pages|total_?pages|page_?count|last_?page|num_?pages)$/i;
export const LIMIT_PARAM = /^(limit|count|max_?results|maxresults|page_?size|pagesize|per_?page|size|\$top|take|max|page\[size\]|page\[limit\])$/i;
/** Prose that calls a parameter's value an opaque cursor (not, say, the id of the last record). */
export const OPAQUE_CURSOR = /\bcursor\b|\bopaque\b|\bnext page\b/i;
/** Response headers that carry the next cursor (`X-Next-Page-Token`, `Next-Cursor`). */
export const CURSOR_HEADER = /^(x-)?(next-?page-?token|next-?cursor|next-?token|continuation-?token|cursor|next-?marker)$/i;
/** A number field's description that makes it the count of pages ("Total number of pages."). */
export const PAGES_PROSE = /\bnumber of pages\b|\bpage count\b/i;
/** A count field's description that makes it one page's count, not the list's total ("how many members this page holds"). */
export const THIS_PAGE_COUNT = /\b(this|the current|current|each|a single) page\b|\bsize of (this|the|a) page\b|\bon (this|the) page\b|\bin (this|the) page\b|\bnot of the whole\b/i;
