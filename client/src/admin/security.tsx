import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { createSignal, For, Show } from 'solid-js';
import { t } from '../i18n.ts';
import { trpc } from '../trpc.ts';
import { ConfirmButton, Loaded, Refusal, Saved } from './feedback.tsx';
import { Choices } from './fields.tsx';
import { Section, TableHead } from './screen.tsx';

type RequiredFor = 'nobody' | 'admins' | 'everyone';
const CHOICES: { value: RequiredFor; label: 'twofactor.admin.nobody' | 'twofactor.admin.admins' | 'twofactor.admin.everyone' }[] = [
  { value: 'nobody', label: 'twofactor.admin.nobody' },
  { value: 'admins', label: 'twofactor.admin.admins' },
  { value: 'everyone', label: 'twofactor.admin.everyone' },
];
const POLICY = ['admin', 'twofactor', 'policy'] as const;
const USERS = ['admin', 'twofactor', 'users'] as const;

/** Security: who must sign in with a second factor, and resetting a person's factors (a lost phone or key). */
export default function SecurityScreen() {
  const queryClient = useQueryClient();
  const policy = useQuery(() => ({ queryKey: POLICY, queryFn: () => trpc.twofactor.policy.query() }));
  const users = useQuery(() => ({ queryKey: USERS, queryFn: () => trpc.twofactor.users.query() }));
  const [resetDone, setResetDone] = createSignal<string | null>(null);
  const save = useMutation(() => ({
    mutationFn: (requiredFor: RequiredFor) => trpc.twofactor.setPolicy.mutate({ requiredFor }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: POLICY }),
  }));
  const reset = useMutation(() => ({
    mutationFn: (u: { id: string; name: string }) => trpc.twofactor.reset.mutate({ userId: u.id }),
    onMutate: () => setResetDone(null),
    onSuccess: (_r: unknown, u: { id: string; name: string }) => {
      setResetDone(t('twofactor.admin.resetDone', { name: u.name }));
      return queryClient.invalidateQueries({ queryKey: USERS });
    },
  }));

  return (
    <Section title={t('twofactor.admin.title')}>
      <Loaded query={policy}>
        {(p) => (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const value = new FormData(e.currentTarget).get('requiredFor');
              save.mutate(value as RequiredFor);
            }}
          >
            <Choices
              legend={t('twofactor.admin.policy')}
              name="requiredFor"
              value={p().requiredFor}
              options={CHOICES.map((c) => ({ value: c.value, label: t(c.label) }))}
              hint={t('twofactor.admin.policyHint')}
            />
            <Refusal error={save.error} />
            <Saved when={save.isSuccess} message={t('twofactor.admin.saved')} />
            <button type="submit" class="primary" disabled={save.isPending}>
              {t('twofactor.admin.save')}
            </button>
          </form>
        )}
      </Loaded>

      <h3>{t('twofactor.admin.people')}</h3>
      <p class="adm-muted">{t('twofactor.admin.resetHint')}</p>
      <Refusal error={reset.error} />
      <Saved when={resetDone() !== null} message={resetDone() ?? ''} />
      <Loaded query={users}>
        {(list) => (
          <table class="adm-table">
            <TableHead labels={[t('admin.name'), t('admin.users.email'), t('twofactor.profile.title'), t('admin.actions')]} />
            <tbody>
              <For each={list()}>
                {(u) => (
                  <tr>
                    <td>{u.name}</td>
                    <td>{u.email}</td>
                    <td>
                      <Show when={u.totp || u.passkeys > 0} fallback={<span class="adm-muted">{t('twofactor.admin.none')}</span>}>
                        <Show when={u.totp}>
                          <span class="adm-badge">{t('twofactor.admin.app')}</span>{' '}
                        </Show>
                        <Show when={u.passkeys > 0}>
                          <span class="adm-badge">{t('twofactor.admin.passkeyCount', { count: u.passkeys })}</span>
                        </Show>
                      </Show>
                    </td>
                    <td>
                      <Show when={u.totp || u.passkeys > 0}>
                        <ConfirmButton
                          label={t('twofactor.admin.resetShort')}
                          ariaLabel={t('twofactor.admin.reset', { name: u.name })}
                          confirmLabel={t('twofactor.admin.resetConfirm', { name: u.name })}
                          onConfirm={() => reset.mutate(u)}
                          disabled={reset.isPending}
                        />
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        )}
      </Loaded>
    </Section>
  );
}
