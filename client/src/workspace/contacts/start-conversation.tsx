import { createEffect, createMemo, createSignal, createUniqueId, For, Index, on, Show } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { Alert } from '../../components.tsx';
import { keys } from '../../lib/keys.ts';
import { t, tValue } from '../../i18n.ts';
import { meQuery } from '../../session.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { newId } from '../../../../sync/shared/schemas.ts';
import { channelsQuery, type Channel, settled } from './data.ts';

type Template = Awaited<ReturnType<typeof trpc.templates.list.query>>[number];

/** "WhatsApp" alone when the channel is named after its kind, "Sales line (WhatsApp)" otherwise. */
function channelLabel(c: Channel): string {
  const kind = tValue('contacts.kind', c.kind);
  return c.name === kind ? c.name : `${c.name} (${kind})`;
}

/**
 * Agent-initiated conversation (SPEC §6): one of my teams → a channel that can send →
 * on WhatsApp an approved template with its parameters. The server checks everything
 * (busy contact, window, template); its sentence is shown on refusal.
 */
export default function StartConversation(props: { contactId: string }) {
  const uid = createUniqueId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);
  const channels = useQuery(channelsQuery);
  const teams = () => settled(me)?.teams ?? [];
  const sendable = () => (settled(channels) ?? []).filter((c) => !c.receiveOnly);

  const [teamId, setTeamId] = createSignal('');
  const [channelId, setChannelId] = createSignal('');
  const [templateId, setTemplateId] = createSignal('');
  const [params, setParams] = createSignal<string[]>([]);
  const [text, setText] = createSignal('');
  // One idempotency key per attempt: a retry after a lost answer starts nothing twice.
  let clientMessageId = newId();

  createEffect(() => {
    if (!teamId() && teams().length === 1) setTeamId(teams()[0]!.id);
  });
  createEffect(() => {
    if (!channelId() && sendable().length === 1) setChannelId(sendable()[0]!.id);
  });

  const channel = () => sendable().find((c) => c.id === channelId());
  const isWhatsapp = () => channel()?.kind === 'whatsapp';
  const templates = useQuery(() => ({
    queryKey: keys.templates(channelId()),
    queryFn: () => trpc.templates.list.query({ channelId: channelId() }),
    enabled: !!channelId() && isWhatsapp(),
  }));
  const template = createMemo(() => settled(templates)?.find((x) => x.id === templateId()));
  // New fields when another template is chosen — not when a refetch hands back the same one
  // as a new object (that would wipe what the agent typed).
  const paramShape = createMemo(() => `${templateId()}:${template()?.paramCount ?? 0}`);
  createEffect(
    on(paramShape, () => {
      setParams(Array.from({ length: template()?.paramCount ?? 0 }, () => ''));
    }),
  );
  const preview = () => {
    const tpl = template();
    if (!tpl) return '';
    return tpl.body.replace(/\{\{(\d+)\}\}/g, (m, n: string) => params()[Number(n) - 1] || m);
  };

  const start = useMutation(() => ({
    mutationFn: () =>
      trpc.conversations.start.mutate({
        contactId: props.contactId,
        teamId: teamId(),
        channelId: channelId(),
        clientMessageId,
        ...(isWhatsapp() ? { templateId: templateId() || undefined, params: params() } : { text: text() }),
      }),
    onSuccess: (conversation) => {
      clientMessageId = newId();
      void queryClient.invalidateQueries({ queryKey: keys.contact(props.contactId) });
      void queryClient.invalidateQueries({ queryKey: keys.mine });
      navigate(`/conversations/${conversation.id}`);
    },
    onError: () => {
      // A refusal is final for this attempt: the next click is a new attempt.
      clientMessageId = newId();
    },
  }));

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    start.mutate();
  };

  return (
    <section class="start-conversation" aria-labelledby={`${uid}-title`}>
      <h3 id={`${uid}-title`}>{t('contacts.start.title')}</h3>
      <Show when={teams().length > 0} fallback={<p class="muted">{t('contacts.start.noTeams')}</p>}>
        <form onSubmit={submit} class="start-form">
          <div class="field">
            <label for={`${uid}-team`}>{t('contacts.start.team')}</label>
            <select id={`${uid}-team`} value={teamId()} onChange={(e) => setTeamId(e.currentTarget.value)}>
              <option value="">{t('contacts.start.choose')}</option>
              <For each={teams()}>
                {(team) => (
                  <option value={team.id} selected={team.id === teamId()}>
                    {team.name}
                  </option>
                )}
              </For>
            </select>
          </div>
          <div class="field">
            <label for={`${uid}-channel`}>{t('contacts.start.channel')}</label>
            <select
              id={`${uid}-channel`}
              value={channelId()}
              onChange={(e) => {
                setChannelId(e.currentTarget.value);
                setTemplateId('');
              }}
            >
              <option value="">{t('contacts.start.choose')}</option>
              <For each={sendable()}>
                {(c) => (
                  <option value={c.id} selected={c.id === channelId()}>
                    {channelLabel(c)}
                  </option>
                )}
              </For>
            </select>
            <Show when={channels.isSuccess && sendable().length === 0}>
              <small class="ct-hint">{t('contacts.start.noChannels')}</small>
            </Show>
          </div>
          <Show when={channel()}>
            <Show
              when={isWhatsapp()}
              fallback={
                <div class="field">
                  <label for={`${uid}-text`}>{t('contacts.start.text')}</label>
                  <textarea id={`${uid}-text`} rows={3} value={text()} onInput={(e) => setText(e.currentTarget.value)} />
                </div>
              }
            >
              <TemplateFields
                uid={uid}
                templates={settled(templates)}
                noTemplates={templates.isSuccess && (settled(templates)?.length ?? 0) === 0}
                templateId={templateId()}
                setTemplateId={setTemplateId}
                params={params()}
                setParams={setParams}
                preview={template() ? preview() : null}
              />
            </Show>
          </Show>
          <Alert message={start.isError ? errorMessage(start.error) : null} />
          <button type="submit" class="primary" disabled={start.isPending} aria-busy={start.isPending}>
            {t('contacts.start.submit')}
          </button>
        </form>
      </Show>
    </section>
  );
}

