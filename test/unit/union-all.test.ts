import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { unionAll } from '../../server/src/graphql/loaders';

describe('unionAll (the child lists’ one query per batch of parents)', () => {
  it('shifts each arm’s PostgreSQL parameter markers past the earlier arms’ and keeps the values in order', () => {
    const [sql, params] = unionAll([
      ['SELECT * FROM t WHERE p = $1 AND id < $2 LIMIT 3', ['a', 'x']],
      ['SELECT * FROM t WHERE p = $1 AND id < $2 LIMIT 3', ['b', 'x']],
    ], true);
    expect(sql).toBe('SELECT * FROM (SELECT * FROM t WHERE p = $1 AND id < $2 LIMIT 3) "arm0" UNION ALL '
      + 'SELECT * FROM (SELECT * FROM t WHERE p = $3 AND id < $4 LIMIT 3) "arm1" ORDER BY "id" DESC');
    expect(params).toEqual(['a', 'x', 'b', 'x']);
  });

  it('leaves SQLite’s positional markers alone', () => {
    const [sql, params] = unionAll([['SELECT * FROM t WHERE p = ?', ['a']], ['SELECT * FROM t WHERE p = ?', ['b']]], false);
    expect(sql).toBe('SELECT * FROM (SELECT * FROM t WHERE p = ?) "arm0" UNION ALL SELECT * FROM (SELECT * FROM t WHERE p = ?) "arm1" ORDER BY "id" DESC');
    expect(params).toEqual(['a', 'b']);
  });
});
