import { Switch } from '../../components/Switch.tsx';
import { TextField } from '../../components/TextField.tsx';
import type { TapConfiguration } from './types.ts';

type NumberKey = 'minimumLifetimeInMinutes' | 'defaultLifetimeInMinutes' | 'maximumLifetimeInMinutes' | 'defaultLength';
const FIELDS: Array<[NumberKey, string, string]> = [
  ['minimumLifetimeInMinutes', 'Minimum lifetime (minutes)', '10 to 43200 (30 days)'],
  ['defaultLifetimeInMinutes', 'Default lifetime (minutes)', 'Between the minimum and the maximum'],
  ['maximumLifetimeInMinutes', 'Maximum lifetime (minutes)', '10 to 43200 (30 days)'],
  ['defaultLength', 'Length (characters)', '8 to 48'],
];

/** Temporary Access Pass lifetimes, length and one-time use; the server checks min ≤ default ≤ max and says why not. */
export function TapSettings({ value, onChange }: { value: TapConfiguration; onChange(next: TapConfiguration): void }) {
  return (
    <>
      <h3 className="section-title">Pass settings</h3>
      <div className="panel-section">
        <div className="methods-fields">
          {FIELDS.map(([key, label, hint]) => (
            <TextField
              key={key}
              label={label}
              hint={hint}
              type="number"
              inputMode="numeric"
              value={String(value[key])}
              onChange={(v) => onChange({ ...value, [key]: v === '' ? 0 : Math.trunc(Number(v)) })}
            />
          ))}
        </div>
        <Switch
          label="One-time use (the pass works for a single sign-in)"
          checked={value.isUsableOnce}
          onChange={(v) => onChange({ ...value, isUsableOnce: v })}
        />
      </div>
    </>
  );
}
