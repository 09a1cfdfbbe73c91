import { Link } from '../router.tsx';

export interface Tab<Id extends string | null> {
  id: Id;
  label: string;
  href: string;
}

/** A row of tab links (each tab is a URL, so it survives a reload); the current one is marked for screen readers. */
export function TabNav<Id extends string | null>({ label, tabs, current, className = '' }: { label: string; tabs: ReadonlyArray<Tab<Id>>; current: Id; className?: string }) {
  return (
    <nav aria-label={label} className={`button-row tab-nav ${className}`.trim()}>
      {tabs.map((t) => (
        <Link key={t.label} href={t.href} className={`btn btn-small ${t.id === current ? 'btn-primary' : 'btn-secondary'}`} aria-current={t.id === current ? 'page' : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
