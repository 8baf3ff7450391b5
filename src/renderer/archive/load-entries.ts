/** Every entry of an archive, a page at a time (archive.list answers at most LIST_PAGE per call). */
import type { ArchiveEntryDto, ArchiveSecret } from '../../shared/bridge.ts';
import { bridge } from '../bridge/index.ts';

export const LIST_PAGE = 50_000;

export async function loadAllEntries(
  archive: string,
  secret: ArchiveSecret,
  onPage?: (loaded: number, total: number) => void,
): Promise<ArchiveEntryDto[]> {
  const out: ArchiveEntryDto[] = [];
  for (;;) {
    const page = await bridge().archive.list({ archive, offset: out.length, limit: LIST_PAGE, ...secret });
    for (const e of page.entries) out.push(e);
    onPage?.(out.length, page.total);
    if (page.entries.length === 0 || out.length >= page.total) return out;
  }
}
