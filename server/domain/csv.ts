/**
 * CSV as spreadsheets open it: UTF-8 with a byte-order mark (Excel otherwise reads it as
 * Latin-1), CRLF rows (RFC 4180), quotes doubled. A cell that starts like a formula (= + - @,
 * or a tab / carriage return that some programs skip before one) gets a leading apostrophe, so
 * text a customer or user typed can never run as a formula in the reader's spreadsheet (OWASP
 * "CSV injection").
 */
export const CSV_BOM = '\uFEFF';

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
