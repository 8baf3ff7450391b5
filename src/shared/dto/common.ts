/**
 * The contract's shapes every part uses: what the engine host says of itself (InfoDto), the id a long
 * operation answers at once (JobRef; its progress comes as events), and the answer of a remove.
 * Plain JSON types only (see bridge.ts for the rules).
 */
// ---- info ----

export interface InfoDto {
  version: string;
  /** This installation's libp2p peer id. */
  peerId: string;
  home: string;
  host: 'electron' | 'daemon';
  platform: string;
  startedAt: string;
  /** Where the engine's listener accepts peers (host:port), when it runs. */
  listen?: string;
  features: { sync: boolean; swarm: boolean; upload: boolean; webgpu?: boolean };
}

// ---- jobs ----

export interface JobRef {
  /** The job id; events carry it as `job`. */
  job: string;
}

/** The answer of a remove: false when there was nothing by that id. */
export interface RemoveResult {
  removed: boolean;
}
