import { fromOldest, type IdWindow } from '../../domain/model.js';

/**
 * The narrow SQL surface the stores need, so that one set of queries runs on PGlite (embedded) and on PostgreSQL.
 * Parameters are positional ($1…); bigint parameters are passed as decimal strings and cast in SQL, and bigint
 * columns are read back through {@link toBigInt}, because the two drivers return int8 differently.
 */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface TransactionOptions {
  /** Bound on each statement of this transaction, instead of the client's own (migrations take longer). */
  timeoutMs?: number;
}

export interface SqlClient extends SqlExecutor {
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Calls `onNotify` for every NOTIFY on `channel` until the returned function is called. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** int8 arrives as string (pg), number or bigint (PGlite); all three convert exactly. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value)))
    return BigInt(value);
  throw new TypeError(`not an int8: ${String(value)}`);
}

export const toNumber = (value: unknown): number => Number(value);

/** bigint parameters travel as strings: both drivers accept them for `$n::bigint` and `$n::bigint[]`. */
export const idParam = (id: bigint): string => id.toString();
export const idsParam = (ids: readonly bigint[]): string[] => ids.map((id) => id.toString());

/** A keyset window as three parameters: the exclusive upper and lower id bounds (null when open), and the limit. */
export const windowParams = (w: IdWindow): [string | null, string | null, number] => [
  w.before === undefined ? null : idParam(w.before),
  w.after === undefined ? null : idParam(w.after),
  w.limit,
];

/** The window's bounds on `column`, for the parameters {@link windowParams} puts at `$first` and `$first + 1`. */
export const windowPredicate = (column: string, first: number): string =>
  `($${first}::bigint IS NULL OR ${column} < $${first}::bigint) ` +
  `AND ($${first + 1}::bigint IS NULL OR ${column} > $${first + 1}::bigint)`;

/** How a window's page is read: newest first, or — a page from the oldest end — ascending, then reversed. */
export const windowOrder = (w: IdWindow): 'ASC' | 'DESC' => (fromOldest(w) ? 'ASC' : 'DESC');

/** Rows read in {@link windowOrder}, newest first. */
export const newestFirst = <T>(rows: T[], w: IdWindow): T[] => (fromOldest(w) ? rows.reverse() : rows);

/** The SQLSTATE of a unique violation, the one error the stores translate. */
export const UNIQUE_VIOLATION = '23505';

export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;
