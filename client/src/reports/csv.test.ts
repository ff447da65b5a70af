import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('CSV export', () => {
  it('starts with a byte order mark and quotes what needs quoting', () => {
    const text = toCsv([
      ['Equipe', 'Recebidas'],
      ['Atendimento, São Paulo', 3],
      ['Diz "olá"', 0],
      ['duas\nlinhas', null],
    ]);
    expect(text).toBe('\uFEFFEquipe,Recebidas\r\n"Atendimento, São Paulo",3\r\n"Diz ""olá""",0\r\n"duas\nlinhas",\r\n');
  });

  it('keeps numbers as numbers and turns formula-like text into plain text', () => {
    expect(toCsv([[-1.5, '=SUM(A1)', '@x', '+1', 'ok']])).toBe("\uFEFF-1.5,'=SUM(A1),'@x,'+1,ok\r\n");
  });
});
