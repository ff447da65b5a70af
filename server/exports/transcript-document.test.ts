import { describe, expect, it } from 'vitest';
import type { Transcript } from '../commands/transcripts.ts';
import { transcriptDocument, transcriptText } from './transcript-document.ts';
import { transcriptPdf, winAnsi } from './transcript-pdf.ts';

const at = (m: number) => new Date(Date.UTC(2026, 11, 7, 12, m));
const ana = { id: 'u-ana', name: 'Ana Souza' };
const transcript = {
  id: 'c1',
  protocol: '20261207-0001',
  status: 'closed',
  contact: { id: 'k1', name: 'João', whatsapp: '5511999990000', email: null },
  channel: { id: 'ch', kind: 'whatsapp', name: 'WhatsApp' },
  team: { id: 't', name: 'Suporte' },
  assignee: ana,
  createdAt: at(0),
  queuedAt: at(1),
  claimedAt: at(2),
  closedAt: at(9),
  closedBy: ana,
  closeReason: 'agent',
  disposition: { id: 'd', name: 'Resolvido' },
  rating: 5,
  ratingRequestedAt: at(9),
  ratedAt: at(10),
  ratingComment: null,
  messages: [
    {
      id: 'm1',
      seq: 1,
      at: at(0),
      direction: 'in',
      kind: 'text',
      text: 'Olá, preciso de ajuda',
      status: 'received',
      isBot: false,
      author: null,
      file: null,
    },
    {
      id: 'm2',
      seq: 2,
      at: at(3),
      direction: 'out',
      kind: 'document',
      text: '',
      status: 'sent',
      isBot: false,
      author: ana,
      file: { id: 'f', name: 'relatório.pdf', contentType: 'application/pdf', size: 10 },
    },
  ],
  files: [],
  tags: [{ id: 'g', name: 'Cobrança', color: '#000' }],
  participants: [{ ...ana, roles: ['served', 'wrote'] }],
  events: [
    { at: at(0), kind: 'created', actor: null, target: null, detail: null },
    { at: at(2), kind: 'claimed', actor: ana, target: null, detail: null },
    { at: at(9), kind: 'closed', actor: ana, target: { id: 'd', name: 'Resolvido' }, detail: 'agent' },
    { at: at(10), kind: 'rated', actor: null, target: null, detail: '5' },
  ],
} as unknown as Transcript;

describe('transcript exports', () => {
  it('writes the text in the reader language and time zone', () => {
    const text = transcriptText(transcriptDocument(transcript, 'pt-BR', 'America/Sao_Paulo', 'Admin', at(30)));
    expect(text).toContain('Transcrição da conversa 20261207-0001');
    expect(text).toContain('João:');
    expect(text).toContain('    Olá, preciso de ajuda');
    expect(text).toContain('[Arquivo: relatório.pdf]');
    expect(text).toContain('Ana Souza assumiu a conversa');
    expect(text).toContain('Encerrada por Ana Souza: finalizada pelo agente · Resolvido');
    expect(text).toContain('O cliente deu nota 5 de 5');
    // 12:00 UTC is 09:00 in São Paulo.
    expect(text).toContain('07/12/2026, 09:00:00');
  });

  it('keeps the accents of Portuguese and Spanish in the PDF fonts, and nothing they cannot show', () => {
    expect(winAnsi('ação, coração, año, ñandú, “€”')).toBe('ação, coração, año, ñandú, “€”');
    expect(winAnsi('ok 👍🏽 ✓ 中')).toBe('ok ?? ? ?');
    expect(winAnsi('a\u0303')).toBe('ã');
  });

  it('makes a PDF', async () => {
    const pdf = await transcriptPdf(transcriptDocument(transcript, 'es', 'UTC', 'Admin'), 'es');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
