import { Show } from 'solid-js';
import { t } from '../../i18n.ts';
import { connection, connectionProblem, requestResume } from '../../offline/connection.ts';
import { outboxItems } from '../../offline/outbox.ts';
import { useNarrow } from './narrow.ts';
import './connection.css';

/**
 * A small "Reconnecting…" / "No connection" mark, shown only while the connection is down
 * (the status menu is the one "Online" of the top bar: connection and availability are
 * different things), and what still waits in the outbox. On a phone the top bar has room
 * only for short badges ("3 to send"): the full sentence stays their accessible text and tooltip.
 */
export function ConnectionIndicator() {
  const narrow = useNarrow();
  const waiting = () => outboxItems().filter((i) => i.state !== 'draft').length;
  const drafts = () => outboxItems().filter((i) => i.state === 'draft').length;
  const badge = (full: () => string, short: () => string, danger = false) => (
    <Show
      when={narrow()}
      fallback={
        <span class="outbox-count" classList={{ drafts: danger }}>
          {full()}
        </span>
      }
    >
      <span class="outbox-count outbox-short" classList={{ drafts: danger }} title={full()}>
        <span aria-hidden="true">{short()}</span>
        <span class="visually-hidden">{full()}</span>
      </span>
    </Show>
  );
  return (
    <div class="connection" aria-live="polite">
      <Show when={connectionProblem()}>
        {(problem) => (
          <Show
            when={problem() !== 'elsewhere'}
            fallback={
              <button type="button" class="conn conn-elsewhere" title={t('offline.connection.elsewhereHint')} onClick={requestResume}>
                <span class="conn-dot" aria-hidden="true" />
                {t('offline.connection.elsewhere')}
              </button>
            }
          >
            <span class={`conn conn-${problem()}`} title={t('offline.connection.label', { state: t(`offline.connection.${problem()}`) })}>
              <span class="conn-dot" aria-hidden="true" />
              {t(`offline.connection.${problem()}`)}
            </span>
          </Show>
        )}
      </Show>
      <Show when={waiting() > 0 || drafts() > 0}>
        <span class="outbox-badges" classList={{ both: waiting() > 0 && drafts() > 0 }}>
          <Show when={waiting() > 0}>
            {badge(
              () => t('offline.outbox', { count: waiting() }),
              () => t('shell.outboxShort', { count: waiting() }),
            )}
          </Show>
          <Show when={drafts() > 0}>
            {badge(
              () => t('offline.drafts', { count: drafts() }),
              () => t('shell.draftsShort', { count: drafts() }),
              true,
            )}
          </Show>
        </span>
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
