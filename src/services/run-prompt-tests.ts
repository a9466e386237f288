import type { ChatCompletion, ChatRequest } from '../core/chat.js';
import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import { computeCostUsd, findPrice } from '../core/pricing.js';
import type { PriceTable } from '../core/pricing.js';
import type {
  PromptAssertionResult,
  PromptTestCase,
  PromptTestCaseResult,
  PromptTestRun,
  PromptVersion,
} from '../core/prompt.js';
import { cosineSimilarity } from '../core/prompts/cosine-similarity.js';
import { evaluateAssertion } from '../core/prompts/evaluate-assertion.js';
import type { AssertionSubject } from '../core/prompts/evaluate-assertion.js';
import { renderPrompt } from '../core/prompts/render-prompt.js';
import type { Clock } from '../ports/clock.js';
import type { PromptRegistry } from '../ports/prompt-registry.js';
import type { Random } from '../ports/random.js';
import type { TokenCounter } from '../ports/token-counter.js';
import type { CompleteChatInput, CompleteChatResult } from './complete-chat.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from './create-embeddings.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { promptActorRef } from './prompt-actor.js';
import type { PromptActor } from './prompt-actor.js';

/** Test cases run at once when the request does not say. */
const DEFAULT_CONCURRENCY = 4;

export interface RunPromptTestsDeps {
  /** The gateway's chat use case: tests go through routing, limits and the interaction log like any call. */
  completeChat: (input: CompleteChatInput) => Promise<CompleteChatResult>;
  createEmbeddings: (input: CreateEmbeddingsInput) => Promise<CreateEmbeddingsResult>;
  registry: Pick<PromptRegistry, 'saveTestRun'>;
  clock: Clock;
  random: Random;
  /** To price a case's call the way the interaction log does. */
  prices: PriceTable;
  /** Counts tokens when an upstream reports no usage, as the chat use case does. */
  tokenCounter: TokenCounter;
  /** The model tests run against unless the request names one (the offline route); null: the prompt's own model. */
  defaultTestModel: string | null;
  /** The embeddings route `similar` assertions use; null: those assertions fail, saying what to configure. */
  similarityModel: string | null;
}

export interface RunPromptTestsRequest {
  version: PromptVersion;
  /** A public model name (route) to test against instead of the default. */
  model?: string;
  actor: PromptActor;
  /** Whose limits and model permissions the calls run under. */
  caller: Caller;
  /** Cases run at once (default 4). */
  concurrency?: number;
  /** Called after each case, with the cases done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting it stops the calls in flight; their cases fail with `client_closed`. */
  signal?: AbortSignal;
}

export type RunPromptTests = (request: RunPromptTestsRequest) => Promise<PromptTestRun>;

/** What the config key for `similarityModel` is called, so that the failure says what to set. */
const SIMILARITY_UNCONFIGURED =
  'no embeddings model is configured for similarity: set prompts.similarityModel to an embeddings route';

/**
 * Runs a prompt version's test cases through the gateway and saves the run. Each case renders the version with its
 * variables (a render error fails the case with that error), calls chat completions (non-streaming, tagged with the
 * prompt's name and version, so every answer is in the interaction log), measures latency and cost (the chat call's
 * only: the embeddings a `similar` assertion needs are not counted against `max-cost-usd`), then checks every
 * assertion. A failing call fails its case, never the run: the run always completes and is saved.
 * @example const run = await runPromptTests({ version, actor, caller });
 * if (!run.passed) console.log(run.cases.filter((testCase) => !testCase.passed));
 */
export function makeRunPromptTests(deps: RunPromptTestsDeps): RunPromptTests {
  return async (request) => {
    const { version } = request;
    const { definition } = version;
    const model = request.model ?? deps.defaultTestModel ?? definition.model;
    const signal = request.signal ?? new AbortController().signal;
    const startedAt = deps.clock.now();
    let done = 0;
    const cases = await mapWithConcurrency(
      definition.tests,
      request.concurrency ?? DEFAULT_CONCURRENCY,
      async (testCase) => {
        const result = await runCase(deps, { request, testCase, model, signal });
        done += 1;
        request.onProgress?.(done, definition.tests.length);
        return result;
      },
    );
    const run: PromptTestRun = {
      id: deps.random.id('ptr'),
      name: version.name,
      version: version.version,
      model,
      startedAt,
      finishedAt: deps.clock.now(),
      passed: cases.every((testCase) => testCase.passed),
      actor: promptActorRef(request.actor),
      cases,
    };
    await deps.registry.saveTestRun(run);
    return run;
  };
}

interface CaseContext {
  request: RunPromptTestsRequest;
  testCase: PromptTestCase;
  model: string;
  signal: AbortSignal;
}

