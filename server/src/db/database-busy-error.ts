/**
 * The database stayed locked past the busy timeout (SQLite, another process's write), or a
 * conflict outlived the retries (PostgreSQL deadlock or serialization failure): nothing was
 * written, and the same request may succeed shortly. The GraphQL layer answers it as
 * SERVICE_UNAVAILABLE (503 with Retry-After, domain.md §8); the database layer knows no GraphQL.
 */
export class DatabaseBusyError extends Error {
  constructor(readonly retryAfterSeconds: number, override readonly cause?: unknown) {
    super('The database is busy; retry shortly.');
    this.name = 'DatabaseBusyError';
  }
}
