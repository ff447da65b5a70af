import { createSignal, Show } from 'solid-js';
import { LANGUAGES } from '../../../i18n/index.ts';
import { t, tValue } from '../i18n.ts';
import { trpc } from '../trpc.ts';
import { adminKeys } from '../lib/keys.ts';
import { useList, useSave, type AdminOrg } from './api.ts';
import { looksLikeNetwork, splitList } from './logic.ts';
import { all, bool, int, str, submitted } from './form-data.ts';
import { Check, CheckGroup, FormActions, Input, Select, TextArea, timeZones } from './fields.tsx';
import { Loaded, Refusal, Saved } from './feedback.tsx';
import { Section } from './screen.tsx';

/** The time zones to pick from (the browser's list), with the saved one even if the browser lacks it. */
function zoneOptions(current: string): { value: string; label: string }[] {
  const zones = timeZones();
  const all = zones.includes(current) ? zones : [current, ...zones];
  return all.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }));
}

/** Contact fields the server knows by name; others are free-form custom field names. */
const BUILT_IN_FIELDS = ['name', 'email', 'whatsapp'] as const;

export default function OrganizationScreen() {
  const org = useList('org');
  return (
    <Section title={t('admin.nav.organization')}>
      <Loaded query={org}>{(o) => <OrgForm org={o()} />}</Loaded>
    </Section>
  );
}

