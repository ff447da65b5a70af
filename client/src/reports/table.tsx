import { For } from 'solid-js';
import { t } from '../i18n.ts';
import { downloadCsv, type Cell } from './csv.ts';

/** A column: its heading, the raw value (what the CSV file holds) and, when it differs, what the screen shows. */
export interface Column<R> {
  label: string;
  value: (row: R) => Cell;
  show?: (row: R) => string;
  numeric?: boolean;
}

/** A table of the report with its CSV export (the same columns, raw values). */
export function ReportTable<R>(props: { title: string; file: string; columns: Column<R>[]; rows: R[] }) {
  const exportCsv = () =>
    downloadCsv(`${props.file}.csv`, [props.columns.map((c) => c.label), ...props.rows.map((r) => props.columns.map((c) => c.value(r)))]);
  return (
    <section class="rep-table" aria-label={props.title}>
      <div class="rep-table-head">
        <h3>{props.title}</h3>
        <button type="button" class="secondary adm-small" onClick={exportCsv} aria-label={t('reports.exportNamed', { name: props.title })}>
          {t('reports.export')}
        </button>
      </div>
      {/* A wide table scrolls sideways with its section: the export button in it is what the keyboard scrolls from. */}
      <div class="rep-scroll">
        <table class="adm-table" aria-label={props.title}>
          <thead>
            <tr>
              <For each={props.columns}>{(c) => <th scope="col">{c.label}</th>}</For>
            </tr>
          </thead>
          <tbody>
            <For each={props.rows} fallback={<EmptyRow span={props.columns.length} />}>
              {(r) => (
                <tr>
                  <For each={props.columns}>
                    {(c) => <td classList={{ 'adm-num': !!c.numeric }}>{c.show ? c.show(r) : String(c.value(r) ?? '—')}</td>}
                  </For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </section>
  );
}

function EmptyRow(props: { span: number }) {
  return (
    <tr>
      <td colSpan={props.span} class="adm-muted">
        {t('reports.nothing')}
      </td>
    </tr>
  );
}
