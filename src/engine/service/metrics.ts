/**
 * Prometheus metrics for /metrics (text exposition format 0.0.4), fed by the same events the UI receives.
 * A tiny registry: counters and gauges with labels, HELP and TYPE lines, rendered on demand.
 */
import type { ArchiveEngineEvent, TransferEngineEvent, JobDto } from '../../shared/events.ts';
import type { SwarmEvent } from '../swarm/swarm-events.ts';

type Labels = Record<string, string>;

class Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(name: string, help: string, type: 'counter' | 'gauge') {
    this.name = name;
    this.help = help;
    this.type = type;
  }

  private slot(labels: Labels): { labels: Labels; value: number } {
    const key = JSON.stringify(Object.entries(labels).sort());
    let v = this.values.get(key);
    if (!v) {
      v = { labels, value: 0 };
      this.values.set(key, v);
    }
    return v;
  }

  inc(by = 1, labels: Labels = {}): void {
    this.slot(labels).value += by;
  }

  set(value: number, labels: Labels = {}): void {
    this.slot(labels).value = value;
  }

  render(): string {
    const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const { labels, value } of this.values.values()) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${esc(v)}"`)
        .join(',');
      lines.push(`${this.name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
    }
    return lines.join('\n');
  }
}

export class Metrics {
  private readonly families: Family[] = [];
  private readonly rates = new Map<string, number>();
  private readonly started = Date.now();

  private f(name: string, help: string, type: 'counter' | 'gauge'): Family {
    const fam = new Family(name, help, type);
    this.families.push(fam);
    return fam;
  }

  readonly transferBytes = this.f(
    'warp_transfer_bytes_total',
    'Chunk bytes received by transfers (after decompression).',
    'counter',
  );
  readonly transferWireBytes = this.f(
    'warp_transfer_wire_bytes_total',
    'Chunk bytes as they crossed the network.',
    'counter',
  );
  readonly transferChunks = this.f(
    'warp_transfer_chunks_total',
    'Chunks received and verified by transfers.',
    'counter',
  );
  readonly chunksRejected = this.f(
    'warp_transfer_chunks_rejected_total',
    'Chunks refused because their hash did not match.',
    'counter',
  );
  readonly transferRate = this.f(
    'warp_transfer_rate_bytes_per_second',
    'Sum of the current rates of running transfers.',
    'gauge',
  );
  readonly transfersActive = this.f(
    'warp_transfers_active',
    'Transfers running now (started through this daemon).',
    'gauge',
  );
  readonly transfersFinished = this.f('warp_transfers_total', 'Finished transfers by result.', 'counter');
  readonly archiveBytes = this.f('warp_archive_bytes_total', 'Bytes processed by archive operations.', 'counter');
  readonly jobsFinished = this.f('warp_jobs_total', 'Finished jobs by kind and result.', 'counter');
  readonly schedTicks = this.f('warp_sched_ticks_total', 'Scheduler ticks run by swarm downloads.', 'counter');
  readonly schedTickSeconds = this.f('warp_sched_tick_seconds', 'Duration of the last scheduler tick.', 'gauge');
  readonly failovers = this.f(
    'warp_swarm_failovers_total',
    'Chunks moved to a backup source after a failure.',
    'counter',
  );
  readonly reopts = this.f('warp_swarm_reoptimisations_total', 'Swarm re-optimisations by level.', 'counter');
  readonly prepositions = this.f('warp_swarm_prepositions_total', 'Pre-positioning decisions.', 'counter');
  readonly drift = this.f(
    'warp_swarm_drift_ratio',
    'Latest drift of actual from expected throughput for the whole swarm download (0 = on plan).',
    'gauge',
  );
  readonly driftEvents = this.f(
    'warp_swarm_drift_samples_total',
    'Drift samples, by whether the detector flagged drift.',
    'counter',
  );
  readonly edges = this.f('warp_swarm_edges', 'Source peers of the latest swarm download, by state.', 'gauge');
  readonly sseClients = this.f('warp_sse_clients', 'Connected event-stream clients.', 'gauge');
  readonly httpRequests = this.f('warp_http_requests_total', 'HTTP requests by status code.', 'counter');
  private readonly uptime = this.f('warp_uptime_seconds', 'Seconds since the daemon started.', 'gauge');
  private readonly rss = this.f('process_resident_memory_bytes', 'Resident memory of the daemon process.', 'gauge');

  onTransfer(e: TransferEngineEvent, key: string): void {
    if (e.type === 'transfer.chunk') {
      this.transferBytes.inc(e.bytes);
      this.transferWireBytes.inc(e.wireBytes);
      this.transferChunks.inc();
    } else if (e.type === 'transfer.chunk-rejected') this.chunksRejected.inc();
    else if (e.type === 'transfer.progress') this.rates.set(key, e.rate);
    else if (e.type === 'transfer.done' || e.type === 'transfer.error') this.rates.delete(key);
  }

  onArchive(e: ArchiveEngineEvent): void {
    if (e.type === 'archive.done') this.archiveBytes.inc(e.bytes, { op: e.op });
  }

  onJob(job: JobDto): void {
    if (job.status === 'done' || job.status === 'failed' || job.status === 'cancelled') {
      this.jobsFinished.inc(1, { kind: job.kind, result: job.status });
      if (job.kind.startsWith('transfer.')) {
        this.transfersFinished.inc(1, { result: job.status });
        this.rates.delete(job.id);
      }
    }
    if (job.status === 'paused') this.rates.delete(job.id);
  }

  onSwarm(e: SwarmEvent): void {
    if (e.type === 'swarm.failover') this.failovers.inc();
    else if (e.type === 'swarm.reopt') this.reopts.inc(1, { level: e.level });
    else if (e.type === 'swarm.preposition') this.prepositions.inc();
    else if (e.type === 'swarm.drift') {
      this.driftEvents.inc(1, { drifting: String(e.drifting) });
      if (e.edge === -1) this.drift.set(e.drift);
    } else if (e.type === 'swarm.edges' || e.type === 'swarm.start') {
      const by: Record<string, number> = { online: 0, degraded: 0, offline: 0 };
      for (const x of e.edges) by[x.state] = (by[x.state] ?? 0) + 1;
      for (const [state, n] of Object.entries(by)) this.edges.set(n, { state });
    }
  }

  /** The swarm engine (or whoever runs a scheduler) reports tick durations here. */
  onTick(seconds: number): void {
    this.schedTicks.inc();
    this.schedTickSeconds.set(seconds);
  }

  render(active: number): string {
    this.transfersActive.set(active);
    this.transferRate.set([...this.rates.values()].reduce((a, b) => a + b, 0));
    this.uptime.set((Date.now() - this.started) / 1000);
    this.rss.set(process.memoryUsage.rss());
    return this.families.map((f) => f.render()).join('\n') + '\n';
  }
}
