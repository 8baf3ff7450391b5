/**
 * Every config key Warp knows. To add a setting, add an entry here (and run `npm exec -- node
 * scripts/gen-config-doc.ts` to refresh docs/CONFIG.md); loading, validation, `warp config show`,
 * `warp config init` and the docs pick it up. Cross-key rules live in checks.ts.
 */
import { key, type ConfigOf, type Schema } from './spec.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Chunk sizes outside this range are either all overhead (tiny) or defeat deduplication and memory bounds (huge). */
export const CHUNK_SIZE_MIN = 1 * KiB;
export const CHUNK_SIZE_MAX = 64 * MiB;

const chunkBounds = { min: CHUNK_SIZE_MIN, max: CHUNK_SIZE_MAX };

/** The most Argon2id work a reader accepts from an archive's unauthenticated header (see codec/kdf.ts). */
export const ARGON2_MAX_MEMORY_DEFAULT = 256 * MiB;
export const ARGON2_MAX_PASSES_DEFAULT = 8;

export const CONFIG_SCHEMA = {
  archive: {
    description: 'Creating archives: compression effort and content-defined chunking.',
    keys: {
      level: key.enum({
        values: ['fast', 'balanced', 'max'],
        // balanced is zstd 3 (zstd's own default): with format 2's shared units it is smaller than tar + zstd -3.
        default: 'balanced',
        description: 'Compression effort (zstd 1 / 3 / 19): fast favours throughput, max favours size.',
      }),
      chunk_min: key.bytes({
        default: 256 * KiB,
        ...chunkBounds,
        description: 'Smallest chunk the chunker cuts (except at end of file).',
      }),
      chunk_avg: key.bytes({
        default: 1 * MiB,
        ...chunkBounds,
        description: 'Target average chunk size; must lie between chunk_min and chunk_max.',
      }),
      chunk_max: key.bytes({ default: 4 * MiB, ...chunkBounds, description: 'Largest chunk the chunker cuts.' }),
      workers: key.integer({
        default: 0,
        min: 0,
        max: 1024,
        description: 'Worker threads for hashing and compression; 0 means one per CPU core.',
      }),
      argon2_max_memory: key.bytes({
        default: ARGON2_MAX_MEMORY_DEFAULT,
        min: 8 * KiB,
        max: 4 * 1024 * MiB,
        description:
          "Most memory an encrypted archive's header may ask Argon2id to use when opening it with a password (Warp writes 64 MiB); raise it only for archives you trust.",
      }),
      argon2_max_passes: key.integer({
        default: ARGON2_MAX_PASSES_DEFAULT,
        min: 1,
        max: 64,
        description: "Most Argon2id passes an encrypted archive's header may ask for (Warp writes 3).",
      }),
    },
  },
  log: {
    description: 'Diagnostic logging of the engine (not command output).',
    keys: {
      level: key.enum({
        values: ['error', 'warn', 'info', 'debug', 'trace'],
        default: 'warn',
        description: 'Least severe level written; -v / -vv on the command line raise it to info / debug.',
      }),
      file: key.path({
        default: '',
        description: 'Append logs to this file (created with mode 0600); empty means stderr.',
      }),
      format: key.enum({
        values: ['text', 'json'],
        default: 'text',
        description: 'text: one readable line per event; json: one JSON object per line.',
      }),
    },
  },
  transfer: {
    description: 'Sending and receiving between machines.',
    keys: {
      transport: key.enum({
        values: ['quic', 'tcp', 'auto'],
        default: 'auto',
        description: 'Network transport; auto tries QUIC and falls back to TCP.',
      }),
      port: key.integer({
        default: 7654,
        min: 0,
        max: 65535,
        description: 'Port a receiver listens on; 0 picks a free port.',
      }),
      streams: key.integer({ default: 8, min: 1, max: 256, description: 'Parallel streams per transfer.' }),
      window: key.integer({
        default: 64,
        min: 1,
        max: 4096,
        description: 'Most chunks requested and not yet received per stream (also bounded to 8 MiB per stream).',
      }),
      host: key.string({
        default: '0.0.0.0',
        rule: {
          check: (v) => (v.trim() === '' || /\s/.test(v) ? 'a host name or address without spaces' : undefined),
          allowed: 'an IP address to listen on',
        },
        description: 'Address `warp listen` binds to (0.0.0.0: every IPv4 interface).',
      }),
      chunk_avg: key.bytes({
        default: 16 * KiB,
        ...chunkBounds,
        description:
          'Average chunk size for transfers (min = avg/4, max = avg*4); smaller chunks move less after small edits, larger ones cost less per byte.',
      }),
      compress: key.enum({
        values: ['auto', 'on', 'off'],
        default: 'auto',
        description:
          'Compress chunks on the wire (zstd-1, only when they shrink): auto = while the link is slower than the compressor, measured per stream (so not on a fast LAN or loopback, yes on a slow or rate-limited link); on/off force it.',
      }),
      mdns: key.boolean({
        default: false,
        description: 'Older name of discovery = on for `warp listen` (true turns LAN discovery on there).',
      }),
      discovery: key.enum({
        values: ['auto', 'on', 'off'],
        default: 'auto',
        description:
          'Find paired and nearby Warp devices on the local network (multicast DNS) and announce this one: auto = on for the desktop app and the daemon, off for `warp listen` (its --discover turns it on).',
      }),
      discovery_interface: key.string({
        default: '',
        rule: {
          check: (v) => (v !== '' && !/^[0-9.]+$/.test(v) ? 'an IPv4 address of this machine, or empty' : undefined),
          allowed: 'an IPv4 address of this machine (empty: every interface)',
        },
        description:
          "Multicast discovery on this interface's address only (e.g. 127.0.0.1 to find devices on this machine); empty: every interface.",
      }),
      name: key.string({
        default: '',
        rule: {
          check: (v) =>
            v.length > 64 || /[:/@]/.test(v) || [...v].some((c) => c < ' ')
              ? "at most 64 characters, without ':', '/' or '@'"
              : undefined,
          allowed: "a name without ':', '/' or '@'",
        },
        description:
          "This machine's friendly name, shown to peers when pairing and on their Peers page (empty: its host name).",
      }),
      store_max: key.bytes({
        default: 1024 * MiB,
        min: 0,
        max: 2 ** 50,
        description:
          'Cap of the local chunk store (chunks of files a transfer replaced, kept so reverting an edit moves nothing); the least recently used go first. 0 keeps none.',
      }),
    },
  },
  net: {
    description: 'Reaching peers across networks: circuit relays, NAT port mapping, hole punching.',
    keys: {
      relays: key.list({
        default: [],
        description:
          "Circuit relays ('warp relay' prints their multiaddrs, ending in /p2p/<relay-id>): a listener or daemon reserves a slot on each and is reachable through it; a dial that cannot reach a peer directly tries it through these.",
      }),
      upnp: key.boolean({
        default: true,
        description:
          'Ask the home router to forward the listening port (UPnP IGD / NAT-PMP) so peers can dial in directly; listeners only.',
      }),
      autonat: key.boolean({
        default: true,
        description: 'Ask connected peers whether this node is reachable from outside (AutoNAT); listeners only.',
      }),
      hole_punch: key.boolean({
        default: true,
        description:
          'Try to turn a relayed connection into a direct one by simultaneous dialling (DCUtR); both sides must allow it.',
      }),
    },
  },
  relay: {
    description: "Caps of a circuit relay run with 'warp relay' (flags override them).",
    keys: {
      max_reservations: key.integer({
        default: 128,
        min: 1,
        max: 100_000,
        description: 'Listeners that may hold a slot at once.',
      }),
      data_limit: key.bytes({
        default: 0,
        min: 0,
        max: 2 ** 50,
        description:
          'Bytes one relayed connection may carry before the relay resets it (the transfer resumes on a new one); 0: no cap.',
      }),
      duration: key.duration({
        default: 0,
        min: 0,
        max: 7 * 24 * 3600_000,
        description: 'How long one relayed connection may stay open; 0: no cap.',
      }),
      rate: key.bytes({
        default: 0,
        min: 0,
        max: 2 ** 40,
        description: 'Bytes per second over all relayed connections together; 0: no cap.',
      }),
    },
  },
  sched: {
    description: 'The scheduler that paces work (CPU or WebGPU).',
    keys: {
      backend: key.enum({
        values: ['auto', 'cpu', 'webgpu'],
        default: 'auto',
        description: 'Where scheduling runs; auto uses WebGPU when available.',
      }),
      tick_hz: key.integer({ default: 20, min: 1, max: 1000, description: 'Scheduling decisions per second.' }),
      policy: key.enum({
        values: ['performance', 'balanced', 'eco', 'cost-conscious', 'quiet', 'custom'],
        default: 'balanced',
        description: 'Trade-off between speed, energy, cost and noise.',
      }),
    },
  },
  sync: {
    description: 'Background sync of folders to a paired peer (`warp sync`, the daemon and the desktop app).',
    keys: {
      debounce: key.duration({
        default: 1500,
        min: 0,
        max: 10 * 60_000,
        description: 'Quiet time after the last change in a folder before it is pushed.',
      }),
      max_wait: key.duration({
        default: 10_000,
        min: 0,
        max: 60 * 60_000,
        description:
          'Longest a change waits while the folder keeps changing (pushed at the latest this long after the first change).',
      }),
      retry: key.duration({
        default: 30_000,
        min: 1000,
        max: 24 * 60 * 60_000,
        description: 'Wait before retrying a job whose sync failed (peer offline, folder missing).',
      }),
    },
  },
  desktop: {
    description: 'The desktop app (Electron) and the web UI: tray, login and first-run behaviour.',
    keys: {
      start_at_login: key.boolean({
        default: false,
        description: 'Start Warp when you log in, in the tray without opening its window.',
      }),
      close_to_tray: key.boolean({
        default: true,
        description:
          'Closing the window keeps Warp running in the tray (syncing, serving peers); quit from the tray menu.',
      }),
      guide_done: key.boolean({
        default: false,
        description:
          'The first-run guide (name this machine, pair a device, choose a sync folder) was finished or skipped; false shows it again at the next start (Help → Getting Started shows it any time).',
      }),
    },
  },
  swarm: {
    description: 'Downloads fed by several peers at once (`warp fetch … --from`), see docs/SWARM.md.',
    keys: {
      per_peer_parallel: key.integer({
        default: 256,
        min: 1,
        max: 1024,
        description:
          'Most chunks in flight per source peer; the depth used is about 0.3 s of that peer at its measured bandwidth, at least 4.',
      }),
      peer_rules: key.list({
        default: [],
        description:
          "Per-peer windows and budgets, one rule per peer: '<peer-id> window=required@09:00-17:00 limit=50GB used=12GB budget=5 price=0.12 min-battery=30'.",
      }),
    },
  },
  daemon: {
    description: 'The background service the desktop app and `warp daemon` use.',
    keys: {
      port: key.integer({
        default: 7650,
        min: 0,
        max: 65535,
        description: 'Port of the local control API; 0 picks a free port.',
      }),
      host: key.string({
        default: '127.0.0.1',
        rule: {
          check: (v) => (v.trim() === '' || /\s/.test(v) ? 'a host name or address without spaces' : undefined),
          allowed: 'a host name or IP address',
        },
        description: 'Address the control API binds to; keep it on loopback unless you know why not.',
      }),
    },
  },
} as const satisfies Schema;

export type WarpSchema = typeof CONFIG_SCHEMA;
export type SectionName = keyof WarpSchema & string;

/** The resolved, validated config the engine reads: `config.archive.chunkAvg` is a number of bytes. */
export type WarpConfig = ConfigOf<WarpSchema>;
