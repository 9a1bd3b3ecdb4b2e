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

/**
 * Colours a line the client says itself ("*** Connected to ...", "!!! Not connected ..."):
 * what comes from the server is coloured as render.ts words it, from the event's fields.
 */
export function ownLine(line: string, colors: Palette): string {
  if (line.startsWith('!!! ')) return colors.error(line);
  return line.startsWith('*** ') ? colors.notice(line) : line;
}
