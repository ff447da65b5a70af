import { createMemo, createSignal, For, Show } from 'solid-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { t, tValue } from '../../i18n.ts';
import { keys } from '../../lib/keys.ts';
import { meQuery } from '../../session.ts';
import { trpc } from '../../trpc.ts';
import Dialog, { DialogFooter } from './dialog.tsx';

export const agentsQuery = () => ({ queryKey: keys.agents, queryFn: () => trpc.agents.list.query() });
type Agent = Awaited<ReturnType<typeof trpc.agents.list.query>>[number];

/** A required choice of a colleague, each named with their status and teams. */
export function PersonSelect(props: { id: string; label: string; people: readonly Agent[] }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name="person" required>
        <option value="">{t('conversation.choose')}</option>
        <For each={props.people}>
          {(a) => (
            <option value={a.id}>
              {t('conversation.personOption', {
                name: a.name,
                status: tValue('status', a.status),
                teams: a.teams.map((x) => x.name).join(', '),
              })}
            </option>
          )}
        </For>
      </select>
    </div>
  );
}

/**
 * Transfer to a team (its shared queue) or to a person (their own queue, "transferred to
 * you"). People and the teams come from `agents.list`; the server checks everything again.
 */
export default function TransferDialog(props: {
  conversationId: string;
  currentTeamId: string | null;
  onClose: () => void;
  onDone?: () => void;
}) {
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);
  const agents = useQuery(agentsQuery);
  const [mode, setMode] = createSignal<'team' | 'person'>('team');
  const teams = createMemo(() => {
    const all = new Map<string, string>();
    for (const team of me.data?.teams ?? []) all.set(team.id, team.name);
    for (const a of agents.data ?? []) for (const team of a.teams) all.set(team.id, team.name);
    return [...all].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
  });
  const people = createMemo(() =>
    (agents.data ?? []).filter((a) => a.id !== me.data?.user.id && a.teams.length > 0).sort((a, b) => a.name.localeCompare(b.name)),
  );

  const transfer = useMutation(() => ({
    mutationFn: (input: { toTeamId?: string; toUserId?: string }) =>
      trpc.conversations.transfer.mutate({ conversationId: props.conversationId, ...input }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.mine });
      void queryClient.invalidateQueries({ queryKey: keys.conversation(props.conversationId) });
      props.onClose();
      props.onDone?.();
    },
  }));

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const target = String(data.get(mode() === 'team' ? 'team' : 'person') ?? '');
    if (!target) return;
    transfer.mutate(mode() === 'team' ? { toTeamId: target } : { toUserId: target });
  };

  return (
    <Dialog title={t('conversation.transferTitle')} onClose={props.onClose}>
      <form onSubmit={submit} class="cv-form">
        <fieldset class="cv-segmented">
          <legend>{t('conversation.transferTo')}</legend>
          <label>
            <input type="radio" name="mode" value="team" checked={mode() === 'team'} onChange={() => setMode('team')} />
            {t('conversation.transferToTeam')}
          </label>
          <label>
            <input type="radio" name="mode" value="person" checked={mode() === 'person'} onChange={() => setMode('person')} />
            {t('conversation.transferToPerson')}
          </label>
        </fieldset>
        <Show
          when={mode() === 'team'}
          fallback={<PersonSelect id="transfer-person" label={t('conversation.transferPerson')} people={people()} />}
        >
          <div class="field">
            <label for="transfer-team">{t('conversation.transferTeam')}</label>
            <select id="transfer-team" name="team" required>
              <option value="">{t('conversation.choose')}</option>
              <For each={teams()}>
                {(team) => (
                  <option value={team.id}>
                    {team.id === props.currentTeamId ? t('conversation.currentTeam', { team: team.name }) : team.name}
                  </option>
                )}
              </For>
            </select>
          </div>
        </Show>
        <DialogFooter mutation={transfer} onCancel={props.onClose} label={t('conversation.transfer')} />
      </form>
    </Dialog>
  );
}
