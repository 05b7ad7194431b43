/**
 * The CSV writer: values rendered as DuckDB's COPY … TO renders them (CAST to VARCHAR, with
 * optional date/timestamp formats), quoted when they hold the delimiter, the quote, a line
 * break, or are empty strings (so '' and NULL stay apart). Written a chunk at a time.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { GrizzlyError, SqlState, didYouMean } from '../../errors.ts'
import type { TableFunctionArg } from '../../hooks/contracts.ts'
import { MICROS_PER_DAY, isFiniteDate } from '../../types/datetime.ts'
import { compileFormat, strftime } from '../../types/datetime-format.ts'
import { formatDate, formatDouble, formatTimestamp, formatValue } from '../../types/format.ts'
import type { LogicalType } from '../../types/types.ts'
import { type DataChunk, type Vector, getValue } from '../../vector/vector.ts'
import { fileError, splitCompression } from '../source.ts'
import { asBool, asString, badOption, optionError } from './options.ts'

export const CSV_WRITE_OPTIONS = ['header', 'delim', 'sep', 'separator', 'delimiter', 'quote', 'escape', 'nullstr', 'null', 'dateformat', 'date_format',
  'timestampformat', 'timestamp_format', 'force_quote', 'compression', 'new_line', 'prefix', 'suffix'] as const

interface WriteOptions {
  header: boolean
  delimiter: string
  quote: string
  escape: string
  nullstr: string
  dateFormat: string | null
  timestampFormat: string | null
  forceQuote: Set<number>
  compression: 'none' | 'gzip'
  newLine: string
}

function oneChar(name: string, a: TableFunctionArg, allowEmpty: boolean): string {
  let s = asString(name, a)
  if (s === '\\t') s = '\t'
  if (s.length > 1 || (s === '' && !allowEmpty)) throw badOption(name, allowEmpty ? "one character or ''" : 'one character', a.value)
  return s
}

function writeOptions(path: string, columns: readonly { readonly name: string }[], options: ReadonlyMap<string, TableFunctionArg>): WriteOptions {
  const o: WriteOptions = {
    header: true, delimiter: ',', quote: '"', escape: '', nullstr: '', dateFormat: null, timestampFormat: null,
    forceQuote: new Set(), compression: splitCompression(path).compression === 'gzip' ? 'gzip' : 'none', newLine: '\n',
  }
  let escapeGiven = false
  for (const [key, a] of options) {
    switch (key) {
      case 'header': o.header = asBool(key, a); break
      case 'delim': case 'sep': case 'separator': case 'delimiter': o.delimiter = oneChar(key, a, false); break
      case 'quote': o.quote = oneChar(key, a, true); break
      case 'escape': o.escape = oneChar(key, a, true); escapeGiven = true; break
      case 'nullstr': case 'null': o.nullstr = asString(key, a); break
      // ISO names the default layout, as in DuckDB
      case 'dateformat': case 'date_format': o.dateFormat = isoOr(asString(key, a)); break
      case 'timestampformat': case 'timestamp_format': o.timestampFormat = isoOr(asString(key, a)); break
      case 'force_quote': {
        const v = a.value
        const names = v === '*' ? columns.map(c => c.name) : typeof v === 'string' ? [v] : Array.isArray(v) && v.every(x => typeof x === 'string') ? v as string[] : null
        if (names === null) throw badOption(key, "a column name, a list of names, or '*'", v)
        for (const n of names) {
          const i = columns.findIndex(c => c.name.toLowerCase() === n.toLowerCase())
          if (i < 0) throw new GrizzlyError(SqlState.undefinedColumn, `force_quote names column "${n}", which the output does not have`, { hint: didYouMean(n, columns.map(c => c.name)) })
          o.forceQuote.add(i)
        }
        break
      }
      case 'compression': {
        const s = asString(key, a).toLowerCase()
        if (s === 'gzip' || s === 'gz') o.compression = 'gzip'
        else if (s === 'none' || s === 'uncompressed') o.compression = 'none'
        else if (s === 'auto') { /* from the name */ } else throw badOption(key, "'gzip', 'none' or 'auto'", a.value)
        break
      }
      case 'new_line': {
        const s = asString(key, a).replace(/\\r/g, '\r').replace(/\\n/g, '\n')
        if (s !== '\n' && s !== '\r\n' && s !== '\r') throw badOption(key, "'\\n' or '\\r\\n'", a.value)
        o.newLine = s
        break
      }
      case 'prefix': case 'suffix': asString(key, a); break
      default: throw optionError('CSV output', key, CSV_WRITE_OPTIONS)
    }
  }
  if (!escapeGiven) o.escape = o.quote
  if (o.delimiter === o.quote) throw new GrizzlyError(SqlState.invalidParameterValue, `the delimiter and the quote must differ (both are '${o.delimiter}')`, { hint: 'pick another quote character' })
  return o
}

