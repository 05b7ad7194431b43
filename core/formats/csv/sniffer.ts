/**
 * The CSV sniffer, following DuckDB's: pick the dialect (delimiter, quote, escape) whose first
 * rows split into the most consistent number of columns, then per column the most specific type
 * that every sampled value fits (BOOLEAN, BIGINT, DOUBLE, TIME, DATE, TIMESTAMP, else VARCHAR),
 * then decide on a header: the first row is one when it does not fit the types of the rest.
 */
import { GrizzlyError, SqlState } from '../../errors.ts'
import { strptime } from '../../types/datetime-format.ts'
import { parseDate, parseTime, parseTimestamp } from '../../types/parse.ts'
import { CsvTokenizer, type Dialect, FieldBatch, PLAIN, fieldText, skipText } from './tokenizer.ts'

export type SniffedType = 'BOOLEAN' | 'BIGINT' | 'DOUBLE' | 'TIME' | 'DATE' | 'TIMESTAMP' | 'VARCHAR'

/** Most specific first: a value fitting several candidates takes the first. */
export const TYPE_ORDER: readonly SniffedType[] = ['BOOLEAN', 'BIGINT', 'DOUBLE', 'TIME', 'DATE', 'TIMESTAMP', 'VARCHAR']

/** Date and timestamp layouts tried after ISO, in DuckDB's order (day first before month first). */
const DATE_FORMATS = ['%d-%m-%Y', '%m-%d-%Y', '%d/%m/%Y', '%m/%d/%Y', '%d.%m.%Y', '%m.%d.%Y', '%Y/%m/%d', '%Y.%m.%d', '%d-%m-%y', '%m-%d-%y', '%d/%m/%y', '%m/%d/%y']
const TIME_SUFFIXES = [' %H:%M:%S', ' %H:%M:%S.%f', ' %H:%M', ' %I:%M:%S %p', ' %I:%M %p']

export interface SniffResult {
  readonly dialect: Dialect
  readonly header: boolean
  readonly names: readonly string[]
  readonly types: readonly SniffedType[]
  /** per column: the strptime format of a DATE / TIMESTAMP column that is not ISO, else null */
  readonly formats: readonly (string | null)[]
  /** rows in the first sample (for tests and estimates) */
  readonly sampledRows: number
  /** the first record, a header or not */
  readonly firstRow: readonly string[] | null
  /** records before the table (notes narrower than it) that reading skips, as DuckDB's detected skip */
  readonly skipRecords: number
}

export interface SniffInput {
  /** text from the start of the file (`skip` lines are dropped here, once the comment is known) */
  readonly head: string
  /** text from further into the file, each starting at an arbitrary byte */
  readonly middles: readonly string[]
  /** whether `head` is the whole file */
  readonly headIsAll: boolean
}

export interface SniffOptions {
  readonly delimiter: string | null
  readonly quote: string | null
  readonly escape: string | null
  readonly comment: string | null
  readonly header: boolean | null
  readonly nullStrings: readonly string[]
  readonly sampleSize: number
  readonly decimalSeparator: string
  readonly thousands: string | null
  readonly dateFormat: string | null
  readonly timestampFormat: string | null
  readonly maxLineSize: number
  readonly candidates: readonly SniffedType[]
  readonly nullPadding: boolean
  /** strict_mode: false reads stray quotes as part of values */
  readonly strict: boolean
  /** the number of columns the user gave (columns = {…}): only dialects giving rows that wide qualify */
  readonly width: number | null
  /** ignore_errors: rows of another width are expected, so a dialect need not split every row alike */
  readonly ignoreErrors: boolean
  /** lines to skip first (comment lines not counted); when given, no leading notes are detected */
  readonly skip: number
}

const code = (s: string | null, fallback: number): number => s === null ? fallback : s === '' ? -1 : s.charCodeAt(0)

