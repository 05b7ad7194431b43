/**
 * Reading files as one table, whatever their format: picking the reader (by extension, else by
 * each format's sniffer), expanding globs and lists, and the options every reader shares —
 * filename, hive_partitioning and union_by_name. Each file is bound by its format alone; this
 * layer lines their columns up, widens types, and adds the virtual columns.
 */
import { closeSync, openSync, readSync } from 'node:fs'
import { GrizzlyError, SqlState } from '../errors.ts'
import { castVector } from '../functions/cast.ts'
import type { BoundTableFunction, FormatDef, FunctionContext, TableFunctionArg } from '../hooks/contracts.ts'
import { commonSuperType } from '../types/coercion.ts'
import { BIGINT, DATE, DOUBLE, type LogicalType, VARCHAR, type Value, typeEquals } from '../types/types.ts'
import { DataChunk, type Vector, constantVector } from '../vector/vector.ts'
import { optionError } from './csv/options.ts'
import { decompressedHead, expandPaths, fileError, formatExtension, sniffCompression } from './source.ts'

export const SHARED_OPTIONS = ['filename', 'hive_partitioning', 'union_by_name', 'hive_types', 'hive_types_autocast'] as const

const SNIFF_BYTES = 64 * 1024

function readHead(path: string): Uint8Array {
  let fd: number
  try { fd = openSync(path, 'r') } catch (e) { throw fileError(path, e) }
  try {
    const buf = new Uint8Array(SNIFF_BYTES)
    let n: number
    try { n = readSync(fd, buf, 0, buf.length, 0) } catch (e) { throw fileError(path, e) }
    const head = buf.subarray(0, n)
    const c = sniffCompression(head)
    if (c === 'none') return head
    return decompressedHead(path, c, SNIFF_BYTES).bytes.subarray(0, SNIFF_BYTES)
  } finally { closeSync(fd) }
}

/** The readable formats, for hints. */
export function readableTypes(formats: readonly FormatDef[]): string {
  return formats.filter(f => f.read !== undefined).map(f => `${f.name} (${f.extensions.map(e => '.' + e).join(', ')})`).join('; ')
}

/** The format that reads `path`: by extension, else the most confident sniffer. */
export function formatFor(path: string, formats: readonly FormatDef[]): FormatDef {
  const readers = formats.filter(f => f.read !== undefined)
  const ext = formatExtension(path)
  if (ext !== '') {
    const byExt = readers.find(f => f.extensions.some(e => e.toLowerCase() === ext))
    if (byExt !== undefined) return byExt
  }
  const head = readHead(path)
  let best: FormatDef | undefined, bestScore = 0
  for (const f of readers) {
    if (f.sniff === undefined) continue
    let score = 0
    try { score = f.sniff(head, path) } catch { score = 0 }
    if (score > bestScore) { best = f; bestScore = score }
  }
  if (best === undefined) {
    throw new GrizzlyError(SqlState.badFileFormat, `cannot tell what kind of file "${path}" is`, {
      hint: readers.length === 0 ? 'no file formats are registered'
        : `readable types: ${readableTypes(readers)}; name the reader, e.g. ${readers.map(f => `read_${f.name}('${path}')`).slice(0, 3).join(' or ')}`,
    })
  }
  return best
}

interface Shared {
  filename: string | null
  hive: boolean | null
  unionByName: boolean
  hiveTypes: Map<string, string>
  hiveAutocast: boolean
}

function splitOptions(fn: string, format: FormatDef | null, options: ReadonlyMap<string, TableFunctionArg>): { shared: Shared; rest: Map<string, TableFunctionArg> } {
  const shared: Shared = { filename: null, hive: null, unionByName: false, hiveTypes: new Map(), hiveAutocast: true }
  const rest = new Map<string, TableFunctionArg>()
  const bool = (k: string, a: TableFunctionArg): boolean => {
    if (typeof a.value === 'boolean') return a.value
    throw new GrizzlyError(SqlState.invalidParameterValue, `option ${k} must be true or false`, { hint: `e.g. ${k} = true` })
  }
  for (const [k, a] of options) {
    switch (k) {
      case 'filename':
        if (typeof a.value === 'string') shared.filename = a.value
        else shared.filename = bool(k, a) ? 'filename' : null
        break
      case 'hive_partitioning': shared.hive = bool(k, a); break
      case 'union_by_name': shared.unionByName = bool(k, a); break
      case 'hive_types_autocast': shared.hiveAutocast = bool(k, a); break
      case 'hive_types': {
        const v = a.value
        if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) {
          throw new GrizzlyError(SqlState.invalidParameterValue, 'option hive_types must be a struct of column name to type name', { hint: "e.g. hive_types = {'year': 'INTEGER'}" })
        }
        for (const [name, t] of Object.entries(v as Record<string, Value>)) shared.hiveTypes.set(name, String(t))
        break
      }
      default:
        if (format?.options !== undefined && !format.options.includes(k)) throw optionError(fn, k, [...format.options, ...SHARED_OPTIONS])
        rest.set(k, a)
    }
  }
  return { shared, rest }
}

