// Text that reaches a terminal or a CI log (the CLI's errors, notes and banner) carries what a user typed or
// configured: a newline in it would start a line of its own (`::error::` is a GitHub Actions annotation), an ESC a
// terminal sequence. Each such character is shown escaped instead, so one message stays one line.

// C0 controls, DEL, C1 controls, the Unicode line and paragraph separators, and the bidirectional overrides.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** The text with every control character escaped (\n, \x1b, \u2028): one line, nothing a terminal acts on. */
export function printable (text: string): string {
  return text.replace(UNPRINTABLE, char => NAMED[char] ?? (char.charCodeAt(0) <= 0xff ? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`))
}
