/**
 * A point where code under test stops until the test opens it, to interleave two operations deterministically:
 * `reached` resolves once something waits there.
 * @example const gate = new Gate(); const job = ingest(() => gate.wait()); await gate.reached; await remove(); gate.open(); await job;
 */
export class Gate {
  #arrive = () => {};
  #open = () => {};
  readonly reached = new Promise<void>((resolve) => {
    this.#arrive = resolve;
  });
  readonly #opened = new Promise<void>((resolve) => {
    this.#open = resolve;
  });

  readonly wait = (): Promise<void> => {
    this.#arrive();
    return this.#opened;
  };

  open(): void {
    this.#open();
  }
}
