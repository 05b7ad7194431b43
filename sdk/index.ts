/**
 * The Grizzly extension SDK: the contracts an extension author codes against and a few helpers.
 *
 * This file imports nothing and touches no host API, because it runs inside an isolate that has
 * no TextEncoder, no require and no process. It also has no top-level side effects besides
 * defining things, so it can be compiled to a plain script and injected ahead of an extension.
 */

/**
 * FLOAT is REAL (Float32Array). Numeric arrays for embeddings: `FLOAT[n]` / `DOUBLE[n]` (fixed
 * size n), `FLOAT[ANY]` / `DOUBLE[ANY]` (an argument of any fixed size, one size per call; not a
 * result), `FLOAT[]` / `DOUBLE[]` (lists). Aggregates and formats take the flat types only.
 */
export type FlatSqlType = 'BOOLEAN' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'FLOAT'
export type SqlType = FlatSqlType | `${'FLOAT' | 'DOUBLE'}[${number}]` | `${'FLOAT' | 'DOUBLE'}[ANY]` | `${'FLOAT' | 'DOUBLE'}[]`

export const SQL_TYPES: readonly FlatSqlType[] = ['BOOLEAN', 'INTEGER', 'BIGINT', 'DOUBLE', 'VARCHAR', 'FLOAT']

export type ColumnValues = Uint8Array | Int32Array | BigInt64Array | Float32Array | Float64Array | StringColumn

/** UTF-8 bytes of every row back to back; row i is bytes[offsets[i] .. offsets[i + 1]). */
export interface StringColumn { readonly bytes: Uint8Array; readonly offsets: Int32Array }

/** validity: one byte per row, 1 = valid; null = all valid. */
export interface Column {
  readonly type: SqlType
  readonly length: number
  readonly values: ColumnValues
  readonly validity: Uint8Array | null
  /** FLOAT[n] / DOUBLE[n]: n; `values` holds length × n elements, row i at [i·n, (i+1)·n) */
  readonly size?: number
  /** FLOAT[] / DOUBLE[]: row i is values[offsets[i] .. offsets[i + 1]) */
  readonly offsets?: Int32Array
  /** arguments of array/list type: per element, 1 = valid (null: all valid); results have no NULL elements */
  readonly elementValidity?: Uint8Array | null
}

export interface ScalarFunctionSpec {
  readonly name: string
  readonly args: readonly SqlType[]
  readonly returns: SqlType
  readonly volatility?: 'immutable' | 'stable' | 'volatile'
  /** vectorized: one call per batch; NULL rows of the inputs may hold any value; return `length` values */
  readonly invoke: (args: readonly Column[], length: number) => Column
}

export interface AggregateFunctionSpec {
  readonly name: string
  readonly args: readonly SqlType[]
  readonly returns: SqlType
  /** state per group as plain numbers/strings; init/update/combine/finalize over batches */
  readonly init: () => unknown
  readonly update: (state: unknown, args: readonly Column[], row: number) => unknown
  readonly combine: (a: unknown, b: unknown) => unknown
  readonly finalize: (state: unknown) => number | bigint | string | boolean | null
}

/**
 * A file format reader. The host reads the file (only where the policy grants `fs.read:<dir>`)
 * and passes its text in; `parse` returns one Column per declared column, all of one length.
 */
export interface FormatSpec {
  /** the format name: `FROM read_<name>('f')`, and files ending in one of `extensions` */
  readonly name: string
  /** file name endings without the dot, e.g. ['ini'] */
  readonly extensions: readonly string[]
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[]
  readonly parse: (text: string, path: string) => readonly Column[]
}

export interface ExtensionDefinition {
  readonly name: string
  readonly version: string
  readonly scalars?: readonly ScalarFunctionSpec[]
  readonly aggregates?: readonly AggregateFunctionSpec[]
  readonly formats?: readonly FormatSpec[]
}

/** Scalars the sandbox calls to run a format reader; never visible in SQL. */
export const FORMAT_FUNCTION_PREFIX = '__format_'

/**
 * A format crosses the sandbox boundary as two internal scalars: `parse(text, path) → row count`
 * keeps the parsed columns inside the isolate, `rows(k, start)` returns rows [start, start + n)
 * of column k, so the engine pulls batches of the size it wants.
 */
