/** The current time. Injected so that core and services never read the system clock directly. */
export interface Clock {
  /** Milliseconds since the Unix epoch, UTC. */
  now(): number;
}
