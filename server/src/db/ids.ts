import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7, validate, version } from 'uuid';

// Random bytes for ids come from a pool: uuid's default asks crypto for 16 bytes per id, which
// was about a tenth of a 10,000-user setup's service time (README, Performance).
const POOL_BYTES = 16 * 1024;
let pool = Buffer.alloc(0);
let poolOffset = 0;
// uuid's own monotonic state, kept here because passing `random` bypasses it: ids made in one
// millisecond still sort in creation order (a random start, then +1 each).
let lastMs = -Infinity;
let sequence = 0;

function randomBytes16(): Buffer {
  if (poolOffset + 16 > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  return bytes;
}

/** Time-ordered ids generated in the application, so bulk inserts need no round trip per row. */
export function newId(): string {
  const random = randomBytes16();
  const now = Date.now();
  if (now > lastMs) {
    sequence = ((random[6] & 0x7f) << 24) | (random[7] << 16) | (random[8] << 8) | random[9];
    lastMs = now;
  } else {
    sequence = (sequence + 1) | 0;
    if (sequence === 0) lastMs += 1;
  }
  return uuidv7({ random, msecs: lastMs, seq: sequence });
}

/** A well-formed id of ours; anything else can never match a row (and is answered as NOT_FOUND). */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && validate(value) && version(value) === 7;
}
