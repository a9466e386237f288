import { setFlagsFromString } from 'node:v8';
import type { Config } from '../config/config-schema.js';
import { SlipwayError } from '../core/errors.js';
import type { PromptVersion } from '../core/prompt.js';
import { LATEST_LABEL } from '../core/prompts/label-rules.js';
import { parsePromptSelector } from '../core/prompts/prompt-selector.js';
import { renderPrompt } from '../core/prompts/render-prompt.js';
import type { PromptApi } from '../http/prompt-api.js';
import type { PromptVersionView } from '../http/prompt-views.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import type { ProjectStore } from '../ports/project-store.js';
import type { PromptRegistry } from '../ports/prompt-registry.js';
import type { Random } from '../ports/random.js';
import type { SecretHasher } from '../ports/secret-hasher.js';
import type { TokenCounter } from '../ports/token-counter.js';
import type { CompleteChatInput, CompleteChatResult } from '../services/complete-chat.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from '../services/create-embeddings.js';
import { makeDiffPromptVersions } from '../services/diff-prompt-versions.js';
import { makeExpandPromptReference } from '../services/expand-prompt-reference.js';
import { makeMovePromptLabel } from '../services/move-prompt-label.js';
import { makePromotePrompt } from '../services/promote-prompt.js';
import { makePromptTestCaller } from '../services/prompt-test-caller.js';
import { makePushPrompts } from '../services/push-prompts.js';
import type { RecordAudit } from '../services/record-audit.js';
import { makeResolvePrompt } from '../services/resolve-prompt.js';
import { makeRollbackPromptLabel } from '../services/rollback-prompt-label.js';
import { makeRunPromptTests } from '../services/run-prompt-tests.js';

/*
 * Prompt tests run `regex` assertions written by prompt authors on answers written by models. JavaScript cannot
 * interrupt a running regular expression, and the evaluator's 8,192-character cap only bounds polynomial
 * backtracking: an exponential pattern such as `(a+)+$` would hang this process on a 40-character answer. With
 * this flag V8 switches a regular expression that backtracks excessively to its linear-time engine. The flag is
 * process-wide and applies to expressions compiled after it is set, so it is set when this module loads, before
 * any test runs.
 */
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

export interface ComposePromptsDeps {
  store: PromptRegistry & Pick<ApiKeyStore, 'getApiKey'> & Pick<ProjectStore, 'findProjectByName'>;
  clock: Clock;
  random: Random;
  recordAudit: RecordAudit;
  /** The gateway's own use cases: test calls are routed, limited, priced and logged like any other. */
  completeChat(input: CompleteChatInput): Promise<CompleteChatResult>;
  createEmbeddings(input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult>;
  hasher: Pick<SecretHasher, 'digest'>;
  tokenCounter: TokenCounter;
  config: Pick<Config, 'prompts' | 'routes' | 'prices'>;
}

type Routes = Config['routes'];

/** The chat model tests run on unless asked: configured, else the first chat route the offline provider serves. */
function defaultTestModelOf(config: ComposePromptsDeps['config']): string | null {
  if (config.prompts.testModel !== null) return config.prompts.testModel;
  const offline = config.routes.find(
    (route) => route.kind === 'chat' && route.targets.some((target) => target.providerId === 'offline'),
  );
  return offline?.model ?? null;
}

/** The embeddings model of `similar` assertions: configured, else the first embeddings route. */
function similarityModelOf(prompts: Config['prompts'], routes: Routes): string | null {
  return prompts.similarityModel ?? routes.find((route) => route.kind === 'embeddings')?.model ?? null;
}

/**
 * Prompts as code for the HTTP edge, wired from the prompt services: every push, test run, promotion, rollback,
 * diff and served version goes through the one service that does it, so that the CLI, the admin API, the
 * dashboard and the gateway's `prompt` parameter share their rules. Test calls run as the caller who asked
 * (services/prompt-test-caller.ts says who that is for a signed-in person).
 * @example const prompts = composePrompts({ store, clock, random, recordAudit, completeChat, createEmbeddings, hasher, tokenCounter, config });
 */
export function composePrompts(deps: ComposePromptsDeps): PromptApi {
  const { store: registry, clock, random, recordAudit, config } = deps;
  const resolve = makeResolvePrompt({ registry });
  const push = makePushPrompts({ registry, hasher: deps.hasher, clock, recordAudit });
  const moveLabel = makeMovePromptLabel({
    registry,
    clock,
    random,
    recordAudit,
    protectedLabels: config.prompts.protectedLabels,
  });
  const rollback = makeRollbackPromptLabel({ registry, moveLabel });
  const diff = makeDiffPromptVersions({ resolve });
  const runPromptTests = makeRunPromptTests({
    completeChat: deps.completeChat,
    createEmbeddings: deps.createEmbeddings,
    registry,
    clock,
    random,
    prices: config.prices,
    tokenCounter: deps.tokenCounter,
    defaultTestModel: defaultTestModelOf(config),
    similarityModel: similarityModelOf(config.prompts, config.routes),
  });
  const promote = makePromotePrompt({
    registry,
    runPromptTests,
    moveLabel,
    protectedLabels: config.prompts.protectedLabels,
  });
  const callerOf = makePromptTestCaller({ keys: registry, projects: registry, clock });
  const concurrency = config.prompts.testConcurrency;

  async function withLabels(versions: PromptVersion[], name: string): Promise<PromptVersionView[]> {
    const labels = Object.entries(await registry.getLabels(name));
    return versions.map((version) => ({
      ...version,
      labels: labels.filter(([, number]) => number === version.version).map(([label]) => label),
    }));
  }

  return {
    push,
    list: () => registry.listPrompts(),
    async getVersion(name, selector) {
      const [view] = await withLabels([await resolve(name, selector)], name);
      if (view === undefined) throw new SlipwayError('not_found', `No prompt named "${name}"`);
      return view;
    },
    async listVersions(name) {
      const versions = await registry.listVersions(name);
      if (versions.length === 0) throw new SlipwayError('not_found', `No prompt named "${name}"`);
      return withLabels(versions, name);
    },
    async diff(name, from, to) {
      const result = await diff(name, parsePromptSelector(from, 'from'), parsePromptSelector(to, 'to'));
      return { name, from: result.from.version, to: result.to.version, diff: result.text };
    },
    async test(name, options, actor) {
      const version = await resolve(
        name,
        options.version === undefined ? { label: LATEST_LABEL } : { version: options.version },
      );
      return runPromptTests({
        version,
        actor,
        caller: await callerOf(actor),
        concurrency,
        ...(options.model === undefined ? {} : { model: options.model }),
      });
    },
    listTestRuns: (name, version) => registry.listTestRuns(name, version),
    async getTestRun(name, id) {
      const run = await registry.getTestRun(id);
      if (run === null || run.name !== name) {
        throw new SlipwayError('not_found', `Prompt "${name}" has no test run ${id}`);
      }
      return run;
    },
    async promote(name, request, actor) {
      const result = await promote({
        name,
        version: request.version,
        label: request.label,
        actor,
        caller: await callerOf(actor),
        concurrency,
        ...(request.overrideReason === undefined ? {} : { override: { reason: request.overrideReason } }),
      });
      return result.refused
        ? { status: 'refused', message: result.message, testRun: result.testRun }
        : { status: 'promoted', move: result.move, testRun: result.testRun };
    },
    rollback: (name, request, actor) =>
      rollback({ name, label: request.label, actor, reason: request.reason ?? null }),
    listLabelMoves: (name, label) => registry.listLabelMoves(name, label),
    expandReference: makeExpandPromptReference({ resolve, render: renderPrompt }),
  };
}
