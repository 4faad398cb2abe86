/**
 * Text from Strava or any server (an athlete's name, an `error=` value, an error message) made
 * safe to print on a terminal: control characters are shown as visible escapes instead of being
 * obeyed, so a name cannot retitle the terminal, change its colours, move the cursor, ring the
 * bell or reorder what follows it. Our own colours are added after this, so they stay.
 */

/**
 * C0 controls, DEL, C1 controls (0x9b is a one-byte CSI to many terminals), the line and paragraph
 * separators, and the bidirectional overrides and isolates that can make text read in another
 * order than it is stored (CVE-2021-42574, "Trojan Source").
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Options of {@link escapeControlCharacters}. */
export interface EscapeOptions {
  /** Keep line feeds (and tabs): for multi-line text such as a message with a stack. Default false. */
  multiline?: boolean;
}

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character written as a visible escape (`\x1b`, `\x07`, `\u202e`).
 * With `multiline`, `\n` and `\t` are kept.
 *
 * @example
 * escapeControlCharacters('Marta\x1b]0;pwned\x07'); // 'Marta\\x1b]0;pwned\\x07'
 */
export function escapeControlCharacters(text: string, options: EscapeOptions = {}): string {
  return text.replace(CONTROL, (char) => (options.multiline && (char === '\n' || char === '\t') ? char : visible(char)));
}
