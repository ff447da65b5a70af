import { For } from 'solid-js';
import { useNavigate, useSearchParams } from '@solidjs/router';
import { useMutation, useQueryClient } from '@tanstack/solid-query';
import { t, useTitle } from '../i18n.ts';
import { errorMessage, trpc } from '../trpc.ts';
import { keys } from '../lib/keys.ts';
import { Alert, AuthCard, Field, formValues, Submit } from '../components.tsx';

const zones = (): string[] => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
};

type SetupInput = {
  token: string;
  organizationName: string;
  timeZone: string;
  name: string;
  email: string;
  password: string;
};

/** First start without demo data: creates the organization and its first administrator. */
export default function Setup() {
  useTitle('setup.title');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const token = () => (typeof params.token === 'string' ? params.token : '');
  const setup = useMutation(() => ({
    mutationFn: (input: SetupInput) => trpc.auth.setup.mutate(input),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: keys.me });
      navigate('/', { replace: true });
    },
  }));

  const submit = (event: SubmitEvent) => {
    const v = formValues(event);
    setup.mutate({
      token: token(),
      organizationName: (v.organizationName ?? '').trim(),
      timeZone: (v.timeZone ?? '').trim(),
      name: (v.name ?? '').trim(),
      email: (v.email ?? '').trim(),
      password: v.password ?? '',
    });
  };

  return (
    <AuthCard title={t('setup.title')}>
      <form onSubmit={submit}>
        <Field name="organizationName" label="setup.organization" autocomplete="organization" />
        <Field
          name="timeZone"
          label="setup.timeZone"
          value={Intl.DateTimeFormat().resolvedOptions().timeZone}
          list="time-zones"
          autocomplete="off"
        />
        <datalist id="time-zones">
          <For each={zones()}>{(zone) => <option value={zone} />}</For>
        </datalist>
        <Field name="name" label="setup.name" autocomplete="name" />
        <Field name="email" type="email" label="login.email" autocomplete="username" />
        <Field name="password" type="password" label="login.password" autocomplete="new-password" />
        <Alert message={setup.isError ? errorMessage(setup.error) : null} />
        <Submit label="setup.submit" pending={setup.isPending} />
      </form>
    </AuthCard>
  );
}
