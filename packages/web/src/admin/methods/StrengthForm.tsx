import { useState, type FormEvent } from 'react';
import { TextField } from '../../components/TextField.tsx';
import { AaguidList } from './AaguidList.tsx';
import { useRawApi } from './methodsApi.ts';
import { ProblemAlert } from './ProblemAlert.tsx';
import type { Strength } from './types.ts';

const BASE = '/identity/conditionalAccess/authenticationStrength/policies';
const FIDO2_CONFIG = '#microsoft.graph.fido2CombinationConfiguration';

/**
 * Create or edit a custom strength: name, description, the valid combinations as checkboxes and an
 * optional AAGUID list for fido2. The server validates (its messages are shown); changes to a
 * strength a policy uses go through the lockout guard, which needs an explicit "apply anyway".
 */
export function StrengthForm({
  existing,
  combinations,
  onDone,
  onCancel,
}: {
  existing: Strength | null;
  combinations: string[];
  onDone(): void;
  onCancel(): void;
}) {
  const raw = useRawApi();
  const [name, setName] = useState(existing?.displayName ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [chosen, setChosen] = useState<string[]>(existing?.allowedCombinations ?? []);
  const [aaguids, setAaguids] = useState<string[]>(existing?.combinationConfigurations[0]?.allowedAAGUIDs ?? []);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const hasFido2 = chosen.includes('fido2');

  const save = async (confirm: boolean) => {
    setBusy(true);
    setProblem(null);
    const q = confirm ? '?confirmLockout=true' : '';
    const allowedAAGUIDs = hasFido2 ? aaguids : [];
    try {
      if (!existing) {
        await raw.send('POST', BASE, {
          displayName: name,
          description: description || null,
          allowedCombinations: chosen,
          ...(allowedAAGUIDs.length
            ? { combinationConfigurations: [{ '@odata.type': FIDO2_CONFIG, allowedAAGUIDs, appliesToCombinations: ['fido2'] }] }
            : {}),
        });
      } else {
        const path = `${BASE}/${existing.id}`;
        const now = await raw.get<Strength>(path);
        if (now.displayName !== name || (now.description ?? '') !== description)
          await raw.send('PATCH', path, { displayName: name, description: description || null });
        const config = now.combinationConfigurations[0];
        const aaguidsChanged = JSON.stringify(config?.allowedAAGUIDs ?? []) !== JSON.stringify(allowedAAGUIDs);
        if (config && aaguidsChanged) await raw.send('DELETE', `${path}/combinationConfigurations/${config.id}`);
        if (JSON.stringify(now.allowedCombinations) !== JSON.stringify(chosen))
          await raw.send('POST', `${path}/updateAllowedCombinations${q}`, { allowedCombinations: chosen });
        if (aaguidsChanged && allowedAAGUIDs.length)
          await raw.send('POST', `${path}/combinationConfigurations${q}`, {
            '@odata.type': FIDO2_CONFIG,
            allowedAAGUIDs,
            appliesToCombinations: ['fido2'],
          });
      }
      onDone();
    } catch (e) {
      setProblem(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(false);
  };

  return (
    <form
      className="card"
      onSubmit={submit}
      aria-label={existing ? `Edit ${existing.displayName}` : 'New custom strength'}
      style={{ marginBottom: 16 }}
    >
      <h2 className="section-title methods-card-title">{existing ? `Edit “${existing.displayName}”` : 'New custom strength'}</h2>
      <div className="methods-fields-wide">
        <TextField label="Name" value={name} onChange={setName} required maxLength={30} hint="Up to 30 characters, unique" />
        <TextField label="Description" value={description} onChange={setDescription} maxLength={256} />
      </div>
      <fieldset style={{ border: 'none', padding: 0, margin: '8px 0' }}>
        <legend className="label">Allowed combinations (any one satisfies the strength)</legend>
        <div className="methods-checks">
          {combinations.map((c) => (
            <label key={c} className="checkbox small">
              <input
                type="checkbox"
                checked={chosen.includes(c)}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, c] : chosen.filter((x) => x !== c))}
              />{' '}
              {c.split(',').join(' + ')}
            </label>
          ))}
        </div>
      </fieldset>
      {hasFido2 ? (
        <div className="panel-section">
          <p className="label">Passkeys: only these authenticators (optional; empty allows every passkey)</p>
          <AaguidList label="Allowed AAGUIDs for fido2" value={aaguids} onChange={setAaguids} />
        </div>
      ) : null}
      {problem ? <ProblemAlert error={problem} onConfirm={() => void save(true)} busy={busy} /> : null}
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : existing ? 'Save strength' : 'Create strength'}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
