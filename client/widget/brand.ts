/** The organization's brand colour as the widget's accent, with readable text on and around it. */

const HEX = /^#[0-9a-fA-F]{6}$/;

function channels(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [n >> 16, (n >> 8) & 255, n & 255];
}

function toHex(rgb: [number, number, number]): string {
  return `#${rgb
    .map((c) =>
      Math.round(Math.max(0, Math.min(255, c)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** WCAG relative luminance. */
function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

function darken(hex: string, by: number): string {
  return toHex(channels(hex).map((c) => c * (1 - by)) as [number, number, number]);
}

export interface BrandColours {
  accent: string;
  /** Text on the accent (header, the visitor's bubbles, Send). */
  onAccent: string;
  hover: string;
  /** The accent darkened until it reads on white (agent names, option buttons). */
  ink: string;
}

const DARK = '#111827';
const WHITE = '#ffffff';

export function brandColours(color: string | null | undefined): BrandColours | null {
  if (!color || !HEX.test(color)) return null;
  const accent = color.toLowerCase();
  const onAccent = contrast(accent, WHITE) >= contrast(accent, DARK) ? WHITE : DARK;
  let ink = accent;
  for (let i = 0; i < 20 && contrast(ink, WHITE) < 4.5; i++) ink = darken(ink, 0.1);
  return { accent, onAccent, hover: darken(accent, 0.15), ink };
}
