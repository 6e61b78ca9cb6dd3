import { createSignal } from 'solid-js';

type Theme = 'light' | 'dark';
const STORAGE_KEY = 'cairn.theme';

function initialTheme(): Theme {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Light and dark themes; the choice is remembered on this device. */
export function ThemeToggle() {
  const [theme, setTheme] = createSignal<Theme>(initialTheme());
  document.documentElement.dataset.theme = theme();
  const toggle = () => {
    const next: Theme = theme() === 'dark' ? 'light' : 'dark';
    setTheme(next);
    document.documentElement.dataset.theme = next;
    localStorage.setItem(STORAGE_KEY, next);
  };
  return (
    <button type="button" class="icon-button" onClick={toggle} title="Switch theme">
      {theme() === 'dark' ? 'Light' : 'Dark'}
    </button>
  );
}
