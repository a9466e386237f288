export { createPrometheusMetrics } from './prometheus-metrics.js';
