/**
 * Runs one sqllogictest file against a fresh database and reports pass / fail / skip, the first
 * failing record, and how many records ran and passed (execution continues after a failure so
 * record counts mean something).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { Condition, Record } from './records.ts'
import { parseSlt, SltParseError } from './parser.ts'
import type { EngineFactory, SltEngine } from './engine.ts'
import { type Dialect, expectedValues, renderResult, valueMatches } from './compare.ts'
import { hashValues, sortRows, sortValues } from './render.ts'

export interface RunOptions {
  readonly dialect: Dialect
  readonly engine: EngineFactory
  /** absolute path substituted for {DATA_DIR} */
  readonly dataDir?: string
  /** `require` names the engine has on top of the build switches every engine satisfies */
  readonly features?: ReadonlySet<string>
  /** called before each record, so a supervisor can tell a slow file from a hung one */
  readonly onProgress?: (line: number) => void
}

export interface Failure {
  readonly line: number
  readonly sql: string
  readonly message: string
  readonly expected?: string
  readonly actual?: string
}

export interface FileResult {
  readonly file: string
  readonly status: 'pass' | 'fail' | 'skip'
  readonly reason?: string
  readonly failure?: Failure
  readonly recordsRun: number
  readonly recordsPassed: number
  readonly millis: number
}

/** DuckDB build conditions any engine satisfies. */
const SATISFIED_REQUIRES = new Set([
  'vector_size', 'skip_reload', 'no_alternative_verify', 'notwindows', '64bit', 'notmusl', 'noforcestorage',
  'nothreadsan', 'no_extension_autoloading', 'block_size', 'windows_or_linux', 'longdouble',
])

/** DuckDB harness settings that another engine answers with success without running them. */
const HARNESS_STATEMENT = /^\s*(?:PRAGMA\s+(?:enable_verification|disable_verification|verify_external|disable_verify_external|verify_parallelism|disable_verify_parallelism|verify_serializer|disable_verify_serializer|enable_profiling|disable_profiling|enable_progress_bar|disable_progress_bar|enable_force_parallelism|verify_fetch_row|enable_object_cache|force_checkpoint|enable_checkpoint_on_shutdown|disable_checkpoint_on_shutdown)(?:\s*=\s*\S+)?|(?:PRAGMA|SET)\s+threads\s*(?:=|TO)\s*\d+)\s*;?\s*$/i

export function isHarnessStatement(sql: string): boolean {
  return HARNESS_STATEMENT.test(sql)
}

class SkipFile { constructor(readonly reason: string) {} }
class Halt {}
class Continue {}

interface State {
  readonly engine: SltEngine
  readonly options: RunOptions
  readonly engineNames: ReadonlySet<string>
  readonly placeholders: readonly (readonly [string, string])[]
  readonly labels: Map<string, { hash: string; line: number }>
  ignoreErrors: readonly string[]
  recordsRun: number
  recordsPassed: number
  failure: Failure | undefined
}

export async function runSltText(file: string, text: string, options: RunOptions): Promise<FileResult> {
  const started = performance.now()
  const finish = (status: FileResult['status'], extra: Partial<FileResult>, run = 0, passed = 0): FileResult =>
    ({ file, status, recordsRun: run, recordsPassed: passed, millis: Math.round(performance.now() - started), ...extra })

  let records: Record[]
  try { records = parseSlt(text, options.dialect) } catch (e) {
    if (e instanceof SltParseError) return finish('fail', { reason: `cannot parse: ${e.message}`, failure: { line: e.line, sql: '', message: e.message } })
    throw e
  }
  const unsupported = findUnsupported(records, options.features ?? new Set())
  if (unsupported !== undefined) return finish('skip', { reason: unsupported })

  const scratch = mkdtempSync(join(tmpdir(), 'slt-'))
  let engine: SltEngine | undefined
  try {
    try { engine = await options.engine() } catch (e) {
      const message = `cannot open the engine: ${e instanceof Error ? e.message : String(e)}`
      return finish('fail', { reason: message, failure: { line: 0, sql: '', message } })
    }
    const state: State = {
      engine, options,
      engineNames: new Set(options.dialect === 'sqlite' ? ['postgresql'] : ['duckdb']),
      placeholders: [
        ['__TEST_DIR__', scratch], ['{TEST_DIR}', scratch], ['{TEMP_DIR}', scratch],
        ['{DATA_DIR}', options.dataDir ?? 'data'], ['{UUID}', randomUUID()],
      ],
      labels: new Map(), ignoreErrors: [], recordsRun: 0, recordsPassed: 0, failure: undefined,
    }
    if (options.dialect === 'sqlite') await engine.execute('SET integer_division = true', undefined)
    try {
      await runRecords(records, new Map(), state)
    } catch (e) {
      if (e instanceof SkipFile) return finish('skip', { reason: e.reason }, state.recordsRun, state.recordsPassed)
      if (!(e instanceof Halt)) throw e
    }
    if (state.failure !== undefined) {
      return finish('fail', { failure: state.failure, reason: `line ${state.failure.line}: ${state.failure.message}` }, state.recordsRun, state.recordsPassed)
    }
    return finish('pass', {}, state.recordsRun, state.recordsPassed)
  } finally {
    try { await engine?.close() } catch { /* a failing close must not hide the file's result */ }
    rmSync(scratch, { recursive: true, force: true })
  }
}

