import type { EntityManager } from 'typeorm';
import type { CustomerHooks } from '../customers/customer.hooks';
import type { Caller } from '../auth/caller';
import { CustomerUser, customerUserOf } from '../customers/customer-user.entity';
import type { Package } from '../catalog/packages';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import type { Database } from '../db/database';
import { findWhereIn } from '../db/find-one';
import { isId } from '../db/ids';
import { SELECT_IN_CHUNK, selectIn } from '../db/select-in';
import { UserError, UserErrorCode, UserErrors } from '../errors/user-error';
import { captureCustomer } from '../graphql/customer-capture';
import type { Loaders } from '../graphql/loaders';
import { defineMutation, STOP } from '../mutations/define-mutation';
import { takenByIndex, takenOnUserRows } from '../mutations/unique-indexes';
import type { UniqueViolation } from '../mutations/write';
import {
  CustomerUserUpdateInput, RemoveUsersInput, RemoveUsersPayload, UpdateUsersInput, UpdateUsersPayload,
} from './user-lifecycle.inputs';
import {
  MAX_USERS_PER_UPDATE, normalizeUpdateRow, planUserUpdate, resolveUpdateNumbers, type UserChange, type UserUpdateRow, type UserUpdateSnapshot,
} from './user-update.plan';
import { inRowOrder } from '../setup/setup.rules';
import { cancelUnsentTo, readdressUnsent } from '../outbox/outbox.enqueue';

interface UpdateDraft {
  customerId: string;
  rows: UserUpdateRow[];
}

/**
 * updateUsers and removeUsers (domain.md §12): up to 10,000 rows checked against one snapshot of
 * the customer, every error at once, and written with set-based statements (one per kind of write,
 * whatever the number of rows), never a query per row.
 */
export class UserLifecycleService {
  constructor(private readonly db: Database, private readonly hooks: CustomerHooks) {}

  private readonly updateMutation = defineMutation({
    name: 'updateUsers',
    normalise: (input: UpdateUsersInput, errors): UpdateDraft | typeof STOP => {
      if (input.users.length > MAX_USERS_PER_UPDATE) {
        errors.add(UserErrorCode.LIMIT_EXCEEDED, `At most ${MAX_USERS_PER_UPDATE} users per call (got ${input.users.length}); split the file.`, 'users');
        return STOP;
      }
      const rows = input.users.map((u: CustomerUserUpdateInput, i) => normalizeUpdateRow(u, i, errors.at('users', i)));
      return { customerId: input.customerId, rows };
    },
    check: async (tx, draft, errors, caller) => planUserUpdate(draft.rows, await this.loadUpdateSnapshot(tx, caller, draft, errors), errors, new Date()),
    write: async (tx, plan) => {
      const { customer, changes, vacate, adminEmail, now } = plan;
      // Values another row of the request takes are given up first (the unique indexes check
      // every row as it is written, on both engines): a swap of two numbers is then two plain writes.
      await updateWhereIdIn(tx, `"email" = "id"`, vacate.email);
      await updateWhereIdIn(tx, `"phoneNumber" = NULL`, vacate.phoneNumber);
      await updateWhereIdIn(tx, `"extension" = NULL`, vacate.extension);
      await writeUserRows(tx, changes, now);
      if (adminEmail !== null) {
        customer.adminEmail = adminEmail;
        customer.updatedAt = now;
        await tx.update(Customer, { id: customer.id }, { adminEmail, updatedAt: now });
      }
      // An unsent invitation or welcome follows its user to the new address (outbox.enqueue.ts, readdressUnsent).
      const readdressed = changes.filter((c) => c.before.email !== c.after.email);
      if (readdressed.length > 0) await readdressUnsent(tx, customer, readdressed);
      // Cisco follows (domain.md §12): a package change is a PUT of the subscriber; a new number of a calling user gets a Control Hub note.
      await this.hooks.usersChanged(tx, customer, changes);
      return { value: plan, changed: changes.length === 0 ? [] : [customer.id, ...changes.map((c) => c.after.id)] };
    },
    capture: (tx, plan, overlay) => captureCustomer(tx, overlay, plan.customer),
    // The users' locations are rows this call already read: no query for them.
    prime: (loaders, plan) => loaders.hold(Location, plan.locations),
    taken: (violation, draft) => updateRaceAsUserErrors(violation, draft.rows),
    payload: (outcome): UpdateUsersPayload => (outcome.ok
      ? { customer: outcome.value.customer, users: outcome.value.users, userErrors: [] }
      : { customer: null, users: [], userErrors: inRowOrder(outcome.userErrors) }),
  });

  updateUsers(caller: Caller, input: UpdateUsersInput, loaders?: Loaders | null): Promise<UpdateUsersPayload> {
    return this.updateMutation.run(this.db, { caller, loaders }, input);
  }

