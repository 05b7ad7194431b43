/**
 * Session settings the engine reads (SET name = value / current_setting(name)). Each validate
 * function normalises the value or raises 22023 with a hint listing what is accepted.
 */
import { availableParallelism } from 'node:os'
import type { Hooks } from '../hooks/registry.ts'
import type { SettingDef } from '../hooks/contracts.ts'
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import { BIGINT, BOOLEAN, typeToString, VARCHAR, type Value } from '../types/types.ts'
import { formatValue } from '../types/format.ts'
import { DataChunk, Vector, vectorFromValues } from '../vector/vector.ts'

function bad(setting: string, value: Value, hint: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue,
    `invalid value for setting "${setting}": ${typeof value === 'string' ? `'${value}'` : String(value)}`, { hint })
}

const TRUE_WORDS = new Set(['true', 't', 'on', 'yes', 'y', '1'])
const FALSE_WORDS = new Set(['false', 'f', 'off', 'no', 'n', '0'])

/** a BOOLEAN setting's validate: true/false, 1/0 and the words on/off, yes/no, … (extensions' settings too) */
export function booleanSetting(name: string): (v: Value) => Value {
  return v => {
    if (typeof v === 'boolean') return v
    if (typeof v === 'number' || typeof v === 'bigint') {
      if (Number(v) === 0 || Number(v) === 1) return Number(v) === 1
    }
    if (typeof v === 'string') {
      const w = v.trim().toLowerCase()
      if (TRUE_WORDS.has(w)) return true
      if (FALSE_WORDS.has(w)) return false
    }
    throw bad(name, v, 'use true or false')
  }
}

function integerSetting(name: string, min: number, max: number): (v: Value) => Value {
  return v => {
    let n: number
    if (typeof v === 'bigint') n = Number(v)
    else if (typeof v === 'number') n = v
    else if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) n = Number(v)
    else throw bad(name, v, `use a whole number between ${min} and ${max}`)
    if (!Number.isInteger(n) || n < min || n > max) throw bad(name, v, `use a whole number between ${min} and ${max}`)
    return BigInt(n)
  }
}

function choiceSetting(name: string, choices: readonly string[], synonyms: Readonly<Record<string, string>> = {}): (v: Value) => Value {
  return v => {
    if (typeof v !== 'string') throw bad(name, v, `use one of ${choices.map(c => `'${c}'`).join(', ')}`)
    const w = v.trim().toLowerCase().replace(/\s+/g, '_')
    const picked = synonyms[w] ?? w
    if (choices.includes(picked)) return picked
    const guess = didYouMean(w, choices)
    const all = `use one of ${choices.map(c => `'${c}'`).join(', ')}`
    throw bad(name, v, guess === undefined ? all : `${guess} (${all})`)
  }
}

const MEMORY_UNITS: Readonly<Record<string, number>> = {
  b: 1, byte: 1, bytes: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3,
  tb: 1e12, tib: 1024 ** 4, k: 1e3, m: 1e6, g: 1e9, t: 1e12,
}

/** Parses '4GB', '512 MiB', '80%' style memory limits; returns the normalised text. */
export function parseMemoryLimit(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z%]*)\s*$/i.exec(text)
  if (m === null) return null
  const amount = Number(m[1])
  const unit = (m[2] ?? '').toLowerCase()
  if (unit === '%') return amount <= 100 ? -amount : null
  const factor = unit === '' ? 1 : MEMORY_UNITS[unit]
  return factor === undefined ? null : Math.round(amount * factor)
}

/** A size; '-1' means the default (memory_limit) or no limit (max_temp_directory_size). */
function memorySetting(name: string, percent = true): (v: Value) => Value {
  return v => {
    const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null
    if (text !== null && text.trim() === '-1') return '-1'
    const n = text === null ? null : parseMemoryLimit(text)
    if (n === null || (!percent && n < 0)) {
      throw bad(name, v, percent ? "use an amount with a unit, e.g. '4GB', '512MiB', a percentage such as '80%', or '-1' for the default"
        : "use an amount with a unit, e.g. '10GB' or '512MiB', or '-1' for no limit")
    }
    return text!.trim()
  }
}

function directorySetting(name: string): (v: Value) => Value {
  return v => {
    if (typeof v !== 'string') throw bad(name, v, "use a folder path as a string, e.g. '/var/tmp/grizzly', or '' for the default")
    return v.trim()
  }
}

