/**
 * Built-in table functions: range / generate_series over integers (exclusive / inclusive end)
 * and over DATE/TIMESTAMP with an INTERVAL step, unnest(list) and repeat(value, n). Rows are produced lazily in
 * chunks of CHUNK_SIZE.
 */
import type { Hooks } from '../hooks/registry.ts'
import type {
  BoundTableFunction, TableFunctionArg, TableFunctionCall, TableFunctionDef,
} from '../hooks/contracts.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import {
  BIGINT, type Interval, type LogicalType, TIMESTAMP, type Value, typeToString,
} from '../types/types.ts'
import { addIntervalToTimestamp, timestampFromDate, MICROS_PER_DAY } from '../types/datetime.ts'
import { CHUNK_SIZE, DataChunk, Vector, VectorBuilder, constantVector } from '../vector/vector.ts'
import { invalidParameter } from './kernel-util.ts'

const INTEGER_IDS = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT'])

function signatureError(name: string, call: TableFunctionCall): GrizzlyError {
  const types = call.positional.map(a => typeToString(a.type)).join(', ')
  return new GrizzlyError(SqlState.undefinedFunction, `no table function matches ${name}(${types})`,
    { hint: `use ${name}(stop), ${name}(start, stop[, step]) with integers, or ${name}(start, stop, step) with timestamps and an INTERVAL step` })
}

function asBig(a: TableFunctionArg): bigint | null {
  if (a.value === null) return null
  return typeof a.value === 'bigint' ? a.value : BigInt(Math.trunc(a.value as number))
}

/** Chunks of one column, produced from `next(i)` for row i < total. */
function* columnChunks(columns: readonly number[], type: LogicalType, total: number, fill: (out: Vector, start: number, n: number) => void): Iterable<DataChunk> {
  for (let start = 0; start < total; start += CHUNK_SIZE) {
    const n = Math.min(CHUNK_SIZE, total - start)
    const data = type.id === 'BIGINT' ? new BigInt64Array(n) : new Float64Array(n)
    const v = new Vector(type, n, data, null)
    fill(v, start, n)
    yield new DataChunk(columns.map(() => v), n)
  }
}

const MAX_ROWS = 2 ** 40

function integerSeries(name: string, inclusive: boolean, call: TableFunctionCall): BoundTableFunction {
  const args = call.positional
  const vals = args.map(asBig)
  const columns = [{ name, type: BIGINT }]
  if (vals.some(v => v === null)) {
    return { columns, estimatedRows: 0, scan: () => [] }
  }
  let start = 0n, stop: bigint, step = 1n
  if (vals.length === 1) stop = vals[0]!
  else { start = vals[0]!; stop = vals[1]!; step = vals[2] ?? 1n }
  if (step === 0n) throw invalidParameter(`${name}: the step must not be zero`, 'use a positive step to count up or a negative one to count down')
  // number of values: ceil((stop - start) / step) for exclusive ends
  let span = stop - start
  if (inclusive) span += step > 0n ? 1n : -1n
  let total = 0n
  if ((step > 0n && span > 0n) || (step < 0n && span < 0n)) total = (span + step - (step > 0n ? 1n : -1n)) / step
  if (total > BigInt(MAX_ROWS)) throw invalidParameter(`${name} would produce ${total} rows, more than the ${MAX_ROWS} allowed`)
  const count = Number(total)
  const fast = start >= -(2n ** 52n) && start <= 2n ** 52n && stop >= -(2n ** 52n) && stop <= 2n ** 52n && step <= 2n ** 30n && step >= -(2n ** 30n)
  return {
    columns, estimatedRows: count,
    scan: cols => columnChunks(cols, BIGINT, count, (out, first, n) => {
      const d = out.data as BigInt64Array
      if (fast) {
        const s = Number(start), st = Number(step)
        for (let k = 0; k < n; k++) d[k] = BigInt(s + (first + k) * st)
      } else {
        for (let k = 0; k < n; k++) d[k] = start + BigInt(first + k) * step
      }
    }),
  }
}

function asTimestamp(a: TableFunctionArg): number | null {
  if (a.value === null) return null
  if (a.type.id === 'DATE') return timestampFromDate(a.value as number)
  return a.value as number
}

function intervalSign(iv: Interval): number {
  const approx = (iv.months * 30 + iv.days) * MICROS_PER_DAY + iv.micros
  return Math.sign(approx)
}

function timestampSeries(name: string, inclusive: boolean, call: TableFunctionCall): BoundTableFunction {
  const [a, b, c] = call.positional as [TableFunctionArg, TableFunctionArg, TableFunctionArg]
  const columns = [{ name, type: TIMESTAMP }]
  const start = asTimestamp(a), stop = asTimestamp(b)
  const step = c.value as Interval | null
  if (start === null || stop === null || step === null) return { columns, estimatedRows: 0, scan: () => [] }
  const sign = intervalSign(step)
  if (sign === 0) throw invalidParameter(`${name}: the INTERVAL step must not be zero`, "use a step such as INTERVAL '1 day'")
  const values: number[] = []
  for (let t = start; sign > 0 ? (inclusive ? t <= stop : t < stop) : (inclusive ? t >= stop : t > stop); t = addIntervalToTimestamp(t, step)) {
    values.push(t)
    if (values.length > 50_000_000) throw invalidParameter(`${name} would produce more than 50000000 rows`)
  }
  return {
    columns, estimatedRows: values.length,
    scan: cols => columnChunks(cols, TIMESTAMP, values.length, (out, first, n) => {
      const d = out.data as Float64Array
      for (let k = 0; k < n; k++) d[k] = values[first + k]!
    }),
  }
}

