import { describe, expect, it } from 'vitest';
import { confirms, erasureConfirmation, exportFileName, monthsBefore } from './privacy.ts';

describe('erasure confirmation', () => {
  it('names the contact by name, else its number, else its e-mail', () => {
    expect(erasureConfirmation({ id: 'c1', name: ' Dora Lima ', whatsapp: '5511987654321', email: 'd@x.test' })).toBe('Dora Lima');
    expect(erasureConfirmation({ id: 'c1', name: '', whatsapp: '5511987654321', email: 'd@x.test' })).toBe('5511987654321');
    expect(erasureConfirmation({ id: 'c1', name: '  ', whatsapp: null, email: 'd@x.test' })).toBe('d@x.test');
    expect(erasureConfirmation({ id: 'c1', name: '', whatsapp: null, email: null })).toBe('c1');
  });

  it('accepts the name typed in another case or spacing, never an empty or different one', () => {
    expect(confirms('  dora   LIMA ', 'Dora Lima')).toBe(true);
    expect(confirms('Dora', 'Dora Lima')).toBe(false);
    expect(confirms('', '')).toBe(false);
    expect(confirms('Joao', 'João')).toBe(false);
  });
});

describe('retention cutoff', () => {
  it('goes back calendar months, clamping the day to the shorter month', () => {
    expect(monthsBefore(new Date('2026-03-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(monthsBefore(new Date('2026-01-15T00:00:00Z'), 13).toISOString()).toBe('2024-12-15T00:00:00.000Z');
    expect(monthsBefore(new Date('2024-05-31T23:59:59Z'), 3).toISOString()).toBe('2024-02-29T23:59:59.000Z');
  });
});

describe('export file names', () => {
  it('keeps files inside files/ whatever their name says', () => {
    expect(exportFileName('a1', '../../etc/passwd')).toBe('files/a1-__.._etc_passwd');
    expect(exportFileName('a1', 'relatório março.pdf')).toBe('files/a1-relatório março.pdf');
    expect(exportFileName('a1', '')).toBe('files/a1-file');
  });
});
