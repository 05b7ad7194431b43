import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Database, type QueryProgress } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-progress-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

async function bigDb(rows: number): Promise<Database> {
  const db = await Database.open()
  await db.query(`CREATE TABLE big AS SELECT i, i % 97 AS g FROM range(${rows}) r(i)`)
  return db
}

async function canceled(p: Promise<unknown>): Promise<GrizzlyError> {
  try {
    await p
  } catch (e) {
    assert.ok(e instanceof GrizzlyError, String(e))
    assert.equal(e.code, '57014', e.message)
    assert.match(e.message, /canceling statement due to user request/)
    return e
  }
  assert.fail('expected the statement to be canceled')
}

test('onProgress reports rows read against the table size, then a final report', async () => {
  const db = await bigDb(400_000)
  const reports: QueryProgress[] = []
  const r = await db.query('SELECT g, count(*), sum(i) FROM big GROUP BY g', [], { onProgress: p => reports.push(p), progressIntervalMs: 0 })
  assert.equal(r.rowCount, 97)
  assert.ok(reports.length >= 2, `${reports.length} reports`)
  const last = reports[reports.length - 1]!
  assert.equal(last.rowsRead, 400_000)
  assert.equal(last.rowsTotal, 400_000)
  assert.equal(last.fraction, 1)
  for (let i = 1; i < reports.length; i++) assert.ok(reports[i]!.rowsRead >= reports[i - 1]!.rowsRead)
  assert.ok(reports.some(p => p.fraction !== null && p.fraction > 0 && p.fraction < 1), 'an intermediate report')
})

test('file readers report bytes against the file size', async () => {
  const db = await Database.open()
  const path = join(dir, 'many.ndjson')
  const lines: string[] = []
  for (let i = 0; i < 200_000; i++) lines.push(`{"a": ${i}, "b": "value ${i}"}`)
  writeFileSync(path, lines.join('\n') + '\n')
  await db.query('CREATE TABLE t (a BIGINT, b VARCHAR)')
  const reports: QueryProgress[] = []
  const r = await db.query(`COPY t FROM '${path}'`, [], { onProgress: p => reports.push(p), progressIntervalMs: 0 })
  assert.equal(r.changes, 200_000)
  const last = reports[reports.length - 1]!
  assert.equal(last.bytesTotal, statSync(path).size)
  assert.equal(last.bytesRead, last.bytesTotal)
  assert.equal(last.fraction, 1)
})

test('a signal aborted before the call cancels it without running anything', async () => {
  const db = await bigDb(10)
  const ac = new AbortController()
  ac.abort()
  await canceled(db.query('DELETE FROM big', [], { signal: ac.signal }))
  assert.deepEqual((await db.query('SELECT count(*) FROM big')).rows, [[10n]])
})

test('a long query canceled while it runs stops promptly with 57014, and the next query works', async () => {
  const db = await bigDb(1_000_000)
  const ac = new AbortController()
  const started = performance.now()
  let stoppedAt = 0
  // the abort comes from the progress callback, the one place user code runs during a statement
  await canceled(db.query('SELECT a.g, count(*) FROM big a JOIN big b ON a.i = b.i GROUP BY a.g ORDER BY 1', [], {
    signal: ac.signal, progressIntervalMs: 10,
    onProgress: p => { if (p.elapsedMs > 50 && !ac.signal.aborted) { ac.abort(); stoppedAt = performance.now() } },
  }))
  const after = performance.now()
  assert.ok(stoppedAt > 0)
  assert.ok(after - stoppedAt < 500, `stopped ${Math.round(after - stoppedAt)} ms after the abort`)
  assert.ok(after - started < 5000)
  assert.deepEqual((await db.query('SELECT count(*) FROM big')).rows, [[1_000_000n]])
})

