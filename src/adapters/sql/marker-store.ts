import type { Marker, MarkerStore, MarkerTimeline } from '../../ports/notification-store.js';
import { idParam, idsParam, type SqlExecutor, toBigInt, toNumber } from './sql-client.js';

interface MarkerRow {
  timeline: string;
  last_read_id: unknown;
  version: unknown;
  updated_at: unknown;
}

const toMarker = (row: MarkerRow): Marker => ({
  timeline: row.timeline as MarkerTimeline,
  lastReadId: toBigInt(row.last_read_id),
  version: toNumber(row.version),
  updatedAt: row.updated_at instanceof Date ? row.updated_at : new Date(String(row.updated_at)),
});

/** Markers in PostgreSQL (or PGlite); a save that changes nothing keeps its version and time. */
export class SqlMarkerStore implements MarkerStore {
  constructor(private readonly db: SqlExecutor) {}

  async get(accountId: bigint, timelines: readonly MarkerTimeline[]): Promise<Marker[]> {
    if (timelines.length === 0) return [];
    const rows = await this.db.query<MarkerRow>(
      `SELECT timeline, last_read_id, version, updated_at FROM markers
        WHERE account_id = $1::bigint AND timeline = ANY($2::text[]) ORDER BY timeline`,
      [idParam(accountId), [...new Set(timelines)]],
    );
    return rows.map(toMarker);
  }

  async save(
    accountId: bigint,
    positions: readonly { timeline: MarkerTimeline; lastReadId: bigint }[],
    at: Date,
  ): Promise<Marker[]> {
    if (positions.length === 0) return [];
    // The last position given for a timeline wins, as a later request would.
    const latest = new Map(positions.map((p) => [p.timeline, p.lastReadId]));
    const rows = await this.db.query<MarkerRow>(
      `INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at)
       SELECT $1::bigint, t, l, 0, $4::timestamptz FROM unnest($2::text[], $3::bigint[]) AS k (t, l)
       ON CONFLICT (account_id, timeline) DO UPDATE
          SET last_read_id = EXCLUDED.last_read_id,
              version = markers.version + 1,
              updated_at = EXCLUDED.updated_at
        WHERE markers.last_read_id <> EXCLUDED.last_read_id
       RETURNING timeline, last_read_id, version, updated_at`,
      [idParam(accountId), [...latest.keys()], idsParam([...latest.values()]), at.toISOString()],
    );
    const written = new Set(rows.map((row) => row.timeline));
    const unchanged = [...latest.keys()].filter((t) => !written.has(t));
    const kept = unchanged.length > 0 ? await this.get(accountId, unchanged) : [];
    return [...rows.map(toMarker), ...kept].sort((a, b) => a.timeline.localeCompare(b.timeline));
  }
}
