/// <reference types="vite/client" />
/**
 * Test-only: the real DVC and DagsHub files of test/fixtures (each set's README names its origin
 * and licence), loaded through Vite's import.meta.glob so core stays free of `fs`. Keys are paths
 * relative to the fixtures folder.
 */
const raw = import.meta.glob('../../../../test/fixtures/**/*.{dvc,yaml,yml,lock,csv,json}', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export const fixtures: Record<string, string> = Object.fromEntries(
  Object.entries(raw).map(([k, v]) => [k.replace(/^.*\/test\/fixtures\//, ''), v]),
);

export function fixture(name: string): string {
  const text = fixtures[name];
  if (text === undefined) throw new Error(`fixture ${name} not found (have ${Object.keys(fixtures).length})`);
  return text;
}
