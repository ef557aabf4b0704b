import { v7 as uuidv7, validate, version } from 'uuid';

/** Time-ordered ids generated in the application, so bulk inserts need no round trip per row. */
export function newId(): string {
  return uuidv7();
}

/** A well-formed id of ours; anything else can never match a row (and is answered as NOT_FOUND). */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && validate(value) && version(value) === 7;
}
