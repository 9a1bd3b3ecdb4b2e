/**
 * Every error a user can cause, with a stable code. Front doors render the code their own way
 * (a text line, a frame, later an IRC numeric or a JSON object); the message is for humans.
 */
export const ERROR_CODES = {
  NICK_INVALID: 'The nickname breaks the nickname rules.',
  NICK_TAKEN: 'Someone else already has that nickname.',
  NICK_UNAVAILABLE: 'Nicknames cannot be checked right now; try again shortly.',
  NICK_REQUIRED: 'Choose a nickname before doing anything else.',
  NO_SUCH_NICK: 'Nobody is connected with that nickname.',
  ROOM_INVALID: 'The room name breaks the room name rules.',
  NO_SUCH_ROOM: 'No room has that name.',
  NOT_IN_ROOM: 'You are not a member of that room.',
  NO_CURRENT_ROOM: 'You are not in any room.',
  UNKNOWN_COMMAND: 'There is no such command.',
  BAD_ARGUMENTS: 'The command was given the wrong arguments.',
  TEXT_INVALID: 'The text contains characters that cannot be sent.',
  TEXT_TOO_LONG: 'The text is longer than the server accepts.',
  TOPIC_TOO_LONG: 'The topic is longer than the server accepts.',
  LINE_TOO_LONG: 'An input line was longer than the limit and was discarded.',
  INVALID_UTF8: 'The input was not valid UTF-8 and was discarded.',
  FRAME_INVALID: 'A frame header was not a valid length.',
  FRAME_TOO_LONG: 'A frame was longer than the limit.',
  JSON_INVALID: 'A message was not a JSON object.',
  UNKNOWN_TYPE: 'A message had a type the server does not know.',
  NICK_TIMEOUT: 'No nickname was given in time.',
  ROOM_RATE_LIMIT: 'You are creating rooms faster than the server allows; wait a little.',
  ROOM_LIMIT: 'The server has as many rooms as it allows; join an existing one.',
  NICK_RATE_LIMIT: 'You are changing nicknames faster than the server allows; wait a little.',
  NOT_ROOM_OPERATOR: "Only the room's operators may do that.",
  CANNOT_SEND: 'You may not speak in that room now.',
  BANNED_FROM_ROOM: 'You are banned from that room.',
  INVITE_ONLY: 'That room takes only those who are invited.',
  BAD_ROOM_KEY: 'That room needs the right key to join.',
  ROOM_FULL: 'That room has as many members as it takes.',
  UNKNOWN_MODE: 'There is no such room mode.',
  BAD_MODE_PARAM: 'A mode was given a parameter it cannot take.',
  KEY_SET: 'The room already has a key; remove it first.',
  LIST_FULL: 'The room has as many bans or mutes as it keeps.',
  NOT_SANCTIONED: 'There is no such ban or mute to lift.',
  USER_NOT_IN_ROOM: 'That user is not in the room.',
  ALREADY_IN_ROOM: 'That user is already in the room.',
  NOT_SERVER_OPERATOR: 'Only server operators may do that.',
  OPER_FAILED: 'Wrong operator name or password.',
  OPER_HOST: 'That operator may not be used from where you connect.',
  BANNED_FROM_SERVER: 'You are banned from this server.',
  NO_SUCH_SERVER_BAN: 'There is no server ban (K-line) on that mask.',
  STORE_FAILED: 'History storage failed; nothing was sent or changed.',
  INTERNAL_ERROR: 'The server failed to carry out the request.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Why the server ended a connection, when a door can say so in its own terms (a WebSocket
 * close code, IRC's 465): a server operator killed it, the user is banned from the server
 * (a K-line), or they failed to become an operator too many times.
 */
export type DisconnectCause = 'killed' | 'banned' | 'oper-failed';

/** The connection is closed once the user has been told of the error, saying why. */
export interface Closing {
  reason: string;
  cause?: DisconnectCause;
}

export class ChatError extends Error {
  /**
   * What the error is about, most specific first (a nickname, then a room): doors whose
   * replies name their subjects (IRC's 441 <nick> <channel>) take them from here.
   */
  readonly about: readonly string[] | undefined;
  /** Set when the error ends the connection (a banned user, too many failed OPERs). */
  readonly closes: Closing | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    options?: { cause?: unknown; about?: readonly string[]; closes?: Closing },
  ) {
    super(message, options);
    this.name = 'ChatError';
    this.about = options?.about;
    this.closes = options?.closes;
  }
}