/** Records of `text` under `d`; stops at `limit` records. The error when the text cannot be split so. */
/** how a dialect candidate met quote characters: filled by `records` when asked */
interface Quoting {
  /** an unquoted value starts or ends with a quote character this dialect does not use */
  stray: boolean
  /** every record is one quoted value */
  allQuoted: boolean
  /** records the tokenizer found malformed (a character after a closing quote) */
  malformed: number
}

const QUOTE_CANDIDATES = [34, 39]

function records(text: string, d: Dialect, limit: number, complete: boolean, maxLineSize: number, strict: boolean, quoting?: Quoting): string[][] | GrizzlyError {
  let given = false
  // an incomplete tail (a cut-off sample) is dropped rather than read to the end
  const source = (carry: string): string | null => { if (given) return null; given = true; return carry + text }
  const tok = new CsvTokenizer(d, source, 'sample', maxLineSize, strict)
  const batch = new FieldBatch()
  const out: string[][] = []
  try {
    while (out.length < limit && tok.next(batch, Math.min(limit - out.length, 4096))) {
      for (let r = 0; r < batch.records; r++) {
        // a malformed record counts as inconsistent with every width
        // a quote open at the end of a cut-off sample is the cut, not the file
        if (batch.recordError[r] === 2 && !complete) break
        if (batch.recordError[r] !== 0) { out.push([]); if (quoting !== undefined) quoting.malformed++; continue }
        const row: string[] = []
        for (let f = batch.recordFirst[r]!; f < batch.recordFirst[r + 1]!; f++) row.push(fieldText(batch, f, d.quote, d.escape))
        out.push(row)
        if (quoting !== undefined) {
          const first = batch.recordFirst[r]!, count = batch.recordFirst[r + 1]! - first
          if (count !== 1 || batch.flags[first] === PLAIN) quoting.allQuoted = false
          for (let f = first; f < first + count; f++) {
            if (batch.flags[f] !== PLAIN || batch.ends[f]! <= batch.starts[f]!) continue
            const a = batch.text.charCodeAt(batch.starts[f]!), z = batch.text.charCodeAt(batch.ends[f]! - 1)
            if ((a !== d.quote && QUOTE_CANDIDATES.includes(a)) || (z !== d.quote && QUOTE_CANDIDATES.includes(z))) quoting.stray = true
          }
        }
      }
    }
  } catch (e) {
    if (!(e instanceof GrizzlyError)) throw e
    if (complete || out.length === 0) return e
  }
  // the last record of a cut-off sample may itself be cut
  if (!complete && out.length > 1) out.pop()
  return out
}

function modeCount(rows: readonly string[][], given: number | null = null): { width: number; consistent: number } {
  if (given !== null) return { width: given, consistent: rows.reduce((n, r) => n + (r.length === given ? 1 : 0), 0) }
  const counts = new Map<number, number>()
  for (const r of rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1)
  let width = 0, best = -1
  for (const [w, n] of counts) if (n > best || (n === best && w > width)) { width = w; best = n }
  return { width, consistent: best }
}

/**
 * With `skip` not given: how many leading rows are notes before the table (DuckDB's "dirty"
 * rows) — rows narrower than the widest, before the first of those, after which every row is that
 * wide. 0 when there are none or the rows after them are not even.
 */
/** A row of `width` values, or of one more that is empty (a delimiter ending the line). */
function fitsTrailing(r: readonly string[], width: number): boolean {
  return r.length === width || (r.length === width + 1 && r[width] === '')
}

function leadingNotes(rows: readonly string[][], o: SniffOptions): { lead: number; width: number } {
  if (o.skip > 0 || rows.length === 0) return { lead: 0, width: 0 }
  const width = o.width ?? rows.reduce((w, r) => Math.max(w, r.length), 0)
  const first = rows.findIndex(r => r.length === width)
  if (first <= 0) return { lead: 0, width }
  for (let i = first; i < rows.length; i++) if (rows[i]!.length !== width && !(o.nullPadding && rows[i]!.length < width)) return { lead: 0, width }
  return { lead: first, width }
}

