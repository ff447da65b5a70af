import { createSignal, Match, Show, Switch } from 'solid-js';
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { t, useTitle, type MessageKey } from '../i18n.ts';
import { errorMessage, trpc } from '../trpc.ts';
import { keys } from '../lib/keys.ts';
import { Alert, AuthCard, BackToLogin, Field, formValues, Notice, Submit } from '../components.tsx';

const problem: Record<string, MessageKey> = {
  expired: 'auth.linkExpired',
  used: 'auth.linkUsed',
  invalid: 'auth.linkInvalid',
};

/** The target of invitation and reset links: `/set-password?token=…`. */
export default function SetPassword() {
  useTitle('setPassword.title');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const token = () => (typeof params.token === 'string' ? params.token : '');
  const [mismatch, setMismatch] = createSignal(false);

  const link = useQuery(() => ({
    queryKey: keys.checkLink(token()),
    queryFn: () => trpc.auth.checkLink.query({ token: token() }),
    enabled: token() !== '',
    retry: false,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  }));
  const status = () => (token() === '' ? 'invalid' : link.data?.status);
  const valid = () => (link.data?.status === 'valid' ? link.data : undefined);

  const save = useMutation(() => ({
    mutationFn: (password: string) =>
      valid()?.kind === 'reset'
        ? trpc.auth.resetPassword.mutate({ token: token(), password })
        : trpc.auth.acceptInvite.mutate({ token: token(), password }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: keys.me });
      navigate('/', { replace: true });
    },
  }));
  const requestNew = useMutation(() => ({
    mutationFn: () => trpc.auth.requestNewLink.mutate({ token: token() }),
  }));

  const submit = (event: SubmitEvent) => {
    const { password = '', confirm = '' } = formValues(event);
    setMismatch(password !== confirm);
    if (password === confirm) save.mutate(password);
  };

  return (
    <Switch
      fallback={
        <AuthCard title={t('setPassword.title')}>
          <p class="loading">{t('common.loading')}</p>
        </AuthCard>
      }
    >
      <Match when={link.isError}>
        <AuthCard title={t('setPassword.title')}>
          <Alert message={errorMessage(link.error)} />
          <BackToLogin />
        </AuthCard>
      </Match>
      <Match when={status() === 'valid'}>
        <AuthCard title={t('setPassword.title')}>
          <Show when={valid()?.email}>{(email) => <p class="muted">{t('setPassword.for', { email: email() })}</p>}</Show>
          <form onSubmit={submit}>
            <Field name="password" type="password" label="setPassword.password" autocomplete="new-password" />
            <Field name="confirm" type="password" label="setPassword.confirm" autocomplete="new-password" />
            <Alert message={mismatch() ? t('setPassword.mismatch') : save.isError ? errorMessage(save.error) : null} />
            <Submit label="setPassword.submit" pending={save.isPending} />
          </form>
        </AuthCard>
      </Match>
      <Match when={status()}>
        {(current) => (
          <AuthCard title={t('setPassword.expiredTitle')}>
            <p>{t(problem[current()] ?? 'auth.linkInvalid')}</p>
            <Show
              when={token()}
              fallback={
                <A class="link" href="/forgot">
                  {t('login.forgot')}
                </A>
              }
            >
              <Show
                when={requestNew.data}
                fallback={
                  <button type="button" class="primary" disabled={requestNew.isPending} onClick={() => requestNew.mutate()}>
                    {t('setPassword.requestNew')}
                  </button>
                }
              >
                {(answer) => <Notice message={answer().message} />}
              </Show>
              <Alert message={requestNew.isError ? errorMessage(requestNew.error) : null} />
            </Show>
            <BackToLogin />
          </AuthCard>
        )}
      </Match>
    </Switch>
  );
}
