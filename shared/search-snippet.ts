/**
 * `search.messages` snippets are plain text with the matched words between these two control
 * characters (never HTML): the client turns them into <mark> elements as text nodes.
 */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';

export interface SnippetPart {
  text: string;
  hit: boolean;
}

/** Splits a snippet into plain and highlighted runs (an unmatched marker is ignored). */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let hit = false;
  let run = '';
  const flush = () => {
    if (run) parts.push({ text: run, hit });
    run = '';
  };
  for (const ch of snippet) {
    if (ch === MARK_START || ch === MARK_END) {
      flush();
      hit = ch === MARK_START;
    } else run += ch;
  }
  flush();
  return parts;
}
