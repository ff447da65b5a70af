import { createSignal, For, Show } from 'solid-js';
import { t, type MessageKey } from '../i18n.ts';
import { adminKeys } from '../lib/keys.ts';
import { trpc } from '../trpc.ts';
import { useSave, type AdminChannel, type AdminTemplate } from './api.ts';
import { Refusal } from './feedback.tsx';

/**
 * "Sync with Meta" for each WhatsApp channel (admin.templates.sync): the server fetches the
 * channel's templates from the Graph API and says how many were added, updated and removed,
 * or why Meta's list could not be read (nothing changes then).
 */
export function TemplateSyncBar(props: { channels: AdminChannel[] }) {
  const [result, setResult] = createSignal<string | null>(null);
  const [running, setRunning] = createSignal<string | null>(null);
  const sync = useSave(
    (channel: AdminChannel) => trpc.admin.templates.sync.mutate({ channelId: channel.id }),
    [adminKeys.templates],
    (r, channel) => {
      const counts = t('templateSync.result', { channel: channel.name, ...r });
      setResult(r.skipped ? `${counts} ${t('templateSync.skipped', { skipped: r.skipped })}` : counts);
    },
  );
  const run = (channel: AdminChannel) => {
    setResult(null);
    setRunning(channel.name);
    sync.mutate(channel, { onSettled: () => setRunning(null) });
  };
  return (
    <div class="adm-sync">
      <div class="adm-toolbar">
        <For each={props.channels}>
          {(channel) => (
            <Show when={channel.wabaId} fallback={<p class="adm-hint">{t('templateSync.noWabaHint', { channel: channel.name })}</p>}>
              <button type="button" disabled={sync.isPending} onClick={() => run(channel)}>
                {t('templateSync.button', { channel: channel.name })}
              </button>
            </Show>
          )}
        </For>
      </div>
      <p class="adm-ok" role="status">
        {running() ? t('templateSync.syncing', { channel: running()! }) : (result() ?? '')}
      </p>
      <Refusal error={sync.error} />
    </div>
  );
}

const BASE_STATUSES = new Set(['approved', 'pending', 'rejected', 'paused', 'disabled']);

/** A status's name: the five an admin can type in, and Meta's others. */
export function statusLabel(status: AdminTemplate['status']): string {
  return BASE_STATUSES.has(status) ? t(`admin.templates.status.${status}` as MessageKey) : t(`templateSync.status.${status}` as MessageKey);
}

/** Status, where it comes from, whether Meta still lists it, and Meta's reason; whether agents can send it. */
export function TemplateStatusCell(props: { template: AdminTemplate }) {
  const tp = () => props.template;
  const sendable = () => tp().status === 'approved' && !tp().removedAt;
  return (
    <div class="adm-badges">
      <span
        class="adm-badge"
        classList={{
          'adm-okb': sendable(),
          'adm-warn': tp().status === 'paused' || tp().status === 'pending' || tp().status === 'in_appeal',
          'adm-bad': !sendable() && tp().status !== 'paused' && tp().status !== 'pending' && tp().status !== 'in_appeal',
        }}
      >
        {statusLabel(tp().status)}
      </span>
      <span class="adm-badge">{t(`templateSync.source.${tp().source}`)}</span>
      <Show when={tp().removedAt}>
        <span class="adm-badge adm-bad">{t('templateSync.removed')}</span>
      </Show>
      <Show when={tp().statusReason}>{(reason) => <span class="adm-muted">{t('templateSync.reason', { reason: reason() })}</span>}</Show>
      <Show when={!sendable()}>
        <span class="adm-muted">{t('templateSync.notSendable')}</span>
      </Show>
    </div>
  );
}
