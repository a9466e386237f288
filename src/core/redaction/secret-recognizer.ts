import type { PiiRecognizer, PiiSpan } from './pii-recognizer.js';
import { forEachMatch } from './pii-recognizer.js';

// Patterns start with a literal or a narrow class rather than a lookbehind: the engine then skips ahead to
// candidate characters instead of trying every position (measured 2-40x faster); boundaries are checked in code.

// Vendor formats with a fixed prefix: OpenAI and Anthropic `sk-…` (which covers Slipway's own `sk-slw-…` keys), AWS
// access key ids, GitHub classic and fine-grained tokens, Slack tokens, and JWTs (header and payload are base64url
// JSON, so both start with `eyJ`).
const PREFIXED_TOKEN = new RegExp(
  [
    'sk-(?<body>[A-Za-z0-9_-]{20,})',
    '|(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])',
    '|gh[pousr]_[A-Za-z0-9]{36,255}',
    '|github_pat_[A-Za-z0-9_]{22,255}',
    '|xox[abposre]-[A-Za-z0-9-]{10,}',
    '|eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*',
  ].join(''),
  'g',
);
const TOKEN_ATTACHED_BEFORE = /[\w-]/;
// The shortest texts each pattern can match (`xoxb-` and ten characters, `basic` and a 12-character credential,
// `token:abc`): the patterns below are tried at most letters of prose, so short texts skip them.
const SHORTEST_PREFIXED_TOKEN = 15;
const SHORTEST_AUTHORIZATION = 18;
const SHORTEST_ASSIGNMENT = 9;
// A PEM private key runs from its BEGIN line to its END line. A truncated block (a stream cut mid-key) is still a
// key: without an END line the base64 body that follows is taken.
const PRIVATE_KEY_BEGIN = /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----/g;
const PRIVATE_KEY_END = /-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----/g;
const BASE64_BODY = /[A-Za-z0-9+/=\s\\]*/y;
const AUTHORIZATION = /(?<![\w-])(?:bearer|basic)[ \t]+(?<secret>[A-Za-z0-9._~+/-]{12,}=*)/gi;
// The password of `scheme://user:password@host`; one already replaced is not matched again.
const URL_PASSWORD = /:\/\/[^\s:/?#@]+:(?!\[[A-Z_]+\]@)(?<secret>[^\s/?#@]+)@/g;
// Names that say a value is a credential, matched at the end of a longer name: `db_password`, `OPENAI_API_KEY`,
// `clientSecret`, `x-api-key`, `access_token`, but not `max_tokens` or `token_count`.
const SECRET_NAME_WORDS =
  'pass(?:word|wd|phrase)|secret(?:[_.-]?key)?|(?:api|access|private)[_.-]?key|token|credentials?';
const SECRET_NAME = new RegExp(`(?:${SECRET_NAME_WORDS})$`, 'i');
// `name: value` and `name=value` in YAML, .env files, headers, query strings or JSON text: the value double- or
// single-quoted, or bare up to a delimiter. Anchored on the name words, not on every `:` of a JSON document. A
// value that is already a mask is not matched again.
const ASSIGNMENT = new RegExp(
  [
    `(?:${SECRET_NAME_WORDS})["']?[ \\t]*[:=][ \\t]*`,
    '(?:"(?!\\[[A-Z_]+\\]")(?<double>[^"\\r\\n]{3,}?)"',
    "|'(?!\\[[A-Z_]+\\]')(?<single>[^'\\r\\n]{3,}?)'",
    '|(?![\\["\'])(?<bare>[^\\s"\',;&]{3,}))',
  ].join(''),
  'gi',
);

/** True when a field or variable name says its value is a credential (`password`, `api_key`, `clientSecret`). */
export function isSecretKeyName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * Random-looking rather than a word: a digit, or an upper-case letter after the first character. Keeps
 * `sk-learn-compatible-estimators` and `Bearer instruments` out while real keys and tokens pass.
 */
function looksRandom(value: string): boolean {
  return /\d/.test(value) || /[A-Z]/.test(value.slice(1));
}

/**
 * The span of a group that ends the match, or ends one character before its end (a closing quote, the `@` of a
 * URL); computed from lengths because match indices (the `d` flag) make these patterns five times slower.
 */
function trailingGroupSpan(
  match: RegExpExecArray,
  options: { group: string; trailing: number },
): PiiSpan | null {
  const value = match.groups?.[options.group];
  if (value === undefined) return null;
  const end = match.index + match[0].length - options.trailing;
  return { start: end - value.length, end, entity: 'secret' };
}

/**
 * API keys and tokens of known formats, JWTs, `Bearer`/`Basic` credentials, PEM private keys, passwords in URLs,
 * and values assigned to credential-named fields (`password=…`, `"api_key": "…"`). Where the secret has a label
 * (`Bearer`, `password=`, `user:` in a URL), only the secret is replaced, so the log still shows what it was.
 */
export function createSecretRecognizer(): PiiRecognizer {
  const prefixedToken = new RegExp(PREFIXED_TOKEN);
  const privateKeyBegin = new RegExp(PRIVATE_KEY_BEGIN);
  const privateKeyEnd = new RegExp(PRIVATE_KEY_END);
  const base64Body = new RegExp(BASE64_BODY);
  const authorization = new RegExp(AUTHORIZATION);
  const urlPassword = new RegExp(URL_PASSWORD);
  const assignment = new RegExp(ASSIGNMENT);

  // Each END is searched for once from its BEGIN, and once none is left no later BEGIN looks again, so many BEGIN
  // lines without an END cost one pass, not one pass each.
  function findPrivateKeys(text: string, found: PiiSpan[]): void {
    let endMissing = false;
    forEachMatch(privateKeyBegin, text, (begin) => {
      const bodyStart = begin.index + begin[0].length;
      let end = -1;
      if (!endMissing) {
        privateKeyEnd.lastIndex = bodyStart;
        const match = privateKeyEnd.exec(text);
        if (match === null) endMissing = true;
        else end = match.index + match[0].length;
      }
      if (end === -1) {
        base64Body.lastIndex = bodyStart;
        end = bodyStart + (base64Body.exec(text)?.[0].length ?? 0);
      }
      found.push({ start: begin.index, end, entity: 'secret' });
      privateKeyBegin.lastIndex = end;
    });
  }

  return {
    entity: 'secret',
    find(text, found) {
      if (text.length >= SHORTEST_PREFIXED_TOKEN) {
        forEachMatch(prefixedToken, text, (match) => {
          if (TOKEN_ATTACHED_BEFORE.test(text[match.index - 1] ?? '')) return;
          const body = match.groups?.['body'];
          if (body !== undefined && !looksRandom(body)) return;
          found.push({ start: match.index, end: match.index + match[0].length, entity: 'secret' });
        });
      }
      if (text.includes('PRIVATE KEY-----')) findPrivateKeys(text, found);
      if (text.length >= SHORTEST_AUTHORIZATION) {
        forEachMatch(authorization, text, (match) => {
          const span = trailingGroupSpan(match, { group: 'secret', trailing: 0 });
          if (span !== null && looksRandom(text.slice(span.start, span.end))) found.push(span);
        });
      }
      if (text.includes('://')) {
        forEachMatch(urlPassword, text, (match) => {
          const span = trailingGroupSpan(match, { group: 'secret', trailing: 1 });
          if (span !== null) found.push(span);
        });
      }
      if (text.length >= SHORTEST_ASSIGNMENT && (text.includes(':') || text.includes('='))) {
        forEachMatch(assignment, text, (match) => {
          const span =
            trailingGroupSpan(match, { group: 'bare', trailing: 0 }) ??
            trailingGroupSpan(match, { group: 'double', trailing: 1 }) ??
            trailingGroupSpan(match, { group: 'single', trailing: 1 });
          if (span !== null) found.push(span);
        });
      }
    },
  };
}