async function runCase(deps: RunPromptTestsDeps, context: CaseContext): Promise<PromptTestCaseResult> {
  const { request, testCase, model, signal } = context;
  const { version } = request;
  const failed = (error: string, latencyMs = 0): PromptTestCaseResult => ({
    name: testCase.name,
    passed: false,
    output: null,
    error,
    latencyMs,
    costUsd: 0,
    interactionId: null,
    assertions: [],
  });
  let chatRequest: ChatRequest;
  try {
    chatRequest = {
      ...version.definition.parameters,
      model,
      messages: renderPrompt(version.definition, testCase.variables).map(({ role, content }) => ({
        role,
        content,
      })),
      stream: false,
    };
    delete chatRequest.stream_options;
  } catch (error) {
    return failed(describeError(error));
  }
  const startedAt = deps.clock.now();
  let result: CompleteChatResult;
  try {
    result = await deps.completeChat({
      caller: request.caller,
      request: chatRequest,
      endUser: null,
      signal,
      tags: { promptName: version.name, promptVersion: version.version },
    });
  } catch (error) {
    return failed(describeError(error), deps.clock.now() - startedAt);
  }
  const latencyMs = deps.clock.now() - startedAt;
  // The request asked for no stream; a stream here would mean the chat use case changed under us.
  if (result.kind !== 'completion') return failed('the model answered with a stream', latencyMs);
  const output = answerText(result.completion);
  const costUsd = costOf(deps, chatRequest, result);
  const similarities = await measureSimilarities(deps, { request, testCase, output, signal });
  const assertions: PromptAssertionResult[] = testCase.assert.map((assertion, index) => {
    const subject: AssertionSubject = { output, latencyMs, costUsd };
    const similarity = similarities.get(index);
    return evaluateAssertion(assertion, similarity === undefined ? subject : { ...subject, similarity });
  });
  return {
    name: testCase.name,
    passed: assertions.every((assertion) => assertion.passed),
    output,
    error: null,
    latencyMs,
    costUsd,
    interactionId: result.interactionId,
    assertions,
  };
}

function describeError(error: unknown): string {
  if (error instanceof SlipwayError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** The first choice's text: what a reader of the answer sees, and what assertions check. */
function answerText(completion: ChatCompletion): string {
  const content = completion.choices[0]?.message.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => part.text ?? '').join('');
  return '';
}

function costOf(
  deps: RunPromptTestsDeps,
  request: ChatRequest,
  { completion, target }: { completion: ChatCompletion; target: string },
): number {
  // The result names its target `providerId/model`; provider ids hold no slash (config), model names may.
  const separator = target.indexOf('/');
  const price = findPrice(deps.prices, {
    providerId: target.slice(0, separator),
    model: target.slice(separator + 1),
  });
  const usage = completion.usage ?? {
    prompt_tokens: deps.tokenCounter.countChat(request.messages),
    completion_tokens: deps.tokenCounter.countText(answerText(completion)),
  };
  return computeCostUsd(usage, price);
}

type Similarity = NonNullable<AssertionSubject['similarity']>;

interface SimilarityContext {
  request: RunPromptTestsRequest;
  testCase: PromptTestCase;
  output: string;
  signal: AbortSignal;
}

/** Assertion index → similarity, for the case's `similar` assertions: one embeddings call for all of them. */
async function measureSimilarities(
  deps: RunPromptTestsDeps,
  context: SimilarityContext,
): Promise<Map<number, Similarity>> {
  const similar = context.testCase.assert.flatMap((assertion, index) =>
    assertion.type === 'similar' ? [{ index, to: assertion.to }] : [],
  );
  const measured = new Map<number, Similarity>();
  if (similar.length === 0) return measured;
  const every = (similarity: Similarity) => {
    for (const { index } of similar) measured.set(index, similarity);
    return measured;
  };
  if (deps.similarityModel === null) return every({ error: SIMILARITY_UNCONFIGURED });
  let vectors: number[][];
  try {
    const { response } = await deps.createEmbeddings({
      caller: context.request.caller,
      request: {
        model: deps.similarityModel,
        input: [context.output, ...similar.map(({ to }) => to)],
        encoding_format: 'float',
      },
      endUser: null,
      signal: context.signal,
    });
    vectors = vectorsOf(response.data);
  } catch (error) {
    return every({ error: `embeddings model ${deps.similarityModel} failed: ${describeError(error)}` });
  }
  const [answer, ...references] = vectors;
  if (answer === undefined || references.length !== similar.length) {
    return every({ error: `embeddings model ${deps.similarityModel} returned ${vectors.length} vectors` });
  }
  similar.forEach(({ index }, position) => {
    measured.set(index, cosineSimilarity(answer, references[position] as number[]));
  });
  return measured;
}

/** The vectors in input order (the response's `index`), float arrays only as asked. */
function vectorsOf(data: CreateEmbeddingsResult['response']['data']): number[][] {
  return [...data]
    .sort((left, right) => left.index - right.index)
    .map((embedding) => {
      if (typeof embedding.embedding === 'string')
        throw new TypeError('a base64 embedding, not the floats asked for');
      return embedding.embedding;
    });
}
