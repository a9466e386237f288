import type { InteractionQuery } from '../../src/ports/interaction-store.js';
import { MODELS, PROJECTS, PROMPT_NAMES, userOf } from './seed-interactions.js';
import { COMMON_TERMS, RARE_TERMS, WORD_PAIRS } from './search-vocabulary.js';

const HOUR = 3_600_000;
const PAGE = 50;

/** One measured kind of first page: a goal on its p95 and the queries it cycles through. */
export interface SearchScenario {
  name: string;
  group: 'full-text' | 'filter-only';
  goalP95Ms: number;
  queries: InteractionQuery[];
}

const page = (query: Omit<InteractionQuery, 'limit'>): InteractionQuery => ({ limit: PAGE, ...query });
// The busiest projects, where a filter keeps most rows, and a few of the tail.
const SOME_PROJECTS = [0, 1, 2, 5, 10, 19].map((index) => PROJECTS[index] as string);

/** The measured first pages (50 rows), varied within each scenario so that no single query is cached. */
export function searchScenarios(now: number): SearchScenario[] {
  const fullText = (name: string, queries: InteractionQuery[]): SearchScenario => ({
    name,
    group: 'full-text',
    goalP95Ms: 200,
    queries,
  });
  const filterOnly = (name: string, queries: InteractionQuery[]): SearchScenario => ({
    name,
    group: 'filter-only',
    goalP95Ms: 50,
    queries,
  });
  return [
    fullText(
      'rare term',
      RARE_TERMS.map((text) => page({ text })),
    ),
    fullText(
      'common term',
      COMMON_TERMS.map((text) => page({ text })),
    ),
    fullText(
      'two-word AND',
      WORD_PAIRS.map((text) => page({ text })),
    ),
    fullText(
      'rare term + project',
      RARE_TERMS.map((text, index) => page({ text, projectId: SOME_PROJECTS[index % SOME_PROJECTS.length] })),
    ),
    fullText(
      'common term + project',
      COMMON_TERMS.map((text, index) =>
        page({ text, projectId: SOME_PROJECTS[index % SOME_PROJECTS.length] }),
      ),
    ),
    fullText(
      'two-word AND + project',
      WORD_PAIRS.map((text, index) => page({ text, projectId: SOME_PROJECTS[index % SOME_PROJECTS.length] })),
    ),
    filterOnly(
      'project',
      SOME_PROJECTS.map((projectId) => page({ projectId })),
    ),
    filterOnly(
      'model',
      MODELS.map((modelRequested) => page({ modelRequested })),
    ),
    filterOnly(
      'status',
      (['error', 'incomplete', 'success'] as const).map((status) => page({ status })),
    ),
    filterOnly(
      'user',
      [1, 42, 777, 2_024, 4_999].map((user) => page({ endUser: userOf(user) })),
    ),
    filterOnly(
      'time range',
      [1, 6, 24, 72, 24 * 7].map((hours) =>
        page({ since: now - hours * HOUR, until: now - hours * HOUR * 0.5 }),
      ),
    ),
    filterOnly(
      'prompt',
      PROMPT_NAMES.map((promptName) => page({ promptName })),
    ),
    filterOnly('sort by cost', [
      page({ sort: 'cost' }),
      ...SOME_PROJECTS.map((projectId) => page({ sort: 'cost', projectId })),
      page({ sort: 'cost', since: now - 24 * HOUR }),
    ]),
    filterOnly('sort by latency', [
      page({ sort: 'latency' }),
      ...SOME_PROJECTS.map((projectId) => page({ sort: 'latency', projectId })),
    ]),
  ];
}
