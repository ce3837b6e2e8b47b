import type { SqlClient, SqlExecutor } from '../../src/adapters/sql/sql-client.js';

/** A SqlClient that records every statement it is asked to run (transactions' statements included). */
export interface CountingSql extends SqlClient {
  /** Statements run since the last {@link CountingSql.reset}, in order. */
  readonly statements: string[];
  reset(): void;
}

export function countingSql(inner: SqlClient): CountingSql {
  const statements: string[] = [];
  const counted = (executor: SqlExecutor): SqlExecutor => ({
    query(text, params) {
      statements.push(text);
      return executor.query(text, params);
    },
    exec(script) {
      statements.push(script);
      return executor.exec(script);
    },
  });
  const outer = counted(inner);
  return {
    statements,
    reset: () => {
      statements.length = 0;
    },
    query: (text, params) => outer.query(text, params),
    exec: (script) => outer.exec(script),
    transaction: (work) => inner.transaction((tx) => work(counted(tx))),
    listen: (channel, onNotify) => inner.listen(channel, onNotify),
    close: () => inner.close(),
  };
}