function OrgForm(props: { org: AdminOrg }) {
  const o = props.org;
  const [localError, setLocalError] = createSignal<string | null>(null);
  const [saved, setSaved] = createSignal(false);
  const save = useSave(
    (fd: FormData) => {
      setSaved(false);
      const networks = splitList(str(fd, 'allowedNetworks'));
      const bad = networks.find((n) => !looksLikeNetwork(n));
      if (bad !== undefined) {
        const message = t('org.badNetwork', { value: bad });
        setLocalError(message);
        return Promise.reject(new Error(message));
      }
      setLocalError(null);
      const custom = splitList(str(fd, 'customFields'));
      return trpc.admin.org.update.mutate({
        name: str(fd, 'name'),
        timeZone: str(fd, 'timeZone'),
        allowedNetworks: networks,
        workHoursPolicy: str(fd, 'workHoursPolicy') as 'flag' | 'refuse_login',
        inactivityTimeoutMinutes: int(fd, 'inactivityTimeoutMinutes'),
        botTimeoutMinutes: int(fd, 'botTimeoutMinutes'),
        ratingWindowMinutes: int(fd, 'ratingWindowMinutes'),
        requiredContactFields: [...all(fd, 'requiredFields'), ...custom],
        identifyAgents: bool(fd, 'identifyAgents'),
        notifyQueue: bool(fd, 'notifyQueue'),
        notifyJoined: bool(fd, 'notifyJoined'),
        brandColor: str(fd, 'brandColor'),
        customerLanguage: str(fd, 'customerLanguage') as (typeof LANGUAGES)[number],
        queueTimeoutMinutes: str(fd, 'queueTimeoutMinutes') === '' ? null : int(fd, 'queueTimeoutMinutes'),
        presenceGraceSeconds: int(fd, 'presenceGraceSeconds'),
        autoCloseMessage: str(fd, 'autoCloseMessage'),
        clickToCallUrl: str(fd, 'clickToCallUrl') === '' ? null : str(fd, 'clickToCallUrl'),
      });
    },
    [adminKeys.org, adminKeys.monitor],
    () => setSaved(true),
  );
  const custom = o.requiredContactFields.filter((f) => !(BUILT_IN_FIELDS as readonly string[]).includes(f));

  return (
    <form class="adm-form" aria-label={t('admin.nav.organization')} onSubmit={(e) => save.mutate(submitted(e))}>
      <Input label={t('admin.org.name')} name="name" value={o.name} required maxLength={120} />
      <Select
        label={t('admin.org.timeZone')}
        name="timeZone"
        value={o.timeZone}
        required
        options={zoneOptions(o.timeZone)}
        hint={t('admin.org.timeZoneHint')}
      />
      <Select
        label={t('admin.org.workHoursPolicy')}
        name="workHoursPolicy"
        value={o.workHoursPolicy}
        options={(['flag', 'refuse_login'] as const).map((p) => ({ value: p, label: t(`admin.org.policy.${p}`) }))}
      />
      <Input
        label={t('admin.org.inactivity')}
        name="inactivityTimeoutMinutes"
        type="number"
        value={o.inactivityTimeoutMinutes}
        required
        min={1}
        max={60 * 24 * 7}
        hint={t('admin.org.inactivityHint')}
      />
      <Input
        label={t('admin.org.botTimeout')}
        name="botTimeoutMinutes"
        type="number"
        value={o.botTimeoutMinutes}
        required
        min={1}
        max={60 * 24 * 7}
        hint={t('admin.org.botTimeoutHint')}
      />
      <Input
        label={t('admin.org.queueTimeout')}
        name="queueTimeoutMinutes"
        type="number"
        value={o.queueTimeoutMinutes ?? ''}
        min={1}
        max={60 * 24 * 30}
        hint={t('admin.org.queueTimeoutHint')}
      />
      <Input
        label={t('admin.org.presenceGrace')}
        name="presenceGraceSeconds"
        type="number"
        value={o.presenceGraceSeconds}
        required
        min={0}
        max={3600}
        hint={t('admin.org.presenceGraceHint')}
      />
      <Input
        label={t('admin.org.ratingWindow')}
        name="ratingWindowMinutes"
        type="number"
        value={o.ratingWindowMinutes}
        required
        min={1}
        max={60 * 24}
        hint={t('admin.org.ratingWindowHint')}
      />
      <TextArea
        label={t('admin.org.networks')}
        name="allowedNetworks"
        value={o.allowedNetworks.join('\n')}
        rows={3}
        hint={t('admin.org.networksHint')}
      />
      <CheckGroup
        legend={t('admin.org.requiredFields')}
        name="requiredFields"
        options={BUILT_IN_FIELDS.map((f) => ({ value: f, label: t(`contact.field.${f}`) }))}
        selected={o.requiredContactFields}
      />
      <Input
        label={t('admin.org.customFields')}
        name="customFields"
        value={custom.join(', ')}
        maxLength={2000}
        hint={t('admin.org.customFieldsHint')}
      />
      <Check label={t('admin.org.identifyAgents')} name="identifyAgents" checked={o.identifyAgents} />
      <Check label={t('admin.org.notifyQueue')} name="notifyQueue" checked={o.notifyQueue} />
      <Check label={t('admin.org.notifyJoined')} name="notifyJoined" checked={o.notifyJoined} />
      <Input label={t('admin.org.brandColor')} name="brandColor" type="color" value={o.brandColor} required />
      <Select
        label={t('admin.org.customerLanguage')}
        name="customerLanguage"
        value={o.customerLanguage}
        options={LANGUAGES.map((l) => ({ value: l, label: tValue('admin.language', l) }))}
      />
      <TextArea
        label={t('admin.org.autoCloseMessage')}
        name="autoCloseMessage"
        value={o.autoCloseMessage ?? o.autoCloseMessageStandard}
        rows={2}
        maxLength={1000}
        hint={t('admin.org.autoCloseMessageHint')}
      />
      <Input
        label={t('admin.org.clickToCall')}
        name="clickToCallUrl"
        value={o.clickToCallUrl ?? ''}
        maxLength={500}
        hint={t('admin.org.clickToCallHint')}
      />
      <div class="adm-wide">
        <Show when={localError()} fallback={<Refusal error={save.error} />}>
          <p class="adm-alert" role="alert">
            {localError()}
          </p>
        </Show>
        <Saved when={saved()} />
      </div>
      <FormActions pending={save.isPending} />
    </form>
  );
}
