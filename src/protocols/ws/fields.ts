import { ChatError } from '../../core/errors.js';

/**
 * Reading the fields of a client's JSON message: each reader checks the field's type and
 * range and says what is wrong in a BAD_ARGUMENTS error.
 */
export type Fields = Record<string, unknown>;

export function string(fields: Fields, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string') {
    throw new ChatError('BAD_ARGUMENTS', `"${name}" is required and must be a string.`);
  }
  return value;
}

export function optionalString(fields: Fields, name: string): string | undefined {
  return fields[name] === undefined ? undefined : string(fields, name);
}

export function optionalBoolean(fields: Fields, name: string): boolean | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean')
    throw new ChatError('BAD_ARGUMENTS', `"${name}" must be true or false.`);
  return value;
}

/** Message ids and counts: whole numbers a double holds exactly. */
export function id(fields: Fields, name: string): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ChatError('BAD_ARGUMENTS', `"${name}" must be a whole number, 0 or more.`);
  }
  return value;
}

export function optionalId(fields: Fields, name: string): number | undefined {
  return fields[name] === undefined ? undefined : id(fields, name);
}