export function writeCsv(path: string, columns: readonly { readonly name: string; readonly type: LogicalType }[], chunks: Iterable<DataChunk>,
  options: ReadonlyMap<string, TableFunctionArg>): { rows: number } {
  const o = writeOptions(path, columns, options)
  const { delimiter, quote, escape, nullstr } = o
  const special = new RegExp(`[${[delimiter, quote, '\n', '\r'].filter(c => c !== '').map(c => c.replace(/[\\\]^-]/g, '\\$&')).join('')}]`)
  const escapeRe = quote === '' ? null : new RegExp(`[${[...new Set([quote, escape])].map(c => c.replace(/[\\\]^-]/g, '\\$&')).join('')}]`, 'g')
  const quoteText = (s: string): string => quote === '' ? s : quote + (escapeRe === null ? s : s.replace(escapeRe, m => escape + m)) + quote
  const cell = (s: string, force: boolean): string => (force || s === '' || special.test(s) || (nullstr !== '' && s === nullstr)) ? quoteText(s) : s
  const dateFmt = o.dateFormat === null ? null : compileFormat(o.dateFormat)
  const tsFmt = o.timestampFormat === null ? null : compileFormat(o.timestampFormat)
  const parts: string[] = []
  let fd: number
  try { fd = openSync(path, 'w') } catch (e) { throw fileError(path, e) }
  let rows = 0
  try {
    const out = (s: string): void => {
      if (o.compression === 'gzip') parts.push(s)
      else writeSync(fd, s)
    }
    if (o.header) out(columns.map((c, i) => cell(c.name, o.forceQuote.has(i))).join(delimiter) + o.newLine)
    // column by column: one loop per type over the vector's own array
    const cellsOf = (v: Vector, c: number, n: number): string[] => {
      const type = columns[c]!.type
      const force = o.forceQuote.has(c)
      const out = new Array<string>(n)
      const valid = v.validity
      const plain = (text: string): string => force || special.test(text) ? cell(text, force) : text
      switch (type.id) {
        case 'VARCHAR': {
          const d = v.data as string[]
          for (let r = 0; r < n; r++) out[r] = valid !== null && valid[r] === 0 ? nullstr : cell(d[r]!, force)
          return out
        }
        case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'BIGINT': case 'HUGEINT': {
          const d = v.data as Int32Array | BigInt64Array | bigint[]
          for (let r = 0; r < n; r++) out[r] = valid !== null && valid[r] === 0 ? nullstr : plain(String(d[r]!))
          return out
        }
        case 'DOUBLE': {
          const d = v.data as Float64Array
          for (let r = 0; r < n; r++) out[r] = valid !== null && valid[r] === 0 ? nullstr : plain(formatDouble(d[r]!))
          return out
        }
        case 'DATE': {
          const d = v.data as Int32Array
          for (let r = 0; r < n; r++) {
            if (valid !== null && valid[r] === 0) { out[r] = nullstr; continue }
            const x = d[r]!
            out[r] = plain(dateFmt !== null && isFiniteDate(x) ? strftime(x * MICROS_PER_DAY, dateFmt) : formatDate(x))
          }
          return out
        }
        case 'TIMESTAMP': {
          const d = v.data as Float64Array
          for (let r = 0; r < n; r++) {
            if (valid !== null && valid[r] === 0) { out[r] = nullstr; continue }
            const x = d[r]!
            out[r] = plain(tsFmt !== null && Number.isFinite(x) ? strftime(x, tsFmt) : formatTimestamp(x))
          }
          return out
        }
        default: {
          const nested = type.id === 'BLOB' || type.id === 'LIST' || type.id === 'STRUCT' || type.id === 'ARRAY'
          for (let r = 0; r < n; r++) {
            const x = getValue(v, r)
            if (x === null) { out[r] = nullstr; continue }
            const text = formatValue(type, x)
            out[r] = nested ? cell(text, force) : plain(text)
          }
          return out
        }
      }
    }
    for (const chunk of chunks) {
      const n = chunk.size
      const cells = columns.map((_, c) => cellsOf(chunk.column(c), c, n))
      let text = ''
      for (let r = 0; r < n; r++) {
        let line = cells.length === 0 ? '' : cells[0]![r]!
        for (let c = 1; c < cells.length; c++) line += delimiter + cells[c]![r]!
        text += line + o.newLine
      }
      rows += n
      out(text)
    }
    if (o.compression === 'gzip') writeSync(fd, gzipSync(Buffer.from(parts.join(''), 'utf8')))
  } catch (e) {
    throw e instanceof GrizzlyError ? e : fileError(path, e)
  } finally { closeSync(fd) }
  return { rows }
}

function isoOr(format: string): string | null {
  if (format.toLowerCase() === 'iso') return null
  compileFormat(format)
  return format
}
