import { type Logger, pino } from 'pino';
import { SETTINGS } from './config/settings.js';

export type { Logger };

export const LOG_LEVELS = SETTINGS.logLevel.values;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** JSON lines on stderr, so stdout stays free for the human-readable "listening" lines. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
}
