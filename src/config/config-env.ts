/**
 * The environment configuration is read from: `process.env` in production (see `readProcessEnv`), a literal
 * record in tests. Passed in explicitly so that nothing below the entry point reads the process environment.
 */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;
