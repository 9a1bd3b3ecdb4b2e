/**
 * The IRCv3 capabilities this door offers, as bits of one number per connection. A client's
 * set of bits that change how a broadcast is written (ENCODING_BITS) is its "variant": a
 * broadcast is encoded once per variant, whatever the number of recipients.
 */
export const CAP_MESSAGE_TAGS = 1;
export const CAP_SERVER_TIME = 2;
export const CAP_AWAY_NOTIFY = 4;
export const CAP_ECHO_MESSAGE = 8;
export const CAP_MULTI_PREFIX = 16;
export const CAP_BATCH = 32;
export const CAP_CHATHISTORY = 64;
export const CAP_CAP_NOTIFY = 128;

/** Tags (msgid, time) and the AWAY line after a JOIN depend on these; nothing else does. */
export const ENCODING_BITS = CAP_MESSAGE_TAGS | CAP_SERVER_TIME | CAP_AWAY_NOTIFY;

export const CAPABILITIES: ReadonlyMap<string, number> = new Map([
  ['message-tags', CAP_MESSAGE_TAGS],
  ['server-time', CAP_SERVER_TIME],
  ['away-notify', CAP_AWAY_NOTIFY],
  ['echo-message', CAP_ECHO_MESSAGE],
  ['multi-prefix', CAP_MULTI_PREFIX],
  ['batch', CAP_BATCH],
  ['draft/chathistory', CAP_CHATHISTORY],
  ['cap-notify', CAP_CAP_NOTIFY],
]);

/** Enabled capability names, for CAP LIST. */
export function capNames(bits: number): string[] {
  return [...CAPABILITIES].filter(([, bit]) => (bits & bit) !== 0).map(([name]) => name);
}