function timeZoneSetting(name: string): (v: Value) => Value {
  return v => {
    if (typeof v !== 'string' || v.trim() === '') throw bad(name, v, "use a time zone name such as 'UTC' or 'Europe/Paris'")
    const zone = v.trim()
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone })
    } catch {
      throw bad(name, v, "use an IANA time zone name such as 'UTC' or 'America/New_York'")
    }
    return zone
  }
}

function cores(): number {
  try { return availableParallelism() } catch { return 1 }
}

/** The direction of a sort that names none: the default_order setting (DuckDB: asc). */
export function defaultDescending(setting: (name: string) => Value): boolean {
  return String(setting('default_order') ?? 'asc').toLowerCase() === 'desc'
}

/** Where NULLs go in a sort that does not say, given its resolved direction: the default_null_order setting (DuckDB: nulls_last). */
export function defaultNullsFirst(setting: (name: string) => Value, descending: boolean): boolean {
  switch (String(setting('default_null_order') ?? 'nulls_last').toLowerCase()) {
    case 'nulls_first': case 'first': return true
    case 'nulls_first_on_asc_last_on_desc': return !descending
    case 'nulls_last_on_asc_first_on_desc': return descending
    default: return false
  }
}

export const BUILTIN_SETTINGS: readonly SettingDef[] = [
  { name: 'integer_division', description: 'make / on integers an integer division, as PostgreSQL does', type: BOOLEAN, default: false, validate: booleanSetting('integer_division') },
  {
    name: 'enable_view_dependencies', type: BOOLEAN, default: false, validate: booleanSetting('enable_view_dependencies'),
    description: 'refuse DROP / ALTER of what a view reads unless CASCADE (off, as in DuckDB: the view fails when next used)',
  },
  { name: 'order_by_non_integer_literal', description: "allow ORDER BY / DISTINCT ON a constant such as 'x' (it sorts by nothing)", type: BOOLEAN, default: false, validate: booleanSetting('order_by_non_integer_literal') },
  { name: 'threads', description: 'worker threads used by a query', type: BIGINT, default: BigInt(cores()), validate: integerSetting('threads', 1, 1024) },
  {
    name: 'memory_limit', type: VARCHAR, default: '80%', validate: memorySetting('memory_limit'),
    description: "memory a query's sorts, aggregates and joins may keep before spilling to temp_directory, e.g. '4GB'; a database file's resident table data is kept under half of it; a percentage (or '-1': 80%) is of the JavaScript heap limit",
  },
  {
    name: 'temp_directory', type: VARCHAR, default: '', validate: directorySetting('temp_directory'),
    description: "folder for the files of operators that spill; '' = '<database file>.tmp' beside a database file, else the system temporary folder",
  },
  {
    name: 'max_temp_directory_size', type: VARCHAR, default: '-1', validate: memorySetting('max_temp_directory_size', false),
    description: "most bytes of temporary files one query may write, e.g. '10GB'; '-1' = no limit",
  },
  // global, as in DuckDB: one connection's SET applies to every connection
  { name: 'default_order', description: 'direction of ORDER BY items without ASC/DESC', type: VARCHAR, default: 'asc', global: true, validate: choiceSetting('default_order', ['asc', 'desc'], { ascending: 'asc', descending: 'desc' }) },
  {
    name: 'default_null_order', description: 'where NULLs sort when ORDER BY does not say', type: VARCHAR, default: 'nulls_last', global: true,
    validate: choiceSetting('default_null_order', ['nulls_first', 'nulls_last', 'nulls_first_on_asc_last_on_desc', 'nulls_last_on_asc_first_on_desc'],
      { first: 'nulls_first', last: 'nulls_last', 'nulls first': 'nulls_first', 'nulls last': 'nulls_last' }),
  },
  {
    name: 'disabled_optimizers', description: 'comma-separated optimizer rule names to skip', type: VARCHAR, default: '',
    validate: v => {
      if (typeof v !== 'string') throw bad('disabled_optimizers', v, "use a comma-separated list of rule names, e.g. 'filter_pushdown'")
      return v.split(',').map(s => s.trim().toLowerCase()).filter(s => s !== '').join(',')
    },
  },
  { name: 'TimeZone', description: 'session time zone for TIMESTAMPTZ values and now()', type: VARCHAR, default: 'UTC', validate: timeZoneSetting('TimeZone') },
  { name: 'max_expression_depth', description: 'deepest expression nesting the binder accepts', type: BIGINT, default: 1000n, validate: integerSetting('max_expression_depth', 1, 1_000_000) },
  { name: 'max_recursion_depth', description: 'most iterations a recursive CTE may run', type: BIGINT, default: 100_000n, validate: integerSetting('max_recursion_depth', 1, Number.MAX_SAFE_INTEGER) },
  { name: 'enable_progress_bar', description: 'show a progress bar for long queries in the shell', type: BOOLEAN, default: false, validate: booleanSetting('enable_progress_bar') },
  { name: 'ieee_floating_point_ops', description: 'IEEE results (inf, NaN) for float division by zero; off gives NULL', type: BOOLEAN, default: true, validate: booleanSetting('ieee_floating_point_ops') },
  { name: 'scalar_subquery_error_on_multiple_rows', description: 'a scalar subquery returning several rows is an error (off: take the first)', type: BOOLEAN, default: true, validate: booleanSetting('scalar_subquery_error_on_multiple_rows') },
  { name: 'immediate_transaction_mode', description: 'start transactions eagerly at BEGIN', type: BOOLEAN, default: false, validate: booleanSetting('immediate_transaction_mode') },
  { name: 'storage_compatibility_version', description: 'oldest storage format version the database file must stay readable by', type: VARCHAR, default: 'v0.10.2', validate: v => {
    if (typeof v !== 'string' || !/^v?\d+\.\d+\.\d+$|^latest$/.test(v.trim())) throw bad('storage_compatibility_version', v, "use a version such as 'v1.0.0' or 'latest'")
    return v.trim()
  } },
  { name: 'merge_join_threshold', description: 'smallest input for which a merge join is considered', type: BIGINT, default: 1000n, validate: integerSetting('merge_join_threshold', 0, Number.MAX_SAFE_INTEGER) },
  { name: 'preserve_insertion_order', description: 'keep the input order of rows when no ORDER BY is given', type: BOOLEAN, default: true, validate: booleanSetting('preserve_insertion_order') },
]

