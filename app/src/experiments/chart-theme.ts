/**
 * Colours for the experiments charts, from the page's theme (light or dark) and updated when
 * it changes, and a colour per run that stays distinct for many runs on either background.
 * Canvases cannot use CSS variables, so the charts read these when they draw.
 */
import { createRoot, createSignal } from 'solid-js';

export interface ChartTheme {
  dark: boolean;
  /** Titles and axis names. */
  text: string;
  /** Tick labels. */
  muted: string;
  /** Axis lines and grid. */
  grid: string;
  background: string;
}

const [version, setVersion] = createRoot(() => createSignal(0));
let watching = false;

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** The theme's chart colours; reactive (a chart drawn in an effect redraws on a theme switch). */
export function chartTheme(): ChartTheme {
  version();
  if (!watching && typeof MutationObserver !== 'undefined') {
    watching = true;
    new MutationObserver(() => setVersion((v) => v + 1)).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
  }
  const dark = document.documentElement.dataset.theme === 'dark';
  return {
    dark,
    text: cssVar('--fg', dark ? '#e6edf3' : '#1f2328'),
    muted: cssVar('--muted', dark ? '#9198a1' : '#59636e'),
    grid: cssVar('--border', dark ? '#3d444d' : '#d1d9e0'),
    background: cssVar('--bg', dark ? '#0d1117' : '#ffffff'),
  };
}

/** Ten well-separated hues (Tableau 10 order), for the first runs. */
const HUES = [211, 28, 358, 175, 110, 48, 300, 340, 25, 190];

/**
 * The colour of the i-th run: ten distinct hues, then the same hues at a second lightness,
 * then hues spread by the golden angle. Darker on light backgrounds, lighter on dark ones, so
 * every line keeps its contrast.
 */
export function runColor(i: number, dark: boolean): string {
  const hue = i < 20 ? (HUES[i % 10] as number) : Math.round((i * 137.508) % 360);
  const second = Math.floor(i / 10) % 2 === 1;
  const light = dark ? (second ? 78 : 62) : second ? 32 : 45;
  const sat = second ? 55 : 70;
  return `hsl(${hue} ${sat}% ${light}%)`;
}
