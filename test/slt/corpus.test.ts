/**
 * Our own SQL corpus (test/sql/**\/*.test, DuckDB dialect): every file must pass on Grizzly,
 * except those listed in test/sql/known-failures.json — a list that may only shrink: a listed
 * file that passes fails this suite until it is removed from the list. The same files are also
 * run on DuckDB, where the expected results come from, so a wrong expectation shows up at once.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runInWorkers } from './pool.ts'
import type { WorkerJob } from './worker.ts'
import type { EngineName } from './engines.ts'
import { formatFileResult } from './report.ts'

const SQL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'sql')
const KNOWN_FAILURES_PATH = join(SQL_DIR, 'known-failures.json')

function corpusFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) corpusFiles(full, out)
    else if (name.endsWith('.test')) out.push(full)
  }
  return out
}

const files = corpusFiles(SQL_DIR)
const nameOf = (file: string): string => relative(SQL_DIR, file).split(sep).join('/')
const knownFailures = new Set((JSON.parse(readFileSync(KNOWN_FAILURES_PATH, 'utf8')) as { files: string[] }).files)

function jobs(engine: EngineName): WorkerJob[] {
  return files.map(file => ({ file, name: nameOf(file), dialect: 'duckdb', cwd: SQL_DIR, dataDir: undefined, engine }))
}

const pool = { workers: 2, stallMs: 20_000, fileMs: 120_000, totalMs: 600_000 }

test('the corpus is substantial and the known-failures list names real files', () => {
  assert.ok(files.length >= 25, `only ${files.length} corpus files`)
  const names = new Set(files.map(nameOf))
  for (const f of knownFailures) assert.ok(names.has(f), `known-failures.json lists ${f}, which does not exist`)
})

test('every corpus file passes on Grizzly (or is a listed known failure)', { timeout: 900_000 }, async t => {
  const results = await runInWorkers(jobs('grizzly'), pool)
  for (const r of results.sort((a, b) => a.file.localeCompare(b.file))) {
    await t.test(r.file, () => {
      if (knownFailures.has(r.file)) {
        assert.notEqual(r.status, 'pass', `${r.file} passes now: remove it from test/sql/known-failures.json`)
      } else {
        assert.equal(r.status, 'pass', formatFileResult(r, true))
      }
    })
  }
})

test('every corpus file passes on DuckDB, the source of its expected results', { timeout: 300_000 }, async t => {
  const results = await runInWorkers(jobs('duckdb'), pool)
  for (const r of results.sort((a, b) => a.file.localeCompare(b.file))) {
    await t.test(r.file, () => assert.equal(r.status, 'pass', formatFileResult(r, true)))
  }
})
