import { createMemo, createSignal, For, Show } from 'solid-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { t } from '../../i18n.ts';
import { keys } from '../../lib/keys.ts';
import { meQuery } from '../../session.ts';
import { trpc } from '../../trpc.ts';
import type { ConversationView } from '../queue/types.ts';
import Dialog, { DialogFooter } from './dialog.tsx';
import { agentsQuery, PersonSelect } from './transfer-dialog.tsx';

const tagOptionsQuery = () => ({ queryKey: keys.tagOptions, queryFn: () => trpc.conversations.tagOptions.query(), staleTime: 60_000 });
const dispositionsQuery = () => ({
  queryKey: keys.dispositionOptions,
  queryFn: () => trpc.conversations.dispositionOptions.query(),
  staleTime: 60_000,
});

/** After an action of the agent's own: the conversation and In service (Waiting follows the live events). */
function useRefresh(conversationId: () => string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: keys.conversation(conversationId()) });
    void queryClient.invalidateQueries({ queryKey: keys.mine });
  };
}

/** Finish: with a disposition, required when the team says so (the server checks it too). */
export function FinishDialog(props: { view: ConversationView; onClose: () => void; onDone: () => void }) {
  const refresh = useRefresh(() => props.view.id);
  const dispositions = useQuery(dispositionsQuery);
  const required = () => props.view.team?.dispositionRequired ?? false;
  const finish = useMutation(() => ({
    mutationFn: (dispositionId: string | undefined) =>
      trpc.conversations.finish.mutate({ conversationId: props.view.id, ...(dispositionId ? { dispositionId } : {}) }),
    onSuccess: () => {
      refresh();
      props.onClose();
      props.onDone();
    },
  }));
  return (
    <Dialog title={t('conversation.finishTitle')} onClose={props.onClose}>
      <form
        class="cv-form"
        onSubmit={(e) => {
          e.preventDefault();
          const value = String(new FormData(e.currentTarget).get('disposition') ?? '');
          finish.mutate(value || undefined);
        }}
      >
        <p class="muted">{t('conversation.finishExplain', { protocol: props.view.protocol })}</p>
        <div class="field">
          <label for="finish-disposition">
            {required() ? t('conversation.dispositionRequired') : t('conversation.dispositionOptional')}
          </label>
          <select id="finish-disposition" name="disposition" required={required()}>
            <option value="">{required() ? t('conversation.choose') : t('conversation.noDisposition')}</option>
            <For each={dispositions.data ?? []}>{(d) => <option value={d.id}>{d.name}</option>}</For>
          </select>
        </div>
        <DialogFooter mutation={finish} onCancel={props.onClose} label={t('conversation.finish')} />
      </form>
    </Dialog>
  );
}

/** Invite a colleague into the conversation (they stay while it is open and may leave). */
export function InviteDialog(props: { view: ConversationView; onClose: () => void }) {
  const refresh = useRefresh(() => props.view.id);
  const me = useQuery(meQuery);
  const agents = useQuery(agentsQuery);
  const candidates = createMemo(() => {
    const taken = new Set([me.data?.user.id, props.view.assignee?.id, ...props.view.participants.map((p) => p.id)]);
    return (agents.data ?? []).filter((a) => !taken.has(a.id) && a.teams.length > 0).sort((a, b) => a.name.localeCompare(b.name));
  });
  const invite = useMutation(() => ({
    mutationFn: (userId: string) => trpc.conversations.invite.mutate({ conversationId: props.view.id, userId }),
    onSuccess: () => {
      refresh();
      props.onClose();
    },
  }));
  return (
    <Dialog title={t('conversation.inviteTitle')} onClose={props.onClose}>
      <form
        class="cv-form"
        onSubmit={(e) => {
          e.preventDefault();
          const value = String(new FormData(e.currentTarget).get('person') ?? '');
          if (value) invite.mutate(value);
        }}
      >
        <PersonSelect id="invite-person" label={t('conversation.invitePerson')} people={candidates()} />
        <DialogFooter mutation={invite} onCancel={props.onClose} label={t('conversation.invite')} />
      </form>
    </Dialog>
  );
}

/** Internal tags of the conversation (never shown to the customer). */
export function TagsDialog(props: { view: ConversationView; onClose: () => void }) {
  const queryClient = useQueryClient();
  const options = useQuery(tagOptionsQuery);
  const [chosen, setChosen] = createSignal(new Set(props.view.tags.map((x) => x.id)));
  // The active tags, and those this conversation already has that an admin has since removed.
  const shown = createMemo(() => {
    const active = options.data ?? [];
    return [...active, ...props.view.tags.filter((x) => !active.some((o) => o.id === x.id))];
  });
  const save = useMutation(() => ({
    mutationFn: (tagIds: string[]) => trpc.conversations.setTags.mutate({ conversationId: props.view.id, tagIds }),
    onSuccess: (view) => {
      queryClient.setQueryData(keys.conversation(props.view.id), view);
      props.onClose();
    },
  }));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen());
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };
  return (
    <Dialog title={t('conversation.tagsTitle')} onClose={props.onClose}>
      <form
        class="cv-form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate([...chosen()]);
        }}
      >
        <fieldset class="cv-tag-options">
          <legend class="muted">{t('conversation.tagsExplain')}</legend>
          <Show when={options.data && options.data.length === 0}>
            <p class="muted">{t('conversation.noTagOptions')}</p>
          </Show>
          <For each={shown()}>
            {(tag) => (
              <label class="cv-tag-option">
                <input type="checkbox" checked={chosen().has(tag.id)} onChange={(e) => toggle(tag.id, e.currentTarget.checked)} />
                <span class="cv-tag" style={{ '--tag': tag.color }}>
                  {tag.name}
                </span>
              </label>
            )}
          </For>
        </fieldset>
        <DialogFooter mutation={save} onCancel={props.onClose} label={t('conversation.saveTags')} />
      </form>
    </Dialog>
  );
}
