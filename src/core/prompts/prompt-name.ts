/** Lowercase path segments separated by `/`: `support/triage`. */
const PROMPT_NAME = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*$/;
const MAX_PROMPT_NAME_LENGTH = 200;

/**
 * Whether `name` can name a prompt: lowercase letters, digits, `-` and `_` in `/`-separated segments, at most 200
 * characters. Names are URL path segments and folder paths, so case and other punctuation would make two spellings
 * of one prompt.
 * @example isPromptName('support/triage') // true
 */
export function isPromptName(name: string): boolean {
  return name.length <= MAX_PROMPT_NAME_LENGTH && PROMPT_NAME.test(name);
}
