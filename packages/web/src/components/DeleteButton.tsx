/** The small "Delete" button of a list row; its accessible name says what it deletes ("Delete <name>"). */
export function DeleteButton({ name, onClick, disabled = false }: { name: string; onClick(): void; disabled?: boolean }) {
  return (
    <button type="button" className="btn btn-danger-outline btn-small" aria-label={`Delete ${name}`} disabled={disabled} onClick={onClick}>
      Delete
    </button>
  );
}
