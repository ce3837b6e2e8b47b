/**
 * A tweet's search document from SQL expressions for its text, hashtags (text[]), mentioned handles (lower-cased
 * text[]) and visibility: its words, plus '#tag' and '@handle' lexemes, the handles only of accounts that exist (as
 * in tweet_mentions). The same rule as migration 007's backfill. An unlisted tweet gets an empty document: search is
 * a public place.
 */
export const searchDocument = (text: string, tags: string, handles: string, visibility: string) =>
  `CASE WHEN ${visibility} = 'public' THEN to_tsvector('simple', ${text}) || array_to_tsvector(ARRAY(
    SELECT '#' || tag FROM unnest(${tags}) tag
    UNION SELECT '@' || lower(handle) FROM accounts WHERE lower(handle) = ANY(${handles}))) ELSE ''::tsvector END`;
