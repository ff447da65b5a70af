import { For, Show } from 'solid-js';
import { t } from '../i18n.ts';
import type { trpc } from '../trpc.ts';
import { PRESETS, presetPeriod, type Period, type Preset } from './period.ts';

export type Selection = Period & { preset: Preset; teamId: string; channelId: string; agentId: string };
type Options = Awaited<ReturnType<typeof trpc.reports.filters.query>>;

/** The period (a preset or two dates) and the team, channel and agent filters. */
export function Filters(props: { options: Options; selection: Selection; onChange: (s: Selection) => void }) {
  const set = (patch: Partial<Selection>) => props.onChange({ ...props.selection, ...patch });
  const choosePreset = (preset: Preset) =>
    set(preset === 'custom' ? { preset } : { preset, ...presetPeriod(preset, new Date(), props.options.timeZone) });
  return (
    <form class="rep-filters" aria-label={t('reports.filters')} onSubmit={(e) => e.preventDefault()}>
      <label>
        {t('reports.period')}
        <select name="preset" value={props.selection.preset} onChange={(e) => choosePreset(e.currentTarget.value as Preset)}>
          <For each={PRESETS}>{(p) => <option value={p}>{t(`reports.preset.${p}`)}</option>}</For>
        </select>
      </label>
      <Show when={props.selection.preset === 'custom'}>
        <label>
          {t('reports.from')}
          <input type="date" name="from" value={props.selection.from} required onChange={(e) => set({ from: e.currentTarget.value })} />
        </label>
        <label>
          {t('reports.to')}
          <input type="date" name="to" value={props.selection.to} required onChange={(e) => set({ to: e.currentTarget.value })} />
        </label>
      </Show>
      <label>
        {t('reports.team')}
        <select name="team" value={props.selection.teamId} onChange={(e) => set({ teamId: e.currentTarget.value })}>
          <option value="">{t('reports.allTeams')}</option>
          <For each={props.options.teams}>{(o) => <option value={o.id}>{o.name}</option>}</For>
        </select>
      </label>
      <label>
        {t('reports.channel')}
        <select name="channel" value={props.selection.channelId} onChange={(e) => set({ channelId: e.currentTarget.value })}>
          <option value="">{t('reports.allChannels')}</option>
          <For each={props.options.channels}>{(o) => <option value={o.id}>{o.name}</option>}</For>
        </select>
      </label>
      <label>
        {t('reports.agent')}
        <select name="agent" value={props.selection.agentId} onChange={(e) => set({ agentId: e.currentTarget.value })}>
          <option value="">{t('reports.allAgents')}</option>
          <For each={props.options.agents}>{(o) => <option value={o.id}>{o.name}</option>}</For>
        </select>
      </label>
    </form>
  );
}