/** key=value folders of a path, in order. */
function hivePairs(path: string): [string, string][] {
  const out: [string, string][] = []
  const parts = path.split(/[\\/]/)
  for (const part of parts.slice(0, -1)) {
    const eq = part.indexOf('=')
    if (eq > 0) {
      let v = part.slice(eq + 1)
      try { v = decodeURIComponent(v) } catch { /* keep as written */ }
      out.push([part.slice(0, eq), v])
    }
  }
  return out
}

function hiveValueType(values: readonly (string | null)[]): LogicalType {
  const present = values.filter((v): v is string => v !== null)
  if (present.length === 0) return VARCHAR
  if (present.every(v => /^-?\d{1,18}$/.test(v))) return BIGINT
  if (present.every(v => /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(v))) return DOUBLE
  if (present.every(v => /^\d{4}-\d{2}-\d{2}$/.test(v))) return DATE
  return VARCHAR
}

function hiveValue(text: string | null, type: LogicalType): Value {
  if (text === null) return null
  switch (type.id) {
    case 'BIGINT': return BigInt(text)
    case 'DOUBLE': return Number(text)
    case 'DATE': return Math.round(Date.parse(text + 'T00:00:00Z') / 86_400_000)
    default: return text
  }
}

interface Part { readonly fn: BoundTableFunction; readonly path: string; readonly hive: readonly Value[] }

/**
 * Binds `paths` (a path, glob or list) with `format` — or per file by extension/sniffing when
 * null — and returns one table over all of them.
 */
