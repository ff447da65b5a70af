import { createMemo, createSignal, For, Index, Show } from 'solid-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { t } from '../../i18n.ts';
import { keys } from '../../lib/keys.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { checkTemplateParams, previewTemplate } from './composer-rules.ts';

/**
 * Approved templates of the channel with one field per parameter. From Waiting, sending
 * claims the conversation (the server's exactly-one-winner rule decides).
 */
export default function TemplatePicker(props: { conversationId: string; channelId: string; claims: boolean; onSent?: () => void }) {
  const queryClient = useQueryClient();
  const templates = useQuery(() => ({
    queryKey: keys.templates(props.channelId),
    queryFn: () => trpc.templates.list.query({ channelId: props.channelId }),
  }));
  const [templateId, setTemplateId] = createSignal('');
  const [values, setValues] = createSignal<string[]>([]);
  const [touched, setTouched] = createSignal(false);
  const template = createMemo(() => templates.data?.find((x) => x.id === templateId()) ?? null);
  const check = createMemo(() => checkTemplateParams(template()?.paramCount ?? 0, values()));
  let clientMessageId = crypto.randomUUID();

  const send = useMutation(() => ({
    mutationFn: (input: { templateId: string; params: string[] }) =>
      trpc.conversations.sendTemplate.mutate({ conversationId: props.conversationId, ...input, clientMessageId }),
    onSuccess: () => {
      clientMessageId = crypto.randomUUID();
      setTemplateId('');
      setValues([]);
      setTouched(false);
      void queryClient.invalidateQueries({ queryKey: keys.conversation(props.conversationId) });
      void queryClient.invalidateQueries({ queryKey: keys.mine });
      props.onSent?.();
    },
  }));

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    setTouched(true);
    const tpl = template();
    if (!tpl || !check().ok) return;
    send.mutate({
      templateId: tpl.id,
      params: values()
        .slice(0, tpl.paramCount)
        .map((v) => v.trim()),
    });
  };

  const problemText = (p: string | null) =>
    p === 'required'
      ? t('conversation.paramRequired')
      : p === 'tooLong'
        ? t('conversation.paramTooLong')
        : p === 'lineBreak'
          ? t('conversation.paramLineBreak')
          : '';

  return (
    <form class="cv-templates" aria-label={t('conversation.templates')} onSubmit={submit}>
      <div class="field">
        <label for={`tpl-${props.conversationId}`}>{t('conversation.template')}</label>
        <select
          id={`tpl-${props.conversationId}`}
          value={templateId()}
          onChange={(e) => {
            setTemplateId(e.currentTarget.value);
            setValues(Array.from({ length: template()?.paramCount ?? 0 }, () => ''));
            setTouched(false);
            send.reset();
          }}
        >
          <option value="">{templates.isLoading ? t('common.loading') : t('conversation.chooseTemplate')}</option>
          <For each={templates.data ?? []}>{(tpl) => <option value={tpl.id}>{`${tpl.name} (${tpl.language})`}</option>}</For>
        </select>
      </div>
      <Show when={templates.data && templates.data.length === 0}>
        <p class="muted">{t('conversation.noTemplates')}</p>
      </Show>
      <Show when={template()}>
        {(tpl) => (
          <>
            <div class="cv-params">
              <Index each={Array.from({ length: tpl().paramCount })}>
                {(_, i) => {
                  const id = `tpl-${props.conversationId}-p${i + 1}`;
                  const problem = () => (touched() ? (check().problems[i] ?? null) : null);
                  return (
                    <div class="field">
                      <label for={id}>
                        {tpl().paramLabels[i]
                          ? `${t('conversation.param', { n: i + 1 })} · ${tpl().paramLabels[i]}`
                          : t('conversation.param', { n: i + 1 })}
                      </label>
                      <input
                        id={id}
                        value={values()[i] ?? ''}
                        maxLength={1024}
                        aria-invalid={problem() ? 'true' : undefined}
                        aria-describedby={problem() ? `${id}-err` : undefined}
                        onInput={(e) => {
                          const next = [...values()];
                          next[i] = e.currentTarget.value;
                          setValues(next);
                        }}
                      />
                      <Show when={problem()}>
                        <span class="cv-field-error" id={`${id}-err`}>
                          {problemText(problem())}
                        </span>
                      </Show>
                    </div>
                  );
                }}
              </Index>
            </div>
            <figure class="cv-preview" aria-label={t('conversation.preview')}>
              {previewTemplate(tpl().body, values())}
            </figure>
          </>
        )}
      </Show>
      <Show when={send.isError}>
        <p class="alert" role="alert">
          {errorMessage(send.error)}
        </p>
      </Show>
      <div class="cv-template-actions">
        <button type="submit" class="primary" disabled={!template() || send.isPending}>
          {props.claims ? t('conversation.sendTemplateAndClaim') : t('conversation.sendTemplate')}
        </button>
      </div>
    </form>
  );
}
