/**
 * The words for a stage's status reasons, as `cairn status` / `dvc status` say them
 * ("params changed", "deps modified: data/prepared"), and for a pipeline diff's changes.
 */
import type { StageChange, StatusReason } from '@cairn/core';

const short = (v: unknown) => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? '—' : s.length > 60 ? `${s.slice(0, 57)}…` : s;
};

export function reasonText(r: StatusReason): string {
  switch (r.kind) {
    case 'not_in_lock':
      return 'never run (not in dvc.lock)';
    case 'always_changed':
      return 'always changed';
    case 'cmd_changed':
      return 'command changed';
    case 'dep_modified':
      return `deps modified: ${r.path}`;
    case 'dep_new':
      return `deps new: ${r.path}`;
    case 'dep_deleted':
      return `deps deleted: ${r.path}`;
    case 'out_missing':
      return `outs missing: ${r.path}`;
    case 'out_modified':
      return `outs modified: ${r.path}`;
    case 'out_new':
      return `outs new: ${r.path}`;
    case 'params_changed':
      return r.change === 'modified'
        ? `params changed: ${r.key} ${short(r.old)} → ${short(r.new)}`
        : `params changed: ${r.key} ${r.change}`;
    case 'upstream_changed':
      return `upstream changed: ${r.stage}`;
  }
}

export function changeText(c: StageChange): string {
  const what =
    c.field === 'dep_hash'
      ? 'dep hash'
      : c.field === 'out_hash'
        ? 'out hash'
        : c.field === 'params'
          ? 'param'
          : c.field === 'deps'
            ? 'dep'
            : c.field === 'outs'
              ? 'out'
              : c.field;
  const subject = c.subject ? ` ${c.subject}` : '';
  if (c.change === 'modified') return `${what}${subject}: ${short(c.old)} → ${short(c.new)}`;
  return `${what}${subject} ${c.change}`;
}
