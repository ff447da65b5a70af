/** A cell of a CSV file: text as it is, numbers unformatted, empty for none. */
export type Cell = string | number | null;

/**
 * A spreadsheet would run a cell that starts like a formula (=, +, -, @): names people typed
 * (contacts, tags) are made plain text with a leading apostrophe.
 */
function cell(value: Cell): string {
  if (value === null) return '';
  let text = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 text (CRLF lines), with a UTF-8 byte order mark so Excel reads accents. */
export function toCsv(rows: Cell[][]): string {
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** Saves the rows as a .csv file from the browser. */
export function downloadCsv(fileName: string, rows: Cell[][]): void {
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the click; the object URL is no longer needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
