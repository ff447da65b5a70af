import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { t } from '../i18n.ts';
import { trpc } from '../trpc.ts';
import { adminKeys } from '../lib/keys.ts';
import { useList, useSave, type AdminChannel, type AdminTeam } from './api.ts';
import { splitList } from './logic.ts';
import { all, bool, str, submitted } from './form-data.ts';
import { Check, focusFirstField, FormActions, Input, TextArea } from './fields.tsx';
import { Loaded, Saved } from './feedback.tsx';
import { Section, TableHead, useEditor } from './screen.tsx';

type Editing = AdminChannel | 'whatsapp' | 'webchat' | null;
type Option = { key: string; label: string; teamId: string };

/**
 * A WhatsApp channel an admin made works only with credentials of its own: the server's
 * (environment) configuration serves only the channel the system made for it.
 */
const lacksOwnCredentials = (c: AdminChannel) =>
  c.kind === 'whatsapp' && !c.envManaged && !(c.phoneNumberId && c.hasAppSecret && c.hasVerifyToken && c.hasAccessToken);

/** The address Meta must call for this channel (its own secrets). */
export const webhookUrl = (path: string) => `${window.location.origin}${path}`;

export default function ChannelsScreen() {
  const channels = useList('channels');
  const teams = useList('teams');
  const org = useList('org');
  const { editing, notice, open, done, cancel } = useEditor<NonNullable<Editing>>();
  const teamName = (id: string) => teams.data?.find((tm) => tm.id === id)?.name ?? '—';

  return (
    <Section
      title={t('admin.nav.channels')}
      actions={
        <div class="adm-row-actions">
          <button type="button" class="primary" onClick={() => open('whatsapp')}>
            {t('admin.channels.newWhatsapp')}
          </button>
          <button type="button" class="primary" onClick={() => open('webchat')}>
            {t('admin.channels.newWebchat')}
          </button>
        </div>
      }
    >
      <Show when={editing()} keyed>
        {(target) => (
          <ChannelForm
            channel={typeof target === 'string' ? null : target}
            kind={typeof target === 'string' ? target : target.kind}
            teams={teams.data ?? []}
            botTimeout={org.data?.botTimeoutMinutes}
            onDone={done}
            onCancel={cancel}
          />
        )}
      </Show>
      <Saved when={notice() !== null} message={notice() ?? undefined} />
      <Loaded query={channels}>
        {(list) => (
          <div class="adm-cards">
            <For each={list()}>
              {(c) => (
                <article class="adm-card" aria-label={c.name}>
                  <header class="adm-card-head">
                    <h3>{c.name}</h3>
                    <span class="adm-badge">{t(`admin.channels.kind.${c.kind}`)}</span>
                    <Show when={!c.active}>
                      <span class="adm-badge adm-bad">{t('admin.inactive')}</span>
                    </Show>
                    <Show when={c.receiveOnly}>
                      <span class="adm-badge adm-warn">{t('admin.channels.receiveOnly')}</span>
                    </Show>
                    <Show when={c.envManaged}>
                      <span class="adm-badge">{t('admin.channels.envBadge')}</span>
                    </Show>
                    <button
                      type="button"
                      class="adm-small secondary"
                      aria-label={t('admin.editNamed', { name: c.name })}
                      onClick={() => open(c)}
                    >
                      {t('admin.edit')}
                    </button>
                  </header>
                  <Show when={c.webhookPath}>
                    {(path) => <CopyField label={t('admin.channels.webhookUrl')} value={webhookUrl(path())} />}
                  </Show>
                  <Show when={c.kind === 'whatsapp'}>
                    <p class="adm-muted">
                      {t('admin.channels.secretsState', {
                        phone: c.phoneNumberId ?? '—',
                        set:
                          [
                            c.hasAppSecret && t('admin.channels.appSecret'),
                            c.hasVerifyToken && t('admin.channels.verifyToken'),
                            c.hasAccessToken && t('admin.channels.accessToken'),
                          ]
                            .filter(Boolean)
                            .join(', ') || t('admin.none'),
                      })}
                    </p>
                    <Show when={c.envManaged}>
                      <p class="adm-muted">{t('admin.channels.envChannel')}</p>
                    </Show>
                    <Show when={lacksOwnCredentials(c)}>
                      <p class="adm-alert">{t('admin.channels.noCredentials')}</p>
                    </Show>
                  </Show>
                  <Show when={c.embedSnippet}>{(snippet) => <CopyField label={t('admin.channels.embed')} value={snippet()} />}</Show>
                  <Show when={c.kind === 'webchat'}>
                    <p class="adm-muted">
                      {t('admin.channels.sitesSummary', { sites: c.allowedSites.join(', ') || t('admin.channels.anySite') })}
                    </p>
                    {/* Play the customer: the widget on its own page, beside this one. */}
                    <p>
                      <a href={`/widget?channel=${encodeURIComponent(c.id)}`} target="_blank" rel="noopener">
                        {t('admin.channels.testChat')}
                      </a>
                    </p>
                  </Show>
                  <p class="adm-muted">
                    {t('admin.channels.menuSummary', {
                      options: c.botOptions.map((o) => `${o.key} → ${teamName(o.teamId)}`).join(' · ') || t('admin.none'),
                    })}
                  </p>
                </article>
              )}
            </For>
          </div>
        )}
      </Loaded>
    </Section>
  );
}

