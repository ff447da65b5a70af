import { createSignal, For, Show } from 'solid-js';
import { language, t, tValue } from '../i18n.ts';
import { contactLabel } from '../lib/contact.ts';
import { formatDateTimeIn, formatDuration, formatElapsed, formatFullDateTimeIn } from '../lib/format.ts';
import type { AdminTeam, AdminUser, MonitorAgent, MonitorConversation } from './api.ts';
import { ConfirmButton } from './feedback.tsx';
import { formatDay, hasSchedule, type Weekday, type WorkHours } from './logic.ts';

/** The weekday in a time zone (for "today's hours" of an agent). */
function weekdayIn(zone: string, at: number): Weekday {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short' }).format(at).toLowerCase().slice(0, 3) as Weekday;
  } catch {
    return new Intl.DateTimeFormat('en-US', { weekday: 'short' }).format(at).toLowerCase().slice(0, 3) as Weekday;
  }
}

export function ConversationRow(props: {
  c: MonitorConversation;
  now: number;
  teams: AdminTeam[];
  agents: MonitorAgent[];
  onClose: () => void;
  onRelease: () => void;
  onTransfer: (target: string) => void;
  /** A supervisor's board: no actions. */
  readOnly?: boolean;
}) {
  const c = props.c;
  const time = () => {
    if (c.waitingSince) return t('admin.monitor.waitingFor', { time: formatElapsed(c.waitingSince, props.now) });
    if (c.claimedAt) return t('admin.monitor.servedFor', { time: formatElapsed(c.claimedAt, props.now) });
    return '';
  };
  const overdue = () => c.autoCloseAt !== null && new Date(c.autoCloseAt).getTime() <= props.now;
  const who = () => {
    if (c.assignee) return c.assignee.name;
    if (c.offeredTo) return t('admin.monitor.offeredTo', { name: c.offeredTo.name });
    return c.targetUser ? t('admin.monitor.targeted', { name: c.targetUser.name }) : '—';
  };
  const label = `${c.protocol} ${contactLabel(c.contact)}`;
  return (
    <tr aria-label={label} classList={{ 'adm-row-warn': overdue() }}>
      {/* Contact, number, protocol and channel in one cell: the board fits a 1366 px screen. */}
      <td class="adm-who">
        <strong>{contactLabel(c.contact)}</strong>
        <Show when={c.contact.name.trim() && c.contact.whatsapp}>
          <span class="adm-muted"> +{c.contact.whatsapp}</span>
        </Show>
        <span class="adm-sub">
          <span class="visually-hidden">{t('admin.monitor.protocol')} </span>
          <code>{c.protocol}</code> · <span class="visually-hidden">{t('admin.monitor.channel')} </span>
          {c.channel.name}
        </span>
      </td>
      <td>
        <span class={`adm-badge adm-state-${c.status}`}>{t(`admin.monitor.state.${c.status}`)}</span>
        <Show when={c.pending}>
          {(p) => (
            <span class="adm-badge adm-below">
              {p().until
                ? t('admin.monitor.snoozedUntil', { time: formatDateTimeIn(p().until!, { language: language() }) })
                : t('admin.monitor.pending')}
            </span>
          )}
        </Show>
      </td>
      <td>{who()}</td>
      <td class="adm-num">
        {time()}
        <Show when={c.sla}>{(sla) => <SlaBadge sla={sla()} now={props.now} />}</Show>
      </td>
      <td class="adm-num">
        <Show when={c.autoCloseAt} fallback="—">
          {(at) => (
            <span title={formatDateTimeIn(at(), { language: language() })}>
              {overdue()
                ? t('admin.monitor.autoCloseDue')
                : t('admin.monitor.autoCloseIn', { time: formatDuration((new Date(at()).getTime() - props.now) / 1000) })}
            </span>
          )}
        </Show>
      </td>
      <td>
        <div class="adm-row-actions" hidden={props.readOnly}>
          <Show when={c.status === 'bot'}>
            <button
              type="button"
              class="adm-small secondary"
              aria-label={t('admin.monitor.releaseNamed', { protocol: c.protocol })}
              onClick={() => props.onRelease()}
            >
              {t('admin.monitor.release')}
            </button>
          </Show>
          <TransferControl c={c} teams={props.teams} agents={props.agents} onTransfer={props.onTransfer} />
          <ConfirmButton
            label={t('admin.monitor.forceClose')}
            ariaLabel={t('admin.monitor.forceCloseNamed', { protocol: c.protocol })}
            confirmLabel={t('admin.monitor.confirmClose', { protocol: c.protocol })}
            onConfirm={() => props.onClose()}
          />
        </div>
      </td>
    </tr>
  );
}

/**
 * The service level running on a conversation: time left, or breached (in the danger colour,
 * as soon as the due time passes on this clock, before the server's sweep says so); the due
 * time in full as its title.
 */
function SlaBadge(props: { sla: NonNullable<MonitorConversation['sla']>; now: number }) {
  const due = () => new Date(props.sla.dueAt).getTime();
  const breached = () => props.sla.breached || due() <= props.now;
  return (
    <span
      class="adm-badge adm-below"
      classList={{ 'adm-bad': breached() }}
      title={t(`admin.monitor.slaDue.${props.sla.kind}`, { time: formatFullDateTimeIn(props.sla.dueAt, { language: language() }) })}
    >
      {breached() ? t('admin.monitor.slaBreached') : t('admin.monitor.slaIn', { time: formatDuration((due() - props.now) / 1000) })}
    </span>
  );
}

