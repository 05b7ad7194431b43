/**
 * read_csv: binds a file to a schema (given, sniffed, or both) and scans it in chunks of
 * CHUNK_SIZE rows, converting only the columns the query needs. Malformed rows and values that
 * do not convert fail with 22P04 naming the file, line and column — or, with ignore_errors, are
 * skipped and kept as rejects.
 */
import { GrizzlyError, SqlState, didYouMean } from '../../errors.ts'
import type { BoundTableFunction, ProgressSink } from '../../hooks/contracts.ts'
import { BIGINT, BOOLEAN, DATE, DOUBLE, type LogicalType, TIME, TIMESTAMP, VARCHAR, isNumeric, physicalOf, typeToString } from '../../types/types.ts'
import { CHUNK_SIZE, DataChunk, Vector, VectorBuilder, allocData, gather } from '../../vector/vector.ts'
import { RECENT, recentSlot } from '../recent-strings.ts'
import { fastDate, fastDecimal, fastDouble, fastInt, fastTimestamp, slowValue } from './convert.ts'
import { type CsvInput, openInput, sampleText, textSource } from './input.ts'
import type { CsvOptions } from './options.ts'
import { type SniffedType, TYPE_ORDER, sniff } from './sniffer.ts'
import { CsvTokenizer, type Dialect, ESCAPED, FieldBatch, PLAIN, RECORD_ERRORS, fieldText } from './tokenizer.ts'

export interface CsvReject {
  readonly file: string
  readonly line: number
  /** 1-based column, 0 when the whole row is malformed */
  readonly column: number
  readonly columnName: string | null
  readonly errorType: string
  readonly error: string
  readonly csvLine: string
  /** 1-based byte offsets in the input of the row and of the value at fault, as DuckDB reports them */
  readonly lineBytePosition: number
  readonly bytePosition: number
}

