import type { EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import type { Loaders } from '../graphql/loaders';
import { uniqueViolationOf, type UniqueViolation } from './write';
import type { Database, WriteOptions } from '../db/database';
import { asApiError } from '../errors/error-codes';
import { UserError, UserErrors, UserErrorsAbort } from '../errors/user-error';
import { Overlay } from './overlay';

/** Returned by `normalise` or `check`: stop here and answer with the errors collected so far. */
export const STOP: unique symbol = Symbol('stop');
export type Stop = typeof STOP;

/** What a write did: its answer, and the ids it created or changed (none: it changed nothing, no audit event). */
export interface Written<Value> {
  value: Value;
  changed: string[];
}

/** The outcome handed to `payload`: the written value, or the user errors (never both). */
export type Outcome<Draft, Value> =
  | { ok: true; value: Value; draft: Draft; dryRun: boolean }
  | { ok: false; userErrors: UserError[]; draft: Draft | null; dryRun: boolean };

/** Who runs the mutation; `loaders` (a GraphQL request's) receives the dry run's rows and the rows a write already holds. */
export interface MutationContext {
  caller: Caller;
  loaders?: Loaders | null;
}

export interface MutationDefinition<Input, Draft, Plan, Value, Payload> {
  /** The mutation's name: the audit event's `operation`. */
  name: string;
  /** PostgreSQL isolation of the write (see WriteOptions.isolation). */
  isolation?: WriteOptions['isolation'];
  /** SQLite: the write changes a few rows whatever its input and the database's size (see WriteOptions.small). */
  small?: boolean;
  /** Whether this call is a dry run (default: `input.dryRun`). */
  dryRun?: (input: Input) => boolean;
  /**
   * Pure: the input as the rules want it, every field error recorded on `errors` (rooted at
   * `input`). Runs before the writer is taken. STOP ends the call with the errors so far
   * (e.g. a request over its size limit); otherwise `check` runs even after field errors, so one
   * answer carries every error of the request.
   */
  normalise: (input: Input, errors: UserErrors, caller: Caller) => Draft | Stop;
  /**
   * Inside the write transaction (on PostgreSQL a retry sees the concurrent winner): lookups and
   * rules that need the database; returns the plan to write. Any error recorded (or STOP) rolls
   * the transaction back and answers with the errors.
   */
  check: (tx: EntityManager, draft: Draft, errors: UserErrors, caller: Caller) => Promise<Plan | Stop>;
  /** Writes the plan. The kernel records the audit event from `changed`. */
  write: (tx: EntityManager, plan: Plan, caller: Caller) => Promise<Written<Value>>;
  /**
   * A dry run, before its rollback: put every row the answer can show on the overlay (see
   * `captureCustomer`), so the answer's nested fields resolve as they would after the real call.
   */
  capture?: (tx: EntityManager, value: Value, overlay: Overlay) => Promise<void>;
  /** A committed write: prime the request's loaders with rows the write already holds (a query less). */
  prime?: (loaders: Loaders, value: Value) => void;
  /**
   * A unique index violated by a concurrent writer (PostgreSQL, after its retries): the user
   * errors that say which field is TAKEN (see `takenByIndex`), or null for an internal error.
   */
  taken?: (violation: UniqueViolation, draft: Draft) => UserError[] | null;
  /** Any other error of the write that is the user's to fix (e.g. a foreign key a concurrent writer took), or null. */
  refused?: (error: unknown, draft: Draft) => UserError[] | null;
  /** The payload, for success and failure alike. */
  payload: (outcome: Outcome<Draft, Value>) => Payload;
}

export interface Mutation<Input, Payload> {
  readonly name: string;
  run(db: Database, context: MutationContext, input: Input): Promise<Payload>;
}

/**
 * One shape for every mutation: normalise (pure) → check inside the transaction → write → one
 * audit event per successful call that is not a dry run and changed something → payload. A dry
 * run runs all of it and rolls back; the rows its transaction saw answer the payload's fields.
 */
export function defineMutation<Input extends object, Draft, Plan, Value, Payload>(
  definition: MutationDefinition<Input, Draft, Plan, Value, Payload>,
): Mutation<Input, Payload> {
  return {
    name: definition.name,
    async run(db, { caller, loaders }, input) {
      const dryRun = definition.dryRun ? definition.dryRun(input) : (input as { dryRun?: boolean | null }).dryRun ?? false;
      const errors = UserErrors.root('input');
      const failed = (userErrors: UserError[], draft: Draft | null) => definition.payload({ ok: false, userErrors, draft, dryRun });
      const draft = definition.normalise(input, errors, caller);
      if (draft === STOP) return failed(errors.list, null);

      loaders?.reset();
      const capturing = dryRun && loaders && definition.capture;
      let overlay: Overlay | null = null;
      try {
        const value = await db.write(async (tx) => {
          // A fresh collector per attempt: a PostgreSQL retry runs the checks again on a new snapshot.
          const attempt = UserErrors.root('input');
          for (const e of errors.list) attempt.add(e.code, e.message, ...e.field.slice(1));
          const plan = await definition.check(tx, draft, attempt, caller);
          if (plan === STOP || attempt.any()) throw new UserErrorsAbort(attempt.list);
          const written = await definition.write(tx, plan, caller);
          if (!dryRun && written.changed.length > 0) await recordAudit(tx, caller, definition.name, written.changed);
          if (capturing) await definition.capture!(tx, written.value, (overlay = new Overlay()));
          return written.value;
        }, { dryRun, isolation: definition.isolation, small: definition.small });
        if (overlay) loaders!.useOverlay(overlay);
        else if (loaders && definition.prime) definition.prime(loaders, value);
        return definition.payload({ ok: true, value, draft, dryRun });
      } catch (error) {
        if (error instanceof UserErrorsAbort) return failed(error.userErrors, draft);
        const violation = uniqueViolationOf(error);
        const userErrors = violation ? definition.taken?.(violation, draft) : definition.refused?.(error, draft);
        if (userErrors && userErrors.length > 0) return failed(userErrors, draft);
        throw asApiError(db.translate(error));
      }
    },
  };
}