export function sniffDialect(input: SniffInput, o: SniffOptions): { dialect: Dialect; lead: number; width: number } {
  const delims = o.delimiter !== null ? [o.delimiter] : [',', '|', ';', '\t']
  // no quoting at all is the last candidate, as in DuckDB
  const quotes = o.quote !== null ? [o.quote] : ['"', "'", '']
  // without a comment option, '#' is tried too when some line is a comment (a '#' after values
  // alone is data, as in DuckDB); it must do strictly better than none to be chosen
  const comments = o.comment !== null ? [code(o.comment, -1)] : /(?:^|\n)[ \t]*#/.test(input.head) ? [-1, 35] : [-1]
  const comment = comments[0]!
  let best: Dialect | null = null
  let bestScore = Number.NEGATIVE_INFINITY, bestWidth = 0, bestLead = 0
  let firstError: GrizzlyError | undefined
  // the first rows decide the dialect, as DuckDB does
  const whole = input.head.length > 1 << 20 ? input.head.slice(0, 1 << 20) : input.head
  // skip counts lines that are not comments, so what it leaves depends on the comment character
  const heads = new Map(comments.map(c => [c, skipText(whole, o.skip, c)]))
  for (const q of quotes) {
    for (const dl of delims) {
      const quote = code(q, 34)
      // with strict_mode = false an escape equal to the quote would drop stray quotes: no escape
      // is tried first then, as DuckDB does (which reads "a""b" as a""b in that mode)
      const escapes = o.escape !== null ? [code(o.escape, -1)] : o.strict ? [quote, 92] : [-1, quote, 92]
      for (const escape of escapes) for (const comment of comments) {
        const d: Dialect = { delimiter: code(dl, 44), delimiterRest: dl.slice(1), quote, escape, comment }
        const quoting: Quoting = { stray: false, allQuoted: true, malformed: 0 }
        const rows = records(heads.get(comment)!, d, 200, input.headIsAll, o.maxLineSize, o.strict, quoting)
        if (rows instanceof GrizzlyError) { firstError ??= rows; continue }
        let { width, consistent: fitting } = modeCount(rows, o.width)
        if (o.width !== null && fitting === 0 && rows.length > 0) continue
        // the share of rows with the common width, then the most columns: a wrong delimiter
        // splits quoted line breaks into extra one-column rows, so counts alone would mislead
        // one column is trivially consistent, so it counts half — unless every row is one quoted
        // value; and values left starting or ending with the other quote character suggest the
        // wrong quote (`"1,000"` split by ',' under the quote ')
        // as DuckDB, a dialect under which every row has the same width (after leading notes, see
        // leadingNotes) beats one under which some differ (a '#' or ',' after values in one line
        // must not win over reading lines whole), and one under which the sample does not parse
        // ranks below both
        let lead = 0
        let even = o.ignoreErrors || rows.every(r => r.length === width || (o.nullPadding && r.length < width))
        if (!even && o.delimiter !== null && o.width === null && width > 1 && rows.every(r => fitsTrailing(r, width - 1))) {
          // some lines end in the given delimiter (`1AB2AB`): that adds no column, as the reader
          // takes it (a sniffed delimiter must split lines evenly, as in DuckDB)
          even = true; width--; fitting = rows.length
        }
        if (!even) {
          const notes = leadingNotes(rows, o)
          if (notes.lead > 0) { even = true; lead = notes.lead; width = notes.width; fitting = rows.length - lead }
        }
        const single = width > 1 || (quoting.allQuoted && rows.length > 0) ? 1 : 0.5
        let consistent = rows.length === 0 ? 0 : fitting / rows.length * single * (quoting.stray ? 0.5 : 1)
        if (!even) consistent -= 1
        if (quoting.malformed > 0) consistent -= 2
        if (consistent > bestScore || (consistent === bestScore && width > bestWidth)) {
          best = d; bestScore = consistent; bestWidth = width; bestLead = lead
        }
      }
    }
  }
  // no dialect reads the start of the file: say why under the first one tried
  if (best === null && firstError !== undefined) throw firstError
  if (best === null && o.width !== null) {
    throw new GrizzlyError(SqlState.badFileFormat, `could not detect the dialect: no line of the sample splits into the ${o.width} column${o.width === 1 ? '' : 's'} given`, {
      hint: 'check the columns option against the file, or give delim, quote and escape (or auto_detect = false) to read it as told',
    })
  }
  return { dialect: best ?? { delimiter: code(o.delimiter, 44), delimiterRest: o.delimiter?.slice(1) ?? '', quote: code(o.quote, 34), escape: code(o.escape ?? o.quote, 34), comment }, lead: bestLead, width: bestWidth }
}

