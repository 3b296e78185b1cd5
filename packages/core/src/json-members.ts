interface Frame {
  isObject: boolean;
  names: Set<string>;
  expectingName: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Tells whether a JSON text has an object with the same member name twice, comparing names after
 * unescaping (so "a" and "\u0061" are the same name). JSON parsers disagree on such input (first
 * wins, last wins, or an error), so two services could read different claims from the same
 * signed bytes. latchkey rejects it instead, which RFC 7515 §4 and RFC 7519 §4 allow. The scan is
 * one pass and assumes the text is valid JSON, which the caller checks separately.
 */
export function hasDuplicateMember(json: string): boolean {
  const frames: Frame[] = [];

  for (let index = 0; index < json.length; index++) {
    const character = json.charCodeAt(index);
    const frame = frames.at(-1);

    if (character === QUOTE) {
      const end = stringEnd(json, index);
      if (frame?.isObject === true && frame.expectingName) {
        const name = unescapeName(json.slice(index, end + 1));
        if (frame.names.has(name)) return true;
        frame.names.add(name);
        frame.expectingName = false;
      }
      index = end;
    } else if (character === OPEN_BRACE || character === OPEN_BRACKET) {
      frames.push({ isObject: character === OPEN_BRACE, names: new Set(), expectingName: character === OPEN_BRACE });
    } else if (character === CLOSE_BRACE || character === CLOSE_BRACKET) {
      frames.pop();
    } else if (character === COMMA && frame?.isObject === true) {
      frame.expectingName = true;
    }
  }
  return false;
}

/** Returns the index of the quote that closes the string starting at `start`. */
function stringEnd(json: string, start: number): number {
  for (let index = start + 1; index < json.length; index++) {
    const character = json.charCodeAt(index);
    if (character === BACKSLASH) index++;
    else if (character === QUOTE) return index;
  }
  return json.length - 1;
}

function unescapeName(quoted: string): string {
  if (!quoted.includes('\\')) return quoted.slice(1, -1);
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted;
  }
}
