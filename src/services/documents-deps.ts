import type { ClassificationLevels } from '../core/access/classification-levels.js';
import type { Caller } from '../core/identity.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentCatalog, IngestionActor } from '../ports/document-catalog.js';
import type { DocumentParser } from '../ports/document-parser.js';
import type { Random } from '../ports/random.js';
import type { VectorIndex } from '../ports/vector-index.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from './create-embeddings.js';
import type { RecordAudit } from './record-audit.js';

/** How documents are ingested (config `retrieval`). */
interface IngestionSettings {
  /** The embeddings route new collections use unless they name one. */
  embeddingModel: string;
  chunkTokens: number;
  overlapTokens: number;
  /** Chunks embedded per embeddings request. */
  embedBatchSize: number;
  /** Classification levels, lowest first: a document's classification must be one of them. */
  levels: ClassificationLevels;
}

/** What the document services share: the catalog, the vector index, the parser and the gateway's embeddings. */
export interface DocumentsDeps {
  catalog: DocumentCatalog;
  index: VectorIndex;
  parser: DocumentParser;
  createEmbeddings(input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult>;
  /** The gateway caller an actor's embedding calls run as (limited, priced and logged as theirs). */
  callerOf(actor: IngestionActor): Promise<Caller>;
  countTokens(text: string): number;
  sha256Hex(content: Uint8Array): string;
  clock: Clock;
  random: Random;
  recordAudit: RecordAudit;
  settings: IngestionSettings;
}
