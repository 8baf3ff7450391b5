/**
 * Untrusted text on a terminal or in a log line. Entry names, remote paths and a peer's error messages may hold
 * ESC/CSI/OSC sequences (recolour, retitle, rewrite the screen, hide text, even ask some terminals to answer),
 * CR or newlines (forge a log line or overwrite the one above) and bidi overrides (show `exe.txt` as `txt.exe`).
 * Printed, each such character becomes a visible escape instead.
 *
 * The escapes are valid JSON escapes where it matters: characters from U+007F up become `\uXXXX`, so a JSON
 * line passed through `escapeTerminal` still parses to the exact original string (JSON output keeps the exact
 * bytes; JSON.stringify already escapes C0 itself). C0 characters become `\n`, `\r`, `\t` or `\xHH`.
 *
 * Two strengths:
 * - `escapeControl` for one untrusted value inside a line: every control character, newlines included.
 * - `escapeTerminal` for a whole line (or block) our own code composed: newlines and tabs stay (our layout),
 *   everything else is escaped. The CLI's writers run it on all they print, as a net under the first.
 * A backslash is left as it is: the escape is for safety and legibility, not a reversible encoding (use --json).
 */

// C0, DEL, C1, the Unicode line/paragraph separators and the bidi embedding/override/isolate/mark controls.
// (Matching control characters is the point here.)
/* eslint-disable no-control-regex */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_KEEP_LAYOUT =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const n = c.charCodeAt(0);
  return n < 0x20 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** One untrusted value (a name, a path, a message) made safe to print inside a line. */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, escapeOne);
}

/** A composed line or block made safe to print: keeps `\n` and `\t`, escapes every other control character. */
export function escapeTerminal(s: string): string {
  return s.replace(CONTROL_KEEP_LAYOUT, escapeOne);
}
