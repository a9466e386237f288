import { describe, expect, it } from 'vitest';
import type { InteractionRecord } from '../../core/interaction.js';
import { createPrometheusMetrics } from './index.js';

function interaction(overrides: Partial<InteractionRecord> = {}): InteractionRecord {
  return {
    id: 'int_1',
    endpoint: 'chat.completions',
    projectId: 'prj_1',
    apiKeyId: 'key_1',
    endUser: null,
    modelRequested: 'smart',
    target: 'openai/gpt-4o',
    variant: null,
    promptName: null,
    promptVersion: null,
    retrievedDocuments: [],
    batchId: null,
    stream: true,
    status: 'success',
    errorCode: null,
    errorMessage: null,
    request: {},
    response: {},
    promptTokens: 12,
    completionTokens: 30,
    totalTokens: 42,
    costUsd: 0.25,
    latencyMs: 1_500,
    ttftMs: 200,
    startedAt: 1_700_000_000_000,
    trace: null,
    attempts: [
      {
        index: 0,
        providerId: 'azure',
        model: 'gpt-4o',
        startedAt: 1_700_000_000_000,
        latencyMs: 300,
        ttftMs: null,
        status: 'error',
        errorCode: 'rate_limited',
        errorMessage: 'Too many requests',
        upstreamStatus: 429,
      },
      {
        index: 1,
        providerId: 'openai',
        model: 'gpt-4o',
        startedAt: 1_700_000_000_300,
        latencyMs: 1_200,
        ttftMs: 200,
        status: 'success',
        errorCode: null,
        errorMessage: null,
        upstreamStatus: 200,
      },
    ],
    ...overrides,
  };
}

describe('prometheus metrics', () => {
  it('counts requests, latency, time to first token, tokens, cost and attempts', async () => {
    const metrics = createPrometheusMetrics();
    metrics.observeInteraction(interaction());
    metrics.observeInteraction(interaction({ id: 'int_2' }));
    metrics.observeInteraction(
      interaction({
        id: 'int_3',
        endpoint: 'embeddings',
        modelRequested: 'embed',
        target: null,
        status: 'error',
        ttftMs: null,
        costUsd: 0,
        completionTokens: 0,
        attempts: [],
      }),
    );
    const { contentType, body } = await metrics.render();

    expect(contentType).toContain('text/plain');
    expect(body).toContain(
      'slipway_requests_total{endpoint="chat.completions",model="smart",target="openai/gpt-4o",status="success"} 2',
    );
    expect(body).toContain(
      'slipway_requests_total{endpoint="embeddings",model="embed",target="none",status="error"} 1',
    );
    expect(body).toContain(
      'slipway_request_duration_seconds_bucket{le="2.5",endpoint="chat.completions",model="smart",status="success"} 2',
    );
    expect(body).toContain(
      'slipway_request_duration_seconds_bucket{le="1",endpoint="chat.completions",model="smart",status="success"} 0',
    );
    expect(body).toContain(
      'slipway_request_duration_seconds_sum{endpoint="chat.completions",model="smart",status="success"} 3',
    );
    expect(body).toContain('slipway_time_to_first_token_seconds_count{model="smart"} 2');
    expect(body).not.toContain('slipway_time_to_first_token_seconds_count{model="embed"}');
    expect(body).toContain('slipway_tokens_total{model="smart",kind="prompt"} 24');
    expect(body).toContain('slipway_tokens_total{model="smart",kind="completion"} 60');
    expect(body).toContain('slipway_cost_usd_total{model="smart"} 0.5');
    expect(body).toContain('slipway_upstream_attempts_total{target="azure/gpt-4o",status="rate_limited"} 2');
    expect(body).toContain('slipway_upstream_attempts_total{target="openai/gpt-4o",status="success"} 2');
  });

  it('counts rejections by code', async () => {
    const metrics = createPrometheusMetrics();
    metrics.observeRejection('rate_limited');
    metrics.observeRejection('rate_limited');
    metrics.observeRejection('unauthorized');
    const { body } = await metrics.render();
    expect(body).toContain('slipway_rejections_total{code="rate_limited"} 2');
    expect(body).toContain('slipway_rejections_total{code="unauthorized"} 1');
  });

  it('counts job deliveries by name and outcome, with their duration', async () => {
    const metrics = createPrometheusMetrics();
    metrics.observeJob({ name: 'batch.line', outcome: 'completed', durationMs: 120 });
    metrics.observeJob({ name: 'batch.line', outcome: 'failed', durationMs: 30 });
    metrics.observeJob({ name: 'batch.line', outcome: 'completed', durationMs: 80 });
    const { body } = await metrics.render();
    expect(body).toContain('slipway_jobs_total{name="batch.line",outcome="completed"} 2');
    expect(body).toContain('slipway_jobs_total{name="batch.line",outcome="failed"} 1');
    expect(body).toContain('slipway_job_duration_seconds_count{name="batch.line"} 3');
    expect(body).toMatch(/slipway_job_duration_seconds_sum\{name="batch\.line"\} 0\.2(3|29999)/);
  });

  it('reads registered gauges at scrape time, dropping series that disappeared', async () => {
    const metrics = createPrometheusMetrics();
    let states = [
      { labels: { target: 'openai/gpt-4o' }, value: 2 },
      { labels: { target: 'azure/gpt-4o' }, value: 0 },
    ];
    metrics.registerGauge({
      name: 'slipway_breaker_state',
      help: 'Breaker state per target.',
      labelNames: ['target'],
      collect: () => states,
    });
    metrics.registerGauge({
      name: 'slipway_log_writer_queue_depth',
      help: 'Records held by the log writer.',
      labelNames: [],
      collect: () => [{ labels: {}, value: 7 }],
    });

    let { body } = await metrics.render();
    expect(body).toContain('slipway_breaker_state{target="openai/gpt-4o"} 2');
    expect(body).toContain('slipway_breaker_state{target="azure/gpt-4o"} 0');
    expect(body).toContain('slipway_log_writer_queue_depth 7');

    states = [{ labels: { target: 'openai/gpt-4o' }, value: 0 }];
    ({ body } = await metrics.render());
    expect(body).toContain('slipway_breaker_state{target="openai/gpt-4o"} 0');
    expect(body).not.toContain('azure/gpt-4o');
  });

  it('includes default process metrics, on a registry of its own', async () => {
    const first = createPrometheusMetrics();
    const second = createPrometheusMetrics();
    first.observeRejection('forbidden');
    const { body } = await second.render();
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('nodejs_heap_size_used_bytes');
    expect(body).not.toContain('slipway_rejections_total{code="forbidden"}');
  });

  it('never throws on values prom-client would refuse', async () => {
    const metrics = createPrometheusMetrics();
    expect(() =>
      metrics.observeInteraction(
        interaction({ latencyMs: Number.NaN, costUsd: -1, promptTokens: Number.NaN }),
      ),
    ).not.toThrow();
    const { body } = await metrics.render();
    expect(body).toContain('slipway_requests_total{endpoint="chat.completions",model="smart"');
    expect(body).not.toContain('slipway_cost_usd_total{model="smart"}');
  });
});
