import type { SectionId } from './ControlCenter.tsx';

const PATHS: Record<SectionId, string> = {
  users: 'M10 10a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zm-6.5 7c0-3.3 2.9-5.5 6.5-5.5s6.5 2.2 6.5 5.5',
  groups: 'M7 9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm6.5 0a2.5 2.5 0 1 0 0-5M1.5 17c0-3 2.5-5 5.5-5s5.5 2 5.5 5m1-5c2.7 0 5 1.8 5 4.6',
  roles: 'M10 2l6.5 2.5v5c0 4-2.8 6.8-6.5 8.5-3.7-1.7-6.5-4.5-6.5-8.5v-5zm-2.8 8l2 2 3.8-4',
  audit: 'M5 2.5h7l3.5 3.5v11.5h-10.5zm7 0v3.5h3.5M7.5 10h6m-6 3h6m-6-6h2.5',
  signins: 'M8 3.5h-4v13h4m4-9.5l3.5 3-3.5 3m3.5-3h-9',
  tokens: 'M6 2.5h8v15h-8zm2 3h4v3h-4zm0 6h1m2 0h1m-4 2.5h1m2 0h1',
  policies: 'M10 2.5l6.5 3v4.5c0 3.8-2.7 6.5-6.5 7.5-3.8-1-6.5-3.7-6.5-7.5v-4.5zm-3 8h6m-3-3v6',
  methods: 'M6.5 3.5a3.5 3.5 0 1 1 0 7 3.5 3.5 0 0 1 0-7zm2.5 5.5l7.5 7.5m-3-3l2-2m-4.5-0.5l2-2',
  apps: 'M3 3h6v6h-6zm8 0h6v6h-6zm-8 8h6v6h-6zm11 0v6m-3-3h6',
};

/** Outline icons for the navigation (decorative; the link text names the section). */
export function SectionIcon({ id }: { id: SectionId }) {
  return (
    <svg className="nav-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
      <path d={PATHS[id]} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
