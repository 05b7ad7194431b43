/**
 * read_csv options: the names DuckDB accepts, checked and turned into one typed record. Every
 * bad option is a GrizzlyError: an unknown name is 42601 with a did-you-mean, a bad value 22023.
 */
import { GrizzlyError, SqlState, didYouMean } from '../../errors.ts'
import type { TableFunctionArg } from '../../hooks/contracts.ts'
import { compileFormat } from '../../types/datetime-format.ts'
import type { LogicalType, Value } from '../../types/types.ts'
import type { Compression } from '../source.ts'

export interface CsvOptions {
  delimiter: string | null
  quote: string | null
  escape: string | null
  header: boolean | null
  /** names and types given by the user: no sniffing of either */
  columns: readonly { readonly name: string; readonly type: string }[] | null
  /** type overrides by position or by name */
  types: ReadonlyMap<string | number, string>
  names: readonly string[] | null
  autoDetect: boolean
  skip: number
  nullStrings: readonly string[]
  allowQuotedNulls: boolean
  /** columns (lower-case names) whose values are never matched against the null strings */
  forceNotNull: ReadonlySet<string>
  dateFormat: string | null
  timestampFormat: string | null
  allVarchar: boolean
  ignoreErrors: boolean
  storeRejects: boolean
  rejectsTable: string
  /** the table listing the files scanned (DuckDB's reject_scans) */
  rejectsScan: string
  rejectsLimit: number
  maxLineSize: number
  /** false: quotes that do not close a value are read as part of it (DuckDB's strict_mode) */
  strictMode: boolean
  newLine: string | null
  comment: string | null
  compression: Compression | 'auto'
  decimalSeparator: string
  /** removed from numeric values before they are read (1,000.5); null = none */
  thousands: string | null
  normalizeNames: boolean
  nullPadding: boolean
  sampleSize: number
  /** types the sniffer may pick, most specific first; null = the default list */
  autoTypeCandidates: readonly string[] | null
}

/** The options every reader accepts (handled by the multi-file layer, not the format). */
export const MULTI_FILE_OPTIONS = ['filename', 'hive_partitioning', 'union_by_name', 'hive_types', 'hive_types_autocast'] as const

export const CSV_OPTION_NAMES = [
  'delim', 'sep', 'separator', 'delimiter', 'quote', 'escape', 'header', 'columns', 'types', 'dtypes', 'column_types', 'names', 'column_names',
  'auto_detect', 'skip', 'nullstr', 'null', 'allow_quoted_nulls', 'dateformat', 'date_format', 'timestampformat', 'timestamp_format',
  'all_varchar', 'ignore_errors', 'store_rejects', 'rejects_table', 'rejects_scan', 'rejects_limit', 'max_line_size', 'maximum_line_size',
  'new_line', 'comment', 'compression', 'decimal_separator', 'normalize_names', 'null_padding', 'sample_size', 'auto_type_candidates',
  'parallel', 'buffer_size', 'encoding', 'strict_mode', 'force_not_null', 'thousands',
] as const

export const DEFAULT_MAX_LINE_SIZE = 2_097_152
export const DEFAULT_SAMPLE_SIZE = 20_480

export function optionError(fn: string, name: string, accepted: readonly string[]): GrizzlyError {
  return new GrizzlyError(SqlState.syntaxError, `${fn} has no option "${name}"`, {
    hint: didYouMean(name, accepted) ?? `accepted options: ${accepted.join(', ')}`,
  })
}

export function badOption(name: string, expected: string, got: Value): GrizzlyError {
  const shown = typeof got === 'string' ? `'${got}'` : typeof got === 'bigint' ? String(got) : JSON.stringify(got)
  return new GrizzlyError(SqlState.invalidParameterValue, `option ${name} must be ${expected}, not ${shown}`, {
    hint: `e.g. ${exampleOf(name)}`,
  })
}

