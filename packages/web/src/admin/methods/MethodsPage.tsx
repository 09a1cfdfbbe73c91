import { MethodEditor } from './MethodEditor.tsx';
import { MethodList } from './MethodList.tsx';
import { NamedLocations } from './NamedLocations.tsx';
import { PasskeyTrust } from './PasskeyTrust.tsx';
import { StrengthsTab } from './StrengthsTab.tsx';
import { METHODS, type MethodId } from './types.ts';
import { TabNav } from '../../components/TabNav.tsx';

const TABS = [
  { id: null, label: 'Methods', href: '/admin/methods' },
  { id: 'trust', label: 'Passkey trust', href: '/admin/methods/trust' },
  { id: 'strengths', label: 'Authentication strengths', href: '/admin/methods/strengths' },
  { id: 'locations', label: 'Named locations', href: '/admin/methods/locations' },
] as const;

/** /admin/methods[/…]: the methods policy and per-method editor, passkey trust, authentication strengths, named locations. */
export function MethodsPage({ selectedId }: { selectedId: string | null }) {
  const tab = TABS.find((t) => t.id === selectedId)?.id ?? null;
  const method = selectedId && selectedId in METHODS ? (selectedId as MethodId) : null;
  return (
    <section aria-labelledby="methods-heading" className="methods-page">
      <div className="page-head">
        <div>
          <h1 id="methods-heading" className="page-title">
            Authentication methods
          </h1>
          <p className="page-lead">
            Which methods people may use and register, which passkeys are trusted, and the strengths policies can require.
          </p>
        </div>
      </div>
      <TabNav label="Authentication methods" tabs={TABS} current={tab} />
      {tab === 'trust' ? (
        <PasskeyTrust />
      ) : tab === 'strengths' ? (
        <StrengthsTab />
      ) : tab === 'locations' ? (
        <NamedLocations />
      ) : method ? (
        <MethodEditor key={method} id={method} />
      ) : (
        <MethodList />
      )}
    </section>
  );
}
