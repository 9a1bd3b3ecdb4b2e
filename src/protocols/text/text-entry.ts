import { forTerminal } from '../formatting.js';

/**
 * What a text front door (line, framed) shows for an event: a few labelled pieces of text
 * that each codec lays out on its own wire. The line and framed doors share this so the two
 * always say the same thing.
 */
export type TextEntry =
  /** label: where and when, shown in brackets before the line ("#dev @42"); none for plain live chat. */
  | { kind: 'chat'; from: string; text: string; label: string | undefined }
  | { kind: 'action'; from: string; text: string; label: string | undefined }
  | { kind: 'private-in'; from: string; text: string; action: boolean }
  | { kind: 'private-out'; to: string; text: string; action: boolean }
  | { kind: 'notice'; text: string }
  | { kind: 'error'; code: string; text: string };

/**
 * How an event reads depends on who reads it: whether it happened in their current room,
 * whether they caused it, and whether they asked to see message ids. Those three bits are the
 * whole viewpoint, so a broadcast is encoded at most eight times per codec however many
 * people receive it (in practice once or twice).
 */
export interface Viewpoint {
  inCurrentRoom: boolean;
  isActor: boolean;
  showIds: boolean;
}

/**
 * Other people's text goes to terminals: IRC formatting is taken out and other control
 * characters (ESC sequences above all) are shown, so they can never move a cursor or
 * recolour someone's screen.
 */
export function safeText(text: string): string {
  return forTerminal(text);
}
