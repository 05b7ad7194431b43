/**
 * The worker pool keeps going when one file hangs: the hung file fails with a timeout and the
 * others still run. (DuckDB is the engine here; a long query stands in for a hang.)
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runInWorkers } from './pool.ts'
import type { WorkerJob } from './worker.ts'

test('a stalled file times out alone; the other files still pass', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slt-pool-'))
  try {
    const files = {
      'slow.test': 'query I\nSELECT count(*) FROM range(1000000) a, range(1000000) b, range(1000) c\n----\n0\n',
      'ok1.test': 'query I\nSELECT 41 + 1\n----\n42\n',
      'ok2.test': 'statement ok\nCREATE TABLE t(i INT)\n\nquery I\nSELECT count(*) FROM t\n----\n0\n',
      'bad.test': 'query I\nSELECT 1\n----\n2\n',
    }
    const jobs: WorkerJob[] = Object.entries(files).map(([name, text]) => {
      writeFileSync(join(dir, name), text)
      return { file: join(dir, name), name, dialect: 'duckdb', cwd: dir, dataDir: undefined, engine: 'duckdb' }
    })
    const results = await runInWorkers(jobs, { workers: 2, stallMs: 3000, fileMs: 60_000, totalMs: 100_000 })
    const byName = new Map(results.map(r => [r.file, r]))
    assert.equal(results.length, 4)
    assert.equal(byName.get('slow.test')?.status, 'fail')
    assert.match(byName.get('slow.test')?.reason ?? '', /timeout/)
    assert.equal(byName.get('ok1.test')?.status, 'pass')
    assert.equal(byName.get('ok2.test')?.status, 'pass')
    assert.equal(byName.get('bad.test')?.status, 'fail')
    assert.equal(byName.get('bad.test')?.failure?.line, 1)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