/** A read-only value to paste elsewhere, with a copy button. */
function CopyField(props: { label: string; value: string }) {
  const [copied, setCopied] = createSignal(false);
  return (
    <div class="adm-copy">
      <label class="adm-field">
        <span class="adm-label">{props.label}</span>
        <input type="text" readOnly value={props.value} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <button
        type="button"
        class="adm-small secondary"
        aria-label={t('admin.copyNamed', { name: props.label })}
        onClick={() => {
          void navigator.clipboard?.writeText(props.value).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {t('admin.copy')}
      </button>
      <span role="status" class="adm-muted">
        {copied() ? t('admin.copied') : ''}
      </span>
    </div>
  );
}

function ChannelForm(props: {
  channel: AdminChannel | null;
  kind: 'whatsapp' | 'webchat';
  teams: AdminTeam[];
  botTimeout: number | undefined;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const c = props.channel;
  const [options, setOptions] = createSignal<Option[]>(c ? c.botOptions.map((o) => ({ ...o })) : []);
  const save = useSave(
    (fd: FormData) => {
      const keys = all(fd, 'optKey').map((s) => s.trim());
      const labels = all(fd, 'optLabel').map((s) => s.trim());
      const teamIds = all(fd, 'optTeam');
      const botOptions = keys.map((key, i) => ({ key, label: labels[i] ?? '', teamId: teamIds[i] ?? '' }));
      const settings = {
        name: str(fd, 'name'),
        active: bool(fd, 'active'),
        receiveOnly: bool(fd, 'receiveOnly'),
        botGreeting: str(fd, 'botGreeting'),
        botOptions,
        botInvalidMessage: str(fd, 'botInvalidMessage'),
        noOneAvailableMessage: str(fd, 'noOneAvailableMessage'),
        // The server checks each one is a site's origin and says which is not.
        ...(props.kind === 'webchat' ? { allowedSites: splitList(str(fd, 'allowedSites')) } : {}),
      };
      // Secrets are write-only: a blank field keeps the stored value.
      const whatsapp: {
        phoneNumberId?: string | null;
        wabaId?: string | null;
        appSecret?: string;
        verifyToken?: string;
        accessToken?: string;
      } = {};
      if (props.kind === 'whatsapp') {
        whatsapp.phoneNumberId = str(fd, 'phoneNumberId') || null;
        whatsapp.wabaId = str(fd, 'wabaId') || null;
        for (const k of ['appSecret', 'verifyToken', 'accessToken'] as const) if (str(fd, k) !== '') whatsapp[k] = str(fd, k);
      }
      return c
        ? trpc.admin.channels.update.mutate({ id: c.id, ...settings, ...whatsapp })
        : trpc.admin.channels.create.mutate({ kind: props.kind, ...settings, ...whatsapp });
    },
    [adminKeys.channels],
    (saved) => props.onDone(t('admin.savedNamed', { name: saved.name })),
  );
  const title = c ? t('admin.channels.editTitle', { name: c.name }) : t(`admin.channels.newTitle.${props.kind}`);
  const secretHint = (set: boolean | undefined) => (set ? t('admin.channels.secretSet') : t('admin.channels.secretUnset'));
  const teamOptions = () => props.teams.map((tm) => ({ value: tm.id, label: tm.name }));

  return (
    <form class="adm-form" ref={focusFirstField} aria-label={title} onSubmit={(e) => save.mutate(submitted(e))}>
      <h3 class="adm-wide">{title}</h3>
      <Input label={t('admin.name')} name="name" value={c?.name} required maxLength={120} />
      <div class="adm-checks">
        <Check label={t('admin.active')} name="active" checked={c?.active ?? true} />
        <Check label={t('admin.channels.receiveOnly')} name="receiveOnly" checked={c?.receiveOnly ?? false} />
      </div>
      <Show when={props.kind === 'whatsapp'}>
        <fieldset class="adm-group adm-wide adm-grid">
          <legend>{t('admin.channels.credentials')}</legend>
          <Input
            label={t('admin.channels.phoneNumberId')}
            name="phoneNumberId"
            value={c?.phoneNumberId}
            pattern="[0-9]{0,32}"
            maxLength={32}
            readOnly={c?.envManaged}
            hint={c?.envManaged ? t('admin.channels.envPhoneNumberIdHint') : t('admin.channels.phoneNumberIdHint')}
          />
          <Input
            label={t('templateSync.wabaId')}
            name="wabaId"
            value={c?.wabaId}
            pattern="[0-9]{0,32}"
            maxLength={32}
            hint={t('templateSync.wabaIdHint')}
          />
          <Input
            label={t('admin.channels.appSecret')}
            name="appSecret"
            type="password"
            maxLength={2000}
            autocomplete="new-password"
            hint={secretHint(c?.hasAppSecret)}
          />
          <Input
            label={t('admin.channels.verifyToken')}
            name="verifyToken"
            type="password"
            maxLength={2000}
            autocomplete="new-password"
            hint={secretHint(c?.hasVerifyToken)}
          />
          <Input
            label={t('admin.channels.accessToken')}
            name="accessToken"
            type="password"
            maxLength={2000}
            autocomplete="new-password"
            hint={secretHint(c?.hasAccessToken)}
          />
          <Show when={!c?.envManaged}>
            <p class="adm-hint adm-wide">{t('admin.channels.noCredentials')}</p>
          </Show>
          <Show when={c?.webhookPath} fallback={<p class="adm-hint adm-wide">{t('admin.channels.webhookAfterSave')}</p>}>
            {(path) => <CopyField label={t('admin.channels.webhookUrl')} value={webhookUrl(path())} />}
          </Show>
        </fieldset>
      </Show>
      <Show when={c?.embedSnippet}>{(snippet) => <CopyField label={t('admin.channels.embed')} value={snippet()} />}</Show>
      <Show when={props.kind === 'webchat'}>
        <TextArea
          label={t('admin.channels.allowedSites')}
          name="allowedSites"
          value={c?.allowedSites.join('\n')}
          rows={3}
          maxLength={6000}
          hint={t('admin.channels.allowedSitesHint')}
        />
      </Show>
      <fieldset class="adm-group adm-wide adm-grid">
        <legend>{t('admin.channels.bot')}</legend>
        <TextArea
          label={t('admin.channels.greeting')}
          name="botGreeting"
          value={c?.botGreeting}
          maxLength={2000}
          hint={t('admin.channels.greetingHint')}
        />
        <div class="adm-wide">
          <table class="adm-table adm-options">
            <caption>{t('admin.channels.options')}</caption>
            <TableHead
              labels={[t('admin.channels.optionKey'), t('admin.channels.optionLabel'), t('admin.channels.optionTeam'), t('admin.actions')]}
            />
            <tbody>
              <For each={options()}>
                {(o, i) => (
                  <tr>
                    <td>
                      <input
                        name="optKey"
                        value={o.key}
                        required
                        maxLength={10}
                        aria-label={t('admin.channels.optionKeyN', { n: i() + 1 })}
                        onInput={(e) => (o.key = e.currentTarget.value)}
                      />
                    </td>
                    <td>
                      <input
                        name="optLabel"
                        value={o.label}
                        required
                        maxLength={80}
                        aria-label={t('admin.channels.optionLabelN', { n: i() + 1 })}
                        onInput={(e) => (o.label = e.currentTarget.value)}
                      />
                    </td>
                    <td>
                      <select
                        name="optTeam"
                        required
                        aria-label={t('admin.channels.optionTeamN', { n: i() + 1 })}
                        onChange={(e) => (o.teamId = e.currentTarget.value)}
                      >
                        <option value="" selected={o.teamId === ''} disabled>
                          {t('admin.choose')}
                        </option>
                        <For each={teamOptions()}>
                          {(tm) => (
                            <option value={tm.value} selected={tm.value === o.teamId}>
                              {tm.label}
                            </option>
                          )}
                        </For>
                      </select>
                    </td>
                    <td>
                      <button
                        type="button"
                        class="adm-small secondary"
                        aria-label={t('admin.channels.removeOption', { n: i() + 1 })}
                        onClick={() => setOptions(options().filter((x) => x !== o))}
                      >
                        {t('admin.remove')}
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <button
            type="button"
            class="adm-small secondary"
            disabled={options().length >= 20}
            onClick={() => setOptions([...options(), { key: String(options().length + 1), label: '', teamId: '' }])}
          >
            {t('admin.channels.addOption')}
          </button>
        </div>
        <TextArea label={t('admin.channels.invalid')} name="botInvalidMessage" value={c?.botInvalidMessage} maxLength={2000} />
        <TextArea
          label={t('admin.channels.noOne')}
          name="noOneAvailableMessage"
          value={c?.noOneAvailableMessage}
          maxLength={2000}
          hint={t('admin.channels.noOneHint')}
        />
        <p class="adm-hint adm-wide">
          {props.botTimeout === undefined ? '' : t('admin.channels.botTimeout', { n: props.botTimeout })}{' '}
          <A href="/admin/organization">{t('admin.channels.changeInOrg')}</A>
        </p>
      </fieldset>
      <FormActions pending={save.isPending} onCancel={props.onCancel} error={save.error} />
    </form>
  );
}
