import { AddressSet } from '../net/address.js';
import type { ListCheck, Setting, TextCheck } from './setting.js';
import { UsageError } from './usage-error.js';

/*
 * How a setting's value is read: from text (a flag or an environment variable) and from JSON
 * (the config file). `name` is how messages call its source: "--line-port",
 * "CHATROOM_LINE_PORT", or "linePort in chatroom.json". Values in a file follow the same rules
 * as the text once their type is right, so each rule, and its message, is written once.
 */

export type Value = string | number | null | readonly string[] | undefined;

export function fromText(setting: Setting, name: string, text: string): Value {
  switch (setting.kind) {
    case 'port':
      return text === 'off' ? null : port(name, wholeNumber(name, text));
    case 'count':
      return wholeNumber(name, text);
    case 'positive':
      return positive(name, wholeNumber(name, text));
    case 'text':
      return checkText(setting.check, name, text);
    case 'enum':
      return oneOf(setting.values, name, text);
    case 'list':
      return checkList(
        setting.check,
        name,
        text
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
        text.trim() === 'none',
      );
  }
}

export function fromJson(setting: Setting, name: string, value: unknown): Value {
  const wrongType = (expected: string) =>
    new UsageError(`${name} must be ${expected}, not ${JSON.stringify(value)}`);
  switch (setting.kind) {
    case 'port':
      if (value === 'off') return null;
      if (typeof value !== 'number') throw wrongType('a port number or "off"');
      return fromText(setting, name, String(value));
    case 'count':
    case 'positive':
      if (typeof value !== 'number') throw wrongType('a number');
      return fromText(setting, name, String(value));
    case 'text':
    case 'enum':
      if (typeof value !== 'string') throw wrongType('a string');
      return fromText(setting, name, value);
    case 'list':
      if (value === 'none' && setting.check === 'addresses') return [];
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
        throw wrongType('a list of strings');
      }
      return checkList(setting.check, name, value, false);
  }
}

function wholeNumber(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${name} needs a whole number, not "${text}"`);
  return Number(text);
}

function port(name: string, number: number): number {
  if (number > 65535) throw new UsageError(`${name} must be a port number (0-65535) or "off"`);
  return number;
}

function positive(name: string, number: number): number {
  if (number === 0) throw new UsageError(`${name} must be greater than 0`);
  return number;
}

/** "normal or full"; "one of a, b, c, d" once a list is too long to read as a sentence. */
function oneOf(values: readonly string[], name: string, text: string): string {
  if (values.includes(text)) return text;
  const choices =
    values.length > 3
      ? `one of ${values.join(', ')}`
      : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
  throw new UsageError(`${name} must be ${choices}`);
}

function checkText(check: TextCheck | undefined, name: string, text: string): string {
  switch (check) {
    case undefined:
      return text;
    case 'host-name':
      if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(text) || text.length > 63) {
        throw new UsageError(`${name} must be a host name: letters, digits, "." and "-"`);
      }
      return text;
    case 'postgres-url': {
      // Said before anything tries to connect to it.
      const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
      if (scheme !== 'postgres' && scheme !== 'postgresql') {
        throw new UsageError(
          `${name}: only PostgreSQL is supported, with a URL like postgres://user@host:5432/db${scheme ? ` (not ${scheme}://)` : ''}`,
        );
      }
      return text;
    }
    case 'redis-url': {
      const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
      if (scheme !== 'redis' && scheme !== 'rediss') {
        throw new UsageError(`${name}: expected a URL like redis://host:6379`);
      }
      return text;
    }
    case 'node-id':
      if (!/^[A-Za-z0-9._:-]{1,64}$/.test(text)) {
        throw new UsageError(
          `${name}: use 1 to 64 letters, digits, ".", "-", "_" or ":" (got ${JSON.stringify(text)})`,
        );
      }
      return text;
  }
}

const HOST_NAME =
  /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

function checkList(
  check: ListCheck,
  name: string,
  items: readonly string[],
  saysNone: boolean,
): readonly string[] {
  switch (check) {
    case 'origins':
      // As browsers send them (scheme://host[:port]), or *.
      if (items.length === 0) throw new UsageError(`${name} needs at least one origin`);
      for (const origin of items) {
        if (origin !== '*' && !isOrigin(origin)) {
          throw new UsageError(
            `${name}: "${origin}" is not an origin like https://chat.example.org`,
          );
        }
      }
      return items;
    case 'host-names':
      if (items.length === 0) throw new UsageError(`${name} needs at least one host name`);
      for (const host of items) {
        if (host !== '*' && !HOST_NAME.test(host)) {
          throw new UsageError(
            `${name}: "${host}" is not a host name like chat.example.org (no scheme, no port)`,
          );
        }
      }
      return items;
    case 'addresses':
      if (saysNone) return [];
      try {
        new AddressSet(items);
      } catch (error) {
        throw new UsageError(`${name}: ${(error as Error).message} (or none)`);
      }
      return items;
  }
}

function isOrigin(text: string): boolean {
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}
