import { useMemo } from 'react';
import type { Overview } from '../api/types.js';
import { TimeSeriesChart, type ChartSeries } from '../components/time-series-chart.js';
import { formatCompact, formatMs, formatPercent, formatUsd } from '../format.js';

const COLORS = { primary: '#1f5fbf', secondary: '#b3261e', tertiary: '#1e6b34', quaternary: '#8a5300' };

interface ChartSpec {
  title: string;
  series: ChartSeries[];
  formatValue: (value: number) => string;
}

function chartsOf(overview: Overview): ChartSpec[] {
  const points = overview.series;
  const pick = (read: (point: Overview['series'][number]) => number | null) => points.map(read);
  return [
    {
      title: 'Requests and errors',
      formatValue: formatCompact,
      series: [
        { label: 'Requests', values: pick((point) => point.requests), color: COLORS.primary },
        { label: 'Errors', values: pick((point) => point.errors), color: COLORS.secondary },
      ],
    },
    {
      title: 'Error rate',
      formatValue: formatPercent,
      series: [
        {
          label: 'Error rate',
          values: pick((point) => (point.requests === 0 ? null : point.errorRate)),
          color: COLORS.secondary,
        },
      ],
    },
    {
      title: 'Latency',
      formatValue: (value) => formatMs(value),
      series: [
        { label: 'p50', values: pick((point) => point.latencyP50Ms), color: COLORS.primary },
        { label: 'p95', values: pick((point) => point.latencyP95Ms), color: COLORS.quaternary },
      ],
    },
    {
      title: 'Time to first token',
      formatValue: (value) => formatMs(value),
      series: [
        { label: 'p50', values: pick((point) => point.ttftP50Ms), color: COLORS.primary },
        { label: 'p95', values: pick((point) => point.ttftP95Ms), color: COLORS.quaternary },
      ],
    },
    {
      title: 'Tokens',
      formatValue: formatCompact,
      series: [
        { label: 'Prompt', values: pick((point) => point.promptTokens), color: COLORS.primary },
        { label: 'Completion', values: pick((point) => point.completionTokens), color: COLORS.tertiary },
      ],
    },
    {
      title: 'Cost',
      formatValue: formatUsd,
      series: [{ label: 'Cost (USD)', values: pick((point) => point.costUsd), color: COLORS.tertiary }],
    },
  ];
}

/** The overview's six time-series charts; a module of its own so uPlot loads after the first paint. */
export function OverviewCharts({ overview }: { overview: Overview }) {
  const x = useMemo(() => overview.series.map((point) => point.start), [overview]);
  const charts = useMemo(() => chartsOf(overview), [overview]);
  return (
    <div className="grid">
      {charts.map((chart) => (
        <section className="card" key={chart.title} aria-label={chart.title}>
          <h2>{chart.title}</h2>
          <TimeSeriesChart
            title={`${chart.title} over time`}
            x={x}
            series={chart.series}
            formatValue={chart.formatValue}
          />
        </section>
      ))}
    </div>
  );
}
