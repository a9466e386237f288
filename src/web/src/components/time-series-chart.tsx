import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** One value per x position; null leaves a gap. */
  values: Array<number | null>;
  color: string;
}

export interface TimeSeriesChartProps {
  /** Accessible name of the chart (the canvas itself says nothing to assistive technology). */
  title: string;
  /** Bucket starts, in ms since epoch. */
  x: number[];
  series: ChartSeries[];
  formatValue: (value: number) => string;
  height?: number;
}

/**
 * A uPlot line chart sized to its container. uPlot draws on canvas and is kept out of React's tree: it is built
 * once per data change and destroyed on unmount.
 */
export function TimeSeriesChart({ title, x, series, formatValue, height = 200 }: TimeSeriesChartProps) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = container.current;
    if (element === null) return undefined;
    const format = (value: number | null) => (value === null ? '—' : formatValue(value));
    const chart = new uPlot(
      {
        width: Math.max(element.clientWidth, 300),
        height,
        series: [
          {},
          ...series.map((entry) => ({
            label: entry.label,
            stroke: entry.color,
            width: 2,
            spanGaps: false,
            // Sparse data (a single busy bucket) draws no line at all; dots keep it visible.
            points: { show: entry.values.filter((value) => value !== null).length <= 40, size: 6 },
            value: (_self: uPlot, value: number | null) => format(value),
          })),
        ],
        axes: [
          {},
          {
            size: 70,
            values: (_self: uPlot, ticks: number[]) => ticks.map((tick) => formatValue(tick)),
          },
        ],
        scales: { x: { time: true } },
        cursor: { drag: { x: false, y: false } },
      },
      [x.map((ms) => ms / 1000), ...series.map((entry) => entry.values)],
      element,
    );
    const resize = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(element.clientWidth, 300), height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [x, series, formatValue, height]);

  // Points actually drawn, for tests and for anyone inspecting an empty-looking chart.
  const points = series.reduce(
    (sum, entry) => sum + entry.values.filter((value) => value !== null).length,
    0,
  );
  return <div className="chart" ref={container} role="img" aria-label={title} data-points={points} />;
}
