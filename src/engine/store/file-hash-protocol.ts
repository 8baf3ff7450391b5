/** Control words shared by file-hash-thread.ts and its worker (an Int32Array over a SharedArrayBuffer). */
export const Ctl = {
  /** Sequence number of the last operation posted by the main thread. */
  REQ: 0,
  /** Sequence number of the last operation the worker finished. */
  DONE: 1,
  OP: 2,
  OFF: 3,
  LEN: 4,
  /** 1 once the worker runs. */
  READY: 5,
  /** 1 when an operation threw (never expected: hashing bytes cannot fail). */
  FAILED: 6,
  WORDS: 8,
} as const;

export const Op = {
  UPDATE: 1,
  /** A new file: reset, then update. */
  RESET_UPDATE: 2,
  DIGEST: 3,
  EXIT: 4,
} as const;