export interface CsvSchema {
  readonly dialect: Dialect
  readonly header: boolean
  readonly columns: readonly { readonly name: string; readonly type: LogicalType }[]
  /** per column: the strptime format of a DATE / TIMESTAMP column (null = ISO, read by the fast path) */
  readonly formats: readonly (string | null)[]
  /** records before the table that the sniffer found (notes above a header), skipped after `skip` */
  readonly skipRecords: number
  /** the sample held a header and no data: the sniffed types are only VARCHAR by default */
  readonly typesUnknown: boolean
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

const SNIFFED: Readonly<Record<SniffedType, LogicalType>> = { BOOLEAN, BIGINT, DOUBLE, TIME, DATE, TIMESTAMP, VARCHAR }

const code = (s: string | null, fallback: number): number => s === null ? fallback : s === '' ? -1 : s.charCodeAt(0)

/** Column names as DuckDB makes them: empty → columnN, duplicates → name_1, optional normalising. */
export function columnNames(raw: readonly (string | undefined)[], width: number, normalize: boolean): string[] {
  const pad = String(Math.max(width - 1, 0)).length
  const out: string[] = []
  const seen = new Set<string>()
  for (let i = 0; i < width; i++) {
    let name = raw[i]?.trim() ?? ''
    if (name === '') name = `column${String(i).padStart(pad, '0')}`
    if (normalize) {
      name = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_')
      if (/^[0-9]/.test(name)) name = `_${name}`
    }
    let unique = name, k = 1
    while (seen.has(unique.toLowerCase())) unique = `${name}_${k++}`
    seen.add(unique.toLowerCase())
    out.push(unique)
  }
  return out
}

export function bindCsvSchema(input: CsvInput, o: CsvOptions, resolveType: (name: string) => LogicalType): CsvSchema {
  const candidates = o.autoTypeCandidates === null ? TYPE_ORDER : [...o.autoTypeCandidates.map(c => {
    const t = resolveType(c)
    const id = t.id === 'INTEGER' || t.id === 'SMALLINT' || t.id === 'TINYINT' ? 'BIGINT' : t.id === 'REAL' || t.id === 'DECIMAL' ? 'DOUBLE' : t.id
    if (!(TYPE_ORDER as readonly string[]).includes(id)) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `auto_type_candidates cannot hold ${typeToString(t)}`, { hint: `choose among ${TYPE_ORDER.join(', ')}` })
    }
    return id as SniffedType
  }), 'VARCHAR' as const].sort((a, b) => TYPE_ORDER.indexOf(a) - TYPE_ORDER.indexOf(b))
  let dialect: Dialect = { delimiter: code(o.delimiter, 44), delimiterRest: o.delimiter?.slice(1) ?? '', quote: code(o.quote, 34), escape: code(o.escape ?? o.quote, 34), comment: code(o.comment, -1) }
  let header = o.header ?? false
  let names: string[]
  let types: LogicalType[]
  let sniffedFormats: readonly (string | null)[] = []
  let skipRecords = 0
  let typesUnknown = false
  if (o.autoDetect) {
    const sample = sampleText(input, o.sampleSize < 0)
    const s = sniff({ head: sample.head, middles: sample.middles, headIsAll: sample.headIsAll }, {
      delimiter: o.delimiter, quote: o.quote, escape: o.escape, comment: o.comment, header: o.header, nullStrings: o.nullStrings,
      sampleSize: o.sampleSize, decimalSeparator: o.decimalSeparator, thousands: o.thousands, dateFormat: o.dateFormat, timestampFormat: o.timestampFormat,
      maxLineSize: o.maxLineSize, candidates, nullPadding: o.nullPadding, strict: o.strictMode, width: o.columns?.length ?? null,
      ignoreErrors: o.ignoreErrors, skip: o.skip,
    })
    dialect = s.dialect
    header = o.columns !== null && o.header === null ? headerOfGiven(s.firstRow, o, resolveType) : s.header
    skipRecords = s.skipRecords
    typesUnknown = header && s.sampledRows <= 1 && !o.allVarchar
    sniffedFormats = s.formats
    const width = o.columns?.length ?? s.types.length
    names = columnNames(s.names, width, o.normalizeNames)
    types = s.types.map(t => o.allVarchar ? VARCHAR : SNIFFED[t])
    if (width === 0 && o.columns === null && o.names === null) {
      throw new GrizzlyError(SqlState.badFileFormat, `"${input.path}" is empty: there are no columns to read`, {
        hint: "give the columns, e.g. read_csv('file.csv', columns = {'a': 'INTEGER'})",
      })
    }
  } else {
    names = []
    types = []
  }
  if (o.columns !== null) {
    names = o.columns.map(c => c.name)
    types = o.columns.map(c => resolveType(c.type))
  }
  if (o.names !== null) {
    if (types.length === 0) types = o.names.map(() => VARCHAR)
    if (o.names.length > types.length) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `names lists ${o.names.length} columns but the file has ${types.length}`, { hint: 'give at most one name per column' })
    }
    names = [...o.names, ...names.slice(o.names.length)]
    while (names.length < types.length) names.push(`column${names.length}`)
  }
  for (const [key, typeName] of o.types) {
    const t = resolveType(typeName)
    let index: number
    if (typeof key === 'number') {
      index = key
      if (index >= types.length) throw new GrizzlyError(SqlState.invalidParameterValue, `types lists ${o.types.size} types but the file has ${types.length} columns`, { hint: 'give at most one type per column, or name the columns: types = {\'col\': \'TYPE\'}' })
    } else {
      index = names.findIndex(n => n.toLowerCase() === key.toLowerCase())
      if (index < 0) {
        throw new GrizzlyError(SqlState.undefinedColumn, `types names column "${key}", which the file does not have`, { hint: didYouMean(key, names) ?? `the columns are ${names.join(', ')}` })
      }
    }
    types[index] = t
  }
  for (const name of o.forceNotNull) {
    if (!names.some(n => n.toLowerCase() === name)) {
      throw new GrizzlyError(SqlState.undefinedColumn, `force_not_null names column "${name}", which the file does not have`, { hint: didYouMean(name, names) ?? `the columns are ${names.join(', ')}` })
    }
  }
  // a type given by the user reads with the given format, or ISO
  const formats = types.map((t, i) => t.id === 'DATE' ? (o.dateFormat ?? sniffedFormats[i] ?? null)
    : t.id === 'TIMESTAMP' ? (o.timestampFormat ?? sniffedFormats[i] ?? null) : null)
  // types the user gave are known
  if (o.columns !== null || o.types.size > 0) typesUnknown = false
  return { dialect, header, columns: names.map((name, i) => ({ name, type: types[i]! })), formats, skipRecords, typesUnknown }
}

