import { createSignal, For, Show } from 'solid-js';
import { useMutation, useQueryClient } from '@tanstack/solid-query';
import { language, t, type MessageKey } from '../../i18n.ts';
import { formatTimeIn } from '../../lib/format.ts';
import { keys } from '../../lib/keys.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { shortTime } from '../queue/format.ts';
import type { ConversationView } from '../queue/types.ts';
import Dialog, { DialogFooter } from './dialog.tsx';
import { fromLocalInput, localInputValue, MAX_SNOOZE_DAYS, snoozePresets, snoozeProblem } from './snooze.ts';

/** The view a pending action answers goes straight into the cache; In service moves the row (Pending). */
function useSettle(conversationId: () => string) {
  const queryClient = useQueryClient();
  return (view: ConversationView) => {
    queryClient.setQueryData(keys.conversation(conversationId()), view);
    void queryClient.invalidateQueries({ queryKey: keys.mine });
  };
}

/**
 * Waiting on the customer (issue 12, item 7) from the conversation header: "Wait for customer"
 * (until they write) and "Resume" (back in service now). `error` is the server's sentence.
 */
export function usePendingActions(view: () => ConversationView) {
  const settle = useSettle(() => view().id);
  const [error, setError] = createSignal<string | null>(null);
  const wait = useMutation(() => ({
    mutationFn: () => trpc.conversations.setPending.mutate({ conversationId: view().id, until: null }),
    onMutate: () => setError(null),
    onSuccess: settle,
    onError: (e) => setError(errorMessage(e)),
  }));
  const resume = useMutation(() => ({
    mutationFn: () => trpc.conversations.resume.mutate({ conversationId: view().id }),
    onMutate: () => setError(null),
    onSuccess: settle,
    onError: (e) => setError(errorMessage(e)),
  }));
  return {
    wait: () => wait.mutate(),
    resume: () => resume.mutate(),
    busy: () => wait.isPending || resume.isPending,
    error,
    dismiss: () => setError(null),
  };
}

type Choice = 'oneHour' | 'threeHours' | 'tomorrow' | 'other';
const PROBLEM_TEXT: Record<'past' | 'tooFar', MessageKey> = { past: 'conversation.snoozePast', tooFar: 'conversation.snoozeTooFar' };

/**
 * "Snooze…": set aside until a time (in one hour, in three hours, tomorrow at 09:00, or a date
 * and time), all in the agent's time zone (`zone`). It leaves the active list and comes back by
 * itself at that time, or sooner when the customer writes.
 */
export function SnoozeDialog(props: { view: ConversationView; zone: string | undefined; onClose: () => void }) {
  const settle = useSettle(() => props.view.id);
  const opened = new Date();
  const shown = snoozePresets(opened, props.zone);
  const [choice, setChoice] = createSignal<Choice>('oneHour');
  const [other, setOther] = createSignal(localInputValue(shown.tomorrow, props.zone));
  const [problem, setProblem] = createSignal<'past' | 'tooFar' | null>(null);
  const snooze = useMutation(() => ({
    mutationFn: (until: Date) => trpc.conversations.setPending.mutate({ conversationId: props.view.id, until: until.toISOString() }),
    onSuccess: (view) => {
      settle(view);
      props.onClose();
    },
  }));
  const options: { value: Choice; label: () => string }[] = [
    { value: 'oneHour', label: () => t('conversation.snoozeOneHour', { time: shortTime(shown.oneHour, props.zone) }) },
    { value: 'threeHours', label: () => t('conversation.snoozeThreeHours', { time: shortTime(shown.threeHours, props.zone) }) },
    {
      value: 'tomorrow',
      label: () => t('conversation.snoozeTomorrow', { time: formatTimeIn(shown.tomorrow, { language: language(), timeZone: props.zone }) }),
    },
    { value: 'other', label: () => t('conversation.snoozeOther') },
  ];
  const submit = () => {
    const now = new Date();
    // Relative presets count from the moment of the click, not of the dialog's opening.
    const presets = snoozePresets(now, props.zone);
    const c = choice();
    const until = c === 'other' ? fromLocalInput(other(), props.zone) : presets[c];
    if (!until) {
      setProblem('past');
      return;
    }
    const wrong = snoozeProblem(until, now);
    setProblem(wrong);
    if (!wrong) snooze.mutate(until);
  };
  const problemId = `snooze-problem-${props.view.id}`;
  return (
    <Dialog title={t('conversation.snoozeTitle')} onClose={props.onClose}>
      <form
        class="cv-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <p class="muted">{t('conversation.snoozeExplain')}</p>
        <fieldset class="cv-tag-options">
          <legend>{t('conversation.snoozeWhen')}</legend>
          <For each={options}>
            {(o) => (
              <label class="cv-tag-option">
                <input type="radio" name="snooze" value={o.value} checked={choice() === o.value} onChange={() => setChoice(o.value)} />
                {o.label()}
              </label>
            )}
          </For>
        </fieldset>
        <Show when={choice() === 'other'}>
          <div class="field">
            <label for={`snooze-at-${props.view.id}`}>{t('conversation.snoozeAt')}</label>
            <input
              id={`snooze-at-${props.view.id}`}
              type="datetime-local"
              required
              min={localInputValue(opened, props.zone)}
              value={other()}
              aria-invalid={problem() ? 'true' : undefined}
              aria-describedby={problem() ? problemId : undefined}
              onInput={(e) => {
                setOther(e.currentTarget.value);
                setProblem(null);
              }}
            />
          </div>
        </Show>
        <Show when={problem()}>
          {(p) => (
            <p class="alert" role="alert" id={problemId}>
              {t(PROBLEM_TEXT[p()], { days: MAX_SNOOZE_DAYS })}
            </p>
          )}
        </Show>
        <DialogFooter mutation={snooze} onCancel={props.onClose} label={t('conversation.snoozeAction')} />
      </form>
    </Dialog>
  );
}
