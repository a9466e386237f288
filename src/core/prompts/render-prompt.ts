import { SlipwayError } from '../errors.js';
import type { PromptDefinition, PromptMessage } from '../prompt.js';
import { checkJsonSchema } from './check-json-schema.js';
import { findTemplateVariableProblems, renderTemplate } from './prompt-template.js';
import type { TemplateVariableProblem } from './prompt-template.js';

const PARAM = 'prompt.variables';

const invalid = (message: string): SlipwayError =>
  new SlipwayError('invalid_request', message, { param: PARAM });

/**
 * A copy of a JSON value whose objects have no prototype, so that Mustache's `in` lookups see only what the caller
 * sent (never `constructor` or `toString`). Throws for anything JSON cannot carry, naming where it is.
 */
function toView(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw invalid(`Variable ${path} is ${String(value)}, which is not a JSON number`);
  }
  if (Array.isArray(value)) return value.map((item, index) => toView(item, `${path}[${index}]`));
  const prototype: unknown = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (typeof value === 'object' && (prototype === Object.prototype || prototype === null)) {
    const view = Object.create(null) as Record<string, unknown>;
    for (const [key, item] of Object.entries(value)) {
      // JSON drops undefined members; so does a view, where they would otherwise print as a blank.
      if (item !== undefined) view[key] = toView(item, `${path}.${key}`);
    }
    return view;
  }
  throw invalid(`Variable ${path} is a ${typeof value}, which is not a JSON value`);
}

function describeProblem(problem: TemplateVariableProblem, messageIndex: number): string {
  const where = [`messages[${messageIndex}]`, ...problem.sections.map((section) => `section "${section}"`)];
  const name = problem.variable === '.' ? 'the current item' : `variable "${problem.variable}"`;
  const what =
    problem.problem === 'missing'
      ? `missing ${name}`
      : `${name} is an object or a list, which a {{tag}} cannot print (use a section)`;
  return `${what} (in ${where.join(', ')})`;
}

/**
 * Renders a prompt's messages with `variables`. The variables are checked first against the prompt's JSON Schema
 * (ajv with formats, each distinct schema compiled once), then every tag of every template must find a printable
 * value: a missing, null or mistyped variable throws `invalid_request` (param `prompt.variables`) naming it, never a
 * silent blank. Mustache does the rendering, with HTML escaping off.
 * @example renderPrompt(definition, { ticket: 'My order is late' }) // [{ role: 'system', content: '…' }, …]
 */
export function renderPrompt(definition: PromptDefinition, variables: unknown): PromptMessage[] {
  if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
    throw invalid(`The variables of prompt "${definition.name}" must be a JSON object`);
  }
  const view = toView(variables, 'variables');
  // ajv reads ordinary objects; a JSON round trip of the checked view gives it exactly what will be rendered.
  const check = checkJsonSchema(definition.variables, JSON.parse(JSON.stringify(view)));
  if (check.kind === 'bad-schema') {
    throw invalid(`The variables schema of prompt "${definition.name}" is invalid: ${check.message}`);
  }
  if (check.kind === 'invalid') {
    throw invalid(
      `The variables do not fit the schema of prompt "${definition.name}": ${check.errors.join('; ')}`,
    );
  }
  const problems = definition.messages.flatMap((message, index) =>
    findTemplateVariableProblems(message.content, view).map((problem) => describeProblem(problem, index)),
  );
  if (problems.length > 0) {
    throw invalid(`Cannot render prompt "${definition.name}": ${[...new Set(problems)].join('; ')}`);
  }
  return definition.messages.map((message) => ({
    role: message.role,
    content: renderTemplate(message.content, view),
  }));
}
