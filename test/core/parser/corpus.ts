/**
 * Extracts the SQL of `statement` and `query` records from sqllogictest files, for the parser's
 * corpus smoke test.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface CorpusRecord { readonly file: string; readonly sql: string; readonly expectError: boolean }

export const conformanceRoot = fileURLToPath(new URL('../../../../shared/conformance', import.meta.url))

export function corpusAvailable(): boolean { return existsSync(conformanceRoot) }

export function testFiles(dir: string): string[] {
  const out: string[] = []
  if (!existsSync(dir)) return out
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...testFiles(full))
    else if (name.endsWith('.test')) out.push(full)
  }
  return out
}

const ENGINE_NAMES: ReadonlySet<string> = new Set(['sqlite', 'postgresql', 'mysql', 'mssql', 'oracle', 'duckdb'])
/** The engines a PostgreSQL-flavoured engine answers to, as DuckDB's harness does. */
const ANSWERS_TO: ReadonlySet<string> = new Set(['postgresql', 'duckdb'])

/**
 * Records whose SQL has no loop placeholders and that a PostgreSQL-flavoured engine would run
 * (`onlyif mysql` / `skipif postgresql` records are left out).
 */
export function extractRecords(file: string): CorpusRecord[] {
  const lines = readFileSync(file, 'utf8').replaceAll('\r', '').split('\n')
  const out: CorpusRecord[] = []
  let i = 0
  let skip = false
  while (i < lines.length) {
    const line = lines[i]!
    const words = line.split(/\s+/)
    if ((words[0] === 'skipif' || words[0] === 'onlyif') && words[1] !== undefined && ENGINE_NAMES.has(words[1])) {
      const named = ANSWERS_TO.has(words[1])
      if (words[0] === 'skipif' ? named : !named) skip = true
      i++
      continue
    }
    if (words[0] === 'statement' || words[0] === 'query') {
      const skipThis = skip
      skip = false
      const expectError = words[0] === 'statement' && words[1] === 'error'
      const sql: string[] = []
      i++
      while (i < lines.length) {
        const l = lines[i]!
        if (l.trim() === '' || l.startsWith('#') || l.startsWith('----')) break
        sql.push(l)
        i++
      }
      const text = sql.join('\n')
      if (!skipThis && !/\$\{|\{[A-Za-z_]+\}|__TEST_DIR__/.test(text) && text.trim() !== '') out.push({ file, sql: text, expectError })
      continue
    }
    if (line.trim() === '') skip = false
    i++
  }
  return out
}
