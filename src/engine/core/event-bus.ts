/**
 * A typed event bus. Engine operations emit progress through it; the CLI renders bars or JSON lines, the
 * daemon streams SSE, the desktop app forwards over IPC. Listeners must not throw into the engine.
 */
export type Listener<T> = (event: T) => void;

export class EventBus<Events extends { type: string }> {
  private readonly listeners = new Set<Listener<Events>>();

  on(listener: Listener<Events>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: Events): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A broken renderer must not break a transfer or an archive; surfaces log their own failures.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
