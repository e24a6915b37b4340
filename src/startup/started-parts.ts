/**
 * What start-up has brought up so far, each with how to stop it: when a later step fails (or a signal arrives),
 * everything already started is stopped, newest first, so a failed start leaves no Temporal dev server behind.
 */
export class StartedParts {
  private readonly stops: { name: string; stop: () => Promise<unknown> }[] = [];

  add(name: string, stop: () => Promise<unknown>): void {
    this.stops.push({ name, stop });
  }

  /** Stops every part, newest first; a part that fails to stop is reported and the others still stop. */
  async stopAll(): Promise<void> {
    for (const { name, stop } of this.stops.splice(0).reverse()) {
      await stop().catch((error: unknown) => console.error(`could not stop ${name}:`, error));
    }
  }
}
