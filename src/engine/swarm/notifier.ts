/** Wake-ups between the executor's loops: `wait()` resolves at the next `notify()` (or after a timeout). */
export class Notifier {
  private waiters: Array<() => void> = [];

  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      let t: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (t) clearTimeout(t);
        resolve();
      };
      this.waiters.push(done);
      if (timeoutMs !== undefined)
        t = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== done);
          resolve();
        }, timeoutMs);
    });
  }

  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