function seriesFunction(name: string, inclusive: boolean): TableFunctionDef {
  return {
    name,
    description: inclusive ? `${name}(start, stop[, step]): start to stop inclusive` : `${name}(start, stop[, step]): start up to stop, exclusive`,
    bind(call) {
      const args = call.positional
      if (args.length >= 1 && args.length <= 3 && args.every(x => INTEGER_IDS.has(x.type.id) || x.type.id === 'NULL')) {
        return integerSeries(name, inclusive, call)
      }
      if (args.length === 3) {
        const [a, b, c] = args as [TableFunctionArg, TableFunctionArg, TableFunctionArg]
        const temporal = (t: LogicalType) => t.id === 'TIMESTAMP' || t.id === 'DATE' || t.id === 'NULL'
        if (temporal(a.type) && temporal(b.type) && (c.type.id === 'INTERVAL' || c.type.id === 'NULL')) {
          return timestampSeries(name, inclusive, call)
        }
      }
      throw signatureError(name, call)
    },
  }
}

const unnestFunction: TableFunctionDef = {
  name: 'unnest',
  description: 'unnest(list): one row per list element',
  bind(call) {
    const arg = call.positional[0]
    if (call.positional.length !== 1 || arg === undefined) {
      throw new GrizzlyError(SqlState.undefinedFunction, 'unnest takes exactly one LIST argument', { hint: 'use unnest([1, 2, 3])' })
    }
    const t = arg.type
    if (t.id !== 'LIST' && t.id !== 'ARRAY' && t.id !== 'NULL') {
      throw new GrizzlyError(SqlState.datatypeMismatch, `unnest needs a LIST argument, got ${typeToString(t)}`,
        { hint: 'pass a list such as [1, 2, 3] or string_split(s, \',\')' })
    }
    const child: LogicalType = t.id === 'NULL' ? { id: 'INTEGER' } : t.child
    const items = (arg.value ?? []) as readonly Value[]
    return {
      columns: [{ name: 'unnest', type: child }],
      estimatedRows: items.length,
      *scan(cols) {
        for (let start = 0; start < items.length; start += CHUNK_SIZE) {
          const n = Math.min(CHUNK_SIZE, items.length - start)
          const b = new VectorBuilder(child, n)
          for (let k = 0; k < n; k++) b.push(items[start + k]!)
          const v = b.finish()
          yield new DataChunk(cols.map(() => v), n)
        }
      },
    }
  },
}

/** repeat(value, n): n rows holding value (DuckDB's table function; the scalar repeat repeats text) */
const repeatFunction: TableFunctionDef = {
  name: 'repeat',
  description: 'repeat(value, count): count rows, each holding value',
  bind(call) {
    const [value, count] = call.positional
    if (call.positional.length !== 2 || value === undefined || count === undefined || !INTEGER_IDS.has(count.type.id)) {
      throw new GrizzlyError(SqlState.undefinedFunction, 'repeat takes a value and an integer count', { hint: 'use SELECT * FROM repeat(42, 3)' })
    }
    const n = asBig(count)
    if (n === null || n < 0n || n > BigInt(MAX_ROWS)) {
      throw invalidParameter(`repeat: the count must be between 0 and ${MAX_ROWS}, not ${n === null ? 'NULL' : n}`, 'give the number of rows as a non-negative integer')
    }
    const total = Number(n)
    const type: LogicalType = value.type.id === 'NULL' ? { id: 'INTEGER' } : value.type
    return {
      columns: [{ name: 'repeat', type }],
      estimatedRows: total,
      *scan(cols) {
        for (let start = 0; start < total; start += CHUNK_SIZE) {
          const size = Math.min(CHUNK_SIZE, total - start)
          const v = constantVector(type, value.value, size)
          yield new DataChunk(cols.map(() => v), size)
        }
      },
    }
  },
}

/** repeat_row(a, b, …, num_rows = n): n rows holding the values a, b, … (columns column0, column1, …) */
const repeatRowFunction: TableFunctionDef = {
  name: 'repeat_row',
  description: 'repeat_row(value, …, num_rows = n): n rows, each holding the values',
  bind(call) {
    const hint = 'use SELECT * FROM repeat_row(1, \'a\', num_rows = 3)'
    const count = call.named.get('num_rows')
    for (const name of call.named.keys()) {
      if (name !== 'num_rows') throw invalidParameter(`repeat_row has no parameter "${name}"`, hint)
    }
    if (count === undefined) throw invalidParameter('repeat_row needs num_rows', hint)
    if (call.positional.length === 0) throw invalidParameter('repeat_row needs at least one value to repeat', hint)
    const n = INTEGER_IDS.has(count.type.id) ? asBig(count) : null
    if (n === null || n < 0n || n > BigInt(MAX_ROWS)) {
      throw invalidParameter(`repeat_row: num_rows must be an integer between 0 and ${MAX_ROWS}`, hint)
    }
    const total = Number(n)
    const values = call.positional.map(v => ({ type: v.type.id === 'NULL' ? { id: 'INTEGER' } as LogicalType : v.type, value: v.value }))
    return {
      columns: values.map((v, i) => ({ name: `column${i}`, type: v.type })),
      estimatedRows: total,
      *scan(cols) {
        for (let start = 0; start < total; start += CHUNK_SIZE) {
          const size = Math.min(CHUNK_SIZE, total - start)
          yield new DataChunk(cols.map(c => constantVector(values[c]!.type, values[c]!.value, size)), size)
        }
      },
    }
  },
}

export function registerTableFunctions(hooks: Hooks): void {
  hooks.registerTableFunction(repeatFunction)
  hooks.registerTableFunction(repeatRowFunction)
  hooks.registerTableFunction(seriesFunction('range', false))
  hooks.registerTableFunction(seriesFunction('generate_series', true))
  hooks.registerTableFunction(unnestFunction)
}