/** On WhatsApp: an approved template, its parameters, and the message as the contact will read it. */
function TemplateFields(props: {
  uid: string;
  templates: Template[] | undefined;
  noTemplates: boolean;
  templateId: string;
  setTemplateId: (id: string) => void;
  params: string[];
  setParams: (params: string[]) => void;
  /** null: no template chosen. */
  preview: string | null;
}) {
  return (
    <>
      <p class="ct-hint">{t('contacts.start.whatsappRule')}</p>
      <div class="field">
        <label for={`${props.uid}-template`}>{t('contacts.start.template')}</label>
        <select id={`${props.uid}-template`} value={props.templateId} onChange={(e) => props.setTemplateId(e.currentTarget.value)}>
          <option value="">{t('contacts.start.choose')}</option>
          <For each={props.templates ?? []}>
            {(tpl) => (
              <option value={tpl.id} selected={tpl.id === props.templateId}>
                {`${tpl.name} (${tpl.language})`}
              </option>
            )}
          </For>
        </select>
        <Show when={props.noTemplates}>
          <small class="ct-hint">{t('contacts.start.noTemplates')}</small>
        </Show>
      </div>
      <Index each={props.params}>
        {(value, i) => (
          <div class="field">
            <label for={`${props.uid}-p${i}`}>{t('contacts.start.param', { n: i + 1 })}</label>
            <input
              id={`${props.uid}-p${i}`}
              value={value()}
              onInput={(e) => props.setParams(props.params.map((p, j) => (j === i ? e.currentTarget.value : p)))}
            />
          </div>
        )}
      </Index>
      <Show when={props.preview !== null}>
        <figure class="template-preview">
          <figcaption>{t('contacts.start.preview')}</figcaption>
          <p>{props.preview}</p>
        </figure>
      </Show>
    </>
  );
}
