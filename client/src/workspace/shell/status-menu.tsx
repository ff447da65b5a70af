import { For, Match, Show, Switch } from 'solid-js';
import { useQuery } from '@tanstack/solid-query';
import { t, tValue } from '../../i18n.ts';
import { Menu } from './menu.tsx';
import { useNow } from '../../lib/clock.ts';
import { formatCountdown } from '../../lib/format.ts';
import { pauseTypesQuery, useAgentState } from './agent-state.ts';

/** Status (online / paused / offline) with the pause menu and the pause's remaining time. */
export function StatusMenu(props: { onError: (error: unknown) => void }) {
  const { agent, setStatus, startPause, endPause, busy } = useAgentState(props.onError);
  const pauseTypes = useQuery(pauseTypesQuery);
  const now = useNow();
  const status = () => agent.data?.status ?? 'offline';
  const pause = () => agent.data?.pause ?? null;
  const left = () => {
    const p = pause();
    return p ? new Date(p.endsBy).getTime() - now() : 0;
  };

  return (
    <Show when={agent.data}>
      <div class="status-area">
        <Menu
          label={t('shell.status.button', { status: tValue('status', status()) })}
          class="status-menu"
          button={
            <>
              <span class={`status-dot status-${status()}`} aria-hidden="true" />
              <span>{tValue('status', status())}</span>
            </>
          }
        >
          {(close) => {
            const run = (action: () => void) => () => {
              action();
              close();
            };
            return (
              <>
                <Show when={status() !== 'online'}>
                  <button
                    type="button"
                    class="menu-item"
                    disabled={busy()}
                    onClick={run(() => (status() === 'paused' ? endPause.mutate() : setStatus.mutate('online')))}
                  >
                    <span class="status-dot status-online" aria-hidden="true" />
                    {status() === 'paused' ? t('shell.pause.end') : t('shell.status.goOnline')}
                  </button>
                </Show>
                <Show when={status() !== 'offline'}>
                  <button type="button" class="menu-item" disabled={busy()} onClick={run(() => setStatus.mutate('offline'))}>
                    <span class="status-dot status-offline" aria-hidden="true" />
                    {t('shell.status.goOffline')}
                  </button>
                </Show>
                <div class="menu-heading">{t('shell.pause.heading')}</div>
                <For each={pauseTypes.data ?? []} fallback={<p class="menu-note">{t('shell.pause.none')}</p>}>
                  {(type) => (
                    <button
                      type="button"
                      class="menu-item"
                      disabled={busy() || pause()?.typeId === type.id}
                      onClick={run(() => startPause.mutate(type.id))}
                    >
                      <span class="status-dot status-paused" aria-hidden="true" />
                      {type.earliestTime
                        ? t('shell.pause.optionFrom', { name: type.name, minutes: type.maxMinutes, time: type.earliestTime.slice(0, 5) })
                        : t('shell.pause.option', { name: type.name, minutes: type.maxMinutes })}
                    </button>
                  )}
                </For>
              </>
            );
          }}
        </Menu>
        <Show when={pause()}>
          {(p) => (
            <span class="pause-timer" classList={{ overrun: left() < 0 || p().overrun }}>
              <Switch>
                <Match when={left() >= 0 && !p().overrun}>
                  {t('shell.pause.remaining', { name: p().name, time: formatCountdown(left()) })}
                </Match>
                <Match when={true}>{t('shell.pause.overrun', { name: p().name, time: formatCountdown(-left()) })}</Match>
              </Switch>
            </span>
          )}
        </Show>
        <Show when={status() === 'paused'}>
          <button type="button" class="secondary small" disabled={busy()} onClick={() => endPause.mutate()}>
            {t('shell.pause.end')}
          </button>
        </Show>
      </div>
    </Show>
  );
}