export function readFiles(formats: readonly FormatDef[], fn: string, format: FormatDef | null, paths: string | readonly string[],
  options: ReadonlyMap<string, TableFunctionArg>, ctx: FunctionContext): BoundTableFunction {
  if (format?.multiFile === true && format.read !== undefined) {
    if (format.options !== undefined) {
      for (const k of options.keys()) if (!format.options.includes(k) && !(SHARED_OPTIONS as readonly string[]).includes(k)) throw optionError(fn, k, [...format.options, ...SHARED_OPTIONS])
    }
    return format.read(expandPaths(paths), options, ctx)
  }
  const { shared, rest } = splitOptions(fn, format, options)
  const files = expandPaths(paths)
  const bound = files.map(path => {
    const f = format ?? formatFor(path, formats)
    if (f.read === undefined) throw new GrizzlyError(SqlState.featureNotSupported, `the ${f.name} format has no reader`, { hint: `readable types: ${readableTypes(formats)}` })
    if (format === null && f.options !== undefined) for (const k of rest.keys()) if (!f.options.includes(k)) throw optionError(`read_${f.name}`, k, [...f.options, ...SHARED_OPTIONS])
    return { fn: f.read([path], rest, ctx), path }
  })
  // hive partitions: on when asked, or when every path has the same key=value folders
  const pairs = files.map(hivePairs)
  const keys = pairs[0]?.map(([k]) => k) ?? []
  const sameKeys = keys.length > 0 && pairs.every(p => p.length === keys.length && p.every(([k], i) => k === keys[i]))
  const hive = shared.hive ?? sameKeys
  if (shared.hive === true && !sameKeys) {
    throw new GrizzlyError(SqlState.invalidParameterValue, 'hive_partitioning needs every path to have the same key=value folders', {
      hint: `e.g. data/year=2024/month=1/file.csv; the first path is "${files[0]}"`,
    })
  }
  // columns: by position (widened), or by name across all files; a file whose types are only a
  // default (a header and no rows) gives names but leaves the types to the others, as in DuckDB
  const typed = bound.some(b => b.fn.typesUnknown !== true) ? bound.filter(b => b.fn.typesUnknown !== true) : bound
  const outCols: { name: string; type: LogicalType }[] = []
  if (shared.unionByName) {
    const index = new Map<string, number>()
    for (const b of bound) {
      for (const c of b.fn.columns) {
        const k = c.name.toLowerCase()
        const at = index.get(k)
        if (at === undefined) { index.set(k, outCols.length); outCols.push({ name: c.name, type: c.type }) } else {
          const prev = outCols[at]!
          prev.type = commonSuperType([prev.type, c.type]) ?? VARCHAR
        }
      }
    }
  } else {
    const first = bound[0]!.fn.columns
    const firstTyped = typed[0]!.fn.columns
    outCols.push(...first.map((c, i) => ({ name: c.name, type: firstTyped[i]?.type ?? c.type })))
    for (const b of bound.slice(1)) {
      if (b.fn.columns.length !== first.length) {
        throw new GrizzlyError(SqlState.badFileFormat, `"${b.path}" has ${b.fn.columns.length} columns but "${bound[0]!.path}" has ${first.length}`, {
          hint: 'pass union_by_name = true to line the files up by column name',
        })
      }
      if (typed.includes(b)) b.fn.columns.forEach((c, i) => { outCols[i]!.type = commonSuperType([outCols[i]!.type, c.type]) ?? VARCHAR })
    }
  }
  // per file: which file column feeds each output column (-1 = missing)
  const sources = bound.map(b => outCols.map((c, i) => shared.unionByName
    ? b.fn.columns.findIndex(fc => fc.name.toLowerCase() === c.name.toLowerCase())
    : i))
  const baseWidth = outCols.length
  const parts: Part[] = bound.map(b => ({ ...b, hive: [] as Value[] }))
  if (hive) {
    keys.forEach((k, ki) => {
      if (outCols.some(c => c.name.toLowerCase() === k.toLowerCase())) return
      const texts = pairs.map(p => { const v = p[ki]![1]; return v === 'NULL' || v === '__HIVE_DEFAULT_PARTITION__' ? null : v })
      const given = shared.hiveTypes.get(k)
      const type = given !== undefined && ctx.resolveType !== undefined ? ctx.resolveType(given) : shared.hiveAutocast ? hiveValueType(texts) : VARCHAR
      outCols.push({ name: k, type })
      parts.forEach((p, pi) => (p.hive as Value[]).push(hiveValue(texts[pi]!, type)))
    })
  }
  const filenameAt = shared.filename !== null ? outCols.length : -1
  if (shared.filename !== null) outCols.push({ name: shared.filename, type: VARCHAR })
  // one file, nothing added: the format's own table as it is
  if (bound.length === 1 && outCols.length === baseWidth) return bound[0]!.fn
  const estimatedRows = bound.reduce((s, b) => s + (b.fn.estimatedRows ?? 0), 0)
  return {
    columns: outCols,
    estimatedRows,
    ...(parts.every(p => p.fn.pushdown?.filters === true) ? { pushdown: { filters: true } as const } : {}),
    *scan(wanted, runCtx, filters) {
      for (let p = 0; p < parts.length; p++) {
        const part = parts[p]!
        const src = sources[p]!
        // filters are hints: pass on those on file columns read without a cast
        const fileFilters = filters?.flatMap(f => {
          const s = f.column < baseWidth ? src[f.column]! : -1
          if (s < 0 || !typeEquals(part.fn.columns[s]!.type, outCols[f.column]!.type)) return []
          return [{ ...f, column: s }]
        })
        const fileWanted: number[] = []
        const slot = wanted.map(w => {
          if (w >= baseWidth) return -1
          const s = src[w]!
          if (s < 0) return -1
          let k = fileWanted.indexOf(s)
          if (k < 0) { k = fileWanted.length; fileWanted.push(s) }
          return k
        })
        // a file must be scanned even when no column of it is needed (row counts)
        if (fileWanted.length === 0 && part.fn.columns.length > 0) fileWanted.push(0)
        for (const chunk of part.fn.scan(fileWanted, runCtx, fileFilters)) {
          const cols = chunk.columns.length === fileWanted.length ? chunk.columns : fileWanted.map(i => chunk.column(i))
          const n = chunk.size
          const out: Vector[] = wanted.map((w, i) => {
            const type = outCols[w]!.type
            if (w === filenameAt) return constantVector(VARCHAR, part.path, n)
            if (w >= baseWidth) return constantVector(type, part.hive[w - baseWidth] ?? null, n)
            const k = slot[i]!
            if (k < 0) return constantVector(type, null, n)
            const v = cols[k]!
            return typeEquals(v.type, type) ? v : castVector(v, type, false, runCtx)
          })
          yield new DataChunk(out, n)
        }
      }
    },
  }
}