/** A count in a table cell, bold in the danger colour when it is a problem and not zero. */
export function Count(props: { n: number; bad?: boolean }) {
  return (
    <Show when={props.bad && props.n > 0} fallback={<span classList={{ 'adm-muted': props.n === 0 }}>{props.n}</span>}>
      <strong class="adm-bad">{props.n}</strong>
    </Show>
  );
}

/** "Transfer": opens a choice of team or agent in the row; Escape or Cancel closes it. */
function TransferControl(props: {
  c: MonitorConversation;
  teams: AdminTeam[];
  agents: MonitorAgent[];
  onTransfer: (target: string) => void;
}) {
  const c = props.c;
  const [transferring, setTransferring] = createSignal(false);
  const [target, setTarget] = createSignal('');
  return (
    <Show
      when={transferring()}
      fallback={
        <button
          type="button"
          class="adm-small secondary"
          aria-label={t('admin.monitor.transferNamed', { protocol: c.protocol })}
          onClick={() => setTransferring(true)}
        >
          {t('admin.monitor.transfer')}
        </button>
      }
    >
      <form
        class="adm-inline"
        aria-label={t('admin.monitor.transferNamed', { protocol: c.protocol })}
        onSubmit={(e) => {
          e.preventDefault();
          if (!target()) return;
          setTransferring(false);
          props.onTransfer(target());
        }}
      >
        <select
          required
          aria-label={t('admin.monitor.transferTo')}
          ref={(el) => queueMicrotask(() => el.focus())}
          onChange={(e) => setTarget(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setTransferring(false);
          }}
        >
          <option value="">{t('admin.monitor.transferTo')}</option>
          <optgroup label={t('admin.nav.teams')}>
            <For each={props.teams}>{(tm) => <option value={`team:${tm.id}`}>{tm.name}</option>}</For>
          </optgroup>
          <optgroup label={t('admin.monitor.agents')}>
            <For each={props.agents.filter((a) => a.role !== 'admin')}>
              {(a) => <option value={`user:${a.id}`}>{`${a.name} (${tValue('status', a.status)})`}</option>}
            </For>
          </optgroup>
        </select>
        <button type="submit" class="adm-small primary">
          {t('admin.monitor.transferGo')}
        </button>
        <button type="button" class="adm-small secondary" onClick={() => setTransferring(false)}>
          {t('admin.cancel')}
        </button>
      </form>
    </Show>
  );
}

export function AgentRow(props: {
  a: MonitorAgent;
  now: number;
  user: AdminUser | undefined;
  teams: string;
  onUnlock: (u: AdminUser) => void;
}) {
  const a = props.a;
  const locked = () => !!props.user?.lockedUntil && new Date(props.user.lockedUntil).getTime() > props.now;
  const hours = () => a.workHours as WorkHours;
  const today = () => formatDay(hours()[weekdayIn(a.timeZone, props.now)]);
  return (
    <tr aria-label={a.name} classList={{ 'adm-row-bad': a.pauseOverrun || a.absent }}>
      <td>
        {a.name}
        <Show when={a.codename}>
          <span class="adm-muted"> ({a.codename})</span>
        </Show>
      </td>
      <td>
        <span class={`adm-badge adm-status-${a.status}`}>{tValue('status', a.status)}</span>{' '}
        <span class="adm-muted">{formatElapsed(a.statusChangedAt, props.now)}</span>
        {/* Online by choice, but no device past the grace period: not available to customers. */}
        <Show when={a.status === 'online' && !a.connected}>
          {' '}
          <span class="adm-badge adm-bad">{t('admin.monitor.noDevice')}</span>
        </Show>
      </td>
      <td>
        <Show when={a.pause} fallback="—">
          {(p) => (
            <span classList={{ 'adm-bad': a.pauseOverrun }}>
              {p().name} · {formatElapsed(p().startedAt, props.now)}
              <Show
                when={a.pauseOverrun}
                fallback={
                  <span class="adm-muted">
                    {' '}
                    ·{' '}
                    {t('admin.monitor.pauseUntil', { time: formatDateTimeIn(p().endsBy, { language: language(), timeZone: a.timeZone }) })}
                  </span>
                }
              >
                <strong> · {t('admin.monitor.overrun', { time: formatElapsed(p().endsBy, props.now) })}</strong>
              </Show>
            </span>
          )}
        </Show>
      </td>
      <td>
        <Show when={hasSchedule(hours())} fallback={<span class="adm-muted">{t('admin.monitor.noSchedule')}</span>}>
          {today() || t('admin.monitor.dayOff')}
          <span class="adm-muted"> ({a.timeZone})</span>
        </Show>
        <Show when={a.absent}>
          <strong class="adm-bad"> · {t('admin.monitor.absent')}</strong>
        </Show>
      </td>
      <td>{props.teams || '—'}</td>
      {/* Active of capacity ("2/3"; "2" with no limit, and for admins, who are never limited), then waiting on the customer, offers, breaches. */}
      <td class="adm-num">{a.capacity === null || a.role === 'admin' ? String(a.active) : `${a.active}/${a.capacity}`}</td>
      <td class="adm-num">
        <Count n={a.pending} />
      </td>
      <td class="adm-num">
        <Count n={a.offered} />
      </td>
      <td class="adm-num">
        <Count n={a.breached} bad />
      </td>
      <td>
        <Show when={locked() && props.user}>
          {(u) => (
            <div class="adm-row-actions">
              <span class="adm-badge adm-bad">{t('admin.monitor.locked')}</span>
              <button
                type="button"
                class="adm-small secondary"
                aria-label={t('admin.users.unlockNamed', { name: a.name })}
                onClick={() => props.onUnlock(u() as AdminUser)}
              >
                {t('admin.users.unlock')}
              </button>
            </div>
          )}
        </Show>
      </td>
    </tr>
  );
}