function exampleOf(name: string): string {
  switch (name) {
    case 'columns': return "columns = {'id': 'INTEGER', 'name': 'VARCHAR'}"
    case 'types': case 'dtypes': case 'column_types': return "types = ['INTEGER', 'VARCHAR'] or types = {'id': 'INTEGER'}"
    case 'names': case 'column_names': return "names = ['id', 'name']"
    case 'delim': case 'sep': case 'separator': case 'delimiter': return "delim = ';'"
    case 'compression': return "compression = 'gzip' (auto, none, gzip, zstd)"
    case 'new_line': return "new_line = '\\r\\n'"
    case 'decimal_separator': return "decimal_separator = ','"
    default: return `${name} = …`
  }
}

export function asBool(name: string, a: TableFunctionArg): boolean {
  const v = a.value
  if (typeof v === 'boolean') return v
  if (typeof v === 'number' && (v === 0 || v === 1)) return v === 1
  if (typeof v === 'bigint' && (v === 0n || v === 1n)) return v === 1n
  if (typeof v === 'string') {
    const t = v.toLowerCase()
    if (t === 'true' || t === 'false') return t === 'true'
  }
  throw badOption(name, 'true or false', v)
}

export function asInt(name: string, a: TableFunctionArg, min: number): number {
  const v = a.value
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Number.NaN
  if (!Number.isInteger(n) || n < min) throw badOption(name, `a whole number ≥ ${min}`, v)
  return n
}

export function asString(name: string, a: TableFunctionArg): string {
  if (typeof a.value !== 'string') throw badOption(name, 'a string', a.value)
  return a.value
}

/** A one-character option ('' means none); '\t' written as backslash-t is a tab, as DuckDB takes it. */
function asChar(name: string, a: TableFunctionArg, allowEmpty: boolean): string | null {
  let s = asString(name, a)
  if (s === '\\t') s = '\t'
  if (s === '' && allowEmpty) return ''
  if (s.length !== 1) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `option ${name} must be a single character, not '${s}'`, {
      hint: allowEmpty ? `use one character, or '' for none` : `use one character such as ',', ';', '|' or '\\t'`,
    })
  }
  if (s === '\n' || s === '\r') throw badOption(name, 'a character other than a line break', s)
  return s
}

/** The delimiter: one character or, as in DuckDB, a string of up to 4 bytes (`'AB'`, `'||'`). */
function asDelimiter(name: string, a: TableFunctionArg): string {
  const s = asString(name, a)
  if (s.length <= 1 || s === '\\t') return asChar(name, a, false)!
  if (new TextEncoder().encode(s).length > 4) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `option ${name} must be at most 4 bytes, not '${s}'`, { hint: "use a shorter delimiter such as ',', '|' or '||'" })
  }
  if (s.includes('\n') || s.includes('\r')) throw badOption(name, 'characters other than line breaks', s)
  return s
}

function asStringList(name: string, a: TableFunctionArg): string[] {
  const v = a.value
  if (Array.isArray(v) && v.every(x => typeof x === 'string')) return v as string[]
  throw badOption(name, 'a list of strings', v)
}

function typeMap(name: string, a: TableFunctionArg): Map<string | number, string> {
  const v = a.value
  const out = new Map<string | number, string>()
  if (Array.isArray(v)) {
    v.forEach((t, i) => { if (typeof t !== 'string') throw badOption(name, 'a list of type names', v); out.set(i, t) })
    return out
  }
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    for (const [k, t] of Object.entries(v as Record<string, Value>)) {
      if (typeof t !== 'string') throw badOption(name, 'a struct of column name to type name', v)
      out.set(k, t)
    }
    return out
  }
  throw badOption(name, 'a list or struct of type names', v)
}

