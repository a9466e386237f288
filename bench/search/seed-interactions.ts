import type { InteractionRecord, InteractionStatus } from '../../src/core/interaction.js';
import { SeededRandom, zipfWeights } from './seeded-random.js';
import { RARE_TERMS, VOCABULARY } from './search-vocabulary.js';

const DAY = 86_400_000;
const HISTORY_DAYS = 30;
/** Share of the rows in the last 24 hours: the log is denser where people look most. */
const LAST_DAY_SHARE = 0.4;
/** Per word: each of the 20 rare terms lands in about 50 of a million interactions (~70 words each). */
const RARE_WORD_RATE = 1.5e-5;

export const PROJECTS = Array.from({ length: 20 }, (_, index) => `prj_${String(index).padStart(2, '0')}`);
export const MODELS = [
  'gpt-4o-mini',
  'gpt-4o',
  'claude-sonnet',
  'llama-3-70b',
  'mistral-large',
  'embed-small',
];
export const PROMPT_NAMES = [
  'support-reply',
  'summarize-ticket',
  'translate',
  'classify-intent',
  'draft-email',
];
const END_USERS = 5_000;
const KEYS_PER_PROJECT = 3;

const PROJECT_WEIGHTS = zipfWeights(PROJECTS.length, 0.8);
const MODEL_WEIGHTS = zipfWeights(MODELS.length, 1);
const WORD_WEIGHTS = zipfWeights(VOCABULARY.length, 1);

export interface SeedPlan {
  rows: number;
  /** The bench's "now": the newest interaction is just before it. */
  now: number;
}

/** The start of the log: rows are spread over the 30 days before `now`, 40 % of them in the last 24 hours. */
export function startedAtOf(index: number, plan: SeedPlan): number {
  const olderRows = Math.floor(plan.rows * (1 - LAST_DAY_SHARE));
  if (index < olderRows) {
    return Math.floor(plan.now - HISTORY_DAYS * DAY + (index / olderRows) * (HISTORY_DAYS - 1) * DAY);
  }
  const position = (index - olderRows) / (plan.rows - olderRows);
  return Math.floor(plan.now - DAY + position * (DAY - 1_000));
}

export const userOf = (index: number): string => `user-${index % END_USERS}`;

/**
 * The `index`-th interaction of the seeded log, as the log writer would hand it to the store (already redacted:
 * some messages carry masks). Deterministic: the same index always gives the same record.
 */
export function seedInteraction(index: number, plan: SeedPlan): InteractionRecord {
  const random = new SeededRandom(index * 2_654_435_761 + 17);
  const project = PROJECTS[random.zipfIndex(PROJECT_WEIGHTS)] as string;
  const model = MODELS[random.zipfIndex(MODEL_WEIGHTS)] as string;
  const startedAt = startedAtOf(index, plan);
  const draw = random.next();
  const status: InteractionStatus = draw < 0.93 ? 'success' : draw < 0.98 ? 'error' : 'incomplete';
  const embeddings = model === 'embed-small';
  const question = sentence(random, 8 + random.integer(30));
  const answer = status === 'error' ? '' : sentence(random, 15 + random.integer(50));
  const promptTokens = 40 + random.integer(900);
  const completionTokens = embeddings || status === 'error' ? 0 : 20 + random.integer(600);
  const latencyMs = Math.min(120_000, Math.round(random.logNormal(embeddings ? 90 : 900, 0.8)));
  const costUsd = status === 'error' ? 0 : Number(random.logNormal(0.0008, 1.2).toFixed(8));
  const request = embeddings
    ? { model, input: [question] }
    : {
        model,
        messages: [
          { role: 'system', content: `You are the assistant of ${project}. Be brief and polite.` },
          { role: 'user', content: random.next() < 0.1 ? `${question} Contact me at [EMAIL].` : question },
        ],
        temperature: 0.3,
      };
  const response = embeddings
    ? { object: 'list', data: [], model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } }
    : {
        id: `chatcmpl-${index}`,
        object: 'chat.completion',
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
      };
  const keyIndex = random.integer(KEYS_PER_PROJECT);
  const promptName = !embeddings && random.next() < 0.3 ? random.pick(PROMPT_NAMES) : null;
  return {
    id: `int_${String(index).padStart(9, '0')}`,
    endpoint: embeddings ? 'embeddings' : 'chat.completions',
    projectId: project,
    apiKeyId: `key_${project}_${keyIndex}`,
    endUser: random.next() < 0.8 ? userOf(random.integer(END_USERS)) : null,
    modelRequested: model,
    target: status === 'error' ? null : `openai/${model}`,
    variant: null,
    promptName,
    promptVersion: promptName === null ? null : 1 + random.integer(4),
    retrievedDocuments: [],
    batchId: null,
    stream: !embeddings && random.next() < 0.5,
    status,
    errorCode: status === 'error' ? 'upstream_unavailable' : null,
    errorMessage: status === 'error' ? 'All targets failed' : null,
    request,
    response: status === 'error' ? null : response,
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    costUsd,
    latencyMs,
    ttftMs: null,
    startedAt,
    trace: null,
    attempts: [
      {
        index: 0,
        providerId: 'openai',
        model,
        startedAt,
        latencyMs,
        ttftMs: null,
        status: status === 'error' ? 'error' : 'success',
        errorCode: status === 'error' ? 'upstream_unavailable' : null,
        errorMessage: null,
        upstreamStatus: status === 'error' ? 503 : 200,
      },
    ],
  };
}

function sentence(random: SeededRandom, words: number): string {
  const parts: string[] = [];
  for (let count = 0; count < words; count++) {
    parts.push(
      random.next() < RARE_WORD_RATE
        ? (RARE_TERMS[random.integer(RARE_TERMS.length)] as string)
        : (VOCABULARY[random.zipfIndex(WORD_WEIGHTS)] as string),
    );
  }
  const text = parts.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
