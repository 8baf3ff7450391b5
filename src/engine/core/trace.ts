/**
 * `WARP_TRACE=1`: phase timestamps on stderr (`warp-trace <epoch ms> <pid> <label>`), comparable across the
 * processes of one machine, to see where a transfer's wall time goes without a profiler's overhead.
 * Off by default: one boolean test per call.
 */
const on = Boolean(process.env.WARP_TRACE);

export function trace(label: string): void {
  if (on)
    process.stderr.write(
      `warp-trace ${(performance.timeOrigin + performance.now()).toFixed(1)} ${process.pid} ${label}\n`,
    );
}