/**
 * Whether the first record is a header when the columns are given (DuckDB's rule): it is when it
 * spells the given names, or holds a value that a given non-text type cannot read; with only
 * text columns, when none of its values is empty.
 */
function headerOfGiven(first: readonly string[] | null, o: CsvOptions, resolveType: (name: string) => LogicalType): boolean {
  const given = o.columns!
  if (first === null) return false
  if (first.length === given.length && given.every((c, i) => c.name === first[i])) return true
  let allText = true
  for (let i = 0; i < given.length; i++) {
    const type = resolveType(given[i]!.type)
    const v = first[i]
    if (type.id === 'VARCHAR' || v === undefined) continue
    allText = false
    if (o.nullStrings.includes(v)) continue
    try { slowValue(v, type, o.dateFormat, o.timestampFormat, o.decimalSeparator) } catch { return true }
  }
  return allText && first.every(v => v !== '')
}

/** Binds one CSV file: the schema now, the rows when scanned. */
export function readCsv(path: string, o: CsvOptions, resolveType: (name: string) => LogicalType, onReject: (r: CsvReject) => void,
  progress?: ProgressSink, onBind?: (schema: CsvSchema) => void): BoundTableFunction {
  const input = openInput(path, o.compression)
  const schema = bindCsvSchema(input, o, resolveType)
  onBind?.(schema)
  progress?.addTotal(input.size)
  return {
    columns: schema.columns,
    // text compresses about 4:1
    estimatedRows: Math.max(1, Math.round(input.size * (input.compression === 'none' ? 1 : 4) / 64)),
    ...(schema.typesUnknown ? { typesUnknown: true } : {}),
    scan: (wanted) => scanCsv(input, schema, o, wanted, onReject, progress),
  }
}

function* scanCsv(input: CsvInput, schema: CsvSchema, o: CsvOptions, wanted: readonly number[], onReject: (r: CsvReject) => void,
  progress: ProgressSink | undefined): Iterable<DataChunk> {
  const { source, close } = textSource(input, progress)
  try {
    const tok = new CsvTokenizer(schema.dialect, source, input.path, o.maxLineSize, o.strictMode)
    if (o.skip > 0) tok.skipLines(o.skip)
    const batch = new FieldBatch()
    // a batch may end early (at a block boundary): skip until the count is reached
    for (let left = schema.skipRecords; left > 0 && tok.next(batch, left);) left -= batch.records
    if (schema.header) tok.next(batch, 1)
    const conv = new Converter(input.path, schema, o, onReject)
    // with ignore_errors every column is read, so the rows skipped do not depend on the query
    const all = o.ignoreErrors ? schema.columns.map((_, i) => i) : wanted
    while (tok.next(batch, CHUNK_SIZE)) {
      const chunk = conv.convert(batch, all)
      if (chunk.size > 0) yield all === wanted ? chunk : new DataChunk(wanted.map(i => chunk.column(i)), chunk.size)
    }
  } finally { close() }
}

/** V8 copies slices shorter than this (SlicedString::kMinLength); longer ones share the parent */
const SLICED_MIN = 13

