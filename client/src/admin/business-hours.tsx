import { createSignal, createUniqueId, For, Show } from 'solid-js';
import { t } from '../i18n.ts';
import { all, str } from './form-data.ts';
import { Input } from './fields.tsx';
import { DAY_PATTERN, formatDay, normalizeDates, parseSchedule, WEEKDAYS, type Weekday, type WorkHours } from './logic.ts';

// A team's business hours in its form: the weekly schedule in the users' work-hours format, and holidays.

/** One field per weekday with its intervals ("09:00-12:00, 13:00-18:00"; empty: closed that day). */
export function WeeklySchedule(props: { prefix: string; schedule: WorkHours | undefined }) {
  return (
    <fieldset class="adm-group adm-wide adm-hours">
      <legend>{t('admin.teams.weekly')}</legend>
      <For each={WEEKDAYS}>
        {(d) => (
          <Input label={t(`admin.day.${d}`)} name={`${props.prefix}-${d}`} value={formatDay(props.schedule?.[d])} pattern={DAY_PATTERN} />
        )}
      </For>
    </fieldset>
  );
}

/** The submitted schedule of `WeeklySchedule`, or the first bad day and why. */
export function submittedSchedule(fd: FormData, prefix: string): ReturnType<typeof parseSchedule> {
  const days: Partial<Record<Weekday, string>> = {};
  for (const d of WEEKDAYS) days[d] = str(fd, `${prefix}-${d}`);
  return parseSchedule(days);
}

/** The submitted dates of `HolidayList`, as the server takes them. */
export const submittedHolidays = (fd: FormData, name: string): string[] => normalizeDates(all(fd, name));

/**
 * Dates on which the team stays closed: one date field each with its Remove, and Add. Adding
 * moves focus to the new field; removing, to the field that took its place (or to Add).
 */
export function HolidayList(props: { name: string; dates: readonly string[] }) {
  const hint = createUniqueId();
  // Each row its own object (For keys by identity): removing one leaves the others' fields, and what was typed in them.
  const row = (date: string) => ({ date });
  const [rows, setRows] = createSignal(props.dates.map(row));
  let list: HTMLUListElement | undefined;
  let add: HTMLButtonElement | undefined;
  const fields = () => [...(list?.querySelectorAll<HTMLInputElement>('input') ?? [])];
  return (
    <fieldset class="adm-group adm-wide adm-holidays" aria-describedby={hint}>
      <legend>{t('admin.teams.holidays')}</legend>
      <small class="adm-hint" id={hint}>
        {t('admin.teams.holidaysHint')}
      </small>
      <Show when={rows().length === 0}>
        <p class="adm-muted">{t('admin.teams.noHolidays')}</p>
      </Show>
      <ul ref={list}>
        <For each={rows()}>
          {(r, i) => (
            <li>
              <input type="date" name={props.name} value={r.date} aria-label={t('admin.teams.holiday', { n: i() + 1 })} />
              <button
                type="button"
                class="adm-small secondary"
                aria-label={t('admin.teams.removeHoliday', { n: i() + 1 })}
                onClick={() => {
                  const at = i();
                  setRows(rows().filter((x) => x !== r));
                  (fields()[Math.min(at, fields().length - 1)] ?? add)?.focus();
                }}
              >
                {t('admin.remove')}
              </button>
            </li>
          )}
        </For>
      </ul>
      <button
        ref={add}
        type="button"
        class="adm-small secondary"
        onClick={() => {
          setRows([...rows(), row('')]);
          fields().at(-1)?.focus();
        }}
      >
        {t('admin.teams.addHoliday')}
      </button>
    </fieldset>
  );
}
