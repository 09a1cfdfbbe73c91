import { useId, type InputHTMLAttributes } from 'react';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'onChange' | 'value'> & {
  label: string;
  value: string;
  onChange(value: string): void;
  hint?: string;
  error?: string | null;
};

/** A labelled input with a hint or an error message tied to it by aria-describedby. */
export function TextField({ label, value, onChange, hint, error, required, ...rest }: Props) {
  const id = useId();
  const noteId = `${id}-note`;
  const note = error ?? hint;
  return (
    <div className="form-row">
      <label htmlFor={id} className="label">
        {label}
        {required ? (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      <input
        id={id}
        className="input"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={note ? noteId : undefined}
        {...rest}
      />
      {note ? (
        <p id={noteId} className={error ? 'field-error' : 'hint'}>
          {note}
        </p>
      ) : null}
    </div>
  );
}
