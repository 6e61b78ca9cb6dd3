import type { ServerContext } from '../context.ts';
import { type Importer, makeImporter } from './import.ts';

/** The importer of a server context, shared by the API (imports) and git (periodic sync, read-only mirrors). */
const memo = new WeakMap<ServerContext, Importer>();

export function getImporter(ctx: ServerContext): Importer {
  let i = memo.get(ctx);
  if (!i) {
    i = makeImporter(ctx);
    memo.set(ctx, i);
  }
  return i;
}
