import { createEffect, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One chart: x values and named series of y values (uPlot draws on a canvas; only this lazy screen loads it). */
export interface ChartData {
  x: number[];
  series: { label: string; values: number[]; color: string }[];
  /** Bars (counts per hour) or lines (counts per day, x in seconds since the epoch). */
  kind: 'bars' | 'time';
  xLabel: (x: number) => string;
  /** What x is (the legend's first entry). */
  xName: string;
}

const HEIGHT = 220;

function optionsOf(data: ChartData, width: number): uPlot.Options {
  const bars = uPlot.paths.bars?.({ size: [0.8, 40] });
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: data.kind === 'time' }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [
      { values: (_u, splits) => splits.map((s) => data.xLabel(s)) },
      { values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? String(s) : '')) },
    ],
    series: [
      { label: data.xName, value: (_u, x) => (x === null ? '' : data.xLabel(x)) },
      ...data.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        fill: data.kind === 'bars' ? `${s.color}99` : undefined,
        width: 2,
        ...(data.kind === 'bars' && bars ? { paths: bars, points: { show: false } } : {}),
      })),
    ],
  };
}

export function Chart(props: { data: ChartData; label: string }) {
  let box: HTMLDivElement | undefined;
  let plot: uPlot | undefined;
  const widthOf = () => Math.max(280, box?.clientWidth ?? 600);

  onMount(() => {
    const resize = new ResizeObserver(() => plot?.setSize({ width: widthOf(), height: HEIGHT }));
    resize.observe(box!);
    onCleanup(() => resize.disconnect());
  });
  // New figures: a new chart (series may differ); the old one is destroyed with its canvas.
  createEffect(() => {
    const data = props.data;
    plot?.destroy();
    plot = new uPlot(optionsOf(data, widthOf()), [data.x, ...data.series.map((s) => s.values)], box!);
  });
  onCleanup(() => plot?.destroy());

  return <div class="rep-chart" ref={box} role="img" aria-label={props.label} />;
}
