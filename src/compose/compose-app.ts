import { setTimeout as delay } from 'node:timers/promises';
import { createOfflineProvider } from '../adapters/providers/offline/index.js';
import { createOpenAiCompatibleProvider } from '../adapters/providers/openai-compatible/index.js';
import { createFileInteractionSpill } from '../adapters/spill/index.js';
import { openPostgresStore } from '../adapters/storage/postgres/index.js';
import { openSqliteStore } from '../adapters/storage/sqlite/index.js';
import { createPrometheusMetrics } from '../adapters/metrics/index.js';
import {
  createCryptoRandom,
  createScryptPasswordHasher,
  sha256SecretHasher,
  systemClock,
} from '../adapters/system/index.js';
import { createOtlpInteractionExporter } from '../adapters/telemetry/index.js';
import { createTokenCounter } from '../adapters/tokenizer/index.js';
import type { Config } from '../config/config-schema.js';
import type { InteractionRecord } from '../core/interaction.js';
import { createRedactor } from '../core/redaction/redactor.js';
import type { ModelProvider } from '../ports/model-provider.js';
import type { Store } from '../ports/store.js';
import type { TokenCounter } from '../ports/token-counter.js';
import { makeAuthenticateCaller } from '../services/authenticate-caller.js';
import { breakerStateGauge } from '../services/breaker-gauge.js';
import { makeCompleteChat } from '../services/complete-chat.js';
import { makeCreateEmbeddings } from '../services/create-embeddings.js';
import { createInteractionLogWriter } from '../services/interaction-log-writer.js';
import { makeKeyUsage } from '../services/key-usage.js';
import { makeListModels } from '../services/list-models.js';
import { makeApiKeyManagement } from '../services/manage-api-keys.js';
import { makeEraseEndUser } from '../services/erase-end-user.js';
import { exportInteractions } from '../services/export-interactions.js';
import { makeSetProjectRetention } from '../services/set-project-retention.js';
import { makeRetentionSweep } from '../services/sweep-retention.js';
import { makeUserManagement } from '../services/manage-users.js';
import { makeOverviewStats } from '../services/overview-stats.js';
import { makeRecordAudit } from '../services/record-audit.js';
import { RouteTable } from '../services/route-table.js';
import { makeSignIn } from '../services/sign-in.js';
import { withholdingGroundedAnswers } from '../services/withhold-grounded-answer.js';
import { composeBatches } from './compose-batches.js';
import { composeRetrieval } from './compose-retrieval.js';
import { composeRetrievalSurfaces } from './compose-retrieval-surfaces.js';
import { composeVectorStoreFiles } from './compose-vector-store-files.js';
import { composeDispatch } from './compose-dispatch.js';
import { composeIdentity } from './compose-identity.js';
import { composeBreakers } from './compose-breakers.js';
import { composeQueue } from './compose-queue.js';
import { composePrompts } from './compose-prompts.js';
import { redactInteraction } from './redact-interaction.js';

type ProviderConfig = Config['providers'][number];

export interface ComposeOptions {
  /** Server-side log of failures that never reach a client. */
  logError: (message: string, error: unknown) => void;
}

function openStore(config: Config): Promise<Store> {
  return config.store.kind === 'postgres'
    ? openPostgresStore({ url: config.store.url, poolSize: config.store.poolSize })
    : openSqliteStore({ path: config.store.path });
}

function openProvider(provider: ProviderConfig, tokenCounter: TokenCounter): ModelProvider {
  switch (provider.kind) {
    case 'offline':
      return createOfflineProvider({ id: provider.id, tokenCounter });
    case 'openai-compatible':
      return createOpenAiCompatibleProvider({
        id: provider.id,
        baseUrl: provider.baseUrl,
        headers: { ...provider.headers },
        connections: provider.connections,
        tokenCounter,
        ...(provider.apiKey === null ? {} : { apiKey: provider.apiKey }),
        ...(provider.apiVersion === null ? {} : { apiVersion: provider.apiVersion }),
      });
  }
}

