/**
 * Typed errors of the Yjs relay. Each has a literal `code` callers switch on, and `data` a
 * person can act on; nobody matches on message text.
 */

/** A WebSocket URL that does not name a document: `/yjs/OWNER/REPO/DOC` with strict names. */
export class DocPathError extends Error {
  readonly code = 'yjs_bad_doc_path' as const;
  constructor(
    message: string,
    readonly data: { path: string; part?: 'owner' | 'repo' | 'doc' },
  ) {
    super(message);
    this.name = 'DocPathError';
  }
}

/** A frame a client sent that is not a well-formed y-websocket message. Closes that socket. */
export class MalformedMessageError extends Error {
  readonly code = 'yjs_malformed_message' as const;
  constructor(
    message: string,
    readonly data: { bytes: number; reason: string },
  ) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

/** An environment variable of the Yjs relay with a value it cannot use. */
export class YjsConfigError extends Error {
  readonly code = 'yjs_bad_config' as const;
  constructor(
    message: string,
    readonly data: { variable: string; value: string },
  ) {
    super(message);
    this.name = 'YjsConfigError';
  }
}