function isNull(v: string, o: SniffOptions): boolean { return o.nullStrings.includes(v) }

const BOOL_TEXT = /^(?:true|false|t|f|yes|no)$/i
// DuckDB reads a leading + or leading zeros (zip codes) as text
const INT_TEXT = /^ *(?:-?(?:0|[1-9]\d*)|0[xX][0-9a-fA-F]+) *$/
const DOUBLE_TEXT = /^ *(?:-?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|nan) *$/i
const TIME_TEXT = /^\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/
const ISO_DATE_TEXT = /^\d{4}-\d{1,2}-\d{1,2}$/
const ISO_TIMESTAMP_TEXT = /^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/
const BIGINT_LIMIT = 9223372036854775807n

function fits(type: SniffedType, v: string, o: SniffOptions, col: ColumnState): boolean {
  switch (type) {
    case 'BOOLEAN': return BOOL_TEXT.test(v)
    case 'BIGINT': {
      if (o.thousands !== null) v = v.split(o.thousands).join('')
      if (!INT_TEXT.test(v)) return false
      if (v.length < 18) return true
      const b = BigInt(v.trim())
      return b <= BIGINT_LIMIT && b >= -BIGINT_LIMIT - 1n
    }
    case 'DOUBLE':
      if (o.thousands !== null) v = v.split(o.thousands).join('')
      return DOUBLE_TEXT.test(o.decimalSeparator === ',' ? v.replace(',', '.') : v) && (o.decimalSeparator !== ',' || !v.includes('.'))
    case 'TIME': if (!TIME_TEXT.test(v)) return false; try { parseTime(v); return true } catch { return false }
    case 'DATE': return fitsFormat(v, col.dateFormats, o.dateFormat, true)
    case 'TIMESTAMP': return fitsFormat(v, col.timestampFormats, o.timestampFormat, false)
    case 'VARCHAR': return true
  }
}

/** Narrows the column's remaining layouts to those that read `v`; false when none does. */
function fitsFormat(v: string, formats: string[], given: string | null, date: boolean): boolean {
  if (given !== null) { try { strptime(v, given); return true } catch { return false } }
  const kept = formats.filter(f => {
    try {
      if (f === 'iso') {
        if (!(date ? ISO_DATE_TEXT : ISO_TIMESTAMP_TEXT).test(v)) return false
        if (date) parseDate(v); else parseTimestamp(v)
        return true
      }
      strptime(v, f)
      return true
    } catch { return false }
  })
  if (kept.length === 0) return false
  formats.length = 0
  formats.push(...kept)
  return true
}

class ColumnState {
  /** candidates still possible, in TYPE_ORDER */
  alive: SniffedType[]
  dateFormats: string[] = ['iso', ...DATE_FORMATS]
  timestampFormats: string[] = ['iso', ...DATE_FORMATS.flatMap(f => TIME_SUFFIXES.map(t => f + t))]
  seen = false
  constructor(candidates: readonly SniffedType[]) { this.alive = [...candidates] }
  observe(v: string, o: SniffOptions): void {
    this.seen = true
    this.alive = this.alive.filter(t => fits(t, v, o, this))
  }
  type(): SniffedType {
    if (!this.seen) return 'VARCHAR'
    return this.alive[0] ?? 'VARCHAR'
  }
}

