import { useQuery } from '@tanstack/solid-query';
import { createEffect, createMemo, createSignal, For, Show } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { language, t, tValue } from '../i18n.ts';
import { contactLabel } from '../lib/contact.ts';
import { trpc } from '../trpc.ts';
import { adminKeys, fetchers, useList, useSave, type AdminTeam, type AdminUser, type MonitorAgent, type MonitorConversation } from './api.ts';
import { formatDay, groupBy, hasSchedule, secondsSince, type Weekday, type WorkHours } from './logic.ts';
import { ConfirmButton, dateTime, duration, Loaded, Refusal, Saved, Section, since, useNow } from './ui.tsx';

const STATE_ORDER = { bot: 0, waiting: 1, active: 2 } as const;


/** The weekday in a time zone (for "today's hours" of an agent). */
function weekdayIn(zone: string, at: number): Weekday {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short' }).format(at).toLowerCase().slice(0, 3) as Weekday;
  } catch {
    return new Intl.DateTimeFormat('en-US', { weekday: 'short' }).format(at).toLowerCase().slice(0, 3) as Weekday;
  }
}

export default function MonitorScreen() {
  // Live events refetch it (useAdminLive); the interval only catches what time alone changes (absences).
  const overview = useQuery(() => ({ queryKey: adminKeys.monitor, queryFn: fetchers.monitor, refetchInterval: 30_000 }));
  const users = useList('users');
  const teams = useList('teams');
  const now = useNow();
  const [notice, setNotice] = createSignal<string | null>(null);

  const refresh = [adminKeys.monitor, adminKeys.users];
  const forceClose = useSave((c: MonitorConversation) => trpc.admin.conversations.forceClose.mutate({ conversationId: c.id }), refresh, (_o, c) =>
    setNotice(t('admin.monitor.closed', { protocol: c.protocol })),
  );
  const release = useSave((c: MonitorConversation) => trpc.admin.conversations.releaseFromBot.mutate({ conversationId: c.id }), refresh, (_o, c) =>
    setNotice(t('admin.monitor.released', { protocol: c.protocol })),
  );
  const transfer = useSave(
    (input: { c: MonitorConversation; target: string }) => {
      const [kind, id] = input.target.split(':') as ['team' | 'user', string];
      return trpc.admin.conversations.transfer.mutate({ conversationId: input.c.id, ...(kind === 'team' ? { toTeamId: id } : { toUserId: id }) });
    },
    refresh,
    (_o, input) => setNotice(t('admin.monitor.transferred', { protocol: input.c.protocol })),
  );
  const unlock = useSave((u: AdminUser) => trpc.admin.users.unlock.mutate({ userId: u.id }), refresh, (_o, u) => setNotice(t('admin.users.unlocked', { name: u.name })));
  const actionError = () => forceClose.error ?? release.error ?? transfer.error ?? unlock.error;
  const run = (fn: () => void) => {
    setNotice(null);
    forceClose.reset();
    release.reset();
    transfer.reset();
    unlock.reset();
    fn();
  };

  const [board, setBoard] = createStore<{ conversations: MonitorConversation[]; agents: MonitorAgent[] }>({ conversations: [], agents: [] });
  createEffect(() => {
    const data = overview.data;
    if (data) setBoard(reconcile({ conversations: data.conversations, agents: data.agents }, { key: 'id' }));
  });

  // Messages whose delivery is in doubt (`unknown`: the connection to WhatsApp broke while sending).
  const unknownDeliveries = () => overview.data?.unknownDeliveries;

  const userById = createMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])));
  const teamName = createMemo(() => new Map((teams.data ?? []).map((tm) => [tm.id, tm.name])));

  return (
    <Section title={t('admin.nav.monitor')}>
      <Saved when={notice() !== null} message={notice() ?? undefined} />
      <Refusal error={actionError()} />
      <Loaded query={overview}>
        {() => {
          const conversations = () => board.conversations;
          const sorted = createMemo(() => [...conversations()].sort((a, b) => STATE_ORDER[a.status] - STATE_ORDER[b.status]));
          // Team ids (strings) keep each team's section, and the store keeps each row, across refetches.
          const teamIds = createMemo(() =>
            groupBy(sorted(), (c) => c.team?.id ?? '')
              .map(([id]) => id)
              .sort((a, b) => (a === '' ? -1 : b === '' ? 1 : (teamName().get(a) ?? '').localeCompare(teamName().get(b) ?? ''))),
          );
          const count = (status: MonitorConversation['status']) => conversations().filter((c) => c.status === status).length;
          const agentCount = (status: string) => board.agents.filter((a) => a.status === status).length;
          return (
            <>
              <ul class="adm-summary" aria-label={t('admin.monitor.summary')}>
                <li><strong>{count('bot')}</strong> {t('admin.monitor.state.bot')}</li>
                <li><strong>{count('waiting')}</strong> {t('admin.monitor.state.waiting')}</li>
                <li><strong>{count('active')}</strong> {t('admin.monitor.state.active')}</li>
                <li><strong>{agentCount('online')}</strong> {t('status.online')}</li>
                <li><strong>{agentCount('paused')}</strong> {t('status.paused')}</li>
                <li classList={{ 'adm-bad': board.agents.some((a) => a.pauseOverrun) }}>
                  <strong>{board.agents.filter((a) => a.pauseOverrun).length}</strong> {t('admin.monitor.overruns')}
                </li>
                <li classList={{ 'adm-bad': board.agents.some((a) => a.absent) }}>
                  <strong>{board.agents.filter((a) => a.absent).length}</strong> {t('admin.monitor.absences')}
                </li>
              </ul>

              <h3>{t('admin.monitor.conversations')}</h3>
              <Show when={conversations().length > 0} fallback={<p class="adm-muted">{t('admin.monitor.noConversations')}</p>}>
                <For each={teamIds()}>
                  {(teamId) => {
                    const list = createMemo(() => sorted().filter((c) => (c.team?.id ?? '') === teamId));
                    const title = () => (teamId === '' ? t('admin.monitor.noTeam') : (teamName().get(teamId) ?? list()[0]?.team?.name ?? '—'));
                    return (
                      <section class="adm-team" aria-label={title()}>
                        <h4>
                          {title()}{' '}
                          <span class="adm-muted">
                            {t('admin.monitor.teamCounts', {
                              bot: list().filter((c) => c.status === 'bot').length,
                              waiting: list().filter((c) => c.status === 'waiting').length,
                              active: list().filter((c) => c.status === 'active').length,
                            })}
                          </span>
                        </h4>
                        <table class="adm-table adm-board">
                          <thead>
                            <tr>
                              <th scope="col">{t('admin.monitor.contact')}</th>
                              <th scope="col">{t('admin.state')}</th>
                              <th scope="col">{t('admin.monitor.agent')}</th>
                              <th scope="col">{t('admin.monitor.time')}</th>
                              <th scope="col">{t('admin.monitor.autoClose')}</th>
                              <th scope="col">{t('admin.actions')}</th>
                            </tr>
                          </thead>
                          <tbody>
                            <For each={list()}>
                              {(c) => (
                                <ConversationRow
                                  c={c}
                                  now={now()}
                                  teams={teams.data ?? []}
                                  agents={board.agents}
                                  onClose={() => run(() => forceClose.mutate(c))}
                                  onRelease={() => run(() => release.mutate(c))}
                                  onTransfer={(target) => run(() => transfer.mutate({ c, target }))}
                                />
                              )}
                            </For>
                          </tbody>
                        </table>
                      </section>
                    );
                  }}
                </For>
              </Show>

              <Show when={unknownDeliveries()}>
                {(list) => (
                  <section class="adm-team" aria-label={t('admin.monitor.unknown')}>
                    <h3>{t('admin.monitor.unknown')}</h3>
                    <p class="adm-hint">{t('delivery.unknown')}</p>
                    <Show when={list().length > 0} fallback={<p class="adm-muted">{t('admin.monitor.noUnknown')}</p>}>
                      <table class="adm-table">
                        <thead>
                          <tr>
                            <th scope="col">{t('admin.monitor.protocol')}</th>
                            <th scope="col">{t('admin.monitor.contact')}</th>
                            <th scope="col">{t('admin.monitor.channel')}</th>
                            <th scope="col">{t('admin.monitor.message')}</th>
                            <th scope="col">{t('admin.monitor.sentAt')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          <For each={list()}>
                            {(m) => (
                              <tr class="adm-row-warn">
                                <td><code>{m.protocol}</code></td>
                                <td>{contactLabel(m.contact)}</td>
                                <td>{m.channel.name}</td>
                                <td class="adm-text">
                                  {m.text}
                                  <Show when={m.errorTitle}>
                                    <span class="adm-muted"> ({m.errorTitle})</span>
                                  </Show>
                                </td>
                                <td class="adm-num">{dateTime(m.createdAt, language())}</td>
                              </tr>
                            )}
                          </For>
                        </tbody>
                      </table>
                    </Show>
                  </section>
                )}
              </Show>

              <h3>{t('admin.monitor.agents')}</h3>
              <table class="adm-table" aria-label={t('admin.monitor.agents')}>
                <thead>
                  <tr>
                    <th scope="col">{t('admin.name')}</th>
                    <th scope="col">{t('admin.state')}</th>
                    <th scope="col">{t('admin.monitor.pause')}</th>
                    <th scope="col">{t('admin.monitor.workHoursToday')}</th>
                    <th scope="col">{t('admin.users.teams')}</th>
                    <th scope="col">{t('admin.monitor.serving')}</th>
                    <th scope="col">{t('admin.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={board.agents}>
                    {(a) => (
                      <AgentRow
                        a={a}
                        now={now()}
                        user={userById().get(a.id)}
                        teams={a.teamIds.map((id) => teamName().get(id) ?? '').filter(Boolean).join(', ')}
                        serving={conversations().filter((c) => c.status === 'active' && c.assignee?.id === a.id).length}
                        onUnlock={(u) => run(() => unlock.mutate(u))}
                      />
                    )}
                  </For>
                </tbody>
              </table>
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

function ConversationRow(props: {
  c: MonitorConversation;
  now: number;
  teams: AdminTeam[];
  agents: MonitorAgent[];
  onClose: () => void;
  onRelease: () => void;
  onTransfer: (target: string) => void;
}) {
  const c = props.c;
  const [transferring, setTransferring] = createSignal(false);
  const [target, setTarget] = createSignal('');
  const time = () => {
    if (c.waitingSince) return t('admin.monitor.waitingFor', { time: since(c.waitingSince, props.now) });
    if (c.claimedAt) return t('admin.monitor.servedFor', { time: since(c.claimedAt, props.now) });
    return '';
  };
  const overdue = () => c.autoCloseAt !== null && new Date(c.autoCloseAt).getTime() <= props.now;
  const who = () => (c.assignee ? c.assignee.name : c.targetUser ? t('admin.monitor.targeted', { name: c.targetUser.name }) : '—');
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
      </td>
      <td>{who()}</td>
      <td class="adm-num">{time()}</td>
      <td class="adm-num">
        <Show when={c.autoCloseAt} fallback="—">
          {(at) => (
            <span title={dateTime(at(), language())}>
              {overdue()
                ? t('admin.monitor.autoCloseDue')
                : t('admin.monitor.autoCloseIn', { time: duration(secondsSince(new Date(props.now), new Date(at()).getTime())) })}
            </span>
          )}
        </Show>
      </td>
      <td>
        <div class="adm-row-actions">
          <Show when={c.status === 'bot'}>
            <button type="button" class="adm-small secondary" aria-label={t('admin.monitor.releaseNamed', { protocol: c.protocol })} onClick={() => props.onRelease()}>
              {t('admin.monitor.release')}
            </button>
          </Show>
          <Show
            when={transferring()}
            fallback={
              <button type="button" class="adm-small secondary" aria-label={t('admin.monitor.transferNamed', { protocol: c.protocol })} onClick={() => setTransferring(true)}>
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
                  <For each={props.agents.filter((a) => a.role === 'agent')}>
                    {(a) => <option value={`user:${a.id}`}>{`${a.name} (${tValue('status', a.status)})`}</option>}
                  </For>
                </optgroup>
              </select>
              <button type="submit" class="adm-small primary">{t('admin.monitor.transferGo')}</button>
              <button type="button" class="adm-small secondary" onClick={() => setTransferring(false)}>
                {t('admin.cancel')}
              </button>
            </form>
          </Show>
          <ConfirmButton label={t('admin.monitor.forceClose')} ariaLabel={t('admin.monitor.forceCloseNamed', { protocol: c.protocol })} confirmLabel={t('admin.monitor.confirmClose', { protocol: c.protocol })} onConfirm={() => props.onClose()} />
        </div>
      </td>
    </tr>
  );
}

function AgentRow(props: { a: MonitorAgent; now: number; user: AdminUser | undefined; teams: string; serving: number; onUnlock: (u: AdminUser) => void }) {
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
        <span class="adm-muted">{since(a.statusChangedAt, props.now)}</span>
      </td>
      <td>
        <Show when={a.pause} fallback="—">
          {(p) => (
            <span classList={{ 'adm-bad': a.pauseOverrun }}>
              {p().name} · {since(p().startedAt, props.now)}
              <Show when={a.pauseOverrun} fallback={<span class="adm-muted"> · {t('admin.monitor.pauseUntil', { time: dateTime(p().endsBy, language(), a.timeZone) })}</span>}>
                <strong> · {t('admin.monitor.overrun', { time: since(p().endsBy, props.now) })}</strong>
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
      <td class="adm-num">{props.serving}</td>
      <td>
        <Show when={locked() && props.user}>
          {(u) => (
            <div class="adm-row-actions">
              <span class="adm-badge adm-bad">{t('admin.monitor.locked')}</span>
              <button type="button" class="adm-small secondary" aria-label={t('admin.users.unlockNamed', { name: a.name })} onClick={() => props.onUnlock(u() as AdminUser)}>
                {t('admin.users.unlock')}
              </button>
            </div>
          )}
        </Show>
      </td>
    </tr>
  );
}
