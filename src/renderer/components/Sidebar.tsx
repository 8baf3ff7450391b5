/** Navigation: a sidebar on wide screens, a bottom tab bar at phone width (styles.css switches). */
import { useJobs, isActive, isTransfer } from '../store/jobs.ts';
import { useT } from '../i18n/index.ts';
import { PAGES, type PageId } from '../route.ts';
import { shortcutOf } from '../shortcuts.ts';

export function Sidebar({ page }: { page: PageId }) {
  const t = useT();
  const active = useJobs((s) => Object.values(s.jobs).filter((j) => isActive(j) && isTransfer(j)).length);
  return (
    <nav className="sidebar" aria-label={t('shell.navLabel')}>
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
              title={t('shell.navTitle', { page: t(`pages.${p.id}`), key: shortcutOf(`page:${p.id}`) })}
            >
              <span className="nav-icon" aria-hidden>
                {p.icon}
              </span>
              <span className="nav-label">{t(`pages.${p.id}`)}</span>
              {p.id === 'transfers' && active > 0 && <span className="nav-count">{active}</span>}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
