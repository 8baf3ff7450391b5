/** Navigation: a sidebar on wide screens, a bottom tab bar at phone width (styles.css switches). */
import { useJobs, isActive, isTransfer } from '../store/jobs.ts';
import { PAGES, type PageId } from '../route.ts';
import { shortcutOf } from '../shortcuts.ts';

export function Sidebar({ page }: { page: PageId }) {
  const active = useJobs((s) => Object.values(s.jobs).filter((j) => isActive(j) && isTransfer(j)).length);
  return (
    <nav className="sidebar" aria-label="main">
      <div className="brand">
        <span className="logo" aria-hidden>
          W
        </span>
        <span className="brand-name">Warp</span>
      </div>
      <ul>
        {PAGES.map((p) => (
          <li key={p.id}>
            <a
              href={`#/${p.id}`}
              className={p.id === page ? 'active' : ''}
              aria-current={p.id === page ? 'page' : undefined}
              data-testid={`nav-${p.id}`}
              title={`${p.label} (${shortcutOf(`page:${p.id}`)})`}
            >
              <span className="nav-icon" aria-hidden>
                {p.icon}
              </span>
              <span className="nav-label">{p.label}</span>
              {p.id === 'transfers' && active > 0 && <span className="nav-count">{active}</span>}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
