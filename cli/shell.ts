/**
 * The interactive shell: multi-line statements (a statement runs when it ends with ';'),
 * history kept in ~/.grizzly_history, tab completion of keywords, tables, columns and
 * functions, and dot commands (.help, .tables, .schema, .mode, .timer, .quit).
 */
import { createInterface, type Interface } from 'node:readline'
import { appendFileSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Database } from '../core/database.ts'
import { isCompleteStatement } from '../core/parser/index.ts'
import { formatResult, isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from './format.ts'
import { describeError, runScript } from './main.ts'
import { watchStatement } from './progress.ts'
import { typeToString } from '../core/types/types.ts'

const KEYWORDS = [
  'SELECT', 'FROM', 'WHERE', 'GROUP BY', 'ORDER BY', 'HAVING', 'LIMIT', 'OFFSET', 'JOIN', 'LEFT', 'RIGHT', 'FULL',
  'INNER', 'OUTER', 'CROSS', 'NATURAL', 'LATERAL', 'ON', 'USING', 'AS', 'AND', 'OR', 'NOT', 'IN', 'EXISTS', 'BETWEEN',
  'LIKE', 'ILIKE', 'IS', 'NULL', 'TRUE', 'FALSE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'DISTINCT', 'UNION',
  'INTERSECT', 'EXCEPT', 'ALL', 'WITH', 'RECURSIVE', 'OVER', 'PARTITION BY', 'WINDOW', 'QUALIFY', 'ROLLUP', 'CUBE',
  'GROUPING SETS', 'INSERT INTO', 'VALUES', 'UPDATE', 'SET', 'DELETE FROM', 'CREATE TABLE', 'CREATE VIEW',
  'CREATE SCHEMA', 'DROP TABLE', 'DROP VIEW', 'ALTER TABLE', 'ADD COLUMN', 'RENAME', 'PRIMARY KEY', 'UNIQUE',
  'DEFAULT', 'RETURNING', 'BEGIN', 'COMMIT', 'ROLLBACK', 'EXPLAIN', 'ANALYZE', 'DESCRIBE', 'SHOW TABLES', 'ASC', 'DESC',
  'NULLS FIRST', 'NULLS LAST', 'INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL', 'VARCHAR', 'BOOLEAN', 'DATE', 'TIMESTAMP',
  'INTERVAL', 'BLOB',
]

const DOT_HELP = `.help              show this help
.tables            list tables and views
.schema [TABLE]    show CREATE statements
.mode [FORMAT]     show or set the output format (${OUTPUT_FORMATS.join(', ')})
.timer on|off      show how long each statement takes
.quit / .exit      leave the shell
End a statement with ';' to run it; it may span several lines.`

interface ShellState { format: OutputFormat; timer: boolean }

export async function runShell(db: Database, options: { format: OutputFormat; sample: boolean }): Promise<void> {
  const state: ShellState = { format: options.format, timer: false }
  const historyFile = join(homedir(), '.grizzly_history')
  let history: string[] = []
  try { history = readFileSync(historyFile, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 1000) } catch { /* first run */ }

  const rl: Interface = createInterface({
    input: process.stdin,
    output: process.stdout,
    history,
    historySize: 1000,
    completer: (line: string) => complete(db, line),
    terminal: true,
  })
  process.stdout.write(`Grizzly shell — type .help for help${options.sample ? '; sample tables: customers, products, orders' : ''}\n`)
  let buffer = ''
  const prompt = () => { rl.setPrompt(buffer === '' ? 'grizzly> ' : '    ...> '); rl.prompt() }
  rl.on('SIGINT', () => {
    const hadInput = buffer !== '' || rl.line !== ''
    buffer = ''
    // drop what was typed on the current line too (Ctrl-E then Ctrl-U)
    rl.write(null, { ctrl: true, name: 'e' })
    rl.write(null, { ctrl: true, name: 'u' })
    process.stdout.write(hadInput ? '^C\n' : '\n(use .quit to leave)\n')
    prompt()
  })
  prompt()
  for await (const line of rl) {
    if (buffer === '' && line.trim().startsWith('.')) {
      remember(historyFile, line)
      if (!(await dotCommand(db, line.trim(), state))) break
      prompt()
      continue
    }
    buffer = buffer === '' ? line : `${buffer}\n${line}`
    if (buffer.trim() === '') { buffer = ''; prompt(); continue }
    if (!isCompleteStatement(buffer)) { prompt(); continue }
    const script = buffer
    buffer = ''
    remember(historyFile, script.replace(/\n/g, ' '))
    const started = performance.now()
    await runScript(db, script, state.format, s => process.stdout.write(s), () => watchStatement(process.stderr, true))
    if (state.timer) process.stdout.write(`Run Time: ${((performance.now() - started) / 1000).toFixed(3)} s\n`)
    prompt()
  }
  rl.close()
}

function remember(file: string, line: string): void {
  try { appendFileSync(file, line + '\n') } catch { /* history is best effort */ }
}

async function dotCommand(db: Database, line: string, state: ShellState): Promise<boolean> {
  const [cmd, ...args] = line.split(/\s+/)
  switch (cmd) {
    case '.quit': case '.exit': return false
    case '.help': process.stdout.write(DOT_HELP + '\n'); return true
    case '.tables': {
      const names = catalogEntries(db).map(e => e.name).sort()
      process.stdout.write(names.length === 0 ? '(no tables)\n' : names.join('  ') + '\n')
      return true
    }
    case '.schema': {
      const wanted = args[0]?.toLowerCase()
      for (const e of catalogEntries(db)) {
        if (wanted !== undefined && e.name.toLowerCase() !== wanted) continue
        if (e.kind === 'view') process.stdout.write(e.sql.trim().replace(/;?$/, ';') + '\n')
        else process.stdout.write(`CREATE TABLE ${e.name} (${e.columns.map(c => `${c.name} ${typeToString(c.type)}${c.notNull ? ' NOT NULL' : ''}`).join(', ')});\n`)
      }
      return true
    }
    case '.mode': {
      const f = args[0]
      if (f === undefined) process.stdout.write(`${state.format}\n`)
      else if (isOutputFormat(f)) state.format = f
      else process.stdout.write(`unknown mode "${f}"; use one of ${OUTPUT_FORMATS.join(', ')}\n`)
      return true
    }
    case '.timer': {
      const v = args[0]
      if (v === 'on' || v === 'off') state.timer = v === 'on'
      else process.stdout.write('usage: .timer on|off\n')
      return true
    }
    default:
      process.stdout.write(`unknown command ${cmd}; try .help\n`)
      return true
  }
}

function catalogEntries(db: Database) {
  const txn = db.transactions.begin({ readOnly: true })
  try { return db.catalog.entries(txn) } finally { db.transactions.rollback(txn) }
}

/** Completion candidates for the word under the cursor. */
export function complete(db: Database, line: string): [string[], string] {
  const m = /([A-Za-z_][A-Za-z0-9_.]*)$/.exec(line)
  const word = m?.[1] ?? ''
  if (word === '') return [[], '']
  const lower = word.toLowerCase()
  const candidates = new Set<string>()
  try {
    for (const e of catalogEntries(db)) {
      candidates.add(e.name)
      if (e.kind === 'table') for (const c of e.columns) candidates.add(c.name)
    }
  } catch (e) {
    process.stderr.write(describeError(e) + '\n')
  }
  for (const f of db.hooks.allFunctionNames()) if (/^[a-z_]/.test(f)) candidates.add(f)
  const upperWord = word === word.toUpperCase()
  for (const k of KEYWORDS) candidates.add(upperWord ? k : k.toLowerCase())
  const hits = [...candidates].filter(c => c.toLowerCase().startsWith(lower)).sort()
  return [hits, word]
}

export { formatResult }
