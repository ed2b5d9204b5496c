// Finds the rows of a response body without re-serialising them: the exact text of each element of
// the top-level array, or of the "data" array of an envelope. Replay must keep `0.0` as `0.0`.

function skipWs(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\n' || s[i] === '\r' || s[i] === '\t')) i++;
  return i;
}

function skipString(s: string, i: number): number {
  for (i++; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i + 1;
  }
  throw new SyntaxError('unterminated string');
}

/** Index just after the JSON value starting at i. */
function skipValue(s: string, i: number): number {
  if (s[i] === '"') return skipString(s, i);
  if (s[i] !== '{' && s[i] !== '[') {
    while (i < s.length && !',]}'.includes(s[i]) && !/\s/.test(s[i])) i++;
    return i;
  }
  let depth = 0;
  for (; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') i = skipString(s, i) - 1;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  throw new SyntaxError('unterminated value');
}

function splitArray(s: string, i: number): string[] {
  const out: string[] = [];
  i = skipWs(s, i + 1);
  if (s[i] === ']') return out;
  for (;;) {
    const end = skipValue(s, i);
    out.push(s.slice(i, end));
    i = skipWs(s, end);
    if (s[i] === ']') return out;
    if (s[i] !== ',') throw new SyntaxError(`expected , or ] at ${i}`);
    i = skipWs(s, i + 1);
  }
}

/** Row texts of a stream body (bare array) or a {"data":[...]} / {"metadata":..,"data":[...]} body. */
export function rowTexts(body: string): string[] {
  JSON.parse(body); // validates; the scanner below may then assume well-formed JSON
  let i = skipWs(body, body.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (body[i] === '[') return splitArray(body, i);
  if (body[i] !== '{') throw new SyntaxError('expected an array or an object with "data"');
  i = skipWs(body, i + 1);
  while (body[i] === '"') {
    const keyEnd = skipString(body, i);
    const key = JSON.parse(body.slice(i, keyEnd)) as string;
    i = skipWs(body, keyEnd);
    i = skipWs(body, i + 1); // ':'
    if (key === 'data' && body[i] === '[') return splitArray(body, i);
    i = skipWs(body, skipValue(body, i));
    if (body[i] === ',') i = skipWs(body, i + 1);
  }
  throw new SyntaxError('no "data" array');
}
