/** Shared helpers for the CSV tests: a temp folder, error checks, and the same query on DuckDB. */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import type { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'

export function tempDir(prefix: string): { dir: string; file: (name: string, content: string | Uint8Array) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {
    dir,
    file: (name, content) => { const p = join(dir, name); writeFileSync(p, content); return p },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export async function fails(db: Database, sql: string, code: string, pattern?: RegExp): Promise<GrizzlyError> {
  try {
    await db.query(sql)
  } catch (e) {
    assert.ok(e instanceof GrizzlyError, `expected a GrizzlyError for ${sql}, got ${String(e)}`)
    assert.equal(e.code, code, `${sql}: ${e.message}`)
    if (pattern !== undefined) assert.match(e.message + '\n' + (e.hint ?? ''), pattern)
    return e
  }
  assert.fail(`expected ${sql} to fail with ${code}`)
}

export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`

/** Column names, types, and every value as text (NULL as null), from Grizzly. */
export async function grizzlyTable(db: Database, from: string): Promise<{ schema: string[]; rows: (string | null)[][] }> {
  const d = await db.query(`DESCRIBE SELECT * FROM ${from}`)
  const schema = d.rows.map(r => `${String(r[0])}:${String(r[1])}`)
  const cols = d.rows.map(r => `CAST("${String(r[0]).replace(/"/g, '""')}" AS VARCHAR)`).join(', ')
  const r = await db.query(`SELECT ${cols} FROM ${from}`)
  return { schema, rows: r.rows.map(row => row.map(v => v === null ? null : String(v))) }
}

let duck: Promise<Awaited<ReturnType<DuckDBInstance['connect']>>> | null = null
export function duckdb(): Promise<Awaited<ReturnType<DuckDBInstance['connect']>>> {
  duck ??= DuckDBInstance.create(':memory:').then(i => i.connect())
  return duck
}

export async function duckTable(from: string): Promise<{ schema: string[]; rows: (string | null)[][] }> {
  const c = await duckdb()
  const d = await c.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)
  const schema = d.getRows().map(r => `${String(r[0])}:${String(r[1])}`)
  const cols = d.getRows().map(r => `CAST("${String(r[0]).replace(/"/g, '""')}" AS VARCHAR)`).join(', ')
  const r = await c.runAndReadAll(`SELECT ${cols} FROM ${from}`)
  return { schema, rows: r.getRows().map(row => row.map(v => v === null ? null : String(v))) }
}

export async function duckRun(sql: string): Promise<void> {
  const c = await duckdb()
  await c.run(sql)
}
