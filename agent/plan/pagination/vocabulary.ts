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
/** Prose that makes a short page the last one ("fewer than `limit` results means there are no more"). */
export const SHORT_PAGE_PROSE = /\b(fewer|less) (results|records|items|entries|objects) than (the )?(requested|`?limit`?|`?page_?size`?|`?per_?page`?|page size)\b[^.]{0,80}\b(last|no more|end)\b|\b(last|final) page\b[^.]{0,40}\b(fewer|less) than\b/i;
/** Prose that makes an empty page the end of the list ("an empty array means there are no more results"). */
export const EMPTY_PAGE_PROSE = /\ban? empty (page|array|list|result|response)\b[^.]{0,60}\b(no more|end of|last|reached the end)\b|\b(no more|end of the) (results|records|pages)\b[^.]{0,40}\bempty (page|array|list)\b/i;
/** A cursor parameter's prose that makes its value a record's id (keyset paging): "use the `id` of the last user", "A user ID … after this one". */
export const KEYSET_PROSE = /\b(id|ID|identifier)\b[^.]{0,40}\blast\b|\blast (record|item|object|entry|element|result|\w+)\b[^.]{0,40}\b(id|ID|identifier)\b|\bafter this (one|id|ID)\b|\b(an?|the) \w+ (id|ID)\b[^.]{0,60}\b(after|following)\b/;
/** Body fields that echo the page number a response holds. */
export const PAGE_ECHO_FIELD = /^(page|current_?page|page_?number|page_?index)$/i;
/** A parameter's prose that says the response hands a value back ("returned by the previous call", "from the previous response"). */
export const RETURNED_PROSE = /\breturned (by|in|from)\b|\b(from|in|of) the (previous|last|prior) (response|call|request|page)\b/i;
/** Prose that says a count is not always there ("set to `null` by default", "only populated when", "omitted unless"). */
export const COUNT_SOMETIMES = /\bnull\b|\bonly (populated|returned|present|included|set)\b|\b(omitted|absent|not (returned|populated|included))\b/i;
/** A number field's description that makes it the count of the whole list ("Total number of items available.", "Number of users across all pages."). */
export const TOTAL_PROSE = /\btotal number of (items|records|results|entries|objects|\w+s)\b|\bnumber of \w+ across all pages\b|\btotal count of\b/i;
