import type { AccessFilter } from '../../../core/access/access-filter.js';
import type { AccessRule } from '../../../core/access/access-rule.js';
import { documentCentroid } from '../../../core/retrieval/document-centroid.js';
import {
  nearestDocuments,
  unitCentroid,
  type DocumentCentroid,
  type NearestDocuments,
} from '../../../core/retrieval/nearest-documents.js';
import {
  planCheckedSearch,
  plannerTrust,
  type PlannerTrust,
  type WalkTrustSettings,
} from '../../../core/retrieval/walk-trust.js';
import type { RetrievalDecision } from '../../../ports/vector-index.js';
import { HnswGraph, type HnswSettings } from './hnsw-graph.js';
import { RuleBook, type AllowedRules } from './rule-book.js';
import { TopK } from './top-k.js';
import { VectorSlab } from './vector-slab.js';

/** When a search compares every allowed chunk and when it walks the HNSW graph with the filter inside. */
export interface PlannerSettings {
  /** Up to this many allowed chunks, an exact scan over them (cheaper than a filtered walk that rarely hits). */
  exactMaxChunks: number;
  /**
   * Above `exactMaxChunks` and up to this many allowed chunks, a principal's walk, or else its nearest documents,
   * answers only once checks against exact scans have matched (see walk-trust.ts); above it, every search walks.
   */
  checkedMaxChunks: number;
  /** The documents path compares the chunks of the nearest allowed documents until this many are in hand. */
  documentsChunkBudget: number;
  /** How much checking a principal's walk, or nearest documents, needs before answering (see walk-trust.ts). */
  trust: { walk?: WalkTrustSettings; documents?: WalkTrustSettings };
  /** Below this many live chunks no graph is built and every search is exact. */
  hnswMinChunks: number;
  hnsw: HnswSettings;
}

/** A document's rule and chunk labels, and what the documents path ranks it by. */
interface DocumentEntry extends DocumentCentroid {
  ruleId: number;
  labels: number[];
}

/** Principals whose trust each collection keeps, as pgvector's index does. */
const PRINCIPALS_TRUSTED = 1_000;
/** The trust is the collection's own, so its key needs no collection id. */
const TRUST_SCOPE = 0;

type Hit = { label: number; score: number };

/** A search's chunk labels, best first, and the facts of its access decision. */
export interface MemorySearchResult {
  hits: { label: number; score: number }[];
  decision: RetrievalDecision;
}

const NO_RULE = -1;
const MAX_BEAM_WIDENING = 8;

function unitCopy(vector: Float32Array): Float32Array {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const scale = squares === 0 ? 0 : 1 / Math.sqrt(squares);
  return vector.map((value) => value * scale);
}

/**
 * One collection held in memory: the vector slab, which rule and document each label belongs to, the rule book
 * and, once the collection is large enough to need it, the HNSW graph. The SQLite file is the durable copy; this
 * is rebuilt from it on open. Labels of removed chunks are never reused: they are dead slots (rule NO_RULE) until
 * the owner compacts the collection into a fresh one.
 */
export class CollectionMemory {
  readonly #slab: VectorSlab;
  readonly #rules = new RuleBook();
  readonly #documents = new Map<string, DocumentEntry>();
  #ruleOfLabel = new Int32Array(64).fill(NO_RULE);
  readonly #documentOfLabel: string[] = [];
  readonly #chunkIndexOfLabel: number[] = [];
  #live = 0;
  #graph: HnswGraph | undefined;

  constructor(
    readonly dimension: number,
    readonly settings: PlannerSettings,
    readonly trust: PlannerTrust = plannerTrust(PRINCIPALS_TRUSTED, settings.trust),
  ) {
    this.#slab = new VectorSlab(dimension);
  }

  get liveChunks(): number {
    return this.#live;
  }

  get documentCount(): number {
    return this.#documents.size;
  }

  /** True when dead slots outnumber live ones enough that copying the live ones into a fresh collection pays. */
  get wantsCompaction(): boolean {
    return this.#slab.size - this.#live > Math.max(this.#live, 1_024);
  }

  /** A fresh collection holding the same documents, without dead slots and without a graph (built on demand). */
  compacted(): CollectionMemory {
    const fresh = new CollectionMemory(this.dimension, this.settings, this.trust);
    for (const [documentId, entry] of this.#documents) {
      fresh.put(documentId, {
        rule: this.#ruleOf(entry),
        chunks: entry.labels.map((label) => ({
          index: this.#chunkIndexOfLabel[label] ?? 0,
          vector: this.#slab.vectorOf(label),
        })),
      });
    }
    return fresh;
  }

