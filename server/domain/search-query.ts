/**
 * What a person typed in the search box, as the database needs it: words for full-text search
 * and the protocol spellings to match exactly. No I/O.
 */
export interface SearchQuery {
  /** A to_tsquery text: every word a prefix (search as you type), all words required; null when there is no word. */
  tsquery: string | null;
  /** Exact protocol numbers to look up (stored as `YYYYMMDD-NNNNNN`). */
  protocols: string[];
}

/** At most this many words reach the database (a pasted paragraph is not a search). */
export const MAX_WORDS = 12;

export function parseSearchQuery(raw: string): SearchQuery {
  const text = raw.normalize('NFC').trim();
  // Letters and digits only: nothing the person types can reach the tsquery syntax (& | ! : ' ( )).
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);
  return {
    tsquery: words.length > 0 ? words.map((w) => `'${w}':*`).join(' & ') : null,
    protocols: protocolsOf(text),
  };
}

/** "20261126-000042", "20261126000042" and "20261126-42" name the same protocol; anything else as typed. */
function protocolsOf(text: string): string[] {
  if (text === '' || /\s/.test(text)) return [];
  const m = /^(\d{8})-?(\d{1,6})$/.exec(text);
  if (!m) return [text];
  const canonical = `${m[1]}-${m[2]!.padStart(6, '0')}`;
  return canonical === text ? [text] : [text, canonical];
}
