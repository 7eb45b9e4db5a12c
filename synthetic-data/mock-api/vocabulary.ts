/**
 * The mock's own words for the parts of a paged list response. Written for the mock alone — the
 * planner keeps its own — so a misreading of the docs is not made twice. Each pattern matches a
 * whole name (case-insensitive); prose patterns match what docs literally say.
 */

/** Query parameters that set a page's size. */
export const SIZE_PARAM = /^(limit|per_?page|page_?size|pagesize|max_?results|maxresults|\$top|top|take|max_?items|page\[size\]|page\[limit\]|count)$/i;
/** Query parameters that skip a number of records. */
export const SKIP_PARAM = /^(offset|skip|\$skip|start|start_?index|start_?at|from)$/i;
/** Query parameters that number pages. */
export const PAGE_NUMBER_PARAM = /^(page|page_?number|page_?num|page\[number\]|p)$/i;
/** Query parameters that carry an opaque position. */
export const POSITION_PARAM = /^(cursor|after|before_?cursor|page_?token|next_?token|next_?page_?token|continuation_?token|continue|marker|starting_?after|start_?cursor|next_?cursor|search_?after|page\[cursor\]|page\[after\])$/i;
/** Words that make a parameter's own description call it a cursor. */
export const POSITION_WORDS = /\bcursor\b|\bopaque\b|\bpage token\b|\bcontinuation\b/i;

/** Body fields that hold the next position. */
export const NEXT_POSITION_FIELD = /^(next_?cursor|next_?token|next_?page_?token|continuation_?token|continue|next_?marker|end_?cursor|next_?key|cursor|after)$/i;
/** Body fields that hold the next page's URL (a dotted path's last name, or the whole path). */
export const NEXT_LINK_FIELD = /^(next|next_?url|next_?uri|next_?link|next_?page|next_?page_?url|next_?page_?uri|next_?page_?link|nextlink|@odata\.nextlink|href)$/i;
/** Boolean body fields that are true while more pages follow. */
export const MORE_FIELD = /^(more|has_?more|has_?next|has_?next_?page|has_?more_?items|is_?truncated|truncated)$/i;
/** Boolean body fields that are true on the last page. */
export const LAST_PAGE_FIELD = /^(is_?last|is_?last_?page|last_?page_?reached|last)$/i;
/** Number fields that count every record of the list. */
export const TOTAL_FIELD = /^(total|total_?count|total_?results|total_?size|total_?records|total_?items|results|count_?total)$/i;
/** Number fields that count pages. */
export const PAGES_FIELD = /^(pages|total_?pages|page_?count|num_?pages|last_?page)$/i;
/** A number field's description that makes it the count of all pages ("Total number of pages."). */
export const COUNTS_PAGES = /\b(total )?number of pages\b|\bpage count\b/i;
/** A number field's description that makes it the count of all records ("Number of users across all pages."). */
export const COUNTS_RECORDS = /\b(total number of|number of \w+ across all pages|total count of)\b/i;
/** A number field's description that makes it the count of one page, not of the list ("how many members this page holds"). */
export const COUNTS_THIS_PAGE = /\b(this|the current|current|each|a single) page\b|\bsize of (this|the|a) page\b|\bon (this|the) page\b|\bin (this|the) page\b|\bnot of the whole\b/i;
/** Number fields that echo the page number. */
export const PAGE_ECHO_FIELD = /^(page|current_?page|page_?number)$/i;

/** Response headers that hold the next position. */
export const NEXT_POSITION_HEADER = /^(x-)?(next-?page-?token|next-?cursor|next-?token|continuation-?token|cursor|next-?marker)$/i;
/** Response headers that count every record. */
export const TOTAL_HEADER = /^(x-)?(total-?count|total|result-?count|total-?results)$/i;
/** Response headers that count pages. */
export const PAGES_HEADER = /^(x-)?(total-?pages|page-?count)$/i;

