import type { CollectionRecord } from '../core/documents/document.js';
import { SlipwayError } from '../core/errors.js';
import type { IngestionActor } from '../ports/document-catalog.js';
import type { DocumentsDeps } from './documents-deps.js';
import { embedTexts } from './embed-texts.js';

const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Throws `invalid_request` (param `name`) unless the name is 1 to 64 letters, digits, `.`, `_` or `-`. */
function checkCollectionName(name: string): string {
  if (!COLLECTION_NAME.test(name)) {
    throw new SlipwayError(
      'invalid_request',
      'A collection name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit.',
      { param: 'name' },
    );
  }
  return name;
}

/** Collections: create (admin), list and read. */
export interface DocumentCollections {
  create(input: { name: string; embeddingModel?: string }, actor: IngestionActor): Promise<CollectionRecord>;
  list(): Promise<CollectionRecord[]>;
  /** `not_found` when there is none. */
  get(name: string): Promise<CollectionRecord>;
}

/**
 * Creates collections: the dimension is learnt by embedding a probe text with the collection's model (so that a
 * model's output size is never guessed), then the vector index collection is made (idempotent), then the catalog
 * row (a name that exists is `conflict`); audited `collection.create`.
 * @example await collections.create({ name: 'handbook' }, actor);
 */
export function makeDocumentCollections(
  deps: Pick<
    DocumentsDeps,
    'catalog' | 'index' | 'createEmbeddings' | 'callerOf' | 'clock' | 'recordAudit' | 'settings'
  >,
): DocumentCollections {
  async function get(name: string): Promise<CollectionRecord> {
    const collection = await deps.catalog.getCollection(name);
    if (collection === null)
      throw new SlipwayError('not_found', `No collection named "${name}".`, { param: 'name' });
    return collection;
  }

  return {
    async create(input, actor) {
      const name = checkCollectionName(input.name);
      if ((await deps.catalog.getCollection(name)) !== null) {
        throw new SlipwayError('conflict', `A collection named "${name}" exists.`, { param: 'name' });
      }
      const embeddingModel = input.embeddingModel ?? deps.settings.embeddingModel;
      const [probe] = await embedTexts({
        createEmbeddings: deps.createEmbeddings,
        caller: await deps.callerOf(actor),
        model: embeddingModel,
        texts: ['dimension probe'],
        batchSize: 1,
        signal: AbortSignal.timeout(60_000),
      });
      const dimension = probe?.length ?? 0;
      await deps.index.createCollection({ name, dimension });
      const collection = { name, dimension, embeddingModel, createdAt: deps.clock.now() };
      await deps.catalog.createCollection(collection);
      await deps.recordAudit({
        actor,
        action: 'collection.create',
        target: name,
        detail: { dimension, embeddingModel },
      });
      return collection;
    },
    list: () => deps.catalog.listCollections(),
    get,
  };
}
