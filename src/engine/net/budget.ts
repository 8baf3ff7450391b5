/**
 * What a listening node's peers may make it hold in memory, per peer and in all: bytes of frames received and
 * not yet taken by a handler (reserved when a frame's header announces its payload, before the payload is kept),
 * and bytes written and not yet sent (a peer that never reads its answers). A paired peer can still be hostile:
 * whatever it does, the listener's memory stays within these.
 *
 * One concept, private state; every map holds only peers with bytes in it.
 */
export interface BudgetLimits {
  /** Received, not yet handled: one peer (all its connections and streams). */
  readPerPeer: number;
  /** Received, not yet handled: all peers together. */
  readTotal: number;
  /** Written, not yet sent: one peer. Writers wait above it. */
  writePerPeer: number;
}

export const LISTENER_BUDGET: BudgetLimits = {
  readPerPeer: 64 * 1024 * 1024,
  readTotal: 128 * 1024 * 1024,
  writePerPeer: 8 * 1024 * 1024,
};

export class PeerBudget {
  readonly limits: BudgetLimits;
  private readTotal = 0;
  private readonly reads = new Map<string, number>();
  /** Each peer's open streams (their unsent bytes are summed when a writer asks). */
  private readonly writers = new Map<string, Set<{ readonly writeBufferLength: number }>>();

  constructor(limits: BudgetLimits = LISTENER_BUDGET) {
    this.limits = limits;
  }

  /** Takes `n` bytes of read budget for `peer`; false (and nothing taken) when that would pass a limit. */
  reserve(peer: string, n: number): boolean {
    const used = this.reads.get(peer) ?? 0;
    if (used + n > this.limits.readPerPeer || this.readTotal + n > this.limits.readTotal) return false;
    this.reads.set(peer, used + n);
    this.readTotal += n;
    return true;
  }

  release(peer: string, n: number): void {
    if (n <= 0) return;
    const used = (this.reads.get(peer) ?? 0) - n;
    if (used <= 0) this.reads.delete(peer);
    else this.reads.set(peer, used);
    this.readTotal = Math.max(0, this.readTotal - n);
  }

  /** Bytes of `peer`'s frames received and not yet handled (tests, logs). */
  heldBy(peer: string): number {
    return this.reads.get(peer) ?? 0;
  }

  /** Counts a stream's unsent bytes towards `peer` while it is open; returns the function that stops it. */
  track(peer: string, stream: { readonly writeBufferLength: number }): () => void {
    let set = this.writers.get(peer);
    if (!set) this.writers.set(peer, (set = new Set()));
    set.add(stream);
    return () => {
      set.delete(stream);
      if (set.size === 0 && this.writers.get(peer) === set) this.writers.delete(peer);
    };
  }

  /** Whether writers to `peer` must wait: its streams together hold more unsent bytes than allowed. */
  writeFull(peer: string): boolean {
    let sum = 0;
    for (const s of this.writers.get(peer) ?? []) sum += s.writeBufferLength;
    return sum > this.limits.writePerPeer;
  }
}
