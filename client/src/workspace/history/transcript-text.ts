import { isMessageKey, t } from '../../i18n.ts';
import type { trpc } from '../../trpc.ts';

export type Transcript = Awaited<ReturnType<typeof trpc.conversations.transcript.query>>;
type Event = Transcript['events'][number];

/** One line of the trail in the reader's language (the exports use server/exports/transcript-document.ts). */
export function eventText(e: Event): string {
  const actor = e.actor?.name || t('transcripts.someone');
  const target = e.target?.name || t('transcripts.someone');
  switch (e.kind) {
    case 'closed': {
      const key = `contacts.closeReason.${e.detail}`;
      const reason = [isMessageKey(key) ? t(key) : (e.detail ?? ''), e.target?.name].filter(Boolean).join(' · ');
      return e.actor ? t('transcripts.event.closed', { actor, reason }) : t('transcripts.event.closedAutomatically', { reason });
    }
    case 'rated':
      return t('transcripts.event.rated', { rating: e.detail ?? '' });
    case 'other': {
      const key = `admin.audit.action.${e.detail}`;
      return t('transcripts.event.other', { action: isMessageKey(key) ? t(key) : (e.detail ?? ''), actor });
    }
    default:
      return t(`transcripts.event.${e.kind}`, { actor, target });
  }
}
