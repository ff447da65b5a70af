import { createSignal, For, Show, untrack } from 'solid-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/solid-query';
import { LANGUAGES } from '../../../../i18n/index.ts';
import { setLanguage, t, useTitle } from '../../i18n.ts';
import { errorMessage, trpc } from '../../trpc.ts';
import { meQuery, type Me } from '../../session.ts';
import { keys } from '../../lib/keys.ts';
import { Alert, formValues, Notice } from '../../components.tsx';
import { notificationsOn, setNotifications } from './notify-setting.ts';
import PushSection from './push-section.tsx';
import TwoFactorSection from './two-factor-section.tsx';

type ProfileInput = Parameters<typeof trpc.auth.updateProfile.mutate>[0];

/** POST /uploads (multipart); the server's sentence when it refuses the file. */
async function uploadPhoto(file: File): Promise<string> {
  const body = new FormData();
  body.append('file', file, file.name);
  let res: Response;
  try {
    res = await fetch('/uploads?purpose=avatar', { method: 'POST', body, credentials: 'same-origin' });
  } catch {
    throw new Error(t('error.network'));
  }
  const answer = (await res.json().catch(() => null)) as { id?: string; error?: { message?: string } } | null;
  if (!res.ok || !answer?.id) throw new Error(answer?.error?.message ?? t('error.internal'));
  return answer.id;
}

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

/** The agent's own profile: photo, details, language, time zone, alerts, password. */
export default function ProfilePage() {
  useTitle('shell.profile.title');
  const queryClient = useQueryClient();
  const me = useQuery(meQuery);
  const [saved, setSaved] = createSignal<string | null>(null);
  const [problem, setProblem] = createSignal<string | null>(null);

  const applyUser = (user: Me['user']) => {
    queryClient.setQueryData<Me>(keys.me, (old) => (old ? { ...old, user } : old));
    setLanguage(user.language);
  };

  const save = useMutation(() => ({
    mutationFn: (input: ProfileInput) => trpc.auth.updateProfile.mutate(input),
    onMutate: () => {
      setSaved(null);
      setProblem(null);
    },
    onSuccess: (result, input) => {
      applyUser(result.user);
      setSaved(t(input.photoAttachmentId !== undefined ? 'shell.profile.photoSaved' : 'shell.profile.saved'));
    },
    onError: (error) => setProblem(errorMessage(error)),
  }));

  const photo = useMutation(() => ({
    mutationFn: async (file: File) => trpc.auth.updateProfile.mutate({ photoAttachmentId: await uploadPhoto(file) }),
    onMutate: () => {
      setSaved(null);
      setProblem(null);
    },
    onSuccess: (result) => {
      applyUser(result.user);
      setSaved(t('shell.profile.photoSaved'));
    },
    onError: (error) => setProblem(error instanceof Error && !('data' in error) ? error.message : errorMessage(error)),
  }));

  const [notifyProblem, setNotifyProblem] = createSignal<string | null>(null);

  const submit = async (event: SubmitEvent, user: Me['user']) => {
    const v = formValues(event);
    const wantNotifications = v.notifications === 'on';
    if (wantNotifications !== notificationsOn()) setNotifyProblem(await setNotifications(user.id, wantNotifications));
    save.mutate({
      name: v.name?.trim(),
      codename: v.codename?.trim() || null,
      extension: v.extension?.trim() || null,
      language: v.language as ProfileInput['language'],
      timeZone: v.timeZone?.trim() || null,
      soundAlerts: v.soundAlerts === 'on',
    });
  };

  return (
    <main class="page profile-page">
      <h1>{t('shell.profile.title')}</h1>
      <Show when={me.data}>
        {(data) => (
          <>
            <section class="panel" aria-labelledby="profile-details">
              <h2 id="profile-details">{t('shell.profile.details')}</h2>
              <div class="photo-row">
                <Show when={data().user.photoUrl} fallback={<div class="photo-large empty">{t('shell.profile.noPhoto')}</div>}>
                  {(url) => <img class="photo-large" src={url()} alt={t('shell.profile.photo')} />}
                </Show>
                <div class="photo-actions">
                  <label class="file-button">
                    <input
                      type="file"
                      accept="image/*"
                      class="visually-hidden"
                      disabled={photo.isPending}
                      onChange={(event) => {
                        const file = event.currentTarget.files?.[0];
                        event.currentTarget.value = '';
                        if (file) photo.mutate(file);
                      }}
                    />
                    {t('shell.profile.choosePhoto')}
                  </label>
                  <Show when={data().user.photoUrl}>
                    <button
                      type="button"
                      class="secondary"
                      disabled={save.isPending}
                      onClick={() => save.mutate({ photoAttachmentId: null })}
                    >
                      {t('shell.profile.removePhoto')}
                    </button>
                  </Show>
                </div>
              </div>
              {/* The form starts from the profile once: a live refresh must not wipe what is being typed. */}
              <DetailsForm
                user={untrack(() => data().user)}
                orgTimeZone={data().organization.timeZone}
                pending={save.isPending}
                problem={problem() ?? notifyProblem()}
                saved={saved()}
                onSubmit={(event) => void submit(event, data().user)}
              />
              <p class="muted">
                {t('shell.profile.teams')}:{' '}
                {data()
                  .teams.map((team) => team.name)
                  .join(', ') || t('shell.noTeams')}
              </p>
            </section>
            <PasswordForm />
            <PushSection />
            <TwoFactorSection />
          </>
        )}
      </Show>
    </main>
  );
}