/** Prose that names the RFC 8288 `Link` header (or its `next` relation) as where the next page is. */
export const NAMES_LINK_HEADER = /\blink`?\s+(response\s+)?header|`link`\s+(response\s+)?header|\blink:\s*<|rel\s*=\s*"?next|\bnext`?\s+link\s+relation/i;
/** A sentence that denies the Link header (“There is no Link header”, “does not return a Link header”). */
export const DENIES_LINK_HEADER = /\b(no|not|never|without|nor|neither)\s+(a |an |the |any )?`?link`?(\s+response)?\s+headers?\b|`?link`?(\s+response)?\s+headers?\s+(is|are)\s+(not|never)\b|\b(does|do|will|is|are)\s*(not|n't)\s+(\w+\s+){0,2}(a |an |the |any )?`?link`?(\s+response)?\s+headers?/i;
/** A sentence that says a list leaves some records out (“This operation omits users that have a status of DEPROVISIONED”). */
export const OMITS_RECORDS = /\b(omits?|excludes?|leaves? out|skips?)\b|\b(does|do|will) not (return|include|list)\b|\b(are|is) not (returned|included|listed)\b|\bonly (returns?|lists?|includes?)\b/i;
/** A parameter's description that says its value comes back from the previous response (a token, not a number the client counts). */
export const ECHOES_RESPONSE = /\b(of|from) the previous (response|page|call|request)\b|\breturned (by|in) the (previous )?response\b|\bopaque\b|\btoken\b/i;
/** Words by which a sentence of docs-wide prose speaks of every list (“all list endpoints”, “the response”, “results”). */
export const SPEAKS_OF_EVERY_LIST = /\b(all|every|any|each)\b|\blists?\b|\bendpoints?\b|\bresponses?\b|\brequests?\b|\bresults?\b|\bcollections?\b|\bthe api\b|\bpaginat(ed|ion)\b/i;
/** Words too general to scope a sentence of prose to one endpoint. */
export const GENERAL_WORDS = /^(api|apis|v\d+|list|lists|page|pages|pagination|paging|all|every|other|each|endpoint|endpoints|resource|resources|request|requests|response|responses|result|results|item|items|record|records|collection|collections|next|link|header|headers|json|the|a|an|and|or|of|with|in|on|for|to|is|are|by|its|this|that|rest|http|https)$/i;
/** Prose that makes an index start at 1. */
export const STARTS_AT_ONE = /\b(1-based|one-based|starts? (at|from|with) 1\b|starting (at|from|with) 1\b|first (page|item|result|record) is 1\b)/i;
/** Prose that makes an index start at 0. */
export const STARTS_AT_ZERO = /\b(0-based|zero-based|starts? (at|from|with) 0\b|starting (at|from|with) 0\b)/i;
/** Prose that gives a maximum: "max 100", "maximum is 1000", "between 1 and 100", "(1-200". */
export const MAXIMUM_IN_PROSE = /\bmax(?:imum)?(?:\s+(?:of|is|value is|value))?[:\s]*(\d{1,6})\b|\bbetween\s+\d+\s+and\s+(\d{1,6})\b|\((?:\d+)\s*[-–]\s*(\d{1,6})\b/i;
/** A position parameter's prose that makes it a record's id (keyset paging): "the `id` of the last user", "A user ID … after this one". */
export const TAKES_RECORD_ID = /\b(id|ID|identifier)\b[^.]{0,40}\blast\b|\blast (record|item|object|entry|element|result|one|\w+)\b[^.]{0,40}\b(id|ID|identifier)\b|\bafter this (one|id|ID)\b|\b(an?|the) \w+ (id|ID)\b[^.]{0,60}\b(after|following)\b/;
/** A parameter's prose that says the previous response hands its value back ("`next_cursor` returned by the previous call"). */
export const HANDED_BACK = /\breturned (by|in|from)\b|\b(from|in|of) the (previous|last|prior) (response|call|request|page)\b/i;
/** Prose that makes a page shorter than the size asked for the last one. */
export const SHORT_PAGE_ENDS = /\b(fewer|less) (results|records|items|entries|objects) than (the )?(requested|`?limit`?|`?page_?size`?|`?per_?page`?|page size)\b[^.]{0,80}\b(last|no more|end)\b|\b(last|final) page\b[^.]{0,40}\b(fewer|less) than\b/i;
