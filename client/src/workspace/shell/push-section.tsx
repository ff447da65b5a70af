import { createResource, createSignal, For, Show } from 'solid-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { t } from '../../i18n.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { formatDay, formatTime } from '../../lib/format.ts';
import { Alert, Notice } from '../../components.tsx';
import { stored } from '../../lib/stored.ts';
import {
  currentSubscription,
  deviceLabel,
  pushSupported,
  subscribeThisBrowser,
  unsubscribeThisBrowser,
  type PushRefusal,
} from './push-client.ts';
import './push.css';

type Settings = Awaited<ReturnType<typeof trpc.push.settings.query>>;
type Device = Awaited<ReturnType<typeof trpc.push.devices.query>>[number];

const ALERTS = [
  ['waiting', 'push.alertWaiting'],
  ['message', 'push.alertMessage'],
  ['offer', 'push.alertOffer'],
] as const;

const pushKeys = { devices: ['push.devices'] as const, settings: ['push.settings'] as const };

function refusalSentence(refusal: PushRefusal): string {
  if (refusal === 'unsupported') return t('push.unsupported');
  if (refusal === 'denied') return t('push.denied');
  return t('push.failed', { reason: refusal.failed });
}

const when = (at: string) => `${formatDay(at)} ${formatTime(at)}`;

/**
 * The profile's "Push notifications" section: this device on or off, which alerts to push, and
 * every device of mine with its own switch. The server keeps the rules (whose devices, which
 * alerts); this screen only asks the browser for its subscription.
 */
export default function PushSection() {
  const queryClient = useQueryClient();
  const [problem, setProblem] = createSignal<string | null>(null);
  const [saved, setSaved] = createSignal<string | null>(null);
  const [endpoint, { refetch: reloadEndpoint }] = createResource(async () => (await currentSubscription())?.endpoint ?? null);

  const devices = useQuery(() => ({
    queryKey: [...pushKeys.devices, endpoint() ?? ''],
    queryFn: () => trpc.push.devices.query(endpoint() ? { currentEndpoint: endpoint()! } : {}),
    enabled: !endpoint.loading,
  }));
  const settings = useQuery(() => ({ queryKey: pushKeys.settings, queryFn: () => trpc.push.settings.query() }));
  const thisDevice = () => devices.data?.find((d) => d.current) ?? null;
  const refreshDevices = () => queryClient.invalidateQueries({ queryKey: pushKeys.devices });

  const turnOn = useMutation(() => ({
    mutationFn: async () => {
      const { publicKey } = await trpc.push.publicKey.query();
      const sub = await subscribeThisBrowser(publicKey);
      if (typeof sub === 'string' || 'failed' in sub) throw new Error(refusalSentence(sub));
      return trpc.push.subscribe.mutate({ ...sub, label: deviceLabel(navigator.userAgent) });
    },
    onMutate: () => setProblem(null),
    onSuccess: async () => {
      await reloadEndpoint();
      await refreshDevices();
    },
    onError: (error) => setProblem(error instanceof Error && !('data' in error) ? error.message : errorMessage(error)),
  }));

  const remove = useMutation(() => ({
    mutationFn: async (device: Device) => {
      await trpc.push.unsubscribe.mutate({ id: device.id });
      if (device.current) await unsubscribeThisBrowser();
    },
    onMutate: () => setProblem(null),
    onSuccess: async () => {
      await reloadEndpoint();
      await refreshDevices();
    },
    onError: (error) => setProblem(errorMessage(error)),
  }));

  const pause = useMutation(() => ({
    mutationFn: (input: { id: string; paused: boolean }) => trpc.push.setDevice.mutate(input),
    onMutate: () => setProblem(null),
    onSuccess: () => refreshDevices(),
    onError: (error) => setProblem(errorMessage(error)),
  }));

  const updateSettings = useMutation(() => ({
    mutationFn: (patch: Partial<Settings>) => trpc.push.updateSettings.mutate(patch),
    onMutate: () => {
      setSaved(null);
      setProblem(null);
    },
    onSuccess: (next) => {
      queryClient.setQueryData(pushKeys.settings, next);
      setSaved(t('push.saved'));
    },
    onError: (error) => setProblem(errorMessage(error)),
  }));

  const name = (d: Device) => d.label || t('push.unknownDevice');

  return (
    <section class="panel push-section" aria-labelledby="push-title">
      <h2 id="push-title">{t('push.title')}</h2>
      <p class="muted">{t('push.intro')}</p>
      <Show when={pushSupported()} fallback={<p>{t('push.unsupported')}</p>}>
        <div class="push-this-device">
          <p role="status">{thisDevice() ? t('push.thisDeviceOn') : t('push.thisDeviceOff')}</p>
          <Show
            when={thisDevice()}
            fallback={
              <button
                type="button"
                class="primary"
                disabled={turnOn.isPending}
                aria-busy={turnOn.isPending}
                onClick={() => turnOn.mutate()}
              >
                {t('push.enable')}
              </button>
            }
          >
            {(device) => (
              <button type="button" class="secondary" disabled={remove.isPending} onClick={() => remove.mutate(device())}>
                {t('push.disable')}
              </button>
            )}
          </Show>
        </div>
      </Show>
      <Alert message={problem()} />
      <Show when={settings.data}>
        {(current) => (
          <fieldset class="checks">
            <legend>{t('push.alerts')}</legend>
            <For each={ALERTS}>
              {([alert, label]) => {
                const on = stored(() => current()[alert]);
                return (
                  <label class="check">
                    <input
                      type="checkbox"
                      name={`push-${alert}`}
                      checked={on()}
                      disabled={updateSettings.isPending}
                      onChange={(event) => updateSettings.mutate({ [alert]: event.currentTarget.checked })}
                    />
                    {t(label)}
                  </label>
                );
              }}
            </For>
          </fieldset>
        )}
      </Show>
      <Notice message={saved()} />
      <h3>{t('push.devices')}</h3>
      <Show when={(devices.data?.length ?? 0) > 0} fallback={<p class="muted">{t('push.noDevices')}</p>}>
        <ul class="push-devices" aria-label={t('push.devices')}>
          <For each={devices.data}>
            {(device) => (
              <li class="push-device" data-paused={device.paused ? 'true' : 'false'}>
                <div class="push-device-text">
                  <strong>{name(device)}</strong>
                  <Show when={device.current}> ({t('push.thisDevice')})</Show>
                  <span class="muted">
                    {' · '}
                    {device.paused ? t('push.paused') : t('push.active')}
                    {' · '}
                    {t('push.added', { date: formatDay(device.createdAt) })}
                    <Show when={device.lastSuccessAt}>{(at) => `, ${t('push.lastSent', { date: when(at()) })}`}</Show>
                    <Show when={device.failures > 0}>{`, ${t('push.failures', { count: device.failures })}`}</Show>
                  </span>
                </div>
                <div class="push-device-actions">
                  <button
                    type="button"
                    class="secondary"
                    aria-label={t(device.paused ? 'push.resumeNamed' : 'push.pauseNamed', { name: name(device) })}
                    disabled={pause.isPending}
                    onClick={() => pause.mutate({ id: device.id, paused: !device.paused })}
                  >
                    {device.paused ? t('push.resume') : t('push.pause')}
                  </button>
                  <button
                    type="button"
                    class="secondary"
                    aria-label={t('push.removeNamed', { name: name(device) })}
                    disabled={remove.isPending}
                    onClick={() => remove.mutate(device)}
                  >
                    {t('push.remove')}
                  </button>
                </div>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
