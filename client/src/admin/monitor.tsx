import { createMemo, For, Show } from 'solid-js';
import { language, t } from '../i18n.ts';
import { contactLabel } from '../lib/contact.ts';
import { formatDateTimeIn } from '../lib/format.ts';
import type { MonitorConversation } from './api.ts';
import { Loaded, Refusal, Saved } from './feedback.tsx';
import { AgentRow, ConversationRow, Count } from './monitor-rows.tsx';
import { Section, TableHead } from './screen.tsx';
import { useMonitor, type Monitor } from './use-monitor.ts';

/** The supervisor's live board: counts, conversations by team, deliveries in doubt, agents. */
export default function MonitorScreen() {
  const m = useMonitor();
  return (
    <Section title={t('admin.nav.monitor')}>
      <Saved when={m.actions.notice() !== null} message={m.actions.notice() ?? undefined} />
      <Refusal error={m.actions.error()} />
      <Loaded query={m.overview}>
        {() => (
          <>
            <Summary m={m} />
            <FloorTeams m={m} />
            <h3>{t('admin.monitor.conversations')}</h3>
            <Show when={m.board.conversations.length > 0} fallback={<p class="adm-muted">{t('admin.monitor.noConversations')}</p>}>
              <For each={m.teamIds()}>{(teamId) => <TeamBoard m={m} teamId={teamId} />}</For>
            </Show>
            <UnknownDeliveries m={m} />
            <h3>{t('admin.monitor.agents')}</h3>
            <table class="adm-table" aria-label={t('admin.monitor.agents')}>
              <TableHead
                labels={[
                  t('admin.name'),
                  t('admin.state'),
                  t('admin.monitor.pause'),
                  t('admin.monitor.workHoursToday'),
                  t('admin.users.teams'),
                  t('admin.monitor.load'),
                  t('admin.monitor.pending'),
                  t('admin.monitor.offers'),
                  t('admin.monitor.breached'),
                  t('admin.actions'),
                ]}
              />
              <tbody>
                <For each={m.board.agents}>
                  {(a) => (
                    <AgentRow
                      a={a}
                      now={m.now()}
                      user={m.userById().get(a.id)}
                      teams={a.teamIds
                        .map((id) => m.teamName().get(id) ?? '')
                        .filter(Boolean)
                        .join(', ')}
                      onUnlock={m.actions.unlock}
                    />
                  )}
                </For>
              </tbody>
            </table>
          </>
        )}
      </Loaded>
    </Section>
  );
}

function Summary(props: { m: Monitor }) {
  const board = props.m.board;
  const count = (status: MonitorConversation['status']) => board.conversations.filter((c) => c.status === status).length;
  const agentCount = (status: string) => board.agents.filter((a) => a.status === status).length;
  return (
    <ul class="adm-summary" aria-label={t('admin.monitor.summary')}>
      <li>
        <strong>{count('bot')}</strong> {t('admin.monitor.state.bot')}
      </li>
      <li>
        <strong>{count('waiting')}</strong> {t('admin.monitor.state.waiting')}
      </li>
      <li>
        <strong>{count('active')}</strong> {t('admin.monitor.state.active')}
      </li>
      <li>
        <strong>{agentCount('online')}</strong> {t('status.online')}
      </li>
      <li>
        <strong>{agentCount('paused')}</strong> {t('status.paused')}
      </li>
      <li>
        <strong>{board.agents.filter((a) => a.available).length}</strong> {t('admin.monitor.available')}
      </li>
      <li classList={{ 'adm-bad': board.agents.some((a) => a.pauseOverrun) }}>
        <strong>{board.agents.filter((a) => a.pauseOverrun).length}</strong> {t('admin.monitor.overruns')}
      </li>
      <li classList={{ 'adm-bad': board.agents.some((a) => a.absent) }}>
        <strong>{board.agents.filter((a) => a.absent).length}</strong> {t('admin.monitor.absences')}
      </li>
    </ul>
  );
}