function DetailsForm(props: {
  user: Me['user'];
  orgTimeZone: string;
  pending: boolean;
  problem: string | null;
  saved: string | null;
  onSubmit: (event: SubmitEvent) => void;
}) {
  return (
    <form class="profile-form" onSubmit={(event) => props.onSubmit(event)}>
      <div class="field">
        <label for="profile-name">{t('shell.profile.name')}</label>
        <input id="profile-name" name="name" value={props.user.name} required autocomplete="name" />
      </div>
      <div class="field">
        <label for="profile-email">{t('shell.profile.email')}</label>
        <input id="profile-email" value={props.user.email} readOnly disabled />
      </div>
      <div class="field-row">
        <div class="field">
          <label for="profile-codename">{t('shell.profile.codename')}</label>
          <input id="profile-codename" name="codename" value={props.user.codename ?? ''} maxLength={40} />
        </div>
        <div class="field">
          <label for="profile-extension">{t('shell.profile.extension')}</label>
          <input id="profile-extension" name="extension" value={props.user.extension ?? ''} inputMode="tel" maxLength={15} />
        </div>
      </div>
      <div class="field-row">
        <div class="field">
          <label for="profile-language">{t('shell.profile.language')}</label>
          <select id="profile-language" name="language" value={props.user.language}>
            <For each={LANGUAGES}>
              {(lang) => (
                <option value={lang} lang={lang} selected={lang === props.user.language}>
                  {t(`shell.language.${lang}`)}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="field">
          <label for="profile-timezone">{t('shell.profile.timeZone')}</label>
          <input id="profile-timezone" name="timeZone" value={props.user.timeZone ?? ''} list="profile-timezones" autocomplete="off" />
          <datalist id="profile-timezones">
            <For each={timeZones()}>{(zone) => <option value={zone} />}</For>
          </datalist>
          <span class="hint">{t('shell.profile.timeZoneHint', { zone: props.orgTimeZone })}</span>
        </div>
      </div>
      <fieldset class="checks">
        <legend>{t('shell.profile.alerts')}</legend>
        <label class="check">
          <input type="checkbox" name="soundAlerts" checked={props.user.soundAlerts} />
          {t('shell.profile.soundAlerts')}
        </label>
        <label class="check">
          <input type="checkbox" name="notifications" checked={notificationsOn()} />
          {t('shell.profile.notifications')}
        </label>
      </fieldset>
      <Alert message={props.problem} />
      <Notice message={props.saved} />
      <div class="form-actions">
        <button type="submit" class="primary" disabled={props.pending} aria-busy={props.pending}>
          {t('shell.profile.save')}
        </button>
      </div>
    </form>
  );
}

function PasswordForm() {
  const [mismatch, setMismatch] = createSignal(false);
  const change = useMutation(() => ({
    mutationFn: (input: { currentPassword: string; newPassword: string }) => trpc.auth.changePassword.mutate(input),
  }));
  let form: HTMLFormElement | undefined;
  const submit = (event: SubmitEvent) => {
    const v = formValues(event);
    setMismatch(v.newPassword !== v.confirm);
    if (v.newPassword !== v.confirm) return;
    change.mutate({ currentPassword: v.currentPassword ?? '', newPassword: v.newPassword ?? '' }, { onSuccess: () => form?.reset() });
  };
  return (
    <section class="panel" aria-labelledby="profile-password">
      <h2 id="profile-password">{t('shell.password.title')}</h2>
      <form ref={form} class="profile-form" onSubmit={submit}>
        <div class="field">
          <label for="password-current">{t('shell.password.current')}</label>
          <input id="password-current" name="currentPassword" type="password" autocomplete="current-password" required />
        </div>
        <div class="field-row">
          <div class="field">
            <label for="password-new">{t('shell.password.new')}</label>
            <input id="password-new" name="newPassword" type="password" autocomplete="new-password" required />
          </div>
          <div class="field">
            <label for="password-confirm">{t('shell.password.confirm')}</label>
            <input id="password-confirm" name="confirm" type="password" autocomplete="new-password" required />
          </div>
        </div>
        <Alert message={mismatch() ? t('shell.password.mismatch') : change.isError ? errorMessage(change.error) : null} />
        <Notice message={change.isSuccess ? t('shell.password.saved') : null} />
        <div class="form-actions">
          <button type="submit" class="primary" disabled={change.isPending} aria-busy={change.isPending}>
            {t('shell.password.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
