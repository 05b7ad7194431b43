/** Shared by the Parquet and Arrow tests: temp folders, DuckDB, and value comparison by text. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import { Database } from '../../core/database.ts'

export interface Fixture {
  readonly dir: string
  readonly db: Database
  readonly duck: DuckDBConnection
  path(name: string): string
  close(): Promise<void>
}

export async function fixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-formats-'))
  const db = await Database.open()
  const instance = await DuckDBInstance.create(':memory:')
  const duck = await instance.connect()
  await duck.run("SET TimeZone = 'UTC'")
  return {
    dir, db, duck,
    path: (name: string) => join(dir, name),
    close: async () => { await db.close(); duck.closeSync(); instance.closeSync(); rmSync(dir, { recursive: true, force: true }) },
  }
}

/** DuckDB's rows of `sql`, every value as text (NULL as null). */
export async function duckText(duck: DuckDBConnection, sql: string): Promise<(string | null)[][]> {
  const r = await duck.runAndReadAll(`SELECT COLUMNS(*)::VARCHAR FROM (${sql})`)
  return r.getRows().map(row => row.map(v => v === null ? null : String(v)))
}

export async function grizzlyText(db: Database, sql: string): Promise<(string | null)[][]> {
  return (await db.query(sql)).textRows()
}

/** Every column type the formats carry, with NULLs in every column on some rows. */
export const ALL_TYPES_SQL = `
  SELECT
    CASE WHEN i % 7 = 3 THEN NULL ELSE i % 2 = 0 END AS b,
    CASE WHEN i % 7 = 3 THEN NULL ELSE (i % 200 - 100)::TINYINT END AS i8,
    CASE WHEN i % 7 = 3 THEN NULL ELSE ((i * 7) % 60000 - 30000)::SMALLINT END AS i16,
    CASE WHEN i % 7 = 3 THEN NULL ELSE (i::BIGINT * 100003 - 2000000000)::INTEGER END AS i32,
    CASE WHEN i % 7 = 3 THEN NULL ELSE (i::BIGINT * 1000000007 - 9000000000000000000)::BIGINT END AS i64,
    CASE WHEN i % 7 = 3 THEN NULL ELSE (i * 0.25)::REAL END AS f32,
    CASE WHEN i % 7 = 3 THEN NULL ELSE (i * 0.5 - 3.25)::DOUBLE END AS f64,
    CASE WHEN i % 7 = 3 THEN NULL ELSE (i * 12.34 - 1000)::DECIMAL(9,2) END AS d9,
    CASE WHEN i % 7 = 3 THEN NULL ELSE (i * 123456.789 - 99999999)::DECIMAL(18,3) END AS d18,
    CASE WHEN i % 7 = 3 THEN NULL ELSE (i::DECIMAL(38,4) * 1234567890123456789.1234)::DECIMAL(38,4) END AS d38,
    CASE WHEN i % 7 = 3 THEN NULL ELSE 'row ' || i || CASE WHEN i % 5 = 0 THEN ' ünï ✓' ELSE '' END END AS s,
    CASE WHEN i % 7 = 3 THEN NULL ELSE ('\\x' || lpad(to_hex(i), 4, '0'))::BLOB END AS bl,
    CASE WHEN i % 7 = 3 THEN NULL ELSE DATE '1969-12-25' + (i * 3)::INTEGER END AS dt,
    CASE WHEN i % 7 = 3 THEN NULL ELSE TIMESTAMP '1969-12-31 23:00:00' + INTERVAL (i * 7777) SECOND END AS ts,
    CASE WHEN i % 7 = 3 THEN NULL ELSE TIME '00:00:01' + INTERVAL (i * 13) SECOND END AS tm,
    CASE WHEN i % 7 = 3 THEN NULL WHEN i % 11 = 0 THEN [] ELSE [i, NULL, i + 1] END AS li,
    CASE WHEN i % 7 = 3 THEN NULL ELSE ['a' || i, 'b'] END AS ls,
    CASE WHEN i % 7 = 3 THEN NULL ELSE {'x': i, 'y': 'v' || i, 'z': [i * 0.5]} END AS st
  FROM (SELECT i::INTEGER AS i FROM range(N) r(i)) t`

export function allTypes(rows: number): string { return ALL_TYPES_SQL.replace('range(N)', `range(${rows})`) }

/** DuckDB-side columns for comparing with Grizzly's text output. */
export const ALL_TYPE_COLUMNS = ['b', 'i8', 'i16', 'i32', 'i64', 'f32', 'f64', 'd9', 'd18', 'd38', 's', 'bl', 'dt', 'ts', 'tm', 'li', 'ls', 'st']