class Converter {
  private readonly path: string
  private readonly schema: CsvSchema
  private readonly o: CsvOptions
  private readonly onReject: (r: CsvReject) => void
  private readonly width: number
  private readonly defaultNull: boolean
  private readonly sep: number
  private rejected: Uint8Array | null = null
  private fieldIndex = new Int32Array(CHUNK_SIZE)
  /** per VARCHAR column: recent values by a hash of their text, or null once they rarely repeat */
  private recent: ((string | undefined)[] | null)[] = []

  constructor(path: string, schema: CsvSchema, o: CsvOptions, onReject: (r: CsvReject) => void) {
    this.path = path
    this.schema = schema
    this.o = o
    this.onReject = onReject
    this.width = schema.columns.length
    this.defaultNull = o.nullStrings.length === 1 && o.nullStrings[0] === ''
    this.sep = o.decimalSeparator.charCodeAt(0)
  }

  convert(b: FieldBatch, wanted: readonly number[]): DataChunk {
    const n = b.records
    this.rejected = null
    const rf = b.recordFirst
    for (let r = 0; r < n; r++) {
      const count = rf[r + 1]! - rf[r]!
      const err = b.recordError[r]!
      if (count === this.width && err === 0) continue
      // a delimiter ending the line adds no value (DuckDB): `AAA|` is one column
      if (count === this.width + 1 && err === 0 && b.flags[rf[r + 1]! - 1] === PLAIN && b.starts[rf[r + 1]! - 1] === b.ends[rf[r + 1]! - 1]) continue
      if (err !== 0) {
        const quote = String.fromCharCode(this.schema.dialect.quote)
        this.reject(b, r, b.recordErrorField[r]! + 1, 'UNQUOTED VALUE', RECORD_ERRORS[err as 1 | 2], err === 1
          ? 'fix the quoting of that line, or pass strict_mode = false to read stray quotes as part of the value'
          : `close the quote (${quote}), pass strict_mode = false to let it run to the end of the file, or read with quote = '' if quotes are plain characters in this file`)
      }
      else if (count < this.width && !this.o.nullPadding) {
        this.reject(b, r, count + 1, 'MISSING COLUMNS', `expected ${this.width} columns but found ${count}`, 'pass null_padding = true to read missing values as NULL')
      } else if (count > this.width) {
        this.reject(b, r, this.width + 1, 'TOO MANY COLUMNS', `expected ${this.width} columns but found ${count}`, 'check the delimiter, or quote values that contain it')
      }
    }
    const vectors = wanted.map(j => this.column(b, j, n))
    if (this.rejected === null) return new DataChunk(vectors, n)
    const keep: number[] = []
    for (let r = 0; r < n; r++) if (this.rejected[r] === 0) keep.push(r)
    const sel = Int32Array.from(keep)
    return new DataChunk(vectors.map(v => gather(v, sel)), keep.length)
  }

  private reject(b: FieldBatch, r: number, column: number, errorType: string, message: string, hint: string): void {
    const line = b.recordLine[r]!
    const name = column >= 1 ? this.schema.columns[column - 1]?.name ?? null : null
    const where = `line ${line}${name !== null ? `, column "${name}"` : ''} of "${this.path}"`
    if (!this.o.ignoreErrors) {
      throw new GrizzlyError(SqlState.badFileFormat, `${message} at ${where}`, { hint: `${hint}; or pass ignore_errors = true to skip such rows` })
    }
    if (this.rejected === null) this.rejected = new Uint8Array(b.records)
    if (this.rejected[r] === 1) return
    this.rejected[r] = 1
    const first = b.recordFirst[r]!, last = b.recordFirst[r + 1]! - 1
    const from = b.starts[first]! - (b.flags[first] === PLAIN ? 0 : 1), to = b.ends[last]! + (b.flags[last] === PLAIN ? 0 : 1)
    const csvLine = last >= first ? b.text.slice(Math.max(0, from), Math.min(b.text.length, to)) : ''
    const fi = Math.min(first + Math.max(column - 1, 0), last)
    const at = fi >= first ? b.starts[fi]! - (b.flags[fi] === PLAIN ? 0 : 1) : from
    this.onReject({
      file: this.path, line, column, columnName: name, errorType, error: `${message}`, csvLine,
      lineBytePosition: 1 + this.bytesBefore(b, Math.max(0, from)), bytePosition: 1 + this.bytesBefore(b, Math.max(0, at)),
    })
  }

