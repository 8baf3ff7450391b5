/** What a finished verify found: a green line when the archive is intact, else the damaged files by name. */
import type { VerifyReportDto } from '../../shared/bridge.ts';
import type { JobView } from '../store/jobs.ts';

const SHOWN = 50;

export function VerifyReport({ job }: { job: JobView }) {
  const r = job.result as Partial<VerifyReportDto> | undefined;
  if (!r || r.ok === undefined) return null;
  if (r.ok)
    return (
      <p className="small ok-text" style={{ gridColumn: '1 / -1', margin: 0 }} data-testid="verify-ok">
        Intact: all {r.files} files and {r.chunks} chunks match their hashes, and the Merkle root matches.
      </p>
    );
  const files = r.badFiles ?? [];
  return (
    <div className="error-note" role="alert" style={{ gridColumn: '1 / -1' }} data-testid="verify-damaged">
      <b>This archive is damaged.</b>{' '}
      {files.length > 0
        ? `${files.length} ${files.length === 1 ? 'file is' : 'files are'} damaged; the other files are intact.`
        : 'Its file list no longer matches its contents.'}
      {r.merkleRootOk === false && " The archive's overall checksum (Merkle root) does not match."}
      {files.length > 0 && (
        <ul className="damage-list" data-testid="damaged-files">
          {files.slice(0, SHOWN).map((f) => (
            <li key={f.path}>
              <span className="mono">{f.path}</span> <span className="muted">— {f.reason}</span>
            </li>
          ))}
          {files.length > SHOWN && <li className="muted">and {files.length - SHOWN} more</li>}
        </ul>
      )}
    </div>
  );
}
