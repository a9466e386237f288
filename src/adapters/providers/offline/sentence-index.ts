import type { ChatMessage, ChatRole } from '../../../core/chat.js';
import { contextSections } from '../../../core/retrieval/retrieval-context.js';
import { splitSentences, termsOf, textOf } from './text-analysis.js';

/** A sentence of the conversation that an answer may quote. */
interface Passage {
  text: string;
  /** Position of its message in `request.messages`. */
  messageIndex: number;
  role: ChatRole;
  /** The retrieved document it was fenced in, when it came from retrieval's context message. */
  document?: { id: string; chunkIndex: number };
}

interface IndexedPassage extends Passage {
  /** Order of appearance, the tie-breaker that keeps results deterministic. */
  order: number;
  termFrequencies: Map<string, number>;
  length: number;
}

/** A passage and how well it matched. */
export interface ScoredPassage extends Passage {
  score: number;
}

/** Options of {@link SentenceIndex.search}. */
export interface SearchOptions {
  limit: number;
  /** Passages scoring under this share of the best score are left out. */
  relativeFloor: number;
  /** When set, only passages containing at least one of these terms are considered. */
  requireAnyOf?: readonly string[];
}

// BM25's usual constants (Robertson & Zaragoza): term-frequency saturation and length normalisation.
const K1 = 1.2;
const B = 0.75;

function countTerms(terms: readonly string[]): Map<string, number> {
  const frequencies = new Map<string, number>();
  for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
  return frequencies;
}

/**
 * BM25 over the sentences of chosen messages, each sentence a document. Questions are not indexed: an earlier
 * question that resembles the new one is not an answer to it.
 */
export class SentenceIndex {
  private readonly passages: IndexedPassage[] = [];
  private readonly documentFrequencies = new Map<string, number>();
  private readonly averageLength: number;

  constructor(messages: readonly ChatMessage[], include: (index: number) => boolean) {
    let totalLength = 0;
    messages.forEach((message, messageIndex) => {
      if (!include(messageIndex)) return;
      // Retrieved documents arrive fenced in a system message: fence lines are markup, never an answer, and a
      // sentence inside a fence is cited by its document.
      for (const section of contextSections(textOf(message))) {
        const source = {
          messageIndex,
          role: message.role,
          ...(section.document && { document: section.document }),
        };
        for (const text of splitSentences(section.text)) totalLength += this.add({ text, ...source });
      }
    });
    this.averageLength = this.passages.length === 0 ? 0 : totalLength / this.passages.length;
  }

  /** Indexes one sentence unless it is a question or has no terms; returns its length in terms. */
  private add(passage: Passage): number {
    if (passage.text.endsWith('?')) return 0;
    const terms = termsOf(passage.text);
    if (terms.length === 0) return 0;
    const termFrequencies = countTerms(terms);
    for (const term of termFrequencies.keys()) {
      this.documentFrequencies.set(term, (this.documentFrequencies.get(term) ?? 0) + 1);
    }
    this.passages.push({ ...passage, order: this.passages.length, termFrequencies, length: terms.length });
    return terms.length;
  }

  /** The best passages for the query terms, best first, duplicates of an already chosen text left out. */
  search(queryTerms: readonly string[], options: SearchOptions): ScoredPassage[] {
    const unique = [...new Set(queryTerms)];
    if (unique.length === 0) return [];
    const count = this.passages.length;
    const scored: Array<{ passage: IndexedPassage; score: number }> = [];
    for (const passage of this.passages) {
      if (options.requireAnyOf && !options.requireAnyOf.some((term) => passage.termFrequencies.has(term)))
        continue;
      let score = 0;
      for (const term of unique) {
        const frequency = passage.termFrequencies.get(term);
        if (frequency === undefined) continue;
        const documents = this.documentFrequencies.get(term) ?? 0;
        const idf = Math.log(1 + (count - documents + 0.5) / (documents + 0.5));
        const norm = K1 * (1 - B + (B * passage.length) / this.averageLength);
        score += (idf * frequency * (K1 + 1)) / (frequency + norm);
      }
      if (score > 0) scored.push({ passage, score });
    }
    scored.sort((left, right) => right.score - left.score || left.passage.order - right.passage.order);
    const best = scored[0]?.score ?? 0;
    const chosen: ScoredPassage[] = [];
    const seen = new Set<string>();
    for (const { passage, score } of scored) {
      if (chosen.length >= options.limit || score < best * options.relativeFloor) break;
      if (seen.has(passage.text)) continue;
      seen.add(passage.text);
      const { order: _order, termFrequencies: _terms, length: _length, ...quoted } = passage;
      chosen.push({ ...quoted, score });
    }
    return chosen;
  }
}
