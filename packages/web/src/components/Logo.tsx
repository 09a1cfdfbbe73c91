/** The Latchkey mark and word. */
export function Logo({ subtitle, stacked = false }: { subtitle?: string; stacked?: boolean }) {
  return (
    <div className={stacked ? 'logo logo-stacked' : 'logo'}>
      <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
        <rect width="32" height="32" rx="7" fill="currentColor" />
        <circle cx="13" cy="14" r="5.5" fill="none" stroke="#fff" strokeWidth="2.6" />
        <path d="M17 18l7 7m-3-3l2-2m-4.5-.5l2-2" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" />
      </svg>
      <span className="logo-word">Latchkey</span>
      {subtitle ? <span className="logo-sub">{subtitle}</span> : null}
    </div>
  );
}
