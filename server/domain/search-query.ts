/**
 * What a person typed in the search box, as the database needs it: words for full-text search
 * and the protocol spellings to match exactly. No I/O.
 */
export interface SearchQuery {
  /** A to_tsquery text: every word a prefix (search as you type), all words required; null when there is no word. */
  tsquery: string | null;
  /** Exact protocol numbers to look up (stored as `YYYYMMDD-NNNNNN`). */
  protocols: string[];
  /** The words, lowercased, letters and digits only (those of `tsquery`). */
  words: string[];
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
    words,
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

/**
 * The words' lexemes as each language configuration makes them (`lexemes[config][word]`: none
 * for a stop word of that language) → one tsquery text per required word, ANDed by the caller,
 * that asks the full-text index for each stem once: `('reembols':* | 'reembolso':*)` becomes
 * `'reembols':*` (a prefix covers every longer lexeme it starts), where the three languages'
 * queries ORed together named the same posting lists two or three times. A word is required
 * when every language that keeps any word keeps it (a stop word of one language is optional,
 * as that language's query ignored it); a word may match in a language other than its
 * neighbour's (a little wider than ORing whole per-language queries, never narrower). Null when
 * no language keeps any word (nothing can match), undefined when a word makes more than one
 * lexeme (the caller keeps the plain form).
 */
export function compactTsquery(lexemes: readonly (readonly (readonly string[])[])[]): string[] | null | undefined {
  if (lexemes.some((perWord) => perWord.some((l) => l.length > 1))) return undefined;
  const languages = lexemes.filter((perWord) => perWord.some((l) => l.length > 0));
  if (languages.length === 0) return null;
  const words = languages[0]!.length;
  const parts: string[] = [];
  for (let w = 0; w < words; w++) {
    const forms = languages.map((perWord) => perWord[w]![0]);
    if (forms.some((f) => f === undefined)) continue;
    const kept: string[] = [];
    for (const form of [...new Set(forms as string[])].sort((a, b) => a.length - b.length || a.localeCompare(b))) {
      if (!kept.some((k) => form.startsWith(k))) kept.push(form);
    }
    const quoted = kept.map((k) => `'${k.replaceAll("'", "''")}':*`);
    const part = quoted.length === 1 ? quoted[0]! : `(${quoted.join(' | ')})`;
    if (!parts.includes(part)) parts.push(part);
  }
  return parts.length > 0 ? parts : null;
}
