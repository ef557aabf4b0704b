// The few better-sqlite3 calls the benchmark's floor makes (the package ships no types).
declare module 'better-sqlite3' {
  namespace BetterSqlite3 {
    interface Statement {
      run(...params: unknown[]): unknown;
      all(...params: unknown[]): unknown[];
      iterate(...params: unknown[]): Iterable<unknown>;
      pluck(on?: boolean): Statement;
    }
    interface Database {
      prepare(sql: string): Statement;
      pragma(sql: string): unknown;
      transaction<F extends (...args: never[]) => unknown>(fn: F): F;
      close(): void;
    }
  }
  const BetterSqlite3: new (file: string, options?: { readonly?: boolean }) => BetterSqlite3.Database;
  export = BetterSqlite3;
}
