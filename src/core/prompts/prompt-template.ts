import Mustache from 'mustache';

/** Mustache's token: [type, value, start, end, children?, ...]; `children` only on sections. */
type Token = [string, string, number, number, Token[]?];

/** A variable a template uses but the variables do not give it, or give it in a shape a tag cannot print. */
export interface TemplateVariableProblem {
  /** The name as the template spells it (`customer.name`, `.`). */
  variable: string;
  /** The enclosing sections, outermost first, e.g. `["items"]`, so that a reader can find the tag. */
  sections: string[];
  problem: 'missing' | 'not-printable';
}

/**
 * Why a template cannot be used, or null when it can: Mustache's own syntax errors (an unclosed section) and
 * partials, which a prompt file has no way to supply and which would render as nothing.
 * @example checkPromptTemplate('Hi {{#user}}') // 'Unclosed section "user" at 14'
 */
export function checkPromptTemplate(template: string): string | null {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as Token[];
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const partial = findToken(tokens, '>');
  return partial === null ? null : `Partials ({{> ${partial}}}) are not supported in prompt templates`;
}

function findToken(tokens: Token[], type: string): string | null {
  for (const token of tokens) {
    if (token[0] === type) return token[1];
    const children = token[4];
    const found = children === undefined ? null : findToken(children, type);
    if (found !== null) return found;
  }
  return null;
}

// Mirrors Mustache's own `hasProperty` and `primitiveHasOwnProperty` so that the check finds exactly what
// rendering will find (the caller hands both the same prototype-free view).
function hasProperty(value: unknown, name: string): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'object') return name in value;
  return Object.prototype.hasOwnProperty.call(value, name);
}

/** Mustache's `Context.lookup`: the nearest context (innermost first) where the whole dotted name resolves. */
function lookUp(contexts: readonly unknown[], name: string): { hit: boolean; value: unknown } {
  for (let depth = contexts.length - 1; depth >= 0; depth -= 1) {
    const view = contexts[depth];
    if (name === '.') return { hit: true, value: view };
    const names = name.indexOf('.') > 0 ? name.split('.') : [name];
    let value: unknown = view;
    let hit = false;
    for (let index = 0; index < names.length && value !== null && value !== undefined; index += 1) {
      const part = names[index] as string;
      if (index === names.length - 1) hit = hasProperty(value, part);
      value = (value as Record<string, unknown>)[part];
    }
    if (hit) return { hit, value };
  }
  return { hit: false, value: undefined };
}

function isFalsy(value: unknown): boolean {
  return !value || (Array.isArray(value) && value.length === 0);
}

interface Scope {
  /** The views a name is looked up in, outermost first. */
  contexts: readonly unknown[];
  sections: readonly string[];
}

function walk(tokens: readonly Token[], scope: Scope, problems: TemplateVariableProblem[]): void {
  const { contexts, sections } = scope;
  for (const [type, name, , , children] of tokens) {
    if (type === 'name' || type === '&') {
      const { value } = lookUp(contexts, name);
      if (value === null || value === undefined) {
        problems.push({ variable: name, sections: [...sections], problem: 'missing' });
      } else if (typeof value === 'object') {
        problems.push({ variable: name, sections: [...sections], problem: 'not-printable' });
      }
    } else if (type === '#' && children !== undefined) {
      // As Mustache renders a section: skipped when falsy, once per item of a list, once inside an object or
      // other truthy value.
      const { value } = lookUp(contexts, name);
      if (isFalsy(value)) continue;
      const inner = [...sections, name];
      if (Array.isArray(value)) {
        for (const item of value)
          walk(children, { contexts: [...contexts, item], sections: inner }, problems);
      } else if (value === true) {
        walk(children, { contexts, sections: inner }, problems);
      } else {
        walk(children, { contexts: [...contexts, value], sections: inner }, problems);
      }
    } else if (type === '^' && children !== undefined) {
      if (isFalsy(lookUp(contexts, name).value)) {
        walk(children, { contexts, sections: [...sections, name] }, problems);
      }
    }
  }
}

/**
 * The variables `template` would print as nothing (absent or null) or as `[object Object]` / a comma-joined list,
 * found by walking its tags the way Mustache renders them, sections included. `view` must be the prototype-free
 * copy of the variables that rendering uses. An empty list means every printed tag has text, a number or a boolean.
 * @example findTemplateVariableProblems('Hi {{name}}', {}) // [{ variable: 'name', sections: [], problem: 'missing' }]
 */
export function findTemplateVariableProblems(template: string, view: unknown): TemplateVariableProblem[] {
  const problems: TemplateVariableProblem[] = [];
  walk(Mustache.parse(template) as Token[], { contexts: [view], sections: [] }, problems);
  return problems;
}

/** Renders a checked template with Mustache, HTML escaping off: prompts are not HTML. */
export function renderTemplate(template: string, view: unknown): string {
  return Mustache.render(template, view, {}, { escape: (value: unknown) => String(value) });
}
