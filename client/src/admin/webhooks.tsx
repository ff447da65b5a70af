import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { createSignal, For, Show } from 'solid-js';
import { language, t } from '../i18n.ts';
import { formatDateTimeIn } from '../lib/format.ts';
import { trpc } from '../trpc.ts';
import { useList } from './api.ts';
import { ConfirmButton, Loaded, Refusal, Saved } from './feedback.tsx';
import { CheckGroup, focusFirstField, FormActions, Input } from './fields.tsx';
import { submitted } from './form-data.ts';
import { Section, TableHead, useEditor } from './screen.tsx';

// The admin's outgoing webhooks (docs/integrations.md "Outgoing webhooks"): endpoints with the
// events they want, their secret, their state, and each one's delivery log.

/** Query keys (`admin.`: never persisted offline). */
const webhookKeys = {
  list: ['admin.webhooks.list'] as const,
  events: ['admin.webhooks.events'] as const,
  deliveries: (endpointId: string) => ['admin.webhooks.deliveries', endpointId] as const,
};

type Endpoint = Awaited<ReturnType<typeof trpc.admin.webhooks.list.query>>[number];
type EventType = Awaited<ReturnType<typeof trpc.admin.webhooks.events.query>>[number];
type Delivery = Awaited<ReturnType<typeof trpc.admin.webhooks.deliveries.query>>[number];

const eventLabel = (type: string) => t(`webhooks.event.${type}` as Parameters<typeof t>[0]);
const statusLabel = (s: Delivery['status']) => t(`webhooks.status.${s}`);

export default function WebhooksScreen() {
  const list = useQuery(() => ({ queryKey: webhookKeys.list, queryFn: () => trpc.admin.webhooks.list.query() }));
  const events = useQuery(() => ({ queryKey: webhookKeys.events, queryFn: () => trpc.admin.webhooks.events.query() }));
  const editor = useEditor<'new' | string>();
  return (
    <Section
      title={t('webhooks.title')}
      actions={
        <button type="button" class="primary" onClick={() => editor.open('new')}>
          {t('webhooks.new')}
        </button>
      }
    >
      <p class="adm-muted">{t('webhooks.intro')}</p>
      <Saved when={!!editor.notice()} message={editor.notice() ?? ''} />
      <Show when={editor.editing() === 'new'}>
        <EndpointForm endpoint={null} events={events.data ?? []} onDone={editor.done} onCancel={editor.cancel} />
      </Show>
      <Loaded query={list}>
        {(endpoints) => (
          <Show when={endpoints().length > 0} fallback={<p class="adm-muted">{t('webhooks.none')}</p>}>
            <For each={endpoints()}>
              {(endpoint) => (
                <Show
                  when={editor.editing() === endpoint.id}
                  fallback={<EndpointCard endpoint={endpoint} onEdit={() => editor.open(endpoint.id)} onNotice={editor.setNotice} />}
                >
                  <EndpointForm endpoint={endpoint} events={events.data ?? []} onDone={editor.done} onCancel={editor.cancel} />
                </Show>
              )}
            </For>
          </Show>
        )}
      </Loaded>
    </Section>
  );
}

function EndpointForm(props: { endpoint: Endpoint | null; events: EventType[]; onDone: (message: string) => void; onCancel: () => void }) {
  const queryClient = useQueryClient();
  const e = props.endpoint;
  const save = useMutation(() => ({
    mutationFn: (fd: FormData) => {
      const fields = {
        url: String(fd.get('url') ?? ''),
        description: String(fd.get('description') ?? ''),
        events: fd.getAll('events').map(String) as EventType[],
      };
      return e ? trpc.admin.webhooks.update.mutate({ id: e.id, ...fields }) : trpc.admin.webhooks.create.mutate(fields);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: webhookKeys.list });
      props.onDone(t(e ? 'webhooks.saved' : 'webhooks.created'));
    },
  }));
  const title = e ? t('webhooks.edit') : t('webhooks.new');
  return (
    <form class="adm-form" ref={focusFirstField} aria-label={title} onSubmit={(ev) => save.mutate(submitted(ev))}>
      <h3 class="adm-wide">{title}</h3>
      <Input
        label={t('webhooks.url')}
        name="url"
        type="url"
        value={e?.url}
        required
        maxLength={2000}
        placeholder="https://"
        class="adm-wide"
      />
      <Input label={t('webhooks.description')} name="description" value={e?.description} maxLength={200} class="adm-wide" />
      <CheckGroup
        legend={t('webhooks.events')}
        name="events"
        options={props.events.map((type) => ({ value: type, label: eventLabel(type) }))}
        selected={e?.events ?? []}
      />
      <FormActions
        pending={save.isPending}
        submitLabel={e ? t('webhooks.save') : t('webhooks.create')}
        onCancel={props.onCancel}
        error={save.error}
      />
    </form>
  );
}

