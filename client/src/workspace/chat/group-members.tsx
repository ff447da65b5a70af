import { createMemo, createSignal, For, Show } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import { useMutation, useQueryClient } from '@tanstack/solid-query';
import { t, tValue } from '../../i18n.ts';
import { keys } from '../../lib/keys.ts';
import { trpc } from '../../trpc.ts';
import Dialog, { DialogFooter } from '../conversation/dialog.tsx';
import '../conversation/dialog.css';
import type { Agent } from './agents-query.ts';
import type { ChatRoom } from './unread.ts';

/**
 * A group room's members change: add colleagues (the server applies the rule of starting a
 * group — online or paused, allowed to chat — and the group's size) or leave it.
 */
export default function GroupMembers(props: { room: ChatRoom; meId: string; agents: Map<string, Agent> }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = createSignal<'add' | 'leave' | null>(null);
  const [chosen, setChosen] = createSignal<string[]>([]);
  const candidates = createMemo(() => {
    const inRoom = new Set(props.room.members.map((m) => m.id));
    return [...props.agents.values()].filter((a) => !inRoom.has(a.id) && a.id !== props.meId).sort((a, b) => a.name.localeCompare(b.name));
  });
  const close = () => {
    setOpen(null);
    setChosen([]);
    add.reset();
    leave.reset();
  };
  const add = useMutation(() => ({
    mutationFn: (userIds: string[]) => trpc.chat.addMembers.mutate({ roomId: props.room.roomId, userIds }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.chats });
      close();
    },
  }));
  const leave = useMutation(() => ({
    mutationFn: () => trpc.chat.leave.mutate({ roomId: props.room.roomId }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.chats });
      close();
      navigate('/agents');
    },
  }));
  return (
    <div class="chat-group-actions">
      <button type="button" class="secondary small" onClick={() => setOpen('add')}>
        {t('chat.addPeople')}
      </button>
      <button type="button" class="secondary small" onClick={() => setOpen('leave')}>
        {t('chat.leaveGroup')}
      </button>
      <Show when={open() === 'add'}>
        <Dialog title={t('chat.addPeopleTitle')} onClose={close}>
          <form
            class="cv-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (chosen().length > 0) add.mutate(chosen());
            }}
          >
            <fieldset class="chat-add-list">
              <legend>{t('chat.addPeopleLegend')}</legend>
              <Show when={candidates().length > 0} fallback={<p class="muted">{t('chat.noOneToAdd')}</p>}>
                <For each={candidates()}>
                  {(a) => (
                    <label class="chat-add-option">
                      <input
                        type="checkbox"
                        checked={chosen().includes(a.id)}
                        onChange={(e) => setChosen((c) => (e.currentTarget.checked ? [...c, a.id] : c.filter((id) => id !== a.id)))}
                      />
                      <span class={`status-dot ${a.status}`} aria-hidden="true" />
                      {t('chat.addOption', { name: a.name, status: tValue('status', a.status) })}
                    </label>
                  )}
                </For>
              </Show>
            </fieldset>
            <DialogFooter
              mutation={add}
              onCancel={close}
              label={t('chat.addChosen', { count: chosen().length })}
              disabled={chosen().length === 0}
            />
          </form>
        </Dialog>
      </Show>
      <Show when={open() === 'leave'}>
        <Dialog title={t('chat.leaveTitle')} onClose={close}>
          <p>{t('chat.leaveExplain')}</p>
          <DialogFooter mutation={leave} onCancel={close} label={t('chat.leaveGroup')} onAction={() => leave.mutate()} />
        </Dialog>
      </Show>
    </div>
  );
}
