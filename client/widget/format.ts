import { lang } from './strings.ts';

/** A message's time of day, in the visitor's language. */
export function formatTime(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? '' : new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' }).format(d);
}

/** A file's size: "820 B", "1,5 KB", "2.3 MB" (number format of the visitor's language). */
export function formatSize(bytes: number): string {
  const n = (x: number) => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(x);
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${n(bytes / 1024)} KB`;
  return `${n(bytes / 1024 / 1024)} MB`;
}