/** Each team on the floor: how it routes, whether it is open now, what waits, is offered, is past its service level. */
function FloorTeams(props: { m: Monitor }) {
  const teams = () => props.m.overview.data?.teams ?? [];
  return (
    <Show when={teams().length > 0}>
      <h3>{t('admin.monitor.teams')}</h3>
      <table class="adm-table" aria-label={t('admin.monitor.teams')}>
        <TableHead
          labels={[
            t('admin.monitor.team'),
            t('admin.teams.routing'),
            t('admin.monitor.now'),
            t('admin.monitor.state.waiting'),
            t('admin.monitor.offered'),
            t('admin.monitor.breached'),
          ]}
        />
        <tbody>
          <For each={teams()}>
            {(tm) => (
              <tr aria-label={tm.name}>
                <td>{tm.name}</td>
                <td>{t(`admin.teams.routing.${tm.routing}`)}</td>
                <td>
                  <OpenBadge open={tm.open} />
                </td>
                <td class="adm-num">{tm.waiting}</td>
                <td class="adm-num">{tm.offered}</td>
                <td class="adm-num">
                  <Count n={tm.breached} bad />
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  );
}

function OpenBadge(props: { open: boolean }) {
  return (
    <span class={`adm-badge ${props.open ? 'adm-okb' : 'adm-warn'}`}>
      {props.open ? t('admin.monitor.teamOpen') : t('admin.monitor.teamClosed')}
    </span>
  );
}

/** One team's conversations (or those without a team), with their counts. */
function TeamBoard(props: { m: Monitor; teamId: string }) {
  const m = props.m;
  const list = createMemo(() => m.ofTeam(props.teamId));
  const title = () => (props.teamId === '' ? t('admin.monitor.noTeam') : (m.teamName().get(props.teamId) ?? list()[0]?.team?.name ?? '—'));
  const count = (status: MonitorConversation['status']) => list().filter((c) => c.status === status).length;
  const closed = () => m.overview.data?.teams.find((tm) => tm.id === props.teamId)?.open === false;
  return (
    <section class="adm-team" aria-label={title()}>
      <h4>
        {title()}{' '}
        <Show when={closed()}>
          <OpenBadge open={false} />{' '}
        </Show>
        <span class="adm-muted">
          {t('admin.monitor.teamCounts', { bot: count('bot'), waiting: count('waiting'), active: count('active') })}
        </span>
      </h4>
      <table class="adm-table adm-board">
        <TableHead
          labels={[
            t('admin.monitor.contact'),
            t('admin.state'),
            t('admin.monitor.agent'),
            t('admin.monitor.time'),
            t('admin.monitor.autoClose'),
            t('admin.actions'),
          ]}
        />
        <tbody>
          <For each={list()}>
            {(c) => (
              <ConversationRow
                c={c}
                now={m.now()}
                teams={m.teams()}
                agents={m.board.agents}
                onClose={() => m.actions.forceClose(c)}
                onRelease={() => m.actions.release(c)}
                onTransfer={(target) => m.actions.transfer(c, target)}
                readOnly={m.readOnly()}
              />
            )}
          </For>
        </tbody>
      </table>
    </section>
  );
}

function UnknownDeliveries(props: { m: Monitor }) {
  return (
    <Show when={props.m.unknownDeliveries()}>
      {(list) => (
        <section class="adm-team" aria-label={t('admin.monitor.unknown')}>
          <h3>{t('admin.monitor.unknown')}</h3>
          <p class="adm-hint">{t('delivery.unknown')}</p>
          <Show when={list().length > 0} fallback={<p class="adm-muted">{t('admin.monitor.noUnknown')}</p>}>
            <table class="adm-table">
              <TableHead
                labels={[
                  t('admin.monitor.protocol'),
                  t('admin.monitor.contact'),
                  t('admin.monitor.channel'),
                  t('admin.monitor.message'),
                  t('admin.monitor.sentAt'),
                ]}
              />
              <tbody>
                <For each={list()}>
                  {(d) => (
                    <tr class="adm-row-warn">
                      <td>
                        <code>{d.protocol}</code>
                      </td>
                      <td>{contactLabel(d.contact)}</td>
                      <td>{d.channel.name}</td>
                      <td class="adm-text">
                        {d.text}
                        <Show when={d.errorTitle}>
                          <span class="adm-muted"> ({d.errorTitle})</span>
                        </Show>
                      </td>
                      <td class="adm-num">{formatDateTimeIn(d.createdAt, { language: language() })}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        </section>
      )}
    </Show>
  );
}