  /** Set-based lookups for the whole request: a few queries per 900 rows, whatever the customer's size. */
  private async loadUpdateSnapshot(tx: EntityManager, caller: Caller, draft: UpdateDraft, errors: UserErrors): Promise<UserUpdateSnapshot> {
    const { rows } = draft;
    const customer = isId(draft.customerId) ? await tx.findOneBy(Customer, { id: draft.customerId, partnerId: caller.partnerId }) : null;
    const empty: UserUpdateSnapshot = {
      customer, users: new Map(), locations: [], emailHolders: new Map(), phoneHolders: new Map(), extensionHolders: new Map(),
    };
    if (!customer) {
      // No location is known: international numbers are still checked, so the answer has every error.
      resolveUpdateNumbers(rows, empty.users, [], errors);
      return empty;
    }
    const users = await usersOf(tx, customer.id, rows.map((r) => r.id));
    const locations = await tx.findBy(Location, { customerId: customer.id });
    // Numbers in national form need the country of the user's location: read before the lookups.
    resolveUpdateNumbers(rows, users, locations, errors);
    const emails = [...new Set(rows.flatMap((r) => (r.email ? [r.email] : [])))];
    const phones = [...new Set(rows.flatMap((r) => (r.phone?.ok ? [r.phone.e164] : [])))];
    const extensions = [...new Set(rows.flatMap((r) => (r.extension ? [r.extension] : [])))];
    const emailHolders = new Map<string, string>();
    for (const u of await selectIn<{ id: string; email: string }>(tx, 'customer_user', ['id', 'email'], 'email', emails, { lower: true })) {
      emailHolders.set(u.email.toLowerCase(), u.id);
    }
    const phoneHolders = new Map<string, string>();
    for (const u of await selectIn<{ id: string; phoneNumber: string }>(tx, 'customer_user', ['id', 'phoneNumber'], 'phoneNumber', phones)) {
      phoneHolders.set(u.phoneNumber, u.id);
    }
    const extensionHolders = new Map<string, string>();
    for (let i = 0; i < extensions.length; i += SELECT_IN_CHUNK) {
      const found = await findWhereIn(tx, CustomerUser, 'extension', extensions.slice(i, i + SELECT_IN_CHUNK), { customerId: customer.id });
      for (const u of found) extensionHolders.set(u.extension!, u.id);
    }
    return { customer, users, locations, emailHolders, phoneHolders, extensionHolders };
  }

  private readonly removeMutation = defineMutation({
    name: 'removeUsers',
    normalise: (input: RemoveUsersInput, errors) => {
      if (input.userIds.length > MAX_USERS_PER_UPDATE) {
        errors.add(UserErrorCode.LIMIT_EXCEEDED, `At most ${MAX_USERS_PER_UPDATE} users per call (got ${input.userIds.length}); split the file.`, 'userIds');
        return STOP;
      }
      return { customerId: input.customerId, userIds: input.userIds };
    },
    check: async (tx, draft, errors, caller) => {
      const customer = isId(draft.customerId) ? await tx.findOneBy(Customer, { id: draft.customerId, partnerId: caller.partnerId }) : null;
      if (!customer) {
        errors.add(UserErrorCode.NOT_FOUND, 'No customer of your partner has this id.', 'customerId');
        return STOP;
      }
      const found = await usersOf(tx, customer.id, draft.userIds);
      const seen = new Set<string>();
      const removed: CustomerUser[] = [];
      draft.userIds.forEach((id, i) => {
        const user = found.get(id);
        if (!user) errors.add(UserErrorCode.NOT_FOUND, 'No user of this customer has this id.', 'userIds', i);
        else if (seen.has(user.id)) errors.add(UserErrorCode.INVALID, 'This user appears earlier in this request.', 'userIds', i);
        else if (user.email === customer.adminEmail) {
          errors.add(UserErrorCode.NOT_ALLOWED, `${user.email} is the customer's full administrator, who cannot be removed.`, 'userIds', i);
        } else {
          seen.add(user.id);
          removed.push(user);
        }
      });
      return { customer, removed };
    },
    write: async (tx, { customer, removed }) => {
      await deleteWhereIdIn(tx, removed.map((u) => u.id));
      // A removed user's unsent welcome would still go out (as deleteCustomer does for all of a customer's): never sent now.
      await cancelUnsentTo(tx, customer.id, removed.map((u) => u.email));
      // Cisco follows (domain.md §12): DELETE of each removed user's subscriber, exactly once.
      await this.hooks.usersRemoved(tx, customer, removed);
      return { value: removed.map((u) => u.id), changed: removed.length === 0 ? [] : [customer.id, ...removed.map((u) => u.id)] };
    },
    payload: (outcome): RemoveUsersPayload => (outcome.ok
      ? { removedUserIds: outcome.value, userErrors: [] }
      : { removedUserIds: [], userErrors: outcome.userErrors }),
  });

  removeUsers(caller: Caller, input: RemoveUsersInput, loaders?: Loaders | null): Promise<RemoveUsersPayload> {
    return this.removeMutation.run(this.db, { caller, loaders }, input);
  }
}