function EndpointCard(props: { endpoint: Endpoint; onEdit: () => void; onNotice: (message: string | null) => void }) {
  const queryClient = useQueryClient();
  const org = useList('org');
  const [showSecret, setShowSecret] = createSignal(false);
  const [showLog, setShowLog] = createSignal(false);
  const [tested, setTested] = createSignal<string | null>(null);
  const e = () => props.endpoint;
  const when = (at: Date | string) => formatDateTimeIn(at as unknown as string, { language: language(), timeZone: org.data?.timeZone });
  const refresh = () => queryClient.invalidateQueries({ queryKey: webhookKeys.list });
  const change = useMutation(() => ({
    mutationFn: async (action: 'enable' | 'disable' | 'rotate' | 'remove'): Promise<void> => {
      const id = e().id;
      if (action === 'rotate') await trpc.admin.webhooks.rotateSecret.mutate({ id });
      else if (action === 'remove') await trpc.admin.webhooks.remove.mutate({ id });
      else await trpc.admin.webhooks.update.mutate({ id, active: action === 'enable' });
    },
    onSuccess: async (_out, action) => {
      await refresh();
      if (action === 'rotate') props.onNotice(t('webhooks.rotated'));
      else if (action === 'remove') props.onNotice(t('webhooks.removed'));
      else props.onNotice(t('webhooks.saved'));
    },
  }));
  const test = useMutation(() => ({
    mutationFn: () => trpc.admin.webhooks.test.mutate({ id: e().id }),
    onSuccess: async (r) => {
      setTested(
        r.delivered
          ? t('webhooks.testOk', { code: r.statusCode ?? '' })
          : t('webhooks.testFailed', { error: r.statusCode ? `HTTP ${r.statusCode}` : r.excerpt }),
      );
      await queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(e().id) });
    },
  }));
  const state = () => {
    const x = e();
    if (x.active) return t('webhooks.active');
    if (x.disabledReason === 'failing' && x.disabledAt) return t('webhooks.disabledFailing', { at: when(x.disabledAt), hours: 24 });
    return t('webhooks.disabledByAdmin');
  };
  return (
    <article class="adm-group adm-webhook" aria-label={e().url}>
      <h3>
        <code>{e().url}</code>
      </h3>
      <Show when={e().description}>
        <p>{e().description}</p>
      </Show>
      <p>
        <span class="adm-label">{t('webhooks.state')}: </span>
        <span class={e().active ? 'adm-badge adm-state-active' : 'adm-badge adm-bad'} data-testid="webhook-state">
          {state()}
        </span>
        <Show when={e().active && e().consecutiveFailures > 0}>
          {' '}
          <span class="adm-hint">{t('webhooks.failures', { count: e().consecutiveFailures })}</span>
        </Show>
      </p>
      <p class="adm-badges">
        <span class="adm-label">{t('webhooks.events')}: </span>
        <For each={e().events}>{(type) => <span class="adm-badge">{eventLabel(type)}</span>}</For>
      </p>
      <p>
        <span class="adm-label">{t('webhooks.secret')}: </span>
        <code data-testid="webhook-secret">{showSecret() ? e().secret : '••••••••••••'}</code>{' '}
        <button type="button" class="adm-small secondary" onClick={() => setShowSecret(!showSecret())}>
          {showSecret() ? t('webhooks.hideSecret') : t('webhooks.showSecret')}
        </button>{' '}
        <ConfirmButton label={t('webhooks.rotate')} confirmLabel={t('webhooks.rotateConfirm')} onConfirm={() => change.mutate('rotate')} />
      </p>
      <div class="adm-row-actions">
        <button type="button" class="adm-small secondary" onClick={() => props.onEdit()}>
          {t('webhooks.edit')}
        </button>
        <button
          type="button"
          class="adm-small secondary"
          disabled={change.isPending}
          onClick={() => change.mutate(e().active ? 'disable' : 'enable')}
        >
          {e().active ? t('webhooks.disable') : t('webhooks.enable')}
        </button>
        <button
          type="button"
          class="adm-small secondary"
          disabled={test.isPending}
          aria-busy={test.isPending}
          onClick={() => test.mutate()}
        >
          {t('webhooks.sendTest')}
        </button>
        <button type="button" class="adm-small secondary" aria-expanded={showLog()} onClick={() => setShowLog(!showLog())}>
          {showLog() ? t('webhooks.hideDeliveries') : t('webhooks.showDeliveries')}
        </button>
        <ConfirmButton
          label={t('webhooks.remove')}
          confirmLabel={t('webhooks.removeConfirm', { url: e().url })}
          onConfirm={() => change.mutate('remove')}
        />
      </div>
      <Show when={tested()}>
        <p class="adm-muted" role="status">
          {tested()}
        </p>
      </Show>
      <Refusal error={change.error ?? test.error} />
      <Show when={showLog()}>
        <DeliveryLog endpointId={e().id} when={when} />
      </Show>
    </article>
  );
}

