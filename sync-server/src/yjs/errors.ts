/**
 * Typed errors of the Yjs relay. Each has a literal `code` callers switch on, and `data` a
 * person can act on; nobody matches on message text.
 */
import { CairnError } from '@cairn/core/errors';

/** A WebSocket URL that does not name a document: `/yjs/OWNER/REPO/DOC` with strict names. */
export class DocPathError extends CairnError<'yjs_bad_doc_path', { path: string; part?: 'owner' | 'repo' | 'doc' }> {
  constructor(message: string, data: { path: string; part?: 'owner' | 'repo' | 'doc' }) {
    super('yjs_bad_doc_path', message, data);
    this.name = 'DocPathError';
  }
}

/** A frame a client sent that is not a well-formed y-websocket message. Closes that socket. */
export class MalformedMessageError extends CairnError<'yjs_malformed_message', { bytes: number; reason: string }> {
  constructor(message: string, data: { bytes: number; reason: string }) {
    super('yjs_malformed_message', message, data);
    this.name = 'MalformedMessageError';
  }
}

/** An environment variable of the Yjs relay with a value it cannot use. */
export class YjsConfigError extends CairnError<'yjs_bad_config', { variable: string; value: string }> {
  constructor(message: string, data: { variable: string; value: string }) {
    super('yjs_bad_config', message, data);
    this.name = 'YjsConfigError';
  }
}
