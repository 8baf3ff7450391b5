/** Share links (issue 17): end-to-end encrypted shares served as ciphertext by the daemon. */
export { createShare, type CreateShareOptions, type CreatedShare } from './create.ts';
export { fetchShare, type FetchShareOptions, type FetchShareResult } from './fetch.ts';
export { formatShareLink, looksLikeShareLink, parseDurationSeconds, parseShareLink, shareLinkBase } from './format.ts';
export { ShareHost } from './host.ts';
export {
  ShareStore,
  shareStatus,
  type ShareExtension,
  type ShareInfo,
  type ShareMeta,
  type ShareStatus,
} from './store.ts';
