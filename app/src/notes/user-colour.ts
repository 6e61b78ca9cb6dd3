/** How a person appears in a note: their account name and a colour of their own, stable across devices. */

export interface NoteUser {
  name: string;
  color: string;
  colorLight: string;
}

/** @example noteUser('ada').color // the same hsl(...) on every device */
export function noteUser(name: string): NoteUser {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  const hue = (h >>> 0) % 360;
  return { name, color: `hsl(${hue} 70% 45%)`, colorLight: `hsl(${hue} 70% 45% / 0.25)` };
}