function DeliveryLog(props: { endpointId: string; when: (at: Date | string) => string }) {
  const queryClient = useQueryClient();
  const log = useQuery(() => ({
    queryKey: webhookKeys.deliveries(props.endpointId),
    queryFn: () => trpc.admin.webhooks.deliveries.query({ endpointId: props.endpointId, limit: 50 }),
    // The log moves while deliveries are tried; a light poll keeps it honest while open.
    refetchInterval: 5000,
  }));
  const [notice, setNotice] = createSignal<string | null>(null);
  const redeliver = useMutation(() => ({
    mutationFn: (deliveryId: string) => trpc.admin.webhooks.redeliver.mutate({ deliveryId }),
    onSuccess: async () => {
      setNotice(t('webhooks.redelivered'));
      await queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(props.endpointId) });
    },
  }));
  return (
    <div class="adm-webhook-log">
      <h4>{t('webhooks.deliveries')}</h4>
      <Saved when={!!notice()} message={notice() ?? ''} />
      <Refusal error={redeliver.error} />
      <Loaded query={log}>
        {(rows) => (
          <Show when={rows().length > 0} fallback={<p class="adm-muted">{t('webhooks.noDeliveries')}</p>}>
            <table class="adm-table" aria-label={t('webhooks.deliveries')}>
              <TableHead
                labels={[
                  t('webhooks.col.when'),
                  t('webhooks.col.event'),
                  t('webhooks.col.status'),
                  t('webhooks.col.code'),
                  t('webhooks.col.attempts'),
                  t('webhooks.col.next'),
                  t('webhooks.col.error'),
                  '',
                ]}
              />
              <tbody>
                <For each={rows()}>
                  {(d) => (
                    <tr classList={{ 'adm-row-bad': d.status === 'failed' }}>
                      <td>{props.when(d.lastAttemptAt ?? d.createdAt)}</td>
                      <td>{eventLabel(d.eventType)}</td>
                      <td>{statusLabel(d.status)}</td>
                      <td class="adm-num">{d.lastStatusCode ?? '—'}</td>
                      <td class="adm-num">{d.attempts}</td>
                      <td>{d.nextAttemptAt ? props.when(d.nextAttemptAt) : '—'}</td>
                      <td class="adm-text">{d.lastError ?? ''}</td>
                      <td>
                        <button
                          type="button"
                          class="adm-small secondary"
                          disabled={redeliver.isPending}
                          aria-label={`${t('webhooks.redeliver')}: ${eventLabel(d.eventType)}`}
                          onClick={() => redeliver.mutate(d.id)}
                        >
                          {t('webhooks.redeliver')}
                        </button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        )}
      </Loaded>
    </div>
  );
}