/** DuckDB's columns; a setting is set per session (SET GLOBAL changes the default) unless its def is `global` */
const SETTING_COLUMNS = [
  { name: 'name', type: VARCHAR }, { name: 'value', type: VARCHAR }, { name: 'description', type: VARCHAR },
  { name: 'input_type', type: VARCHAR }, { name: 'scope', type: VARCHAR },
]

export function registerSettings(hooks: Hooks): void {
  for (const def of BUILTIN_SETTINGS) hooks.registerSetting(def)
  hooks.registerTableFunction({
    name: 'duckdb_settings',
    description: "duckdb_settings(): every setting with the session's value, its description and type",
    bind: () => ({
      columns: SETTING_COLUMNS,
      scan(columns, ctx) {
        const rows: Value[][] = hooks.allSettings().map(def => {
          const v = ctx.setting(def.name)
          return [def.name, v === null ? null : formatValue(def.type, v), def.description, typeToString(def.type), def.global === true ? 'GLOBAL' : 'LOCAL']
        })
        return [new DataChunk(columns.map(c => vectorFromValues(SETTING_COLUMNS[c]!.type, rows.map(r => r[c] ?? null))), rows.length)]
      },
    }),
  })
  hooks.registerScalar({
    name: 'current_setting', nulls: 'propagate', volatility: 'stable',
    description: "current_setting('name'): the session's value of a setting, as text",
    overloads: [{
      args: [VARCHAR], returns: VARCHAR,
      invoke: (args, count, ctx) => {
        const names = args[0]!.data as string[]
        const out = new Array<string>(count)
        const valid = new Uint8Array(count).fill(1)
        for (let i = 0; i < count; i++) {
          if (args[0]!.validity !== null && args[0]!.validity[i] === 0) { out[i] = ''; valid[i] = 0; continue }
          const def = hooks.setting(names[i]!)
          if (def === undefined) {
            throw new GrizzlyError(SqlState.undefinedObject, `unrecognized configuration parameter "${names[i]}"`,
              { hint: didYouMean(names[i]!, hooks.allSettings().map(s => s.name)) ?? 'see SELECT * FROM duckdb_settings()' })
          }
          const v = ctx.setting(def.name)
          out[i] = v === null ? '' : formatValue(def.type, v)
          if (v === null) valid[i] = 0
        }
        return new Vector(VARCHAR, count, out, valid.includes(0) ? valid : null)
      },
    }],
  })
}