function openProviders(config: Config, tokenCounter: TokenCounter): Map<string, ModelProvider> {
  return new Map(config.providers.map((provider) => [provider.id, openProvider(provider, tokenCounter)]));
}

const READINESS_TIMEOUT_MS = 2_000;
const DRAIN_TIMEOUT_MS = 2_000;

/**
 * The composition root: configuration → adapters → services. The only module that chooses adapters.
 * @example const app = await composeApp(config, { logError }); … await app.close();
 */
export async function composeApp(config: Config, options: ComposeOptions) {
  const clock = systemClock;
  const random = createCryptoRandom();
  const store = await openStore(config);
  const tokenCounter = createTokenCounter();
  let providers = openProviders(config, tokenCounter);
  const routeTable = new RouteTable({ routes: config.routes, providers, clock });
  const breakers = composeBreakers(config, { store, clock });
  const metrics = createPrometheusMetrics();
  const redactor = config.redaction.enabled ? createRedactor({ entities: config.redaction.entities }) : null;
  // The log writer and the OpenTelemetry exporter redact alike: exported text is never more than is stored.
  const redact = (record: InteractionRecord) =>
    redactor === null ? record : redactInteraction(redactor, record);

  const logWriter = createInteractionLogWriter({
    store,
    redact,
    spill: createFileInteractionSpill({ dir: config.logging.spillDir }),
    batchSize: config.logging.batchSize,
    flushIntervalMs: config.logging.flushIntervalMs,
    bufferLimit: config.logging.bufferLimit,
    logError: options.logError,
  });
  // A store that refuses writes at start must not keep the gateway down: the writer replays after its next
  // successful write anyway.
  await logWriter
    .replaySpilled()
    .catch((error: unknown) => options.logError('replaying spilled interactions failed', error));
  metrics.registerGauge(breakerStateGauge(breakers));
  metrics.registerGauge({
    name: 'slipway_log_writer_queue_depth',
    help: 'Interactions held in memory by the log writer, waiting to be stored.',
    labelNames: [],
    collect: () => [{ labels: {}, value: logWriter.stats().queued }],
  });
  metrics.registerGauge({
    name: 'slipway_log_writer_spilled_total',
    help: 'Interactions the log writer spilled to disk because the store was failing.',
    labelNames: [],
    collect: () => [{ labels: {}, value: logWriter.stats().spilled }],
  });

  const otlp = config.telemetry.otlp;
  let providerConfigs = config.providers;
  const telemetry =
    otlp.endpoint === null
      ? null
      : createOtlpInteractionExporter({
          endpoint: otlp.endpoint,
          headers: otlp.headers,
          serviceName: otlp.serviceName,
          exportIntervalMs: otlp.exportIntervalMs,
          timeoutMs: otlp.timeoutMs,
          captureContent: otlp.captureContent,
          redact,
          isKnownModel: (model) => routeTable.current().routes.some((route) => route.model === model),
          providerBaseUrl: (providerId) => {
            const provider = providerConfigs.find((candidate) => candidate.id === providerId);
            return provider?.kind === 'openai-compatible' ? provider.baseUrl : null;
          },
          logError: options.logError,
          now: () => clock.now(),
        });
  if (telemetry !== null) {
    metrics.registerGauge({
      name: 'slipway_otlp_export_failures_total',
      help: 'Failed OpenTelemetry exports by kind: traces, metrics, or interactions that could not be converted.',
      labelNames: ['kind'],
      collect: () =>
        Object.entries(telemetry.stats().failures).map(([kind, value]) => ({ labels: { kind }, value })),
    });
    metrics.registerGauge({
      name: 'slipway_otlp_dropped_total',
      help: 'Interactions not exported to OpenTelemetry because its queue was full.',
      labelNames: [],
      collect: () => [{ labels: {}, value: telemetry.stats().dropped }],
    });
  }

  // Every request hands exactly one interaction to the sink, so requests started minus interactions recorded is
  // the number still in flight, streams included; shutdown waits for it to reach zero before closing the log.
  const inFlight = { started: 0, recorded: 0 };
  // Grounded answers quote their documents: withheld before the log and telemetry see them.
  const sink = withholdingGroundedAnswers({
    record(interaction: InteractionRecord) {
      inFlight.recorded += 1;
      // The requested model is client input: only route names become metric labels, so that a client sending
      // made-up names cannot grow the number of series without bound.
      const known = routeTable.current().routes.some((route) => route.model === interaction.modelRequested);
      metrics.observeInteraction(known ? interaction : { ...interaction, modelRequested: '(unknown)' });
      // Only queued: spans and metrics are made and exported later, off the request's path.
      telemetry?.record(interaction);
      return logWriter.record(interaction);
    },
  });
  const gatewayDeps = {
    routeTable,
    breakers,
    clock,
    random,
    tokenCounter,
    ledger: store,
    sink,
    prices: config.prices,
    limits: config.limits,
    defaultMaxOutputTokens: config.limits.defaultMaxOutputTokens,
    sleep: (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }),
    onBackgroundError: (error: unknown) => options.logError('background work after a request failed', error),
  };
  const completeChatOnce = makeCompleteChat(gatewayDeps);
  const createEmbeddingsOnce = makeCreateEmbeddings(gatewayDeps);
  const completeChat: typeof completeChatOnce = (input) => {
    inFlight.started += 1;
    return completeChatOnce(input);
  };
  const createEmbeddings: typeof createEmbeddingsOnce = (input) => {
    inFlight.started += 1;
    return createEmbeddingsOnce(input);
  };
  const listModels = makeListModels({ routeTable });
  const authentication = makeAuthenticateCaller({ store, hasher: sha256SecretHasher, clock });
  const keys = makeApiKeyManagement({ store, clock, random, hasher: sha256SecretHasher });
  const retentionSweep = makeRetentionSweep({
    store,
    clock,
    intervalMs: config.retention.sweepIntervalMs,
    batchSize: config.retention.batchSize,
    logError: options.logError,
  });
  retentionSweep.start();
  const logData = {
    setProjectRetention: makeSetProjectRetention({ store }),
    eraseEndUser: makeEraseEndUser({ store, clock, random }),
    listErasures: (filter: { endUser?: string }) => store.listErasures(filter),
    exportInteractions: (request: Parameters<typeof exportInteractions>[1]) =>
      exportInteractions(store, request),
  };
  const overviewStats = makeOverviewStats({ store, clock });
  const keyUsage = makeKeyUsage({ store, clock, keyLimitDefaults: config.limits.perKey });
  const recordAudit = makeRecordAudit({ log: store, clock, random });
  const prompts = composePrompts({
    store,
    clock,
    random,
    recordAudit,
    completeChat,
    createEmbeddings,
    hasher: sha256SecretHasher,
    tokenCounter,
    config,
  });
  const queueing = await composeQueue(config, {
    workers: store,
    outbox: store,
    metrics,
    clock,
    recordAudit,
    logError: options.logError,
  });
  const batching = composeBatches(config, {
    store,
    queue: queueing.queue,
    clock,
    random,
    completeChat,
    createEmbeddings,
    logError: options.logError,
  });
  const dispatching = await composeDispatch(config, {
    completeChat,
    routeTable,
    queue: queueing.queue,
    apiKeys: store,
    clock,
    random,
    logError: options.logError,
  });
  const passwords = createScryptPasswordHasher();
  const retrieval = await composeRetrieval(config, {
    store,
    createEmbeddings,
    tokenCounter,
    clock,
    random,
    recordAudit,
  });
  const people = {
    users: makeUserManagement({ store, hasher: passwords, clock, random, recordAudit }),
    signIn: makeSignIn({
      store,
      ledger: store,
      passwords,
      tokens: sha256SecretHasher,
      clock,
      random,
      recordAudit,
      policy: config.auth,
    }),
    auditLog: store,
    recordAudit,
    secureCookies: config.auth.secureCookies,
    sessionTtlMs: config.auth.sessionTtlMs,
  };

  async function check(name: string, probe: (signal: AbortSignal) => Promise<void>) {
    try {
      await probe(AbortSignal.timeout(READINESS_TIMEOUT_MS));
      return [name, { ok: true }] as const;
    } catch (error) {
      return [name, { ok: false, error: error instanceof Error ? error.message : String(error) }] as const;
    }
  }

  async function readiness() {
    const checks = await Promise.all([
      check('store', () => store.ping()),
      ...[...providers.values()].map((provider) =>
        check(`provider:${provider.id}`, (signal) => provider.ping(signal)),
      ),
    ]);
    return { ok: checks.every(([, result]) => result.ok), checks: Object.fromEntries(checks) };
  }

  function routesStatus() {
    const breakerByTarget = new Map(breakers.snapshot().map((snapshot) => [snapshot.target, snapshot]));
    return routeTable.current().routes.map((route) => ({
      model: route.model,
      kind: route.kind,
      strategy: route.strategy,
      description: route.description ?? null,
      targets: [...route.targets, ...route.contextFallbacks].map((target) => {
        const breaker = breakerByTarget.get(`${target.providerId}/${target.model}`);
        return {
          provider: target.providerId,
          model: target.model,
          weight: target.weight,
          breaker: {
            state: breaker?.state ?? 'closed',
            consecutiveFailures: breaker?.consecutiveFailures ?? 0,
            openedAt: breaker?.openedAt ?? null,
          },
        };
      }),
    }));
  }

  /**
   * Applies the routes and providers of a new configuration to requests that start from now on. Requests in
   * flight keep the providers they started with; those are closed after `drainMs`.
   */
  function reloadRoutes(next: Config, drainMs: number): void {
    const nextProviders = openProviders(next, tokenCounter);
    try {
      routeTable.replace(next.routes, nextProviders);
    } catch (error) {
      void Promise.all([...nextProviders.values()].map((provider) => provider.close()));
      throw error;
    }
    const previous = providers;
    providers = nextProviders;
    providerConfigs = next.providers;
    setTimeout(() => {
      for (const provider of previous.values()) {
        provider
          .close()
          .catch((error: unknown) => options.logError('closing a replaced provider failed', error));
      }
    }, drainMs).unref();
  }

  /** Resolves once every request started has recorded its interaction, or after `timeoutMs`. */
  async function drain(timeoutMs: number): Promise<void> {
    const deadline = clock.now() + timeoutMs;
    while (inFlight.recorded < inFlight.started && clock.now() < deadline) await delay(10);
  }

  async function close(): Promise<void> {
    // Requests cut off by the end of the grace period record their interaction as they unwind: wait for them.
    await drain(DRAIN_TIMEOUT_MS);
    await logWriter.close();
    await telemetry?.close();
    await Promise.all([...providers.values()].map((provider) => provider.close()));
    await retentionSweep.close();
    await batching.close();
    await retrieval.close();
    await dispatching.close();
    await queueing.close();
    await store.close();
  }

  return {
    config,
    store,
    metrics,
    keys,
    logData,
    retentionSweep,
    overviewStats,
    keyUsage,
    prompts,
    people,
    logWriter,
    telemetry,
    authenticate: authentication.authenticate,
    forgetCachedKeys: authentication.forgetCachedKeys,
    completeChat,
    dispatchChat: dispatching.dispatchChat,
    dispatching,
    createEmbeddings,
    listModels,
    routesStatus,
    readiness,
    reloadRoutes,
    batching,
    retrieval,
    retrievalSurfaces: composeRetrievalSurfaces({ retrieval, store, createEmbeddings, recordAudit, clock }),
    vectorStoreFiles: composeVectorStoreFiles(config, { store, retrieval, clock, random }),
    queue: queueing.queue,
    queueOperations: queueing.queueOperations,
    principals: composeIdentity(config, { directory: store, clock, recordAudit }),
    clock,
    random,
    close,
  };
}

export type ComposedApp = Awaited<ReturnType<typeof composeApp>>;
