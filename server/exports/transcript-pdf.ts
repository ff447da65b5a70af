import PDFDocument from 'pdfkit';
import type { TranscriptDocument } from './transcript-document.ts';

// The standard PDF fonts (no font file to ship) speak WinAnsi: Latin-1 — every accent of
// Portuguese and Spanish — plus these typographic characters. Anything else (emoji, other
// scripts) would come out as broken glyphs, so it is shown as "?"; the text export keeps it.
const WIN_ANSI_EXTRA = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c, 0x201d, 0x201e,
  0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if (ch === '\n' || (code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code)) out += ch;
    else if (ch === '\t') out += '    ';
    else if (code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f))
      continue; // emoji joiners and variation selectors
    else if (code >= 0x20) out += '?';
  }
  return out;
}

/** The transcript as a PDF (A4, Helvetica), whole in memory: it is answered with its length. */
export function transcriptPdf(d: TranscriptDocument, lang: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, lang, info: { Title: winAnsi(d.title), Creator: 'Atende' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(16).text(winAnsi(d.title));
  doc.font('Helvetica').fontSize(9).fillColor('#555555').text(winAnsi(d.exported)).moveDown();
  doc.fillColor('#000000').fontSize(10);
  for (const [label, value] of d.facts) {
    doc
      .font('Helvetica-Bold')
      .text(`${winAnsi(label)}: `, { continued: true })
      .font('Helvetica')
      .text(winAnsi(value));
  }
  doc.moveDown().font('Helvetica-Bold').fontSize(13).text(winAnsi(d.messagesTitle)).moveDown(0.5).fontSize(10);
  if (d.messages.length === 0) doc.font('Helvetica').text(winAnsi(d.empty));
  for (const m of d.messages) {
    doc
      .font('Helvetica-Bold')
      .text(winAnsi(m.who), { continued: true })
      .font('Helvetica')
      .fillColor('#555555')
      .text(`  ${winAnsi(m.when)}`);
    doc.fillColor('#000000');
    if (m.text) doc.text(winAnsi(m.text), { indent: 12 });
    if (m.file) doc.font('Helvetica-Oblique').text(winAnsi(m.file), { indent: 12 }).font('Helvetica');
    doc.moveDown(0.4);
  }
  doc.moveDown().font('Helvetica-Bold').fontSize(13).text(winAnsi(d.eventsTitle)).moveDown(0.5).fontSize(10).font('Helvetica');
  for (const e of d.events) doc.text(`${winAnsi(e.when)} — ${winAnsi(e.text)}`);
  doc.end();
  return done;
}
