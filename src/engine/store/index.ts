/** Content-addressed chunk store and the index of local file ranges (dedup, resume and serving). */
export { ChunkStore } from './chunk-store.ts';
export { FileIndex, paramsKey, type FileChunks, type ChunkLocation } from './file-index.ts';
export { chunkFile, type ChunkFileResult } from './chunk-file.ts';