function formatScalars(f: FormatSpec): ScalarFunctionSpec[] {
  let parsed: readonly Column[] | null = null
  const column = (k: number): Column => {
    const col = parsed?.[k]
    if (col === undefined) throw new Error(`format ${f.name}: no parsed column ${k}`)
    return col
  }
  const rows = f.columns.map((c, k): ScalarFunctionSpec => ({
    name: `${FORMAT_FUNCTION_PREFIX}${f.name}_column_${k}`, args: ['INTEGER'], returns: c.type, volatility: 'volatile',
    invoke([start], n) {
      const col = column(k)
      const from = (start!.values as Int32Array)[0]!
      return sliceColumn(col, from, n)
    },
  }))
  return [{
    name: `${FORMAT_FUNCTION_PREFIX}${f.name}_parse`, args: ['VARCHAR', 'VARCHAR'], returns: 'INTEGER', volatility: 'volatile',
    invoke([text, path]) {
      const cols = f.parse(readString(text!.values as StringColumn, 0), readString(path!.values as StringColumn, 0))
      if (!Array.isArray(cols) || cols.length !== f.columns.length) throw new Error(`format ${f.name}: parse must return ${f.columns.length} columns`)
      const n = cols[0] === undefined ? 0 : (cols[0] as Column).length
      cols.forEach((c: Column, k: number) => {
        const want = f.columns[k]!
        if (c === null || typeof c !== 'object' || c.type !== want.type || c.length !== n) throw new Error(`format ${f.name}: column ${want.name} must be a Column of type ${want.type} and ${n} rows`)
      })
      parsed = cols
      return integerColumn(Int32Array.of(n))
    },
  }, ...rows]
}

function sliceColumn(col: Column, from: number, n: number): Column {
  const validity = col.validity === null ? null : col.validity.slice(from, from + n)
  if (col.type !== 'VARCHAR') {
    const values = (col.values as Uint8Array).slice(from, from + n) as ColumnValues
    return { type: col.type, length: n, values, validity }
  }
  const sc = col.values as StringColumn
  const offsets = new Int32Array(n + 1)
  const base = sc.offsets[from]!
  for (let i = 0; i <= n; i++) offsets[i] = sc.offsets[from + i]! - base
  return { type: 'VARCHAR', length: n, values: { bytes: sc.bytes.subarray(base, sc.offsets[from + n]), offsets }, validity }
}

/**
 * Throw this from `invoke` when the input data is wrong (say, a NULL element where none may be):
 * the statement fails with SQLSTATE 22023 and this message, and the extension is not
 * quarantined. Anything else thrown counts as the extension failing.
 */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError'
}

