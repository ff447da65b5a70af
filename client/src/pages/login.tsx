import { A, useNavigate } from '@solidjs/router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { createSignal, Show } from 'solid-js';
import { t, useTitle } from '../i18n.ts';
import { errorMessage, trpc } from '../trpc.ts';
import { keys } from '../lib/keys.ts';
import { Alert, AuthCard, Field, formValues, Submit } from '../components.tsx';
import SecondStep from './second-step.tsx';

export default function Login() {
  useTitle('login.title');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signedIn = () => {
    // Drop any cached "signed out" answer so the home page asks again.
    queryClient.removeQueries({ queryKey: keys.me });
    navigate('/', { replace: true });
  };
  // A right password may open a second step (two-factor sign-in); after a reload the server says which.
  const [step, setStep] = createSignal<'verify' | 'enroll' | null>(null);
  const pending = useQuery(() => ({ queryKey: ['second-step-pending'], queryFn: () => trpc.secondStep.state.query(), retry: false }));
  const login = useMutation(() => ({
    mutationFn: (input: { email: string; password: string }) => trpc.auth.login.mutate(input),
    onSuccess: (answer) => (answer.secondStep ? setStep(answer.secondStep) : signedIn()),
  }));

  const submit = (event: SubmitEvent) => {
    const { email = '', password = '' } = formValues(event);
    login.mutate({ email: email.trim(), password });
  };

  const secondStep = () => step() ?? pending.data?.secondStep ?? null;
  return (
    <Show when={secondStep()} fallback={<PasswordStep />}>
      {(kind) => (
        <SecondStep
          step={kind()}
          onDone={signedIn}
          onCancel={() => {
            setStep(null);
            void pending.refetch();
          }}
        />
      )}
    </Show>
  );

  function PasswordStep() {
    return (
      <AuthCard title={t('login.title')}>
        <form onSubmit={submit}>
          <Field name="email" type="email" label="login.email" autocomplete="username" />
          <Field name="password" type="password" label="login.password" autocomplete="current-password" />
          <Alert message={login.isError ? errorMessage(login.error) : null} />
          <Submit label="login.submit" pending={login.isPending} />
        </form>
        <A class="link" href="/forgot">
          {t('login.forgot')}
        </A>
      </AuthCard>
    );
  }
}
