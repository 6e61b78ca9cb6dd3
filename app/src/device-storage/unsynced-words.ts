/**
 * The work a removal would lose, in sentences a person can check before confirming. Pure.
 */
import type { UnsyncedWork } from './device-copy.ts';
import { onlyHereWarning } from './drop-plan.ts';

export function lossWords(work: UnsyncedWork): string[] {
  const lines: string[] = [];
  if (work.localOnly) lines.push('It has no server: its commits, data and notes exist only on this device.');
  else if (work.goneFromServer) {
    lines.push('The server no longer has it: this copy of its commits, data and notes may be the only one left.');
  } else if (work.unpushedCommits) lines.push('Commits not yet pushed to the server.');
  const data = onlyHereWarning(work.onlyHere);
  if (data && !work.localOnly) {
    lines.push(work.serverUnreachable ? `The server could not be asked about data. ${data}` : data);
  }
  if (work.pendingNotes.length > 0) {
    const n = work.pendingNotes.length;
    lines.push(
      `${n === 1 ? '1 note has' : `${n} notes have`} edits not yet sent: ${work.pendingNotes.slice(0, 5).join(', ')}${n > 5 ? ` and ${n - 5} more` : ''}.`,
    );
  }
  return lines;
}
