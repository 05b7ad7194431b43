/**
 * Fills in the expected results of a sqllogictest file by running it on DuckDB (the reference
 * for our dialect), for writing test/sql files. Query headers with `?` as the type string get
 * their type letters; statement records are checked against ok/error.
 *
 *   node --import tsx test/slt/complete.ts FILE…      (rewrites the files in place)
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { openDuckdbEngine } from './duckdb-engine.ts'
import type { SltResult } from './engine.ts'
import { sortRows, sortValues } from './render.ts'
import { renderResult } from './compare.ts'

function typeLetter(type: string): string {
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(type)) return 'I'
  if (/^(FLOAT|DOUBLE|DECIMAL)/.test(type)) return 'R'
  return 'T'
}

function resultLines(result: SltResult, sortMode: string): string[] {
  // rendered exactly as the runner renders (booleans as 1/0), so sorted orders agree
  let rows = renderResult(result, '', 'duckdb')
  if (sortMode === 'rowsort' || sortMode === 'sort') rows = sortRows(rows)
  if (sortMode === 'valuesort') return sortValues(rows.flat())
  return rows.map(r => r.join('\t'))
}

async function complete(path: string): Promise<string[]> {
  const lines = readFileSync(path, 'utf8').split('\n')
  const out: string[] = []
  const problems: string[] = []
  const engine = await openDuckdbEngine()
  let i = 0
  try {
    while (i < lines.length) {
      const line = lines[i]!
      const words = line.trim().split(/\s+/)
      if (words[0] !== 'statement' && words[0] !== 'query') { out.push(line); i++; continue }
      const start = i + 1
      out.push(line)
      i++
      const sql: string[] = []
      while (i < lines.length && lines[i] !== '' && lines[i] !== '----' && !lines[i]!.startsWith('#')) sql.push(lines[i++]!)
      out.push(...sql)
      const expectedStart = i
      if (lines[i] === '----') { i++; while (i < lines.length && lines[i] !== '') i++ }
      const outcome = await engine.execute(sql.join('\n'), words[0] === 'statement' ? words[2] : (['nosort', 'rowsort', 'sort', 'valuesort'].includes(words[2] ?? 'nosort') ? undefined : words[2]))
      if (words[0] === 'statement') {
        out.push(...lines.slice(expectedStart, i))
        const want = words[1]
        if (want === 'ok' && outcome.kind === 'error') problems.push(`${path}:${start}: statement failed: ${outcome.message}`)
        if (want === 'error' && outcome.kind === 'ok') problems.push(`${path}:${start}: statement succeeded, error expected`)
        continue
      }
      if (outcome.kind === 'error') {
        problems.push(`${path}:${start}: query failed: ${outcome.message}`)
        out.push(...lines.slice(expectedStart, i))
        continue
      }
      if (words[1] === '?') {
        words[1] = outcome.result.columns.map(c => typeLetter(c.type)).join('')
        out[out.length - sql.length - 1] = words.join(' ')
      }
      out.push('----', ...resultLines(outcome.result, words[2] ?? 'nosort'))
    }
  } finally {
    await engine.close()
  }
  writeFileSync(path, out.join('\n'))
  return problems
}

let failed = false
for (const file of process.argv.slice(2)) {
  const problems = await complete(file)
  for (const p of problems) console.error(p)
  if (problems.length > 0) failed = true
}
process.exitCode = failed ? 1 : 0