export function parseCsvOptions(fn: string, options: ReadonlyMap<string, TableFunctionArg>): CsvOptions {
  const o: CsvOptions = {
    delimiter: null, quote: null, escape: null, header: null, columns: null, types: new Map(), names: null,
    autoDetect: true, skip: 0, nullStrings: [''], allowQuotedNulls: true, forceNotNull: new Set(), dateFormat: null, timestampFormat: null,
    allVarchar: false, ignoreErrors: false, storeRejects: false, rejectsTable: 'reject_errors', rejectsScan: 'reject_scans', rejectsLimit: 0,
    maxLineSize: DEFAULT_MAX_LINE_SIZE, strictMode: true, newLine: null, comment: null, compression: 'auto', decimalSeparator: '.', thousands: null,
    normalizeNames: false, nullPadding: false, sampleSize: DEFAULT_SAMPLE_SIZE, autoTypeCandidates: null,
  }
  let bufferSize = Number.POSITIVE_INFINITY
  for (const [key, arg] of options) {
    switch (key) {
      // NULL: detect it, as when not given
      case 'delim': case 'sep': case 'separator': case 'delimiter': o.delimiter = arg.value === null ? null : asDelimiter(key, arg); break
      case 'quote': o.quote = asChar(key, arg, true); break
      case 'escape': o.escape = asChar(key, arg, true); break
      case 'header': o.header = asBool(key, arg); break
      case 'columns': {
        const v = arg.value
        if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw badOption(key, 'a struct of column name to type name', v)
        const cols = Object.entries(v as Record<string, Value>).map(([name, t]) => {
          if (typeof t !== 'string') throw badOption(key, 'a struct of column name to type name', v)
          return { name, type: t }
        })
        if (cols.length === 0) throw badOption(key, 'a struct with at least one column', v)
        o.columns = cols
        break
      }
      case 'types': case 'dtypes': case 'column_types': o.types = typeMap(key, arg); break
      case 'names': case 'column_names': o.names = asStringList(key, arg); break
      case 'auto_detect': o.autoDetect = asBool(key, arg); break
      case 'skip': o.skip = asInt(key, arg, 0); break
      case 'nullstr': case 'null': o.nullStrings = nullStrings(key, arg); break
      case 'force_not_null': o.forceNotNull = new Set(asStringList(key, arg).map(n => n.toLowerCase())); break
      case 'allow_quoted_nulls': o.allowQuotedNulls = asBool(key, arg); break
      case 'dateformat': case 'date_format': o.dateFormat = asString(key, arg); compileFormat(o.dateFormat); break
      case 'timestampformat': case 'timestamp_format': o.timestampFormat = asString(key, arg); compileFormat(o.timestampFormat); break
      case 'all_varchar': o.allVarchar = asBool(key, arg); break
      case 'ignore_errors': o.ignoreErrors = asBool(key, arg); break
      case 'store_rejects': o.storeRejects = asBool(key, arg); break
      case 'rejects_table': o.rejectsTable = asString(key, arg); o.storeRejects = true; break
      case 'rejects_scan': o.rejectsScan = asString(key, arg); o.storeRejects = true; break
      case 'rejects_limit': o.rejectsLimit = asInt(key, arg, 0); break
      case 'max_line_size': case 'maximum_line_size': o.maxLineSize = asInt(key, arg, 1); break
      case 'new_line': {
        const s = asString(key, arg).replace(/\\r/g, '\r').replace(/\\n/g, '\n')
        if (s !== '\n' && s !== '\r' && s !== '\r\n') throw badOption(key, "'\\n', '\\r' or '\\r\\n'", arg.value)
        o.newLine = s
        break
      }
      case 'comment': o.comment = asChar(key, arg, true) || null; break
      case 'compression': {
        const s = asString(key, arg).toLowerCase()
        const c = s === 'gzip' || s === 'gz' ? 'gzip' : s === 'zstd' || s === 'zst' ? 'zstd' : s === 'none' || s === 'uncompressed' ? 'none' : s === 'auto' || s === 'infer' ? 'auto' : null
        if (c === null) throw badOption(key, "'auto', 'none', 'gzip' or 'zstd'", arg.value)
        o.compression = c
        break
      }
      case 'decimal_separator': {
        const s = asString(key, arg)
        if (s !== '.' && s !== ',') throw badOption(key, "'.' or ','", arg.value)
        o.decimalSeparator = s
        break
      }
      case 'thousands': o.thousands = arg.value === null ? null : asChar(key, arg, true) || null; break
      case 'normalize_names': o.normalizeNames = asBool(key, arg); break
      case 'null_padding': o.nullPadding = asBool(key, arg); break
      case 'sample_size': {
        const n = asInt(key, arg, -1)
        if (n === 0) throw badOption(key, 'a positive number of rows, or -1 for the whole file', arg.value)
        o.sampleSize = n
        break
      }
      case 'auto_type_candidates': o.autoTypeCandidates = asStringList(key, arg); break
      case 'parallel': asBool(key, arg); break
      case 'strict_mode': o.strictMode = asBool(key, arg); break
      case 'buffer_size': bufferSize = asInt(key, arg, 1); break
      case 'encoding': {
        const s = asString(key, arg).toLowerCase().replace(/[-_]/g, '')
        if (s !== 'utf8') throw new GrizzlyError(SqlState.featureNotSupported, `encoding '${asString(key, arg)}' is not supported`, { hint: "only 'utf-8' is read; convert the file first (e.g. iconv)" })
        break
      }
      default: throw optionError(fn, key, [...CSV_OPTION_NAMES, ...MULTI_FILE_OPTIONS])
    }
  }
  // a record must fit in one read buffer, as in DuckDB
  o.maxLineSize = Math.min(o.maxLineSize, bufferSize)
  // DuckDB: keeping rejects means skipping them
  if (o.storeRejects) o.ignoreErrors = true
  // with the columns given the dialect and the header are still detected, as in DuckDB (only
  // auto_detect = false reads the file exactly as told)
  if (!o.autoDetect && o.columns === null && o.names === null) {
    throw new GrizzlyError(SqlState.invalidParameterValue, 'with auto_detect = false the columns must be given', {
      hint: "add columns = {'name': 'TYPE', …}, or leave auto_detect on",
    })
  }
  // a delimiter of several characters must not hold the quote or escape either (DuckDB)
  for (const [role, c] of [['quote', o.quote], ['escape', o.escape]] as const) {
    if (o.delimiter === null || c === null || c === '' || !o.delimiter.includes(c)) continue
    throw new GrizzlyError(SqlState.invalidParameterValue, o.delimiter === c ? `the delimiter and the ${role} must differ (both are '${c}')`
      : `the ${role} '${c}' appears in the delimiter '${o.delimiter}'`, { hint: `pick another delimiter or ${role}` })
  }
  checkSeparatorsApart(o)
  if (o.thousands !== null && o.thousands === o.decimalSeparator) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `the thousands separator and the decimal separator must differ (both are '${o.thousands}')`, {
      hint: o.thousands === '.' ? "pass decimal_separator = ',' with thousands = '.'" : "pick thousands = '.' with decimal_separator = ','",
    })
  }
  return o
}

