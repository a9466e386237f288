import { accessFilterFor } from '../core/access/access-filter.js';
import type { ClassificationLevels } from '../core/access/classification-levels.js';
import type { Principal } from '../core/access/principal.js';
import type { InteractionRecord } from '../core/interaction.js';
import type { RetrievedDocumentRef } from '../core/retrieval/retrieval-context.js';
import type { EndUserDirectory } from '../ports/end-user-directory.js';
import type { ChunkRef, VectorIndex } from '../ports/vector-index.js';

/** What a reader of the log is shown in place of a chunk they are not cleared to read. */
const WITHHELD_CHUNK = '[withheld: not cleared]';

/** Who opens an interaction: a signed-in person (by e-mail) or an API key. */
interface LogViewer {
  kind: 'user' | 'api_key';
  /** The person's e-mail address, or the key's id. */
  label: string;
}

/** A retrieved-chunk reference as a viewer sees it: with the text when they may read it, else withheld. */
interface ShownChunk extends RetrievedDocumentRef {
  text: string;
  withheld: boolean;
}

export type ShowRetrievedDocuments = (
  record: InteractionRecord,
  viewer: LogViewer,
) => Promise<InteractionRecord>;

const ANONYMOUS: Principal = { kind: 'anonymous' };

function refsOf(documents: readonly unknown[]): RetrievedDocumentRef[] {
  return documents.filter(
    (entry): entry is RetrievedDocumentRef =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof (entry as RetrievedDocumentRef).collection === 'string' &&
      typeof (entry as RetrievedDocumentRef).documentId === 'string' &&
      Number.isSafeInteger((entry as RetrievedDocumentRef).chunkIndex),
  );
}

const keyOf = (ref: ChunkRef): string => `${ref.documentId}\u0000${ref.chunkIndex}`;

/**
 * Resolves an interaction's retrieved-chunk references into text for one viewer, with the viewer's own clearance
 * as it is now: a signed-in person is the directory end user whose id is their e-mail address (when there is one
 * and it is not disabled); anyone else, API keys included, reads as anonymous (documents marked public only).
 * Every other chunk shows `[withheld: not cleared]`. The log stores only references, so this is the one place
 * chunk text can come from, and it goes through the index's access filter like any retrieval.
 * @example const shown = await show(record, { kind: 'user', label: 'ada@example.com' });
 */
export function makeShowRetrievedDocuments(deps: {
  index: Pick<VectorIndex, 'readChunks'>;
  directory: Pick<EndUserDirectory, 'getEndUser'>;
  levels: ClassificationLevels;
}): ShowRetrievedDocuments {
  async function principalOf(viewer: LogViewer): Promise<Principal> {
    if (viewer.kind !== 'user') return ANONYMOUS;
    const entry = await deps.directory.getEndUser(viewer.label);
    if (entry === null || entry.disabled) return ANONYMOUS;
    return {
      kind: 'end_user',
      userId: entry.id,
      groups: entry.groups,
      roles: entry.roles,
      clearance: entry.clearance,
    };
  }

  return async (record, viewer) => {
    const refs = refsOf(record.retrievedDocuments);
    if (refs.length === 0) return record;
    const filter = accessFilterFor(await principalOf(viewer), deps.levels);
    const readable = new Map<string, string>();
    for (const collection of new Set(refs.map((ref) => ref.collection))) {
      const chunks = refs.filter((ref) => ref.collection === collection);
      const read = await deps.index.readChunks({ collection, chunks, filter });
      for (const chunk of read) readable.set(`${collection}\u0000${keyOf(chunk)}`, chunk.text);
    }
    const shown: ShownChunk[] = refs.map((ref) => {
      const text = readable.get(`${ref.collection}\u0000${keyOf(ref)}`);
      return {
        collection: ref.collection,
        documentId: ref.documentId,
        chunkIndex: ref.chunkIndex,
        score: ref.score,
        text: text ?? WITHHELD_CHUNK,
        withheld: text === undefined,
      };
    });
    return { ...record, retrievedDocuments: shown };
  };
}