/** Thrown by defineExtension when the definition has the wrong shape; `path` names the field. */
export class ExtensionShapeError extends Error {
  override readonly name = 'ExtensionShapeError'
  readonly path: string
  constructor(path: string, expected: string) {
    super(`extension definition: ${path} must be ${expected}`)
    this.path = path
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/

function checkTypes(path: string, value: unknown): void {
  if (!Array.isArray(value)) throw new ExtensionShapeError(path, 'an array of SQL types')
  for (let i = 0; i < value.length; i++) checkType(`${path}[${i}]`, value[i])
}

function checkType(path: string, value: unknown): void {
  if (SQL_TYPES.includes(value as FlatSqlType)) return
  if (typeof value === 'string' && /^(FLOAT|DOUBLE)\[(ANY|[1-9][0-9]{0,4})?\]$/.test(value)) return
  throw new ExtensionShapeError(path, `one of ${SQL_TYPES.join(', ')}, FLOAT[n], DOUBLE[n], FLOAT[ANY], DOUBLE[ANY], FLOAT[] or DOUBLE[]`)
}

function checkFunctionName(path: string, value: unknown, seen: Set<string>, args: unknown): void {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) throw new ExtensionShapeError(path, 'a lowercase identifier (a-z, 0-9, _)')
  // overloads share a name; the same name with the same argument types twice is a mistake
  const key = `${value}(${Array.isArray(args) ? args.join(',') : ''})`
  if (seen.has(key)) throw new ExtensionShapeError(path, `unique: ${key} is defined twice`)
  seen.add(key)
}

function checkCallable(path: string, value: unknown): void {
  if (typeof value !== 'function') throw new ExtensionShapeError(path, 'a function')
}

/** Validates the shape, stores it on globalThis.__grizzlyExtension for the sandbox, returns it. */
export function defineExtension(def: ExtensionDefinition): ExtensionDefinition {
  if (def === null || typeof def !== 'object') throw new ExtensionShapeError('definition', 'an object')
  if (typeof def.name !== 'string' || !IDENTIFIER.test(def.name)) throw new ExtensionShapeError('name', 'a lowercase identifier (a-z, 0-9, _)')
  if (typeof def.version !== 'string' || !/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(def.version)) {
    throw new ExtensionShapeError('version', 'a semver version such as "1.2.3"')
  }
  const seen = new Set<string>()
  if (def.scalars !== undefined) {
    if (!Array.isArray(def.scalars)) throw new ExtensionShapeError('scalars', 'an array')
    def.scalars.forEach((s: ScalarFunctionSpec, i: number) => {
      const p = `scalars[${i}]`
      if (s === null || typeof s !== 'object') throw new ExtensionShapeError(p, 'an object')
      checkTypes(`${p}.args`, s.args)
      checkFunctionName(`${p}.name`, s.name, seen, s.args)
      checkType(`${p}.returns`, s.returns)
      if (s.volatility !== undefined && s.volatility !== 'immutable' && s.volatility !== 'stable' && s.volatility !== 'volatile') {
        throw new ExtensionShapeError(`${p}.volatility`, "'immutable', 'stable' or 'volatile'")
      }
      checkCallable(`${p}.invoke`, s.invoke)
    })
  }
  if (def.aggregates !== undefined) {
    if (!Array.isArray(def.aggregates)) throw new ExtensionShapeError('aggregates', 'an array')
    def.aggregates.forEach((a: AggregateFunctionSpec, i: number) => {
      const p = `aggregates[${i}]`
      if (a === null || typeof a !== 'object') throw new ExtensionShapeError(p, 'an object')
      checkTypes(`${p}.args`, a.args)
      checkFunctionName(`${p}.name`, a.name, seen, a.args)
      checkType(`${p}.returns`, a.returns)
      checkCallable(`${p}.init`, a.init)
      checkCallable(`${p}.update`, a.update)
      checkCallable(`${p}.combine`, a.combine)
      checkCallable(`${p}.finalize`, a.finalize)
    })
  }
  let stored = def
  if (def.formats !== undefined) {
    if (!Array.isArray(def.formats)) throw new ExtensionShapeError('formats', 'an array')
    const hidden: ScalarFunctionSpec[] = []
    def.formats.forEach((f: FormatSpec, i: number) => {
      const p = `formats[${i}]`
      if (f === null || typeof f !== 'object') throw new ExtensionShapeError(p, 'an object')
      if (typeof f.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(f.name)) throw new ExtensionShapeError(`${p}.name`, 'a lowercase identifier')
      if (!Array.isArray(f.extensions) || !f.extensions.every((e: unknown) => typeof e === 'string' && /^[a-z0-9_.]+$/i.test(e))) throw new ExtensionShapeError(`${p}.extensions`, 'an array of file name endings such as "ini"')
      if (!Array.isArray(f.columns) || f.columns.length === 0) throw new ExtensionShapeError(`${p}.columns`, 'a non-empty array of { name, type }')
      f.columns.forEach((c: { name: string; type: SqlType }, k: number) => {
        if (c === null || typeof c !== 'object' || typeof c.name !== 'string' || c.name === '') throw new ExtensionShapeError(`${p}.columns[${k}].name`, 'a column name')
        checkType(`${p}.columns[${k}].type`, c.type)
      })
      checkCallable(`${p}.parse`, f.parse)
      hidden.push(...formatScalars(f))
    })
    stored = { ...def, scalars: [...(def.scalars ?? []), ...hidden] }
  }
  ;(globalThis as { __grizzlyExtension?: ExtensionDefinition }).__grizzlyExtension = stored
  return stored
}

// ---- UTF-8 ------------------------------------------------------------------------------------

/** Bytes needed to encode `s`; lone surrogates count as U+FFFD (3 bytes). */
function utf8Length(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++ }
    else n += 3
  }
  return n
}

