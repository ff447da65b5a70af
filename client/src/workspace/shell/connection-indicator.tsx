import { Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { connection } from '../../offline/connection.ts';
import { outboxItems } from '../../offline/outbox.ts';

/** Online / reconnecting / offline, and what still waits in the outbox. */
export function ConnectionIndicator() {
  const waiting = () => outboxItems().filter((i) => i.state !== 'draft').length;
  const drafts = () => outboxItems().filter((i) => i.state === 'draft').length;
  return (
    <div class="connection" aria-live="polite">
      <span class={`conn conn-${connection()}`} title={t('offline.connection.label', { state: t(`offline.connection.${connection()}`) })}>
        <span class="conn-dot" aria-hidden="true" />
        {t(`offline.connection.${connection()}`)}
      </span>
      <Show when={waiting() > 0}>
        <span class="outbox-count">{t('offline.outbox', { count: waiting() })}</span>
      </Show>
      <Show when={drafts() > 0}>
        <span class="outbox-count drafts">{t('offline.drafts', { count: drafts() })}</span>
      </Show>
    </div>
  );
}

/** The "you are looking at saved data" band under the top bar. */
export function OfflineBanner() {
  return (
    <Show when={connection() === 'offline'}>
      <div class="offline-banner" aria-live="polite">
        {t('offline.banner')}
      </div>
    </Show>
  );
}
