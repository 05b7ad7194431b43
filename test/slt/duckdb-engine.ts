/**
 * DuckDB (the @duckdb/node-api devDependency) behind the runner's engine interface. Used to
 * check the runner itself against the corpora DuckDB is known to pass, and to produce expected
 * results for our own corpus.
 */
import {
  DuckDBArrayValue, DuckDBDateValue, DuckDBInstance, DuckDBListValue, DuckDBMapValue, DuckDBStructValue,
  DuckDBTimestampMillisecondsValue, DuckDBTimestampNanosecondsValue, DuckDBTimestampSecondsValue, DuckDBTimestampValue,
  type DuckDBConnection, type DuckDBValue,
} from '@duckdb/node-api'
import { classifyType, type SltColumn, type SltEngine, type SltOutcome } from './engine.ts'
import { formatDouble, formatFloat32 } from './render.ts'

export async function openDuckdbEngine(): Promise<SltEngine> {
  const instance = await DuckDBInstance.create(':memory:')
  const connections = new Map<string, DuckDBConnection>()
  const connection = async (name: string | undefined): Promise<DuckDBConnection> => {
    const key = name ?? ''
    let c = connections.get(key)
    if (c === undefined) {
      c = await instance.connect()
      connections.set(key, c)
    }
    return c
  }
  return {
    name: 'duckdb',
    async execute(sql: string, name: string | undefined): Promise<SltOutcome> {
      try {
        const reader = await (await connection(name)).runAndReadAll(sql)
        const columns: SltColumn[] = reader.columnNames().map((n, i) => {
          const type = reader.columnTypes()[i]!.toString()
          return { name: n, type, class: classifyType(type) }
        })
        const rows = reader.getRows()
        const text = rows.map(row => row.map((v, i) => duckdbText(v, columns[i]!.type)))
        return { kind: 'ok', result: { columns, rows: rows.map(r => r.map(jsValue)), text } }
      } catch (e) {
        return { kind: 'error', message: e instanceof Error ? e.message : String(e), crash: false }
      }
    },
    async close(): Promise<void> {
      for (const c of connections.values()) c.closeSync()
      instance.closeSync()
    },
  }
}

function jsValue(v: DuckDBValue): unknown {
  if (v === null || typeof v !== 'object') return v
  return v.toString()
}

/** DuckDB's CAST(v AS VARCHAR) text for a value read through node-api. */
export function duckdbText(v: DuckDBValue, type: string): string | null {
  if (v === null) return null
  return render(v, type, false)
}

function render(v: DuckDBValue, type: string, nested: boolean): string {
  if (v === null) return 'NULL'
  if (typeof v === 'number') {
    if (type === 'FLOAT' || (nested && /FLOAT/.test(type) && !/DOUBLE/.test(type))) return formatFloat32(v)
    if (type === 'DOUBLE' || (nested && /DOUBLE/.test(type))) return formatDouble(v)
    return String(v)
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'string') return nested ? quoteNested(v) : v
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return `[${v.items.map(x => render(x, type, true)).join(', ')}]`
  if (v instanceof DuckDBStructValue) {
    const entries = Object.entries(v.entries)
    if (entries.every(([k]) => k === '')) return `(${entries.map(([, x]) => render(x, type, true)).join(', ')})`
    return `{${entries.map(([k, x]) => `'${k.replace(/['\\]/g, m => '\\' + m)}': ${render(x, type, true)}`).join(', ')}}`
  }
  if (v instanceof DuckDBMapValue) return `{${v.entries.map(e => `${render(e.key, type, true)}=${render(e.value, type, true)}`).join(', ')}}`
  if (v instanceof DuckDBDateValue) {
    if (v.days === DuckDBDateValue.PosInf.days) return 'infinity'
    if (v.days === DuckDBDateValue.NegInf.days) return '-infinity'
  }
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampMillisecondsValue ||
    v instanceof DuckDBTimestampSecondsValue || v instanceof DuckDBTimestampNanosecondsValue) {
    const raw = (v as { micros?: bigint; millis?: bigint; seconds?: bigint; nanos?: bigint })
    const n = raw.micros ?? raw.millis ?? raw.seconds ?? raw.nanos
    if (n === 2n ** 63n - 1n) return 'infinity'
    if (n === -(2n ** 63n - 1n)) return '-infinity'
  }
  return String(v)
}

/** Strings inside lists/structs are quoted when they would otherwise be ambiguous. */
function quoteNested(s: string): string {
  const needs = s === '' || /^\s|\s$/.test(s) || s.toLowerCase() === 'null' || /["'(),:=[\]{}]/.test(s)
  return needs ? `'${s.replace(/['\\]/g, m => '\\' + m)}'` : s
}
