/**
 * Control and formatting characters in user text, per door. The core stores text exactly as
 * it was sent and does not know where it came from, so each door decides on the way out what
 * its readers can safely receive (docs/commands.md, "Control characters and formatting"):
 *
 * - IRC readers get IRC formatting (it is what IRC clients render); every other control is
 *   shown in caret notation, because raw clients such as sic print text straight to a
 *   terminal, where ESC and C1 sequences move the cursor, recolour or retitle the window.
 * - Text-door readers (line, framed) read on terminals that know nothing of IRC formatting:
 *   it is taken out, code and colour digits together, and every other control is shown.
 *
 * TAB is left alone everywhere: it is whitespace, and acts on nothing but the column.
 */

// Quick refusals first: most text has no control at all, and then nothing is allocated.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const ANY_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/**
 * The controls an IRC reader must not get raw: all but TAB and the formatting codes (0x02
 * bold, 0x03 colour, 0x04 hex colour, 0x0F reset, 0x11 monospace, 0x16 reverse, 0x1D italics,
 * 0x1E strikethrough, 0x1F underline), which are harmless in a terminal too. 0x01 is here: it
 * would start a CTCP request. NUL, CR and LF are not: the core refuses them in text, and the
 * IRC serializer refuses to write them, since they would end or cut a line.
 */
const NOT_FOR_IRC =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0001\u0005-\u0008\u000b\u000c\u000e\u0010\u0012-\u0015\u0017-\u001c\u007f-\u009f]/g;

/**
 * IRC formatting as modern.ircdocs.horse/formatting reads it. A colour code takes up to two
 * foreground digits, then a comma and up to two background digits only if a digit follows
 * the comma ("\x03," and "\x034," show their comma). A hex colour takes six hex digits, then
 * optionally a comma and six more, with the same rule for the comma.
 */
const IRC_FORMATTING =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: IRC formatting codes are control characters
  /\x03(?:\d{1,2}(?:,\d{1,2})?)?|\x04(?:[0-9A-Fa-f]{6}(?:,[0-9A-Fa-f]{6})?)?|[\x02\x0f\x11\x16\x1d\x1e\x1f]/g;

/** Whether text holds any character a door might change: a C0 control but TAB, DEL or C1. */
export function hasControls(text: string): boolean {
  return ANY_CONTROL.test(text);
}

/**
 * A control as visible text: caret notation for C0 (ESC is "^[", BEL "^G") and DEL ("^?"),
 * as terminals and `cat -v` show them; C1 controls, which have no caret form, as U+FFFD.
 */
function visible(control: string): string {
  const code = control.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return '^?';
  return '\ufffd';
}

/** Text for an IRC reader: IRC formatting kept, every other control but TAB made visible. */
export function forIrc(text: string): string {
  return hasControls(text) ? text.replace(NOT_FOR_IRC, visible) : text;
}

/** Text for a terminal (the text doors): IRC formatting removed, other controls made visible. */
export function forTerminal(text: string): string {
  return hasControls(text) ? text.replace(IRC_FORMATTING, '').replace(CONTROLS, visible) : text;
}
