/**
 * sniff_csv('file.csv', options…): what read_csv detects for a file, as DuckDB reports it —
 * one row with the dialect, the header, the columns with their types, the date formats, and a
 * `Prompt`: a read_csv call with everything spelled out, to paste and adjust.
 */
import { GrizzlyError, SqlState } from '../../errors.ts'
import type { TableFunctionArg, TableFunctionDef } from '../../hooks/contracts.ts'
import { quoteString } from '../../parser/format.ts'
import { formatValue } from '../../types/format.ts'
import { BIGINT, BOOLEAN, VARCHAR, list, struct, typeToString, type Value } from '../../types/types.ts'
import { DataChunk, VectorBuilder } from '../../vector/vector.ts'
import { expandPaths } from '../source.ts'
import { resolveTypeName } from '../types.ts'
import { openInput, sampleText } from './input.ts'
import { parseCsvOptions } from './options.ts'
import { bindCsvSchema } from './reader.ts'

const COLUMN_LIST = list(struct([{ name: 'name', type: VARCHAR }, { name: 'type', type: VARCHAR }]))

const COLUMNS = [
  { name: 'Delimiter', type: VARCHAR }, { name: 'Quote', type: VARCHAR }, { name: 'Escape', type: VARCHAR },
  { name: 'NewLineDelimiter', type: VARCHAR }, { name: 'Comment', type: VARCHAR }, { name: 'SkipRows', type: BIGINT },
  { name: 'HasHeader', type: BOOLEAN }, { name: 'Columns', type: COLUMN_LIST }, { name: 'DateFormat', type: VARCHAR },
  { name: 'TimestampFormat', type: VARCHAR }, { name: 'UserArguments', type: VARCHAR }, { name: 'Prompt', type: VARCHAR },
]

/** options the prompt spells out itself: the user's values of these are not repeated */
const SPELLED_OUT = new Set(['auto_detect', 'delim', 'sep', 'separator', 'delimiter', 'quote', 'escape', 'new_line', 'skip', 'comment',
  'header', 'columns', 'types', 'dtypes', 'column_types', 'names', 'column_names', 'dateformat', 'date_format', 'timestampformat', 'timestamp_format'])

export const sniffCsvFunction: TableFunctionDef = {
  name: 'sniff_csv',
  description: "sniff_csv('file.csv', options…): the dialect, header, column types and formats read_csv detects",
  bind(call, ctx) {
    const arg = call.positional[0]
    if (call.positional.length !== 1 || typeof arg?.value !== 'string') {
      throw new GrizzlyError(SqlState.undefinedFunction, 'sniff_csv takes one file path, then read_csv options', { hint: "e.g. SELECT * FROM sniff_csv('data.csv', sample_size = -1)" })
    }
    const paths = expandPaths(arg.value)
    if (paths.length !== 1) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `sniff_csv reads one file; '${arg.value}' names ${paths.length}`, { hint: 'pass the path of a single file' })
    }
    const path = paths[0]!
    const o = parseCsvOptions('sniff_csv', call.named)
    const input = openInput(path, o.compression)
    const schema = bindCsvSchema(input, o, name => resolveTypeName(name, ctx))
    const head = sampleText(input, false).head
    const newLine = head.includes('\r\n') ? '\\r\\n' : head.includes('\r') ? '\\r' : '\\n'
    const char = (c: number): string => c < 0 ? '' : String.fromCharCode(c)
    const d = schema.dialect
    const dateFormat = schema.columns.map((c, i) => c.type.id === 'DATE' ? schema.formats[i] : null).find(f => f != null) ?? o.dateFormat
    const timestampFormat = schema.columns.map((c, i) => c.type.id === 'TIMESTAMP' ? schema.formats[i] : null).find(f => f != null) ?? o.timestampFormat
    const user = [...call.named].filter(([k]) => !SPELLED_OUT.has(k)).map(([k, v]) => `${k}=${optionText(v)}`)
    const columns = `{${schema.columns.map(c => `${quoteString(c.name)}: ${quoteString(typeToString(c.type))}`).join(', ')}}`
    const prompt = `FROM read_csv(${quoteString(path)}, auto_detect=false, delim=${quoteString(char(d.delimiter) + (d.delimiterRest ?? ''))}, quote=${quoteString(char(d.quote))}, ` +
      `escape=${quoteString(char(d.escape))}, new_line=${quoteString(newLine)}, skip=${o.skip + schema.skipRecords}, comment=${quoteString(char(d.comment))}, ` +
      `header=${String(schema.header)}, columns=${columns}` +
      `${dateFormat == null ? '' : `, dateformat=${quoteString(dateFormat)}`}${timestampFormat == null ? '' : `, timestampformat=${quoteString(timestampFormat)}`}` +
      `${user.map(u => `, ${u}`).join('')});`
    const row: Value[] = [
      char(d.delimiter) + (d.delimiterRest ?? ''), char(d.quote), char(d.escape), newLine, char(d.comment), BigInt(o.skip + schema.skipRecords), schema.header,
      schema.columns.map(c => ({ name: c.name, type: typeToString(c.type) })), dateFormat ?? null, timestampFormat ?? null,
      user.join(', '), prompt,
    ]
    return {
      columns: COLUMNS,
      estimatedRows: 1,
      *scan(wanted) {
        yield new DataChunk(wanted.map(c => { const b = new VectorBuilder(COLUMNS[c]!.type, 1); b.push(row[c]! as never); return b.finish() }), 1)
      },
    }
  },
}

function optionText(a: TableFunctionArg): string {
  return typeof a.value === 'string' ? quoteString(a.value) : formatValue(a.type, a.value)
}

