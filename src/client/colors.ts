const RESET = '\x1b[0m';
const NICK_COLORS = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96];

export interface Palette {
  nick(nick: string): string;
  notice(text: string): string;
  error(text: string): string;
  private(text: string): string;
}

export function palette(enabled: boolean): Palette {
  if (!enabled) {
    const plain = (text: string) => text;
    return { nick: plain, notice: plain, error: plain, private: plain };
  }
  const paint = (code: number, text: string) => `\x1b[${code}m${text}${RESET}`;
  return {
    // The same nickname always gets the same colour, in every session.
    nick: (nick) => paint(NICK_COLORS[hash(nick.toLowerCase()) % NICK_COLORS.length]!, nick),
    notice: (text) => paint(2, text),
    error: (text) => paint(1, paint(31, text)),
    private: (text) => paint(35, text),
  };
}

function hash(text: string): number {
  let value = 0;
  for (let i = 0; i < text.length; i++) value = (value * 31 + text.charCodeAt(i)) >>> 0;
  return value;
}

const NICK = String.raw`[A-Za-z_[\]{}\\|^][A-Za-z0-9_[\]{}\\|^-]*`;
const TIME = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d`;
// A label: the room ("[#dev] "), or for a replayed message its room (or private), id and time.
const LABEL = String.raw`\[(?:#\S+?(?: @\d+ ${TIME})?|private @\d+ ${TIME})\] `;
const CHAT = new RegExp(`^(${LABEL})?<(${NICK})> (.*)$`, 's');
const ACTION = new RegExp(String.raw`^(${LABEL})?\* (${NICK}) (.*)$`, 's');
const PRIVATE_IN = new RegExp(String.raw`^\*(${NICK})\* (.*)$`, 's');

/** Colours one line as render.ts words it (the line door's forms) for the terminal. */
export function colorize(line: string, colors: Palette): string {
  if (line.startsWith('*** ')) return colors.notice(line);
  if (line.startsWith('!!! ')) return colors.error(line);
  if (line.startsWith('-> ')) return colors.private(line);
  let match = CHAT.exec(line);
  if (match) return `${match[1] ?? ''}<${colors.nick(match[2]!)}> ${match[3]}`;
  match = ACTION.exec(line);
  if (match) return `${match[1] ?? ''}* ${colors.nick(match[2]!)} ${match[3]}`;
  match = PRIVATE_IN.exec(line);
  if (match) return `${colors.private(`*${match[1]}*`)} ${match[2]}`;
  return line;
}
