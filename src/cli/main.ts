#!/usr/bin/env node
import { createRequire } from 'node:module';
import { readCliSettings } from '../config/cli-settings.js';
import { buildProgram } from './program.js';
import { registerStartCommand } from './start.js';
import { registerWorkerCommand } from './worker.js';

// Two levels up from both src/cli/main.ts and dist/cli/main.js.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

// `slipway logs tail | head` closes the pipe early: that is the reader being done, not a failure to report.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

let interrupt: AbortController | undefined;

const program = buildProgram(
  {
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
    settings: readCliSettings(),
    now: () => Date.now(),
    interruption: () => {
      if (interrupt === undefined) {
        const controller = new AbortController();
        // Once only: a second Ctrl-C falls through to Node's default and ends the process at once.
        process.once('SIGINT', () => controller.abort());
        interrupt = controller;
      }
      return interrupt.signal;
    },
  },
  {
    registerStart: (program) => {
      registerStartCommand(program);
      registerWorkerCommand(program);
    },
    version,
  },
);
process.exitCode = await program.run(process.argv.slice(2));