/** Types of rows (already split); `fromRow` skips a header. */
function columnTypes(rows: readonly string[][], width: number, fromRow: number, o: SniffOptions): ColumnState[] {
  const cols = Array.from({ length: width }, () => new ColumnState(o.candidates))
  for (let r = fromRow; r < rows.length; r++) {
    const row = rows[r]!
    if (row.length !== width && !(o.nullPadding && row.length < width)) continue
    for (let c = 0; c < width; c++) {
      const v = row[c]
      if (v !== undefined && !isNull(v, o)) cols[c]!.observe(v, o)
    }
  }
  return cols
}

export function sniff(input: SniffInput, o: SniffOptions): SniffResult {
  const { dialect, lead, width: dialectWidth } = sniffDialect(input, o)
  // sample_size counts rows of data: one more for a header
  const limit = o.sampleSize < 0 ? Number.MAX_SAFE_INTEGER : o.sampleSize + 1 + lead
  const read = records(skipText(input.head, o.skip, dialect.comment), dialect, limit, input.headIsAll, o.maxLineSize, o.strict)
  if (read instanceof GrizzlyError) throw read
  const headRows = lead > 0 ? read.slice(lead) : read
  // with null_padding short rows are expected: the widest row gives the columns, as in DuckDB
  const mode = modeCount(headRows).width
  // lines ending in a delimiter do not add a column when the dialect found them so
  const width = o.width ?? (o.nullPadding ? headRows.reduce((w, r) => Math.max(w, r.length), 0)
    : mode === dialectWidth + 1 && headRows.every(r => fitsTrailing(r, dialectWidth)) ? dialectWidth : mode)
  const rows = headRows.slice()
  for (const m of input.middles) {
    // a middle sample starts mid-line: drop the part before the first line break
    const nl = m.indexOf('\n')
    if (nl < 0) continue
    const more = records(m.slice(nl + 1), dialect, Math.max(1, Math.floor(limit / 10)), false, o.maxLineSize, o.strict)
    if (more instanceof GrizzlyError) continue
    // a window may start inside a quoted value: its first rows, and rows holding a quote
    // character (a sign of reading quotes the wrong way round), are not trusted
    const quote = dialect.quote >= 0 ? String.fromCharCode(dialect.quote) : null
    for (const r of more.slice(2)) if (r.length === width && (quote === null || !r.some(v => v.includes(quote)))) rows.push(r)
  }
  let header = o.header
  // a lone row is typed by itself (DuckDB): a header then only when every column is text
  let cols = columnTypes(rows, width, rows.length === 1 && o.header === null ? 0 : 1, o)
  if (header === null) {
    const first = headRows[0]
    if (first === undefined) header = false
    else {
      const types = cols.map(c => c.type())
      if (types.every(t => t === 'VARCHAR')) {
        // nothing typed to compare with: a first row without empty names reads as a header
        header = first.every(v => v !== '')
      } else {
        header = types.some((t, i) => {
          const v = first[i]
          if (v === undefined || t === 'VARCHAR' || isNull(v, o)) return false
          const probe = new ColumnState([t])
          probe.dateFormats = [...cols[i]!.dateFormats]
          probe.timestampFormats = [...cols[i]!.timestampFormats]
          probe.observe(v, o)
          return probe.alive.length === 0
        })
      }
    }
  }
  if (!header) cols = columnTypes(rows, width, 0, o)
  const first = headRows[0] ?? []
  const names = header ? first.slice(0, width) : []
  const types = cols.map(c => c.type())
  // each date / timestamp column keeps the first layout all its values fit (null = ISO)
  const formats = cols.map((c, i) => {
    if (types[i] === 'DATE') return o.dateFormat ?? (c.dateFormats[0] === 'iso' ? null : c.dateFormats[0] ?? null)
    if (types[i] === 'TIMESTAMP') return o.timestampFormat ?? (c.timestampFormats[0] === 'iso' ? null : c.timestampFormats[0] ?? null)
    return null
  })
  return { dialect, header, names, types, formats, sampledRows: headRows.length, firstRow: headRows[0] ?? null, skipRecords: lead }
}