  private memoText = ''
  private memoPos = 0
  private memoBytes = 0
  /** UTF-8 bytes of the input before position `p` of the batch text; counted on from the last answer when it is before `p` */
  private bytesBefore(b: FieldBatch, p: number): number {
    if (this.memoText !== b.text || p < this.memoPos) { this.memoText = b.text; this.memoPos = 0; this.memoBytes = 0 }
    this.memoBytes += Buffer.byteLength(b.text.slice(this.memoPos, p))
    this.memoPos = p
    return b.byteBase + this.memoBytes
  }

  private isNull(b: FieldBatch, fi: number): boolean {
    const s = b.starts[fi]!, e = b.ends[fi]!
    const flag = b.flags[fi]!
    if (flag !== PLAIN && !this.o.allowQuotedNulls) return false
    if (this.defaultNull) return s === e
    const t = flag === ESCAPED ? fieldText(b, fi, this.schema.dialect.quote, this.schema.dialect.escape) : b.text.slice(s, e)
    return this.o.nullStrings.includes(t)
  }

  private badValue(b: FieldBatch, r: number, j: number, fi: number, type: LogicalType, e: unknown): void {
    if (!(e instanceof GrizzlyError)) throw e
    const text = fieldText(b, fi, this.schema.dialect.quote, this.schema.dialect.escape)
    this.reject(b, r, j + 1, 'CAST', `could not convert "${text.length > 80 ? text.slice(0, 80) + '…' : text}" to ${typeToString(type)}`,
      `set the column's type, e.g. types = {'${this.schema.columns[j]!.name}': 'VARCHAR'}, or sniff more rows with sample_size = -1`)
  }

