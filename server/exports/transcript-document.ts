import { catalogue, translate, type Language, type MessageKey } from '../../i18n/index.ts';
import type { Transcript } from '../commands/transcripts.ts';
import type { TranscriptEvent } from '../domain/transcript.ts';

/** A transcript laid out for a reader: the same content feeds the text and the PDF exports. */
export interface TranscriptDocument {
  title: string;
  exported: string;
  facts: [label: string, value: string][];
  messagesTitle: string;
  messages: { when: string; who: string; text: string; file: string | null }[];
  eventsTitle: string;
  events: { when: string; text: string }[];
  empty: string;
}

const key = (k: string): MessageKey | null => (k in catalogue.en ? (k as MessageKey) : null);

export function eventSentence(lang: Language, e: TranscriptEvent): string {
  const tr = (k: MessageKey, p?: Record<string, string | number>) => translate(lang, k, p);
  const actor = e.actor?.name || tr('transcripts.someone');
  const target = e.target?.name || tr('transcripts.someone');
  switch (e.kind) {
    case 'closed': {
      const reasonKey = key(`contacts.closeReason.${e.detail}`);
      const reason = [reasonKey ? tr(reasonKey) : (e.detail ?? ''), e.target?.name].filter(Boolean).join(' · ');
      return e.actor ? tr('transcripts.event.closed', { actor, reason }) : tr('transcripts.event.closedAutomatically', { reason });
    }
    case 'rated':
      return tr('transcripts.event.rated', { rating: e.detail ?? '' });
    case 'other': {
      const label = key(`admin.audit.action.${e.detail}`);
      return tr('transcripts.event.other', { action: label ? tr(label) : (e.detail ?? ''), actor });
    }
    default:
      return tr(`transcripts.event.${e.kind}`, { actor, target });
  }
}

export function transcriptDocument(
  t: Transcript,
  lang: Language,
  timeZone: string,
  exportedBy: string,
  now = new Date(),
): TranscriptDocument {
  const tr = (k: MessageKey, p?: Record<string, string | number>) => translate(lang, k, p);
  const fmt = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium', timeZone });
  const when = (d: Date) => fmt.format(d);
  // Named as on screen (client/src/lib/contact.ts contactLabel): the name, else the number, else "Visitor 3f9a".
  const shortId = t.contact.id
    .replace(/[^0-9a-z]/gi, '')
    .slice(0, 4)
    .toLowerCase();
  const named = t.contact.name.trim();
  const label = named || (t.contact.whatsapp ? `+${t.contact.whatsapp}` : tr('contacts.visitor', { id: shortId }));
  const contact = [label, named && t.contact.whatsapp ? `+${t.contact.whatsapp}` : null, t.contact.email].filter(Boolean).join(' · ');
  const reasonKey = key(`contacts.closeReason.${t.closeReason}`);
  const facts: [string, string][] = [
    [tr('transcripts.field.contact'), contact],
    [tr('transcripts.field.channel'), t.channel.name],
    [tr('transcripts.field.team'), t.team?.name ?? '—'],
    [tr('transcripts.field.agent'), t.assignee?.name ?? '—'],
    [tr('transcripts.field.opened'), when(t.createdAt)],
    [tr('transcripts.field.closed'), t.closedAt ? when(t.closedAt) : tr('transcripts.stillOpen')],
  ];
  if (t.closeReason) facts.push([tr('transcripts.field.outcome'), reasonKey ? tr(reasonKey) : t.closeReason]);
  if (t.disposition) facts.push([tr('transcripts.field.disposition'), t.disposition.name]);
  if (t.tags.length) facts.push([tr('transcripts.field.tags'), t.tags.map((g) => g.name).join(', ')]);
  if (t.rating !== null) facts.push([tr('transcripts.field.rating'), tr('transcripts.rating', { rating: t.rating })]);
  if (t.ratingComment) facts.push([tr('transcripts.field.ratingComment'), t.ratingComment]);
  if (t.participants.length) {
    const people = t.participants.map((p) => `${p.name} (${p.roles.map((r) => tr(`transcripts.role.${r}`)).join(', ')})`);
    facts.push([tr('transcripts.field.participants'), people.join('; ')]);
  }
  return {
    title: tr('transcripts.exportTitle', { protocol: t.protocol }),
    exported: tr('transcripts.exported', { at: when(now), name: exportedBy }),
    facts,
    messagesTitle: tr('transcripts.messages'),
    messages: t.messages.map((m) => ({
      when: when(m.at),
      who: m.direction === 'in' ? label : m.isBot ? tr('transcripts.bot') : (m.author?.name ?? tr('transcripts.someone')),
      text: m.text,
      file: m.file ? tr('transcripts.file', { name: m.file.name }) : null,
    })),
    eventsTitle: tr('transcripts.events'),
    events: t.events.map((e) => ({ when: when(e.at), text: eventSentence(lang, e) })),
    empty: tr('transcripts.noMessages'),
  };
}

/** The plain-text export: UTF-8, one message per block, the trail at the end. */
export function transcriptText(d: TranscriptDocument): string {
  const out: string[] = [d.title, d.exported, ''];
  const width = Math.max(...d.facts.map(([label]) => label.length));
  for (const [label, value] of d.facts) out.push(`${`${label}:`.padEnd(width + 2)}${value}`);
  out.push('', `== ${d.messagesTitle} ==`, '');
  if (d.messages.length === 0) out.push(d.empty);
  for (const m of d.messages) {
    out.push(`[${m.when}] ${m.who}:`);
    for (const line of m.text.split(/\r?\n/)) if (line || !m.file) out.push(`    ${line}`);
    if (m.file) out.push(`    [${m.file}]`);
  }
  out.push('', `== ${d.eventsTitle} ==`, '');
  for (const e of d.events) out.push(`[${e.when}] ${e.text}`);
  return `${out.join('\n')}\n`;
}