export async function runSltFile(path: string, options: RunOptions): Promise<FileResult> {
  return runSltText(path, readFileSync(path, 'utf8'), options)
}

/** A reason to skip the whole file before running it, or undefined. */
function findUnsupported(records: readonly Record[], features: ReadonlySet<string>): string | undefined {
  for (const r of records) {
    if (r.kind === 'require' && !SATISFIED_REQUIRES.has(r.feature) && !features.has(r.feature)) return `requires ${r.feature}`
    if (r.kind === 'unsupported') return `harness command not supported: ${r.command}`
    if (r.kind === 'loop') {
      const inner = findUnsupported(r.body, features)
      if (inner !== undefined) return inner
    }
  }
  return undefined
}

async function runRecords(records: readonly Record[], vars: ReadonlyMap<string, string>, state: State): Promise<void> {
  for (const record of records) {
    state.options.onProgress?.(record.line)
    switch (record.kind) {
      case 'statement':
        if (!conditionsAllow(record.conditions, vars, state)) break
        await runStatement(record, vars, state)
        break
      case 'query':
        if (!conditionsAllow(record.conditions, vars, state)) break
        await runQuery(record, vars, state)
        break
      case 'halt':
        if (conditionsAllow(record.conditions, vars, state)) throw new Halt()
        break
      case 'continue':
        if (conditionsAllow(record.conditions, vars, state)) throw new Continue()
        break
      case 'loop':
        for (const values of record.iterations) {
          const inner = new Map(vars)
          record.names.forEach((name, k) => inner.set(name, values[k] ?? ''))
          try { await runRecords(record.body, inner, state) } catch (e) {
            if (!(e instanceof Continue)) throw e
          }
        }
        break
      case 'set-seed':
        await state.engine.execute(`SELECT setseed(${substitute(record.seed, vars, state)})`, undefined)
        break
      case 'ignore-errors': state.ignoreErrors = record.messages; break
      case 'reset-label': state.labels.delete(record.label); break
      case 'hash-threshold': case 'require': case 'noop': case 'unsupported': break
      default: {
        const never: never = record
        throw new Error(`unhandled record ${JSON.stringify(never)}`)
      }
    }
  }
}

function conditionsAllow(conditions: readonly Condition[], vars: ReadonlyMap<string, string>, state: State): boolean {
  for (const c of conditions) {
    const holds = /[=<>]/.test(c.argument) ? evaluateCondition(c.argument, vars) : state.engineNames.has(c.argument.trim())
    if (c.kind === 'skipif' && holds) return false
    if (c.kind === 'onlyif' && !holds) return false
  }
  return true
}

/** `i=2 && type<>varchar`: `=`/`<>` compare strings, `<` `>` `<=` `>=` integers. */
export function evaluateCondition(text: string, vars: ReadonlyMap<string, string>): boolean {
  return text.split('&&').every(part => {
    const m = /^\s*([^=<>!\s]+)\s*(<>|!=|<=|>=|=|==|<|>)\s*(.*?)\s*$/.exec(part)
    if (m === null) return false
    const left = vars.get(m[1]!) ?? m[1]!
    const right = vars.get(m[3]!) ?? m[3]!
    switch (m[2]) {
      case '=': case '==': return left === right
      case '<>': case '!=': return left !== right
      case '<': return Number(left) < Number(right)
      case '>': return Number(left) > Number(right)
      case '<=': return Number(left) <= Number(right)
      case '>=': return Number(left) >= Number(right)
      default: return false
    }
  })
}