  private column(b: FieldBatch, j: number, n: number): Vector {
    const type = this.schema.columns[j]!.type
    const rf = b.recordFirst
    const text = b.text
    const starts = b.starts, ends = b.ends, flags = b.flags
    let validity: Uint8Array | null = null
    const setNull = (r: number): void => { if (validity === null) validity = new Uint8Array(n).fill(1); validity[r] = 0 }
    const { quote, escape } = this.schema.dialect
    const format = this.schema.formats[j] ?? null
    const thousands = this.o.thousands
    const slow = (r: number, fi: number): unknown => {
      try {
        const raw = fieldText(b, fi, quote, escape)
        // the thousands separator is dropped wherever it stands, as pandas does
        const value = thousands !== null && isNumeric(type) ? raw.split(thousands).join('') : raw
        return slowValue(value, type, format, format, this.o.decimalSeparator)
      } catch (e) { this.badValue(b, r, j, fi, type, e); setNull(r); return null }
    }
    const physical = physicalOf(type)
    const sep = this.sep
    const fastType = type.id === 'INTEGER' || type.id === 'SMALLINT' || type.id === 'TINYINT' || type.id === 'BIGINT' || type.id === 'DOUBLE'
      || (type.id === 'DECIMAL' && physical === 'f64') || type.id === 'VARCHAR' || type.id === 'DATE' || type.id === 'TIMESTAMP' || type.id === 'BOOLEAN'
    // force_not_null: a null string in this column reads as an empty value
    const neverNull = this.o.forceNotNull.size > 0 && this.o.forceNotNull.has(this.schema.columns[j]!.name.toLowerCase())
    if (neverNull) {
      for (let r = 0; r < n; r++) {
        const fi = rf[r]! + j
        if (fi < rf[r + 1]! && this.isNull(b, fi)) { ends[fi] = starts[fi]!; flags[fi] = PLAIN }
      }
    }
    if (!fastType) {
      const builder = new VectorBuilder(type, n)
      for (let r = 0; r < n; r++) {
        const fi = rf[r]! + j
        if (fi >= rf[r + 1]! || (!neverNull && this.isNull(b, fi))) { builder.push(null); continue }
        const v = slow(r, fi)
        builder.push(v as never)
      }
      const v = builder.finish()
      return v
    }
    const data = allocData(physical, n)
    const dateFormatted = format !== null, tsFormatted = format !== null
    // pass 1: each row's field (-1 = NULL), so the typed loops below carry no NULL logic
    if (this.fieldIndex.length < n) this.fieldIndex = new Int32Array(Math.max(n, CHUNK_SIZE))
    const fis = this.fieldIndex
    const emptyIsNull = this.defaultNull, quotedNulls = this.o.allowQuotedNulls
    for (let r = 0; r < n; r++) {
      const fi = rf[r]! + j
      if (fi >= rf[r + 1]! || (!neverNull && (emptyIsNull ? starts[fi] === ends[fi] && (quotedNulls || flags[fi] === PLAIN) : this.isNull(b, fi)))) {
        fis[r] = -1
        setNull(r)
      } else fis[r] = fi
    }
    // pass 2: one loop per type; escaped or unusual values take the slow path
    switch (type.id) {
      case 'BIGINT': {
        const out = data as BigInt64Array
        // the two 32-bit halves written directly (little-endian): no BigInt per value
        const halves = new Int32Array(out.buffer, out.byteOffset, n * 2)
        for (let r = 0; r < n; r++) {
          const fi = fis[r]!
          if (fi < 0) continue
          const x = flags[fi] === ESCAPED ? Number.NaN : fastInt(text, starts[fi]!, ends[fi]!)
          if (x === x && LITTLE_ENDIAN) { halves[2 * r] = x | 0; halves[2 * r + 1] = Math.floor(x / 4294967296) } else if (x === x) out[r] = BigInt(x)
          else { const v = slow(r, fi); if (v !== null) out[r] = v as bigint }
        }
        break
      }
      case 'INTEGER': case 'SMALLINT': case 'TINYINT': {
        const out = data as Int32Array | Int16Array | Int8Array
        const [lo, hi] = type.id === 'INTEGER' ? [-2147483648, 2147483647] : type.id === 'SMALLINT' ? [-32768, 32767] : [-128, 127]
        for (let r = 0; r < n; r++) {
          const fi = fis[r]!
          if (fi < 0) continue
          const x = flags[fi] === ESCAPED ? Number.NaN : fastInt(text, starts[fi]!, ends[fi]!)
          if (x >= lo && x <= hi) out[r] = x
          else { const v = slow(r, fi); if (v !== null) out[r] = v as number }
        }
        break
      }
      case 'DOUBLE': {
        const out = data as Float64Array
        for (let r = 0; r < n; r++) {
          const fi = fis[r]!
          if (fi < 0) continue
          const x = flags[fi] === ESCAPED ? Number.NaN : fastDouble(text, starts[fi]!, ends[fi]!, sep)
          if (x === x) out[r] = x
          else { const v = slow(r, fi); if (v !== null) out[r] = v as number }
        }
        break
      }
      case 'DECIMAL': {
        const out = data as Float64Array
        const scale = type.scale, limit = 10 ** type.width
        for (let r = 0; r < n; r++) {
          const fi = fis[r]!
          if (fi < 0) continue
          const x = flags[fi] === ESCAPED ? Number.NaN : fastDecimal(text, starts[fi]!, ends[fi]!, scale, sep)
          if (x === x && x < limit && x > -limit) out[r] = x
          else { const v = slow(r, fi); if (v !== null) out[r] = v as number }
        }
        break
      }
      case 'DATE': {
        const out = data as Int32Array
        for (let r = 0; r < n; r++) {
          const fi = fis[r]!
          if (fi < 0) continue
          const x = flags[fi] === ESCAPED || dateFormatted ? Number.NaN : fastDate(text, starts[fi]!, ends[fi]!)
          if (x === x) out[r] = x
          else { const v = slow(r, fi); if (v !== null) out[r] = v as number }
        }
        break
      }
      case 'TIMESTAMP': {
        const out = data as Float64Array
        for (let r = 0; r < n; r++) {
          const fi = fis[r]!
          if (fi < 0) continue
          const x = flags[fi] === ESCAPED || tsFormatted ? Number.NaN : fastTimestamp(text, starts[fi]!, ends[fi]!)
          if (x === x) out[r] = x
          else { const v = slow(r, fi); if (v !== null) out[r] = v as number }
        }
        break
      }
      case 'BOOLEAN': {
        const out = data as Uint8Array
        for (let r = 0; r < n; r++) {
          const fi = fis[r]!
          if (fi < 0) continue
          const v = slow(r, fi)
          if (v !== null) out[r] = v === true ? 1 : 0
        }
        break
      }
      case 'VARCHAR': {
        const out = data as string[]
        const recent = this.recent[j] === undefined ? (this.recent[j] = new Array<string | undefined>(RECENT)) : this.recent[j]!
        if (recent === null) { this.cutValues(out, b, n, quote, escape); break }
        // a column of few distinct values (codes, categories) shares one string per value: fewer
        // allocations, fewer survivors for the GC to copy, and no slice keeping a whole block alive
        let hits = 0
        for (let r = 0; r < n; r++) {
          const fi = fis[r]!
          if (fi < 0) continue
          if (flags[fi] === ESCAPED) { out[r] = fieldText(b, fi, quote, escape); continue }
          const s = starts[fi]!, e = ends[fi]!, len = e - s
          if (len === 0) { out[r] = ''; continue }
          const h = recentSlot(text, s, e)
          const known = recent[h]
          if (known !== undefined && known.length === len && text.startsWith(known, s)) { out[r] = known; hits++; continue }
          out[r] = recent[h] = text.slice(s, e)
        }
        // values that rarely repeat (comments, ids) are sliced without looking
        if (hits * 4 < n) this.recent[j] = null
        break
      }
      default: break
    }
    return new Vector(type, n, data, validity)
  }

