/** A labelled, read-only block of text (a URL or commands) with a Copy button that says when it copied. */
import { createSignal, createUniqueId } from 'solid-js';

export function CopyField(props: { label: string; text: string; testId?: string; multiline?: boolean }) {
  const id = createUniqueId();
  const [copied, setCopied] = createSignal<'yes' | 'no' | null>(null);
  let field: HTMLInputElement | HTMLTextAreaElement | undefined;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setCopied('yes');
    } catch {
      // No clipboard permission (an http page, an old browser): select it for Ctrl+C instead.
      field?.select();
      setCopied('no');
    }
    setTimeout(() => setCopied(null), 2500);
  };
  return (
    <div class="copy-field">
      <label for={id}>{props.label}</label>
      <div class="copy-row">
        {props.multiline ? (
          <textarea
            id={id}
            ref={(el) => (field = el)}
            readOnly
            rows={props.text.split('\n').length}
            value={props.text}
            data-testid={props.testId}
            onFocus={(e) => e.currentTarget.select()}
            spellcheck={false}
          />
        ) : (
          <input
            id={id}
            ref={(el) => (field = el)}
            readOnly
            value={props.text}
            data-testid={props.testId}
            onFocus={(e) => e.currentTarget.select()}
            spellcheck={false}
          />
        )}
        <button type="button" class="button" onClick={() => void copy()} aria-label={`Copy ${props.label}`}>
          {copied() === 'yes' ? 'Copied' : copied() === 'no' ? 'Press Ctrl+C' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