function substitute(sql: string, vars: ReadonlyMap<string, string>, state: State): string {
  let out = sql
  for (const [name, value] of vars) {
    if (out.includes(name)) out = out.split(`\${${name}}`).join(value).split(`{${name}}`).join(value)
  }
  for (const [from, to] of state.placeholders) if (out.includes(from)) out = out.split(from).join(to)
  return out
}

function fail(state: State, failure: Failure): void {
  if (state.failure === undefined) state.failure = failure
}

function checkIgnoredError(message: string, state: State): void {
  for (const m of state.ignoreErrors) if (message.includes(m)) throw new SkipFile(`ignored error: ${m}`)
}

async function runStatement(record: Extract<Record, { kind: 'statement' }>, vars: ReadonlyMap<string, string>, state: State): Promise<void> {
  const sql = substitute(record.sql, vars, state)
  state.recordsRun++
  if (isHarnessStatement(sql)) { state.recordsPassed++; return }
  const outcome = await state.engine.execute(sql, record.connection)
  if (outcome.kind === 'error') {
    if (record.expect === 'ok') checkIgnoredError(outcome.message, state)
    if (outcome.crash) return fail(state, { line: record.line, sql, message: `engine crashed: ${outcome.message}` })
    if (record.expect === 'ok') return fail(state, { line: record.line, sql, message: `statement failed: ${outcome.message}` })
  } else if (record.expect === 'error') {
    return fail(state, { line: record.line, sql, message: 'statement succeeded but an error was expected' })
  }
  state.recordsPassed++
}

async function runQuery(record: Extract<Record, { kind: 'query' }>, vars: ReadonlyMap<string, string>, state: State): Promise<void> {
  const sql = substitute(record.sql, vars, state)
  const line = record.line
  state.recordsRun++
  const outcome = await state.engine.execute(sql, record.connection)
  if (outcome.kind === 'error') {
    checkIgnoredError(outcome.message, state)
    return fail(state, { line, sql, message: `${outcome.crash ? 'engine crashed' : 'query failed'}: ${outcome.message}` })
  }
  const result = outcome.result
  const dialect = state.options.dialect
  if (result.columns.length !== record.types.length) {
    return fail(state, {
      line, sql, message: `expected ${record.types.length} columns (${record.types}), got ${result.columns.length}`,
      expected: record.types, actual: result.columns.map(c => c.type).join(', '),
    })
  }
  let rows = renderResult(result, record.types, dialect)
  let flat: string[]
  if (record.sortMode === 'rowsort') rows = sortRows(rows)
  if (record.sortMode === 'valuesort') flat = sortValues(rows.flat())
  else flat = rows.flat()
  const hash = hashValues(flat)

  let ok = true
  let expectedText = ''
  const expected = record.expected
  if (expected.kind === 'hash') {
    expectedText = `${expected.count} values hashing to ${expected.hash}`
    ok = expected.count === flat.length && expected.hash === hash
  } else if (record.label === undefined || dialect === 'sqlite') {
    const lines = expected.lines.map(l => l.includes('{') ? substitute(l, new Map(), state) : l)
    expectedText = lines.join('\n')
    if (dialect === 'sqlite') {
      ok = lines.length === flat.length && lines.every((v, k) => v === flat[k])
    } else {
      const values = expectedValues(lines, result.columns.length, rows.length)
      const width = result.columns.length
      ok = values.length === flat.length &&
        values.every((v, k) => valueMatches(flat[k]!, v, record.sortMode === 'valuesort' ? 'other' : result.columns[k % width]!.class) ||
          (record.sortMode === 'valuesort' && result.columns.some(c => valueMatches(flat[k]!, v, c.class))))
    }
  }
  if (ok && record.label !== undefined) {
    const seen = state.labels.get(record.label)
    if (seen === undefined) state.labels.set(record.label, { hash, line })
    else if (seen.hash !== hash) {
      return fail(state, { line, sql, message: `result differs from label "${record.label}" (first seen at line ${seen.line})` })
    }
  }
  if (!ok) {
    const actual = dialect === 'sqlite' || record.sortMode === 'valuesort' ? flat.join('\n') : rows.map(r => r.join('\t')).join('\n')
    return fail(state, {
      line, sql, message: 'wrong result', expected: expectedText,
      actual: expected.kind === 'hash' ? `${flat.length} values hashing to ${hash}\n${truncate(actual)}` : truncate(actual),
    })
  }
  state.recordsPassed++
}

function truncate(s: string): string {
  return s.length > 2000 ? `${s.slice(0, 2000)}\n…` : s
}