/** Writes `s` at `pos`; the caller sized `out` with utf8Length. Returns the end position. */
function encodeInto(s: string, out: Uint8Array, pos: number): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c < 0x80) { out[pos++] = c; continue }
    if (c < 0x800) { out[pos++] = 0xc0 | (c >> 6); out[pos++] = 0x80 | (c & 0x3f); continue }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0
      if (c <= 0xdbff && (next & 0xfc00) === 0xdc00) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00)
        out[pos++] = 0xf0 | (cp >> 18); out[pos++] = 0x80 | ((cp >> 12) & 0x3f)
        out[pos++] = 0x80 | ((cp >> 6) & 0x3f); out[pos++] = 0x80 | (cp & 0x3f)
        i++
        continue
      }
      c = 0xfffd // a lone surrogate has no UTF-8 form
    }
    out[pos++] = 0xe0 | (c >> 12); out[pos++] = 0x80 | ((c >> 6) & 0x3f); out[pos++] = 0x80 | (c & 0x3f)
  }
  return pos
}

const CHUNK = 4096

/** WHATWG UTF-8 decoding: each maximal invalid subpart becomes one U+FFFD, as TextDecoder does. */
function decodeRange(b: Uint8Array, start: number, end: number): string {
  // ASCII fast path, the common case for SQL data
  let i = start
  while (i < end && b[i]! < 0x80) i++
  if (i === end && end - start <= CHUNK) return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[])
  const units: number[] = []
  let result = ''
  let needed = 0, codePoint = 0, lower = 0x80, upper = 0xbf
  for (i = start; i < end; i++) {
    const byte = b[i]!
    if (needed === 0) {
      if (byte < 0x80) units.push(byte)
      else if (byte >= 0xc2 && byte <= 0xdf) { needed = 1; codePoint = byte & 0x1f }
      else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0
        else if (byte === 0xed) upper = 0x9f
        needed = 2; codePoint = byte & 0x0f
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90
        else if (byte === 0xf4) upper = 0x8f
        needed = 3; codePoint = byte & 0x07
      } else units.push(0xfffd)
    } else if (byte < lower || byte > upper) {
      needed = 0; codePoint = 0; lower = 0x80; upper = 0xbf
      units.push(0xfffd)
      i-- // the byte that broke the sequence starts afresh
    } else {
      lower = 0x80; upper = 0xbf
      codePoint = (codePoint << 6) | (byte & 0x3f)
      if (--needed === 0) {
        if (codePoint >= 0x10000) {
          const c = codePoint - 0x10000
          units.push(0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff))
        } else units.push(codePoint)
        codePoint = 0
      }
    }
    if (units.length >= CHUNK) { result += String.fromCharCode.apply(null, units); units.length = 0 }
  }
  if (needed !== 0) units.push(0xfffd)
  if (units.length > 0) result += String.fromCharCode.apply(null, units)
  return result
}

export const utf8: { encode(s: string): Uint8Array; decode(b: Uint8Array, start?: number, end?: number): string } = {
  encode(s: string): Uint8Array {
    const out = new Uint8Array(utf8Length(s))
    encodeInto(s, out, 0)
    return out
  },
  decode(b: Uint8Array, start = 0, end = b.length): string {
    const from = Math.max(0, Math.min(start, b.length))
    const to = Math.max(from, Math.min(end, b.length))
    return decodeRange(b, from, to)
  },
}

// ---- column helpers ---------------------------------------------------------------------------

/** Packs strings into UTF-8 + offsets; a null row is empty with validity 0. */
export function stringColumn(values: readonly (string | null)[]): { values: StringColumn; validity: Uint8Array | null } {
  const n = values.length
  const offsets = new Int32Array(n + 1)
  let total = 0, nulls = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]
    if (v === null || v === undefined) nulls++
    else total += utf8Length(v)
    offsets[i + 1] = total
  }
  const bytes = new Uint8Array(total)
  let validity: Uint8Array | null = null
  if (nulls > 0) { validity = new Uint8Array(n); validity.fill(1) }
  let pos = 0
  for (let i = 0; i < n; i++) {
    const v = values[i]
    if (v === null || v === undefined) validity![i] = 0
    else pos = encodeInto(v, bytes, pos)
  }
  return { values: { bytes, offsets }, validity }
}

