import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal confirmation or form, on the browser's own <dialog>: showModal() keeps focus inside, makes
 * the page behind inert and closes on Escape, so no focus trap of our own is needed.
 * Its content mounts only while open, so each opening starts fresh.
 */
/** `wide`: room for a table (the users editor), up to the window's width. */
export function Dialog({ open, title, onClose, children, wide = false }: { open: boolean; title: string; onClose(): void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className={wide ? 'card dialog wide' : 'card dialog'} aria-labelledby={titleId} onClose={onClose}>
      {open ? <><h2 id={titleId}>{title}</h2>{children}</> : null}
    </dialog>
  );
}
