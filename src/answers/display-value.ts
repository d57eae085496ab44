/** Longest value shown in a message, in characters of its escaped JSON form. */
const MAX_SHOWN = 60;

/**
 * A value from outside (a flag, a file) as a message shows it: JSON with every character outside
 * printable ASCII written as its code point, so that an invisible or look-alike character (a
 * zero-width space, a Cyrillic "а") is seen for what it is, and cut short when long.
 */
export function displayValue(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  const escaped = json.replace(/[^\x20-\x7e]/gu, (character) => `\\u{${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`);
  if (escaped.length <= MAX_SHOWN) return escaped;
  return `${escaped.slice(0, MAX_SHOWN).replace(/\\(u(\{[0-9A-F]*)?)?$/, '')}... (${Array.from(String(value)).length} characters)`;
}
