import { useState } from 'react';

/**
 * A secret the server returns once (a client secret, a Temporary Access Pass): the value in a
 * read-only monospace box, a Copy button, and the warning that it cannot be shown again.
 */
export function OneTimeSecret({ label, value, note }: { label: string; value: string; note: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="alert alert-success" role="status" aria-label={label}>
      <div style={{ flex: 1, minWidth: 0 }}>
        <strong className="alert-title">{label}</strong>
        <p className="alert-message">
          <strong>Copy it now: you won't see it again.</strong> {note}
        </p>
        <div className="button-row" style={{ justifyContent: 'flex-start', alignItems: 'center', marginTop: 8 }}>
          <input
            className="input token-input"
            readOnly
            value={value}
            aria-label={`${label} value`}
            data-testid="one-time-secret"
            onFocus={(e) => e.currentTarget.select()}
            spellCheck={false}
          />
          <button type="button" className="btn btn-secondary" onClick={() => void copy()}>
            {copied === 'yes' ? 'Copied' : 'Copy'}
          </button>
        </div>
        {copied === 'failed' ? <p className="hint">The browser did not allow copying: select the text and copy it yourself.</p> : null}
      </div>
    </div>
  );
}
