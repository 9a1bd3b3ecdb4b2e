/** Lines pasted or typed at once above this many are sent only after the user agrees. */
export const ASK_ABOVE_LINES = 5;

/**
 * What the composer holds, as the messages it sends: one per line (a message cannot hold a
 * line break), blank lines left out, Windows line ends too.
 */
export function composerLines(input: string): string[] {
  return input.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
}
