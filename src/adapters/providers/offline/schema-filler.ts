import type { ExtractiveAnswer } from './extractive-answer.js';
import { termsOf } from './text-analysis.js';

type Schema = Record<string, unknown>;

/** Deeper schemas (or `$ref` cycles) get `null` past this depth instead of recursing forever. */
const MAX_DEPTH = 8;
const NUMBER = /-?\d+(?:[.,]\d+)?/;

function isRecord(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface FillContext {
  root: unknown;
  answer: ExtractiveAnswer;
  /** Words naming what is being filled: the property names on the way down and their descriptions. */
  hint: string;
  depth: number;
}

function hintOf(name: string, schema: unknown): string {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2');
  const description = isRecord(schema) && typeof schema.description === 'string' ? schema.description : '';
  return `${words} ${description}`;
}

function resolveReference(root: unknown, reference: string): unknown {
  if (!reference.startsWith('#')) return {};
  let node: unknown = root;
  for (const segment of reference.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isRecord(node) ? node[key] : undefined;
  }
  return node ?? {};
}

function typeOf(schema: Schema): string {
  const { type } = schema;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const concrete = type.find((candidate) => candidate !== 'null');
    if (typeof concrete === 'string') return concrete;
    if (type.includes('null')) return 'null';
  }
  if (isRecord(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return 'string';
}

function chooseEnumValue(values: unknown[], context: FillContext): unknown {
  const found = context.answer.find(context.hint);
  const foundTerms = new Set(termsOf(found?.text ?? ''));
  let best = values[0];
  let bestOverlap = 0;
  for (const value of values) {
    if (typeof value !== 'string') continue;
    const overlap = termsOf(value).filter((term) => foundTerms.has(term)).length;
    if (overlap > bestOverlap) {
      best = value;
      bestOverlap = overlap;
    }
  }
  return best;
}

function fillNumber(schema: Schema, context: FillContext, integer: boolean): number {
  const minimum = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  const match = NUMBER.exec(context.answer.find(context.hint)?.text ?? '');
  let value = match ? Number(match[0].replace(',', '.')) : (minimum ?? 0);
  if (integer) value = Math.round(value);
  if (minimum !== undefined && value < minimum) value = minimum;
  if (maximum !== undefined && value > maximum) value = maximum;
  return value;
}

function fillObject(schema: Schema, context: FillContext): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required)
    ? schema.required.filter((name): name is string => typeof name === 'string')
    : [];
  const names = required.length > 0 ? required : Object.keys(properties);
  const object: Record<string, unknown> = {};
  for (const name of names) {
    const property = properties[name] ?? {};
    object[name] = fillValue(property, {
      ...context,
      hint: `${context.hint} ${hintOf(name, property)}`,
      depth: context.depth + 1,
    });
  }
  return object;
}

function fillArray(schema: Schema, context: FillContext): unknown[] {
  const minimum = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const maximum = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
  const items = isRecord(schema.items) ? schema.items : {};
  const inner = { ...context, depth: context.depth + 1 };
  if (typeOf(items) === 'string' && items.enum === undefined && items.const === undefined) {
    const texts = context.answer.passages.map((passage) => passage.text).slice(0, maximum);
    while (texts.length < minimum) texts.push('');
    return texts;
  }
  return Array.from({ length: minimum }, () => fillValue(items, inner));
}

function fillValue(schema: unknown, context: FillContext): unknown {
  if (!isRecord(schema) || context.depth > MAX_DEPTH) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return chooseEnumValue(schema.enum, context);
  if (typeof schema.$ref === 'string') {
    return fillValue(resolveReference(context.root, schema.$ref), { ...context, depth: context.depth + 1 });
  }
  const branches = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (Array.isArray(branches) && branches.length > 0) {
    const branch =
      branches.find((candidate) => !isRecord(candidate) || candidate.type !== 'null') ?? branches[0];
    return fillValue(branch, { ...context, depth: context.depth + 1 });
  }
  const type = typeOf(schema);
  switch (type) {
    case 'object':
      return fillObject(schema, context);
    case 'array':
      return fillArray(schema, context);
    case 'number':
      return fillNumber(schema, context, false);
    case 'integer':
      return fillNumber(schema, context, true);
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return context.answer.find(context.hint)?.text ?? '';
  }
}

/**
 * A value that validates against a JSON schema (the subset structured outputs use: objects, arrays, scalars,
 * enum, const, anyOf, local $ref), with strings and numbers taken from the sentences that best match the
 * question plus the property's name and description, and type-correct defaults where nothing matches.
 * @example fillSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, answer)
 */
export function fillSchema(schema: unknown, answer: ExtractiveAnswer): unknown {
  return fillValue(schema, { root: schema, answer, hint: '', depth: 0 });
}