interface UserRow {
  id: string; customerId: string; locationId: string; firstName: string; lastName: string; email: string; package: string;
  phoneNumber: string | null; extension: string | null; roles: string; createdAt: number | string; updatedAt: number | string;
}

const USER_COLUMNS = ['id', 'customerId', 'locationId', 'firstName', 'lastName', 'email', 'package', 'phoneNumber', 'extension', 'roles', 'createdAt', 'updatedAt'];

/**
 * The customer's users among `ids` (malformed ids name nobody; another customer's users are
 * dropped), by id, 900 ids a query. Hydrated field by field: TypeORM's per-row create and column
 * conversions cost more than the query itself at 10,000 rows.
 */
async function usersOf(tx: EntityManager, customerId: string, ids: readonly string[]): Promise<Map<string, CustomerUser>> {
  const wanted = [...new Set(ids.filter(isId))];
  const users = new Map<string, CustomerUser>();
  for (const r of await selectIn<UserRow>(tx, 'customer_user', USER_COLUMNS, 'id', wanted)) {
    if (r.customerId !== customerId) continue;
    users.set(r.id, customerUserOf({
      id: r.id, customerId: r.customerId, locationId: r.locationId, firstName: r.firstName, lastName: r.lastName, email: r.email,
      package: r.package as Package, phoneNumber: r.phoneNumber, extension: r.extension,
      roles: typeof r.roles === 'string' ? JSON.parse(r.roles) : r.roles,
      createdAt: new Date(Number(r.createdAt)), updatedAt: new Date(Number(r.updatedAt)),
    }));
  }
  return users;
}

/**
 * `id IN (…)` over a list of ids passed as one JSON parameter, so a 10,000-id write is one
 * statement on both engines. One statement, not one per 900 ids: every written user row fires
 * SQLite's search index triggers, and FTS5 flushes the index (a segment of tombstones for the
 * removed or renamed rows) at the end of each statement, so twelve DELETEs of 900 users cost
 * 285–510 ms where one DELETE of 10,000 cost 115 ms (raw better-sqlite3 on a copy of the same
 * database). The plan on both engines walks the list and looks each id up in the primary key.
 */
function idInJson(tx: EntityManager, n: number): string {
  return isPostgres(tx) ? `"id" IN (SELECT jsonb_array_elements_text($${n}::jsonb))` : `"id" IN (SELECT value FROM json_each(?))`;
}

function isPostgres(tx: EntityManager): boolean {
  return tx.connection.driver.options.type === 'postgres';
}

/** `UPDATE customer_user SET <set> WHERE id IN (…)` in one statement; `set` is a code constant. */
async function updateWhereIdIn(tx: EntityManager, set: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(`UPDATE "customer_user" SET ${set} WHERE ${idInJson(tx, 1)}`, [JSON.stringify(ids)]);
}

async function deleteWhereIdIn(tx: EntityManager, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(`DELETE FROM "customer_user" WHERE ${idInJson(tx, 1)}`, [JSON.stringify(ids)]);
}

const UPDATED_COLUMNS = ['firstName', 'lastName', 'email', 'package', 'locationId', 'phoneNumber', 'extension'] as const;

/**
 * The changed users' new fields in one statement, whatever their number: `UPDATE … FROM` a JSON
 * array of `[id, value…]` rows passed as one parameter (SQLite's `json_each`, PostgreSQL's
 * `jsonb_array_elements`), joined on the primary key. One statement for the same reason as
 * idInJson: renamed users fire the search index triggers, and FTS5 flushes per statement (20
 * statements of 500 rows cost twice the floor's one). Only the columns some user of the call
 * changes are set: an assigned column costs its index entries (the emails' and the numbers' unique
 * indexes) even when its value stays. Every column set is text (varchar) on both engines.
 */
async function writeUserRows(tx: EntityManager, changes: readonly UserChange[], now: Date): Promise<void> {
  if (changes.length === 0) return;
  const columns = UPDATED_COLUMNS.filter((c) => changes.some(({ before, after }) => before[c] !== after[c]));
  const rows = changes.map(({ after }) => [after.id, ...columns.map((c) => after[c])]);
  const postgres = isPostgres(tx);
  const set = [...columns.map((c, i) => `"${c}" = v.r ->> ${i + 1}`), `"updatedAt" = ${postgres ? '$1' : '?'}`].join(', ');
  const from = postgres ? `jsonb_array_elements($2::jsonb) AS v(r)` : `(SELECT value AS r FROM json_each(?)) AS v`;
  await tx.query(`UPDATE "customer_user" SET ${set} FROM ${from} WHERE "customer_user"."id" = v.r ->> 0`, [now.getTime(), JSON.stringify(rows)]);
}

/**
 * A concurrent writer (PostgreSQL) took an email, number or extension after our checks, and again
 * on every retry: TAKEN on the row whose value clashed when PostgreSQL names it.
 */
export function updateRaceAsUserErrors(violation: UniqueViolation, rows: UserUpdateRow[]): UserError[] | null {
  return takenByIndex(violation, takenOnUserRows(rows));
}