  /**
   * Rarely repeating VARCHAR values (comments, ids) of rows [0, n): a slice of the block text
   * would keep the whole block (every column of ~1 MiB of file) alive for as long as a table
   * holds the value, so a loaded table kept all of its file's text in the heap and every full
   * collection grew with it. Long values are cut from one string of this column's values
   * instead, which holds only what is kept; short ones are copies already.
   */
  private cutValues(out: string[], b: FieldBatch, n: number, quote: number, escape: number): void {
    const { text, starts, ends, flags } = b
    const fis = this.fieldIndex
    const pieces: string[] = []
    for (let r = 0; r < n; r++) {
      const fi = fis[r]!
      if (fi < 0) continue
      if (flags[fi] === ESCAPED) { out[r] = fieldText(b, fi, quote, escape); continue }
      const s = starts[fi]!, e = ends[fi]!
      if (e - s < SLICED_MIN) out[r] = text.slice(s, e)
      else { pieces.push(text.slice(s, e)); fis[r] = -2 - fi }
    }
    if (pieces.length === 0) return
    // join copies into one new flat string (a lone piece would be returned as it is)
    const column = pieces.length === 1 ? pieces[0]!.padEnd(pieces[0]!.length + 1) : pieces.join('')
    for (let r = 0, at = 0; r < n; r++) {
      const fi = fis[r]!
      if (fi > -2) continue
      const len = ends[-2 - fi]! - starts[-2 - fi]!
      out[r] = column.slice(at, at + len)
      at += len
    }
  }
}
