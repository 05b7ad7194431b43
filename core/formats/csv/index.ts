/**
 * The CSV format as registered: extensions, a sniffer for files without a telling name,
 * read_csv (one file here; several go through the shared multi-file layer) and the writer.
 */
import { GrizzlyError, SqlState } from '../../errors.ts'
import type { FileRejectScan, FormatDef, FunctionContext, TableFunctionArg } from '../../hooks/contracts.ts'
import { quoteString } from '../../parser/format.ts'
import { typeToString } from '../../types/types.ts'
import { readFiles } from '../files.ts'
import { CSV_OPTION_NAMES, type CsvOptions, parseCsvOptions } from './options.ts'
import { type CsvReject, type CsvSchema, readCsv } from './reader.ts'
import { resolveTypeName } from '../types.ts'
import { CSV_WRITE_OPTIONS, writeCsv } from './writer.ts'

/**
 * Confidence that `head` is CSV text: valid UTF-8 without NUL bytes, with lines that split into
 * the same number of fields. Low even then, so binary formats' magic bytes win.
 */
export function sniffCsv(head: Uint8Array): number {
  if (head.length === 0) return 0.1
  if (head.includes(0)) return 0
  let text: string
  try { text = new TextDecoder('utf-8', { fatal: true }).decode(head.length > 65536 ? head.subarray(0, 65536) : head, { stream: true }) } catch { return 0 }
  let controls = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) controls++
  }
  if (controls > 0) return 0
  const lines = text.split(/\r?\n/).slice(0, 20).filter(l => l !== '')
  if (lines.length === 0) return 0.1
  let best = 0
  for (const d of [',', ';', '|', '\t']) {
    const counts = lines.map(l => l.split(d).length)
    if (counts[0]! > 1 && counts.every(c => c === counts[0])) best = Math.max(best, 0.5)
  }
  return best === 0 ? 0.2 : best
}

export function readCsvFiles(paths: readonly string[], options: ReadonlyMap<string, TableFunctionArg>, ctx: FunctionContext,
  rejects: CsvReject[] = []) {
  if (paths.length !== 1) return readFiles([csvFormat], 'read_csv', csvFormat, paths, options, ctx)
  const o = parseCsvOptions('read_csv', options)
  if (o.storeRejects) {
    if (ctx.storeReject === undefined) throw new GrizzlyError(SqlState.featureNotSupported, 'store_rejects needs a database session to keep the rejects table in', { hint: 'read the file through SQL' })
    ctx.storeReject(o.rejectsTable, null)
  }
  return readCsv(paths[0]!, o, name => resolveTypeName(name, ctx), r => {
    // rejects_limit caps the rows kept, not the rows skipped
    if (o.rejectsLimit !== 0 && rejects.length >= o.rejectsLimit) return
    rejects.push(r)
    if (o.storeRejects) ctx.storeReject?.(o.rejectsTable, r)
  }, ctx.progress, schema => {
    if (o.storeRejects) ctx.storeRejectScan?.(o.rejectsTable, o.rejectsScan, rejectScan(paths[0]!, schema, o, options))
  })
}

/** The reject_scans row of a file: the dialect and schema it is read with, and the options given. */
function rejectScan(path: string, schema: CsvSchema, o: CsvOptions, options: ReadonlyMap<string, TableFunctionArg>): FileRejectScan {
  const char = (c: number): string => c < 0 ? '' : String.fromCharCode(c)
  const d = schema.dialect
  const formatOf = (id: string): string | null => schema.columns.map((c, i) => c.type.id === id ? schema.formats[i] ?? null : null).find(f => f !== null) ?? null
  return {
    file: path, delimiter: char(d.delimiter) + (d.delimiterRest ?? ''), quote: char(d.quote), escape: char(d.escape), newLine: o.newLine ?? '\\n',
    skipRows: o.skip + schema.skipRecords, hasHeader: schema.header,
    columns: `{${schema.columns.map(c => `${quoteString(c.name)}: ${quoteString(typeToString(c.type))}`).join(',')}}`,
    dateFormat: formatOf('DATE'), timestampFormat: formatOf('TIMESTAMP'),
    userArguments: [...options].filter(([k]) => k !== 'columns').map(([k, a]) => `${k}=${typeof a.value === 'string' ? quoteString(a.value) : String(a.value)}`).join(', '),
  }
}

export const csvFormat: FormatDef = {
  name: 'csv',
  extensions: ['csv', 'tsv', 'tbl', 'dat', 'txt', 'psv'],
  options: [...CSV_OPTION_NAMES],
  writeOptions: [...CSV_WRITE_OPTIONS],
  sniff: sniffCsv,
  read: (paths, options, ctx) => readCsvFiles(paths, options, ctx),
  write: writeCsv,
}
