/**
 * WhatsApp's text formatting as a token tree, for the agent view and the web chat widget to
 * render as text styles (never as HTML): `*bold*`, `_italic_`, `~strike~`, `` `code` ``,
 * ```` ```mono``` ```` (inline, or a block across lines), `- `/`* ` and `1. ` lists, and
 * http(s)/www links. Pure: no DOM, no I/O.
 *
 * Markers follow WhatsApp's rules: a marker opens only at the start of the text or after a
 * character that is not a letter or digit, and only before a non-space; it closes only after
 * a non-space and before the end or a non-letter/digit. So `2*3*4`, `snake_case_name` and
 * `a_b_c` stay text, and a marker with no partner is shown as typed. Inline styles do not
 * cross a line break.
 */

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'bold' | 'italic' | 'strike'; c: Inline[] }
  | { t: 'code'; v: string }
  | { t: 'link'; href: string; v: string };

export type Block =
  /** Lines of text (shown with their line breaks). */
  | { t: 'p'; lines: Inline[][] }
  | { t: 'ul'; items: Inline[][] }
  | { t: 'ol'; start: number; items: Inline[][] }
  /** A ```mono``` span that crosses lines: its text as written. */
  | { t: 'pre'; v: string };

const STYLE: Record<string, 'bold' | 'italic' | 'strike'> = { '*': 'bold', _: 'italic', '~': 'strike' };
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/u;
const LINK = /^(?:https?:\/\/|www\.)[^\s<>"]+/iu;
/** Punctuation that ends a sentence (or closes a style) rather than belongs to the address. */
const LINK_TRAIL = /[.,;:!?'"*_~`\]]+$/u;

const isWord = (ch: string | undefined) => ch !== undefined && WORD.test(ch);
const isSpace = (ch: string | undefined) => ch !== undefined && SPACE.test(ch);

function linkAt(s: string, i: number): { v: string; href: string } | null {
  if (isWord(s[i - 1])) return null;
  const m = LINK.exec(s.slice(i));
  if (!m) return null;
  let v = m[0].replace(LINK_TRAIL, '');
  // A closing parenthesis belongs to the address only when it opened one there.
  while (v.endsWith(')') && (v.match(/\(/g)?.length ?? 0) < (v.match(/\)/g)?.length ?? 0)) v = v.slice(0, -1).replace(LINK_TRAIL, '');
  if (/^www\.$/iu.test(v) || /^https?:\/\/$/iu.test(v)) return null;
  return { v, href: /^www\./iu.test(v) ? `https://${v}` : v };
}

/** Where the marker at `i` closes (index of the closing marker), or -1. */
function closing(s: string, i: number, marker: string): number {
  const len = marker.length;
  if (isWord(s[i - 1]) || isSpace(s[i + len]) || i + len >= s.length) return -1;
  for (let j = s.indexOf(marker, i + len + 1); j !== -1; j = s.indexOf(marker, j + 1)) {
    if (!isSpace(s[j - 1]) && !isWord(s[j + len]) && s[j + len] !== marker[0]) return j;
  }
  return -1;
}

function pushText(out: Inline[], v: string) {
  const last = out[out.length - 1];
  if (last?.t === 'text') last.v += v;
  else out.push({ t: 'text', v });
}

/** One line's inline tokens. */
export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === 'h' || ch === 'H' || ch === 'w' || ch === 'W') {
      const link = linkAt(s, i);
      if (link) {
        out.push({ t: 'link', ...link });
        i += link.v.length;
        continue;
      }
    }
    if (ch === '`') {
      const marker = s.startsWith('```', i) ? '```' : '`';
      const j = closing(s, i, marker);
      if (j !== -1) {
        out.push({ t: 'code', v: s.slice(i + marker.length, j) });
        i = j + marker.length;
        continue;
      }
    }
    const style = STYLE[ch];
    if (style) {
      const j = closing(s, i, ch);
      if (j !== -1) {
        out.push({ t: style, c: parseInline(s.slice(i + 1, j)) });
        i = j + 1;
        continue;
      }
    }
    pushText(out, ch);
    i++;
  }
  return out;
}

const BULLET = /^\s*[-*•]\s+(\S.*)$/u;
const NUMBERED = /^\s*(\d{1,4})[.)]\s+(\S.*)$/u;

function parseLines(text: string, blocks: Block[]) {
  for (const line of text.split('\n')) {
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    const last = blocks[blocks.length - 1];
    if (bullet) {
      if (last?.t === 'ul') last.items.push(parseInline(bullet[1]!));
      else blocks.push({ t: 'ul', items: [parseInline(bullet[1]!)] });
    } else if (numbered) {
      if (last?.t === 'ol') last.items.push(parseInline(numbered[2]!));
      else blocks.push({ t: 'ol', start: Number(numbered[1]), items: [parseInline(numbered[2]!)] });
    } else if (last?.t === 'p') last.lines.push(parseInline(line));
    else blocks.push({ t: 'p', lines: [parseInline(line)] });
  }
}

/** A whole message as blocks: paragraphs, lists and multi-line mono spans. */
export function parseWhatsApp(text: string): Block[] {
  const blocks: Block[] = [];
  // A ```mono``` span across lines is a block of its own; one on a single line stays inline.
  const PRE = /(^|[^\p{L}\p{N}])```(?=\S)((?:(?!```)[\s\S])*?\n(?:(?!```)[\s\S])*?\S)```(?![\p{L}\p{N}])/gu;
  let from = 0;
  for (let m = PRE.exec(text); m; m = PRE.exec(text)) {
    const start = m.index + m[1]!.length;
    const before = text.slice(from, start).replace(/\n$/u, '');
    if (before) parseLines(before, blocks);
    blocks.push({ t: 'pre', v: m[2]! });
    from = start + 3 + m[2]!.length + 3;
    if (text[from] === '\n') from++;
  }
  const rest = text.slice(from);
  if (rest || blocks.length === 0) parseLines(rest, blocks);
  return blocks;
}

/** The text with the markers removed (for previews, titles and notifications). */
export function plainWhatsApp(text: string): string {
  const inline = (list: Inline[]): string => list.map((x) => ('c' in x ? inline(x.c) : x.v)).join('');
  return parseWhatsApp(text)
    .map((b) =>
      b.t === 'pre'
        ? b.v
        : b.t === 'p'
          ? b.lines.map(inline).join('\n')
          : b.items.map((item, k) => `${b.t === 'ol' ? `${b.start + k}.` : '•'} ${inline(item)}`).join('\n'),
    )
    .join('\n');
}