test('COPY FROM canceled mid-way leaves no rows, also inside a transaction', async () => {
  const db = await Database.open()
  const path = join(dir, 'cancel.ndjson')
  const lines: string[] = []
  for (let i = 0; i < 300_000; i++) lines.push(`{"a": ${i}}`)
  writeFileSync(path, lines.join('\n'))
  await db.query('CREATE TABLE t (a BIGINT)')
  await db.query('INSERT INTO t VALUES (-1)')
  const abortMidway = (): { signal: AbortSignal; onProgress: (p: QueryProgress) => void; progressIntervalMs: number } => {
    const ac = new AbortController()
    return { signal: ac.signal, progressIntervalMs: 0, onProgress: p => { if (p.bytesRead > 0 && p.fraction !== null && p.fraction > 0.3) ac.abort() } }
  }
  await canceled(db.query(`COPY t FROM '${path}'`, [], abortMidway()))
  assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [[1n]])
  await db.query('BEGIN')
  await db.query('INSERT INTO t VALUES (-2)')
  await canceled(db.query(`COPY t FROM '${path}'`, [], abortMidway()))
  // the canceled statement is undone; the transaction and its earlier work go on
  assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [[2n]])
  await db.query('COMMIT')
  assert.deepEqual((await db.query('SELECT a FROM t ORDER BY a')).rows, [[-2n], [-1n]])
})

test('a canceled script stops between statements; earlier statements keep their effect', async () => {
  const db = await bigDb(10)
  const ac = new AbortController()
  // the SELECT is the first statement that reads a table
  await canceled(db.exec('INSERT INTO big VALUES (100, 1); SELECT count(*) FROM big; INSERT INTO big VALUES (101, 1)', {
    signal: ac.signal, progressIntervalMs: 0, onProgress: p => { if (p.rowsRead > 0) ac.abort() },
  }))
  const n = Number((await db.query('SELECT count(*) FROM big')).rows[0]![0])
  assert.ok(n === 11, `${n} rows`)
})

test('the shell progress line: bar, percent, rows, bytes, rate and ETA within the terminal width', async () => {
  const { renderProgress } = await import('../../cli/progress.ts')
  const line = renderProgress({ rowsRead: 1_500_000, rowsTotal: 3_000_000, bytesRead: 0, bytesTotal: 0, elapsedMs: 2000, fraction: 0.5 }, 120)
  assert.match(line, /^\[=+> +\]  50%  1\.5M rows \(750K\/s\)  ETA 2\.0s/)
  const file = renderProgress({ rowsRead: 0, rowsTotal: 0, bytesRead: 3 << 20, bytesTotal: 12 << 20, elapsedMs: 1000, fraction: 0.25 }, 200)
  assert.match(file, /3\.0 MiB of 12\.0 MiB \(3\.0 MiB\/s\)  ETA 3\.0s/)
  assert.ok(renderProgress({ rowsRead: 1, rowsTotal: 0, bytesRead: 0, bytesTotal: 0, elapsedMs: 1, fraction: null }, 20).length < 20)
})

test('timeoutMs cancels a statement that runs too long, on the engine clock, and counts per statement', async () => {
  const db = await bigDb(1_000_000)
  const started = performance.now()
  const e = await canceledBy(db.query('SELECT a.g, count(*) FROM big a JOIN big b ON a.i = b.i GROUP BY a.g', [], { timeoutMs: 30 }))
  assert.match(e.message, /statement timeout/)
  assert.ok(performance.now() - started < 3000)
  // short statements of a script each get the full time
  const r = await db.exec('SELECT count(*) FROM big; SELECT count(*) FROM big', { timeoutMs: 10_000 })
  assert.deepEqual(r.rows, [[1_000_000n]])
})

async function canceledBy(p: Promise<unknown>): Promise<GrizzlyError> {
  try { await p } catch (e) {
    assert.ok(e instanceof GrizzlyError && e.code === '57014', String(e))
    return e
  }
  assert.fail('expected 57014')
}
