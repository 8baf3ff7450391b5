/**
 * Rules that involve more than one key. Each names the keys it reads so a failure can say where each value
 * came from. Add new rules here next to the schema entries they constrain.
 */
import type { WarpConfig } from './schema.ts';

export interface CrossCheck<C> {
  /** 'section.key' names (snake_case) of the keys the rule reads. */
  readonly keys: readonly string[];
  /** What is wrong, or undefined when the rule holds. */
  readonly check: (config: C) => string | undefined;
}

export const CONFIG_CHECKS: readonly CrossCheck<WarpConfig>[] = [
  {
    keys: ['archive.chunk_min', 'archive.chunk_avg', 'archive.chunk_max'],
    check: ({ archive: a }) =>
      a.chunkMin <= a.chunkAvg && a.chunkAvg <= a.chunkMax
        ? undefined
        : 'chunk sizes must satisfy archive.chunk_min <= archive.chunk_avg <= archive.chunk_max',
  },
];
