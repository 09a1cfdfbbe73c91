import { useEffect, useId, useRef, type ReactNode } from 'react';

interface ModalProps {
  title: ReactNode;
  /** Secondary line under the title. */
  subtitle?: ReactNode;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  /** `dialog` is centred; `drawer` slides in from the right for detail panels. */
  variant?: 'dialog' | 'drawer';
}

/**
 * A modal built on the native <dialog> element (showModal): focus moves inside and is trapped,
 * Escape closes, the page behind is inert, and the title labels it for screen readers.
 */
export function Modal({ title, subtitle, onClose, children, footer, variant = 'dialog' }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    const onCancel = (e: Event) => {
      e.preventDefault();
      closeRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`modal modal-${variant}`}
      aria-labelledby={titleId}
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) closeRef.current();
      }}
    >
      <div className="modal-panel">
        <header className="modal-header">
          <div>
            <h2 id={titleId} className="modal-title">
              {title}
            </h2>
            {subtitle ? <p className="modal-subtitle">{subtitle}</p> : null}
          </div>
          <button type="button" className="icon-btn" aria-label="Close" onClick={() => closeRef.current()}>
            <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
              <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
            </svg>
          </button>
        </header>
        <div className="modal-body">{children}</div>
        {footer ? <footer className="modal-footer">{footer}</footer> : null}
      </div>
    </dialog>
  );
}

/** The footer of a form dialog: Cancel, and the submit button of form `formId` with a spinner while saving. */
export function FormDialogFooter({ formId, saving, label, savingLabel, onCancel }: { formId: string; saving: boolean; label: string; savingLabel: string; onCancel(): void }) {
  return (
    <>
      <button type="button" className="btn btn-secondary" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" form={formId} className="btn btn-primary" disabled={saving} aria-busy={saving}>
        {saving ? <span className="spinner-ring spinner-ring-small" aria-hidden="true" /> : null}
        {saving ? savingLabel : label}
      </button>
    </>
  );
}