  put(
    documentId: string,
    document: { rule: AccessRule; chunks: readonly { index: number; vector: Float32Array }[] },
  ): void {
    this.remove(documentId);
    const ruleId = this.#rules.idOf(document.rule);
    const labels = document.chunks.map((chunk) => {
      const label = this.#slab.append(chunk.vector);
      this.#ensureLabelCapacity(label);
      this.#ruleOfLabel[label] = ruleId;
      this.#documentOfLabel[label] = documentId;
      this.#chunkIndexOfLabel[label] = chunk.index;
      this.#addToGraph(label);
      return label;
    });
    this.#rules.attach(ruleId, labels);
    const centroid = documentCentroid(labels.map((label) => this.#slab.vectorOf(label)));
    this.#documents.set(documentId, {
      id: documentId,
      chunkCount: labels.length,
      centroid: centroid === null ? null : unitCentroid(centroid),
      ruleId,
      labels,
    });
    this.#live += labels.length;
  }

  remove(documentId: string): boolean {
    const entry = this.#documents.get(documentId);
    if (!entry) return false;
    this.#rules.detach(entry.ruleId, entry.labels);
    for (const label of entry.labels) {
      this.#ruleOfLabel[label] = NO_RULE;
      this.#graph?.remove(label);
    }
    this.#documents.delete(documentId);
    this.#live -= entry.labels.length;
    // A graph mostly made of deleted nodes walks through them on every search: drop it and rebuild on demand.
    if (this.#graph && this.#graph.deleted > this.#live) this.#graph = undefined;
    return true;
  }

  has(documentId: string): boolean {
    return this.#documents.has(documentId);
  }

  /** The document's rule, or null when there is no such document. */
  ruleOfDocument(documentId: string): AccessRule | null {
    const entry = this.#documents.get(documentId);
    return entry ? this.#ruleOf(entry) : null;
  }

  setRule(documentId: string, rule: AccessRule): void {
    const entry = this.#documents.get(documentId);
    if (!entry) return;
    const ruleId = this.#rules.idOf(rule);
    this.#rules.detach(entry.ruleId, entry.labels);
    this.#rules.attach(ruleId, entry.labels);
    for (const label of entry.labels) this.#ruleOfLabel[label] = ruleId;
    entry.ruleId = ruleId;
  }

  locate(label: number): { documentId: string; chunkIndex: number } {
    return {
      documentId: this.#documentOfLabel[label] ?? '',
      chunkIndex: this.#chunkIndexOfLabel[label] ?? 0,
    };
  }

  /** Throws when access cannot be evaluated (see `isAllowed`), before any chunk is looked at. */
  search(vector: Float32Array, k: number, filter: AccessFilter): MemorySearchResult {
    const allowed = this.#rules.allowedFor(filter);
    const query = unitCopy(vector);
    const wanted = Math.min(k, allowed.allowedChunks);
    const facts = { allowedChunks: allowed.allowedChunks, deniedChunks: this.#live - allowed.allowedChunks };
    const exactly = (examined: number): MemorySearchResult => ({
      hits: wanted > 0 ? this.#searchExact(query, k, allowed) : [],
      decision: { path: 'exact', ...facts, candidatesExamined: examined + allowed.allowedChunks },
    });
    if (wanted === 0 || !this.#prefersGraph(allowed.allowedChunks)) return exactly(0);
    const plan =
      allowed.allowedChunks > this.settings.checkedMaxChunks
        ? 'hnsw'
        : planCheckedSearch(this.trust, TRUST_SCOPE, filter);
    if (plan === 'check') return this.#check(query, k, { allowed, filter, facts });
    if (plan === 'exact') return exactly(0);
    // A shortcut can end short of k (a walk whose allowed chunks sit far from the query in the graph, or nearest
    // documents holding too few chunks); the user is still owed k results, so the exact scan answers instead (the
    // shortcut's work is counted too).
    if (plan === 'documents') {
      const nearest = this.#searchDocuments(query, k, allowed);
      if (nearest.hits.length < wanted) return exactly(nearest.chunks);
      return {
        hits: nearest.hits,
        decision: { path: 'documents', ...facts, candidatesExamined: nearest.chunks },
      };
    }
    const walked = this.#searchGraph(query, wanted, allowed);
    if (walked.hits.length < wanted) return exactly(walked.examined);
    return { hits: walked.hits, decision: { path: 'hnsw', ...facts, candidatesExamined: walked.examined } };
  }

  /** The exact answer, with the walk and the nearest documents scored against it for this principal's trust. */
  #check(
    query: Float32Array,
    k: number,
    context: {
      allowed: AllowedRules;
      filter: AccessFilter;
      facts: Omit<RetrievalDecision, 'path' | 'candidatesExamined'>;
    },
  ): MemorySearchResult {
    const { allowed, filter, facts } = context;
    const exact = this.#searchExact(query, k, allowed);
    const walked = this.#searchGraph(query, Math.min(k, allowed.allowedChunks), allowed);
    const nearest = this.#searchDocuments(query, k, allowed);
    this.trust.walk.record(TRUST_SCOPE, filter, recallOf(walked.hits, exact));
    this.trust.documents.record(TRUST_SCOPE, filter, recallOf(nearest.hits, exact));
    const candidatesExamined = allowed.allowedChunks + walked.examined + nearest.chunks;
    return { hits: exact, decision: { path: 'exact', ...facts, candidatesExamined } };
  }

  /** The chunks of the allowed documents whose centroids are nearest the query, compared exactly. */
  #searchDocuments(
    query: Float32Array,
    k: number,
    allowed: AllowedRules,
  ): NearestDocuments & { hits: Hit[] } {
    const candidates: DocumentEntry[] = [];
    for (const entry of this.#documents.values()) {
      if (allowed.allowed[entry.ruleId] === 1 && entry.chunkCount > 0) candidates.push(entry);
    }
    const nearest = nearestDocuments(query, candidates, this.settings.documentsChunkBudget);
    const best = new TopK(k);
    for (const id of nearest.ids) {
      for (const label of this.#documents.get(id)?.labels ?? [])
        best.offer(label, this.#slab.score(label, query));
    }
    return { ...nearest, hits: best.sorted() };
  }

  #prefersGraph(allowedChunks: number): boolean {
    return this.#live >= this.settings.hnswMinChunks && allowedChunks > this.settings.exactMaxChunks;
  }

  #searchExact(query: Float32Array, k: number, allowed: AllowedRules): Hit[] {
    const best = new TopK(k);
    for (const ruleId of allowed.ruleIds) {
      for (const label of this.#rules.labelsOf(ruleId)) best.offer(label, this.#slab.score(label, query));
    }
    return best.sorted();
  }

  #searchGraph(query: Float32Array, k: number, allowed: AllowedRules): { hits: Hit[]; examined: number } {
    const graph = this.#graphBuilt();
    const ruleOfLabel = this.#ruleOfLabel;
    const permitted = allowed.allowed;
    let examined = 0;
    // Runs inside hnswlib's native walk: typed-array reads only, nothing that can throw.
    const accept = (label: number): boolean => {
      examined += 1;
      const ruleId = ruleOfLabel[label] ?? NO_RULE;
      return ruleId !== NO_RULE && permitted[ruleId] === 1;
    };
    // A narrow filter makes the walk pass more denied nodes before the beam fills with allowed ones, and on
    // clustered data whose allowed chunks are whole topics a fixed beam lost recall (0.93 at 10% allowed with
    // ef 64, 0.99 with ef 256; bench/retrieval): the beam widens with the square root of the denied share.
    const widening = Math.min(MAX_BEAM_WIDENING, Math.sqrt(this.#live / allowed.allowedChunks));
    const ef = Math.ceil(this.settings.hnsw.efSearch * widening);
    const labels = graph.search(query, { k, ef }, accept);
    // Scores come from the slab, so both paths report the same number for the same chunk.
    const hits = labels
      .map((label) => ({ label, score: this.#slab.score(label, query) }))
      .sort((left, right) => right.score - left.score || left.label - right.label);
    return { hits, examined };
  }

  #graphBuilt(): HnswGraph {
    if (this.#graph) return this.#graph;
    const graph = new HnswGraph(this.dimension, this.settings.hnsw, Math.max(this.#live * 2, 1_024));
    for (const entry of this.#documents.values()) {
      for (const label of entry.labels) graph.add(label, this.#slab.vectorOf(label));
    }
    this.#graph = graph;
    return graph;
  }

  #addToGraph(label: number): void {
    if (!this.#graph) return;
    try {
      this.#graph.add(label, this.#slab.vectorOf(label));
    } catch {
      // The durable copy and the slab already hold the chunk; a graph that could not take it is rebuilt on demand.
      this.#graph = undefined;
    }
  }

  #ruleOf(entry: DocumentEntry): AccessRule {
    return this.#rules.ruleOf(entry.ruleId);
  }

  #ensureLabelCapacity(label: number): void {
    if (label < this.#ruleOfLabel.length) return;
    const grown = new Int32Array(this.#ruleOfLabel.length * 2).fill(NO_RULE);
    grown.set(this.#ruleOfLabel);
    this.#ruleOfLabel = grown;
  }
}

/**
 * The share of the exact answer a shortcut found. A shortcut's hit counts when it scores no lower than the exact
 * answer's last, so that a tie broken the other way is not a miss.
 */
function recallOf(found: readonly Hit[], exact: readonly Hit[]): number {
  const last = exact.at(-1);
  if (!last) return 1;
  const matched = found.filter((hit) => hit.score >= last.score).length;
  return Math.min(matched, exact.length) / exact.length;
}
