import { useQuery } from '@tanstack/solid-query';
import { createSignal } from 'solid-js';
import { t } from '../i18n.ts';
import { trpc } from '../trpc.ts';
import { useSave } from './api.ts';
import { Loaded, Refusal, Saved } from './feedback.tsx';
import { FormActions, Input } from './fields.tsx';
import { intOrNull, submitted } from './form-data.ts';
import { Section } from './screen.tsx';

const PRIVACY_KEY = ['admin', 'privacy'] as const;
type Settings = Awaited<ReturnType<typeof trpc.privacy.settings.query>>;

/**
 * Retention (docs/privacy.md): how long closed conversations and audit entries are kept; the
 * timer applies it every hour. Requests about one person are answered from the contact page.
 */
export default function PrivacyScreen() {
  const settings = useQuery(() => ({ queryKey: PRIVACY_KEY, queryFn: () => trpc.privacy.settings.query() }));
  return (
    <Section title={t('privacy.admin.title')}>
      <p class="adm-muted">{t('privacy.admin.intro')}</p>
      <Loaded query={settings}>{(s) => <RetentionForm settings={s()} />}</Loaded>
    </Section>
  );
}

function RetentionForm(props: { settings: Settings }) {
  const [saved, setSaved] = createSignal(false);
  const save = useSave(
    (fd: FormData) => {
      setSaved(false);
      return trpc.privacy.updateSettings.mutate({
        eraseClosedAfterMonths: intOrNull(fd, 'eraseClosedAfterMonths'),
        deleteAuditAfterMonths: intOrNull(fd, 'deleteAuditAfterMonths'),
      });
    },
    [PRIVACY_KEY],
    () => setSaved(true),
  );
  return (
    <form class="adm-form" aria-label={t('privacy.admin.title')} onSubmit={(e) => save.mutate(submitted(e))}>
      <Input
        label={t('privacy.admin.eraseClosed')}
        name="eraseClosedAfterMonths"
        type="number"
        min={1}
        max={600}
        value={props.settings.eraseClosedAfterMonths?.toString() ?? ''}
        hint={t('privacy.admin.eraseClosedHint')}
      />
      <Input
        label={t('privacy.admin.deleteAudit')}
        name="deleteAuditAfterMonths"
        type="number"
        min={1}
        max={600}
        value={props.settings.deleteAuditAfterMonths?.toString() ?? ''}
        hint={t('privacy.admin.deleteAuditHint')}
      />
      <div class="adm-wide">
        <Refusal error={save.error} />
        <Saved when={saved()} message={t('privacy.admin.saved')} />
      </div>
      <FormActions pending={save.isPending} submitLabel={t('privacy.admin.save')} />
    </form>
  );
}
