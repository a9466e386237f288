import { SlipwayError } from '../errors.js';

/** One chunk: `text` is `source.slice(start, end)`; consecutive chunks may overlap. */
export interface TextChunk {
  index: number;
  start: number;
  end: number;
  text: string;
  tokens: number;
}

export interface ChunkOptions {
  /** Most tokens in one chunk; at least 16. */
  chunkTokens: number;
  /** Most tokens a chunk repeats from the end of the one before; at most half of `chunkTokens`. */
  overlapTokens: number;
  /** The embedder's tokenizer: chunks are measured in its tokens. */
  countTokens: (text: string) => number;
}

/** The text being chunked and how. */
interface Source {
  text: string;
  options: ChunkOptions;
}

type Range = readonly [start: number, end: number];

interface Segment {
  start: number;
  end: number;
  tokens: number;
}

// Coarsest first: a piece too long for one chunk is split at paragraphs, then sentences, then words, and only a
// single word longer than a chunk is cut between characters.
const BOUNDARIES: readonly RegExp[] = [/\n[ \t]*\n\s*/g, /[.!?]+["'”’)\]]*\s+/g, /\s+/g];

const MIN_CHUNK_TOKENS = 16;

/** Checks the options: a chunk too small to hold a long word's pieces, or an overlap as large as a chunk, loops. */
function checkOptions(options: ChunkOptions): void {
  if (!Number.isInteger(options.chunkTokens) || options.chunkTokens < MIN_CHUNK_TOKENS) {
    throw new SlipwayError(
      'invalid_request',
      `chunkTokens must be an integer of at least ${MIN_CHUNK_TOKENS}`,
    );
  }
  if (
    !Number.isInteger(options.overlapTokens) ||
    options.overlapTokens < 0 ||
    options.overlapTokens * 2 > options.chunkTokens
  ) {
    throw new SlipwayError(
      'invalid_request',
      'overlapTokens must be an integer from 0 to half of chunkTokens',
    );
  }
}

/** Splits `[start, end)` after every match of `boundary`, keeping every character in some piece. */
function piecesOf(text: string, [start, end]: Range, boundary: RegExp): Range[] {
  const pieces: Range[] = [];
  const pattern = new RegExp(boundary.source, 'g');
  pattern.lastIndex = start;
  let from = start;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const to = match.index + match[0].length;
    if (to > end) break;
    if (match[0].length === 0) pattern.lastIndex += 1;
    else if (to > from) {
      pieces.push([from, to]);
      from = to;
    }
  }
  if (from < end) pieces.push([from, end]);
  return pieces;
}

/** Cuts a word longer than a chunk between code points, each piece the longest prefix that fits. */
function cutWord({ text, options }: Source, [start, end]: Range): Segment[] {
  const segments: Segment[] = [];
  const points = Array.from(text.slice(start, end));
  const offsets = [0];
  for (const point of points) offsets.push((offsets.at(-1) ?? 0) + point.length);
  let first = 0;
  while (first < points.length) {
    let low = first + 1;
    let high = points.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const tokens = options.countTokens(
        text.slice(start + (offsets[first] ?? 0), start + (offsets[middle] ?? 0)),
      );
      if (tokens <= options.chunkTokens) low = middle;
      else high = middle - 1;
    }
    const from = start + (offsets[first] ?? 0);
    const to = start + (offsets[low] ?? 0);
    segments.push({ start: from, end: to, tokens: options.countTokens(text.slice(from, to)) });
    first = low;
  }
  return segments;
}

function segmentsOf(source: Source, range: Range, level: number): Segment[] {
  const { text, options } = source;
  const [start, end] = range;
  const tokens = options.countTokens(text.slice(start, end));
  if (tokens <= options.chunkTokens) return [{ start, end, tokens }];
  const boundary = BOUNDARIES[level];
  if (boundary === undefined) return cutWord(source, range);
  const pieces = piecesOf(text, range, boundary);
  // No boundary inside: go one level finer on the same range.
  if (pieces.length === 1) return segmentsOf(source, range, level + 1);
  return pieces.flatMap((piece) => segmentsOf(source, piece, level + 1));
}

/**
 * Splits a document's text into chunks of at most `chunkTokens` tokens, ending at paragraph, sentence or word
 * boundaries where it can, each repeating up to `overlapTokens` tokens of whole segments from the end of the one
 * before, so that a sentence cut at a chunk's end is also read whole in the next. Together the chunks cover every
 * character of the text in order. Text that is only whitespace has no chunks.
 * @example chunkText(text, { chunkTokens: 400, overlapTokens: 60, countTokens: counter.countText })
 */
export function chunkText(text: string, options: ChunkOptions): TextChunk[] {
  checkOptions(options);
  if (text.trim() === '') return [];
  const segments = segmentsOf({ text, options }, [0, text.length], 0);
  const count = (from: number, to: number) =>
    options.countTokens(text.slice(segments[from]?.start ?? 0, segments[to - 1]?.end ?? 0));
  const chunks: TextChunk[] = [];
  let first = 0;
  let previousEnd = 0;
  while (first < segments.length) {
    let end = first;
    let estimate = 0;
    while (end < segments.length && estimate + (segments[end]?.tokens ?? 0) <= options.chunkTokens) {
      estimate += segments[end]?.tokens ?? 0;
      end += 1;
    }
    // Token counts of joined segments can differ from their sum where tokens merge across a boundary.
    let tokens = count(first, end);
    while (tokens > options.chunkTokens && end - first > 1 && end - 1 > previousEnd) {
      end -= 1;
      tokens = count(first, end);
    }
    if (tokens > options.chunkTokens) {
      // Only the overlap left no room: start this chunk where new text begins instead.
      first = previousEnd;
      continue;
    }
    const start = segments[first]?.start ?? 0;
    const stop = segments[end - 1]?.end ?? 0;
    chunks.push({ index: chunks.length, start, end: stop, text: text.slice(start, stop), tokens });
    if (end >= segments.length) break;
    let overlap = end;
    while (overlap - 1 > first && count(overlap - 1, end) <= options.overlapTokens) overlap -= 1;
    // The overlap and the next segment must fit in one chunk, or the next chunk would hold no new text.
    const next = segments[end]?.tokens ?? 0;
    while (overlap < end && count(overlap, end) + next > options.chunkTokens) overlap += 1;
    previousEnd = end;
    first = overlap;
  }
  return chunks;
}
