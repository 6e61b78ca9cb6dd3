/**
 * Where and why JSON text is invalid. `JSON.parse` on Node 20 says neither line nor column, so
 * after it fails this small scanner walks the text to the first offending character. Only
 * called on text already limited in depth, so its recursion is bounded.
 */
export interface JsonProblem {
  offset: number;
  message: string;
}

export function findJsonProblem(text: string): JsonProblem {
  let i = 0;
  const problem = (message: string): JsonProblem => ({ offset: Math.min(i, text.length), message });
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const describe = () => (i >= text.length ? 'the text ends too early' : `unexpected '${text[i]}'`);
  const value = (): JsonProblem | null => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return null;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') return problem(`${describe()}; expected a quoted key`);
        const s = string();
        if (s) return s;
        ws();
        if (text[i] !== ':') return problem(`${describe()}; expected ':' after the key`);
        i++;
        const v = value();
        if (v) return v;
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return null;
        }
        return problem(`${describe()}; expected ',' or '}'`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return null;
      }
      for (;;) {
        const v = value();
        if (v) return v;
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return null;
        }
        return problem(`${describe()}; expected ',' or ']'`);
      }
    }
    if (c === '"') return string();
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?|^true|^false|^null/.exec(text.slice(i, i + 400));
    if (m && m[0] !== '') {
      i += m[0].length;
      return null;
    }
    return problem(`${describe()}; expected a value`);
  };
  const string = (): JsonProblem | null => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return null;
      }
      if (c < 0x20) return problem('a control character (such as a line break) inside a string');
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return problem('a bad \\u escape');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) return problem('a bad escape in a string');
        i += 2;
        continue;
      }
      i++;
    }
    return problem('a string is not closed');
  };
  const bad = value();
  if (bad) return bad;
  ws();
  if (i < text.length) return problem(`${describe()} after the end of the JSON value`);
  return { offset: 0, message: 'invalid JSON' };
}
