/**
 * A gate a test holds closed to stop an operation part-way (a store's read or append), then
 * opens: while closed, `passed()` waits; `reached` resolves once something waits at it.
 */
export class Gate {
  private closed?: Promise<void>;
  private release?: () => void;
  private reach?: () => void;
  readonly reached = new Promise<void>((resolve) => {
    this.reach = resolve;
  });

  close(): void {
    this.closed = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  open(): void {
    this.release?.();
    this.closed = undefined;
  }

  /** Waits while the gate is closed. */
  async passed(): Promise<void> {
    if (!this.closed) return;
    this.reach?.();
    await this.closed;
  }
}
