/**
 * A D1 binding that counts round trips (every statement run on its own, every batch) and keeps
 * the SQL it ran, for tests that hold the edge to a number of database calls per request.
 */
export function countingDb(db: D1Database): { db: D1Database; trips: () => number; reset: () => void; sql: () => string[] } {
  let trips = 0;
  let sql: string[] = [];
  const real = new WeakMap<object, D1PreparedStatement>();
  const texts = new WeakMap<object, string>();
  const wrap = (stmt: D1PreparedStatement, text: string): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === 'bind') return (...args: unknown[]) => wrap(target.bind(...args), text);
        if (prop === 'first' || prop === 'run' || prop === 'all' || prop === 'raw') {
          return (...args: unknown[]) => {
            trips++;
            sql.push(text);
            return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    real.set(proxy, stmt);
    texts.set(proxy, text);
    return proxy;
  };
  const counted = new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (text: string) => wrap(target.prepare(text), text);
      if (prop === 'batch') {
        return (stmts: D1PreparedStatement[]) => {
          trips++;
          for (const s of stmts) sql.push(texts.get(s) ?? '?');
          return target.batch(stmts.map((s) => real.get(s) ?? s));
        };
      }
      if (prop === 'exec') {
        return (text: string) => {
          trips++;
          sql.push(text);
          return target.exec(text);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    db: counted,
    trips: () => trips,
    reset: () => {
      trips = 0;
      sql = [];
    },
    /** The SQL of every statement run since the last reset, in order (a batch's statements each). */
    sql: () => sql,
  };
}