/** null strings, the comment and the dialect's characters must not overlap, as in DuckDB */
function checkSeparatorsApart(o: CsvOptions): void {
  const roles: [string, string | null][] = [['delimiter', o.delimiter], ['quote', o.quote], ['escape', o.escape]]
  for (const [role, c] of roles) {
    if (c === null || c === '') continue
    const clash = o.nullStrings.find(s => s.includes(c))
    if (clash !== undefined) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `the ${role} '${c}' appears in the null string '${clash}'`, { hint: `pick a null string without '${c}', or another ${role}` })
    }
    if (role !== 'escape' && o.comment !== null && c.includes(o.comment)) {
      throw new GrizzlyError(SqlState.invalidParameterValue, o.comment === c ? `the comment and the ${role} must differ (both are '${c}')`
        : `the comment '${o.comment}' appears in the ${role} '${c}'`, { hint: `pick another comment character or ${role}` })
    }
  }
}

/** nullstr: one string or a non-empty list of strings, none of them NULL */
function nullStrings(name: string, a: TableFunctionArg): string[] {
  const v = a.value
  if (typeof v === 'string') return [v]
  if (Array.isArray(v) && v.length > 0 && v.every(x => typeof x === 'string')) return v as string[]
  if (Array.isArray(v) && v.some(x => x === null)) throw badOption(name, 'a list of strings without NULL', v)
  throw badOption(name, 'a string or a non-empty list of strings', v)
}

/** A type name from an option, resolved through the catalogue of types. */
export type TypeResolver = (name: string) => LogicalType
