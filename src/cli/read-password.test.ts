import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type PasswordInput, readPassword } from './read-password.js';

/** A terminal double: records raw mode, lets the test type. */
function terminal(): PassThrough & PasswordInput & { rawModes: boolean[] } {
  const stream = new PassThrough() as PassThrough & PasswordInput & { rawModes: boolean[] };
  stream.isTTY = true;
  stream.rawModes = [];
  stream.setRawMode = (mode: boolean) => stream.rawModes.push(mode);
  return stream;
}

describe('read password', () => {
  it('reads all of a pipe, without one trailing newline', async () => {
    for (const [text, expected] of [
      ['secret words here\n', 'secret words here'],
      ['secret\r\n', 'secret'],
      ['two\nlines\n\n', 'two\nlines\n'],
    ] as const) {
      const input = new PassThrough();
      input.end(text);
      await expect(
        readPassword({ fromStdin: true, prompt: '', input, writeErr: () => undefined }),
      ).resolves.toBe(expected);
    }
  });

  it('prompts on a terminal in raw mode without echoing, honouring backspace', async () => {
    const input = terminal();
    let written = '';
    const reading = readPassword({
      fromStdin: false,
      prompt: 'Password: ',
      input,
      writeErr: (text) => (written += text),
    });
    input.write('hunter2x\u007f and more\r');
    await expect(reading).resolves.toBe('hunter2 and more');
    expect(written).toBe('Password: \n');
    expect(input.rawModes).toEqual([true, false]);
  });

  it('stops on Ctrl-C, and refuses an empty password or a missing terminal', async () => {
    const input = terminal();
    const interrupted = readPassword({ fromStdin: false, prompt: '', input, writeErr: () => undefined });
    input.write('abc\u0003');
    await expect(interrupted).rejects.toMatchObject({ code: 'client_closed' });

    const empty = terminal();
    const nothing = readPassword({ fromStdin: false, prompt: '', input: empty, writeErr: () => undefined });
    empty.write('\n');
    await expect(nothing).rejects.toMatchObject({ code: 'invalid_request' });

    const pipe = new PassThrough();
    await expect(
      readPassword({ fromStdin: false, prompt: '', input: pipe, writeErr: () => undefined }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/--password-stdin/),
    });
  });
});
