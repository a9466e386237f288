import { fnv1a32, mixBits } from './fnv1a.js';
import { wordsOf } from './text-analysis.js';

// Words weigh most, word pairs keep some order, and character 3-grams let "embedding" meet "embeddings" or a
// typo; there are many more 3-grams than words, hence their lower weight.
const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.7;
const TRIGRAM_WEIGHT = 0.3;

function addFeature(vector: Float64Array, feature: string, weight: number): void {
  const hash = fnv1a32(feature);
  const sign = (mixBits(hash) & 1) === 0 ? 1 : -1;
  const slot = hash % vector.length;
  vector[slot] = (vector[slot] ?? 0) + sign * weight;
}

function normalise(vector: Float64Array): Float32Array {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const norm = Math.sqrt(squares);
  const unit = new Float32Array(vector.length);
  if (norm === 0) return unit;
  for (let index = 0; index < vector.length; index += 1) unit[index] = (vector[index] ?? 0) / norm;
  return unit;
}

/**
 * Signed feature hashing (Weinberger et al., 2009) of a text's lower-cased word unigrams and bigrams and its
 * character 3-grams into an L2-normalised vector: texts that share words and spellings are close.
 * @example embedText('Refunds take five days', 384).length // 384
 */
export function embedText(text: string, dimensions: number): Float32Array {
  const vector = new Float64Array(dimensions);
  const words = wordsOf(text);
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] ?? '';
    addFeature(vector, `w:${word}`, UNIGRAM_WEIGHT);
    const next = words[index + 1];
    if (next !== undefined) addFeature(vector, `b:${word} ${next}`, BIGRAM_WEIGHT);
  }
  const flat = ` ${text.toLowerCase().replace(/\s+/g, ' ').trim()} `;
  for (let index = 0; index + 3 <= flat.length; index += 1) {
    addFeature(vector, `c:${flat.slice(index, index + 3)}`, TRIGRAM_WEIGHT);
  }
  return normalise(vector);
}

/** Token ids (the other input form OpenAI accepts) hashed as unigrams and bigrams of ids. */
export function embedTokenIds(tokens: readonly number[], dimensions: number): Float32Array {
  const vector = new Float64Array(dimensions);
  for (let index = 0; index < tokens.length; index += 1) {
    addFeature(vector, `t:${tokens[index]}`, UNIGRAM_WEIGHT);
    const next = tokens[index + 1];
    if (next !== undefined) addFeature(vector, `tb:${tokens[index]} ${next}`, BIGRAM_WEIGHT);
  }
  return normalise(vector);
}

/** Little-endian float32 bytes in base64, the encoding OpenAI uses for `encoding_format: base64`. */
export function toBase64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let index = 0; index < vector.length; index += 1) bytes.writeFloatLE(vector[index] ?? 0, index * 4);
  return bytes.toString('base64');
}
