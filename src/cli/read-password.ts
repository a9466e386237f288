import { SlipwayError } from '../core/errors.js';

/** Standard input as the password reader needs it; `process.stdin` in the CLI, a stream double in tests. */
export interface PasswordInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface ReadPasswordOptions {
  /** `--password-stdin`: read the whole of standard input (for scripts and pipes). */
  fromStdin: boolean;
  prompt: string;
  input: PasswordInput;
  /** Where the prompt goes: standard error, so that standard output stays clean for `--json`. */
  writeErr(text: string): void;
}

/** Reads a password the way `docker login --password-stdin` does, or prompts for it without echo. */
export type ReadPassword = (options: Omit<ReadPasswordOptions, 'input' | 'writeErr'>) => Promise<string>;

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  input.setEncoding('utf8');
  for await (const chunk of input) text += String(chunk);
  // `echo "$PASSWORD" |` adds one newline that is not part of the password.
  return text.replace(/\r?\n$/, '');
}

function promptWithoutEcho(options: ReadPasswordOptions): Promise<string> {
  const { input } = options;
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error: SlipwayError | null) => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      options.writeErr('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const character of String(chunk)) {
        if (character === '\r' || character === '\n' || character === '\u0004') return finish(null);
        if (character === '\u0003') return finish(new SlipwayError('client_closed', 'Interrupted.'));
        if (character === '\u007f' || character === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += character;
      }
    };
    options.writeErr(options.prompt);
    input.setEncoding('utf8');
    input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
  });
}

/**
 * The password from standard input (`fromStdin`), else typed at a terminal without echo. Throws
 * `invalid_request` when neither is possible (no terminal and no `--password-stdin`) or nothing was given:
 * passwords are never taken from the command line, where `ps` and shell history would show them.
 */
export async function readPassword(options: ReadPasswordOptions): Promise<string> {
  if (!options.fromStdin && options.input.isTTY !== true) {
    throw new SlipwayError(
      'invalid_request',
      'No terminal to prompt for the password: pass --password-stdin and pipe it in.',
    );
  }
  const password = options.fromStdin ? await readAll(options.input) : await promptWithoutEcho(options);
  if (password === '') throw new SlipwayError('invalid_request', 'The password is empty.');
  return password;
}
