/**
 * Keyboard navigation in the lists of the file and history views: ↓/j and ↑/k move between
 * rows, Enter opens, Backspace/h goes to the parent (when the list has one). Rows are the
 * links marked `data-row` inside the element given; typing in a field is never intercepted.
 */
import { onCleanup } from 'solid-js';

export function createListKeyboard(list: () => HTMLElement | undefined, onParent?: () => void): void {
  const handler = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target as HTMLElement | null;
    if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
    const root = list();
    if (!root) return;
    const rows = [...root.querySelectorAll<HTMLElement>('[data-row]')];
    if (rows.length === 0) return;
    const at = rows.indexOf(document.activeElement as HTMLElement);
    let next: number | null = null;
    if (event.key === 'ArrowDown' || event.key === 'j') next = at < 0 ? 0 : Math.min(at + 1, rows.length - 1);
    else if (event.key === 'ArrowUp' || event.key === 'k') next = at < 0 ? 0 : Math.max(at - 1, 0);
    else if ((event.key === 'Backspace' || event.key === 'h') && onParent) {
      event.preventDefault();
      onParent();
      return;
    }
    if (next === null) return;
    event.preventDefault();
    rows[next]?.focus();
  };
  document.addEventListener('keydown', handler);
  onCleanup(() => document.removeEventListener('keydown', handler));
}