export function readString(col: StringColumn, i: number): string {
  return decodeRange(col.bytes, col.offsets[i]!, col.offsets[i + 1]!)
}

/** A VARCHAR result column from JS strings (null = SQL NULL). */
export function varcharColumn(values: readonly (string | null)[]): Column {
  const packed = stringColumn(values)
  return { type: 'VARCHAR', length: values.length, values: packed.values, validity: packed.validity }
}

/** True when row i of `col` is not NULL. */
export function isValid(col: Column, i: number): boolean {
  return col.validity === null || col.validity[i] === 1
}

/**
 * The validity of a row-wise function of several columns: NULL where any input is NULL
 * (strict null handling). Null when every input is all-valid, so nothing is allocated.
 */
export function combineValidity(columns: readonly Column[], length: number): Uint8Array | null {
  let out: Uint8Array | null = null
  for (const c of columns) {
    if (c.validity === null) continue
    if (out === null) { out = new Uint8Array(length); out.set(c.validity.subarray(0, length)) }
    else { const v = c.validity; for (let i = 0; i < length; i++) out[i] = out[i]! & v[i]! }
  }
  return out
}

export function doubleColumn(values: Float64Array, validity: Uint8Array | null = null): Column {
  return { type: 'DOUBLE', length: values.length, values, validity }
}

export function integerColumn(values: Int32Array, validity: Uint8Array | null = null): Column {
  return { type: 'INTEGER', length: values.length, values, validity }
}

export function bigintColumn(values: BigInt64Array, validity: Uint8Array | null = null): Column {
  return { type: 'BIGINT', length: values.length, values, validity }
}

export function floatColumn(values: Float32Array, validity: Uint8Array | null = null): Column {
  return { type: 'FLOAT', length: values.length, values, validity }
}

/** A FLOAT[size] or DOUBLE[size] result: `values` holds `size` elements per row, row after row. */
export function arrayColumn(values: Float32Array | Float64Array, size: number, validity: Uint8Array | null = null): Column {
  const element = values instanceof Float32Array ? 'FLOAT' : 'DOUBLE'
  return { type: `${element}[${size}]`, length: size === 0 ? 0 : values.length / size, size, values, validity }
}

/** A FLOAT[] or DOUBLE[] result: row i is values[offsets[i] .. offsets[i + 1]). */
export function listColumn(values: Float32Array | Float64Array, offsets: Int32Array, validity: Uint8Array | null = null): Column {
  return { type: values instanceof Float32Array ? 'FLOAT[]' : 'DOUBLE[]', length: offsets.length - 1, values, offsets, validity }
}

/** values are 0/1 bytes */
export function booleanColumn(values: Uint8Array, validity: Uint8Array | null = null): Column {
  return { type: 'BOOLEAN', length: values.length, values, validity }
}

/** What crosses to and from a capability service: copied, never shared or referenced. */
export type ServiceValue =
  | number | string | boolean | null
  | Uint8Array | Int32Array | Float32Array | Float64Array | BigInt64Array
  | readonly ServiceValue[]
  | { readonly [key: string]: ServiceValue }

/**
 * Calls a method of a capability service of the host (`onnx`, `hnsw`, …) synchronously. Only
 * services whose capability the policy granted this extension answer; anything else throws.
 * Arguments and results are copied (typed arrays included), so keep calls batch-sized.
 */
export const services: { call(service: string, method: string, ...args: ServiceValue[]): ServiceValue } = {
  call(service, method, ...args) {
    const bridge = (globalThis as { __grizzlyServices?: { call(s: string, m: string, a: ServiceValue[]): ServiceValue } }).__grizzlyServices
    if (bridge === undefined) throw new Error('capability services can only be called inside the Grizzly sandbox')
    return bridge.call(service, method, args)
  },
}
