/**
 * The drawn pipeline as a standalone SVG file (the "SVG" export): boxes where cytoscape put them,
 * with the fill, border and label it shows, and each edge through its bends with an arrowhead.
 * Built from plain data so it needs no cytoscape extension and is easy to check.
 */

export interface SvgNode {
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
  fill: string;
  stroke: string;
  dashed: boolean;
}

export interface SvgEdge {
  /** From the source's border to the target's border, through any bends. */
  points: { x: number; y: number }[];
  color: string;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => Number(v.toFixed(1));

export function graphSvg(nodes: SvgNode[], edges: SvgEdge[], colors: { bg: string; fg: string }): string {
  const pad = 24;
  const xs = nodes.flatMap((v) => [v.x - v.w / 2, v.x + v.w / 2]);
  const ys = nodes.flatMap((v) => [v.y - v.h / 2, v.y + v.h / 2]);
  const x0 = Math.min(...xs, 0) - pad;
  const y0 = Math.min(...ys, 0) - pad;
  const width = Math.max(...xs, 0) - x0 + pad;
  const height = Math.max(...ys, 0) - y0 + pad;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${n(x0)} ${n(y0)} ${n(width)} ${n(height)}" width="${n(width)}" height="${n(height)}" font-family="ui-monospace, SFMono-Regular, Menlo, monospace" font-size="12">`,
    `<rect x="${n(x0)}" y="${n(y0)}" width="${n(width)}" height="${n(height)}" fill="${xml(colors.bg)}"/>`,
  ];
  edges.forEach((e, i) => {
    if (e.points.length < 2) return;
    const d = e.points.map((p, k) => `${k === 0 ? 'M' : 'L'}${n(p.x)} ${n(p.y)}`).join(' ');
    out.push(
      `<marker id="a${i}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${xml(e.color)}"/></marker>`,
      `<path d="${d}" fill="none" stroke="${xml(e.color)}" stroke-width="1.5" marker-end="url(#a${i})"/>`,
    );
  });
  for (const v of nodes) {
    const dash = v.dashed ? ' stroke-dasharray="5 3"' : '';
    out.push(
      `<rect x="${n(v.x - v.w / 2)}" y="${n(v.y - v.h / 2)}" width="${n(v.w)}" height="${n(v.h)}" rx="5" fill="${xml(v.fill)}" stroke="${xml(v.stroke)}" stroke-width="1.5"${dash}/>`,
      `<text x="${n(v.x)}" y="${n(v.y)}" fill="${xml(colors.fg)}" text-anchor="middle" dominant-baseline="central">${xml(v.label)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
