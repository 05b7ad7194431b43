/**
 * read_<format>(path or list, option = value, …) for every registered format with a reader —
 * an extension's format gets its read_x too — plus DuckDB's other names for them.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { FormatDef, TableFunctionArg, TableFunctionDef } from '../hooks/contracts.ts'
import { VARCHAR, typeToString } from '../types/types.ts'
import { readFiles } from './files.ts'

/** DuckDB names that are not read_<format>, with the options they imply. */
const ALIASES: Readonly<Record<string, { readonly format: string; readonly options?: Readonly<Record<string, string>> }>> = {
  read_ndjson: { format: 'json', options: { format: 'newline_delimited' } },
  read_ndjson_auto: { format: 'json', options: { format: 'newline_delimited' } },
  parquet_scan: { format: 'parquet' },
  read_ipc: { format: 'arrow' },
}

function formatOfFunction(name: string, formats: readonly FormatDef[]): { format: FormatDef; implied: Readonly<Record<string, string>> } | undefined {
  const alias = ALIASES[name]
  if (alias !== undefined) {
    const format = formats.find(f => f.name === alias.format && f.read !== undefined)
    return format === undefined ? undefined : { format, implied: alias.options ?? {} }
  }
  const m = /^read_(.+?)(?:_auto)?$/.exec(name)
  if (m === null) return undefined
  const format = formats.find(f => f.name.toLowerCase() === m[1] && f.read !== undefined)
  return format === undefined ? undefined : { format, implied: {} }
}

/** The names of the read functions the registered formats provide (for did-you-mean). */
export function readFunctionNames(formats: readonly FormatDef[]): string[] {
  const names = formats.filter(f => f.read !== undefined).flatMap(f => [`read_${f.name}`, `read_${f.name}_auto`])
  for (const [alias, { format }] of Object.entries(ALIASES)) if (formats.some(f => f.name === format && f.read !== undefined)) names.push(alias)
  return names
}

/** read_<format> as a table function, or undefined when no registered format has that name. */
export function readFunction(name: string, formats: readonly FormatDef[]): TableFunctionDef | undefined {
  const found = formatOfFunction(name.toLowerCase(), formats)
  if (found === undefined) return undefined
  const { format, implied } = found
  return {
    name,
    description: `reads ${format.name} files`,
    bind(call, ctx) {
      const first = call.positional[0]
      if (first === undefined || call.positional.length > 1) {
        throw new GrizzlyError(SqlState.undefinedFunction, `${name} takes one file, glob or list of files, then options`, {
          hint: `e.g. ${name}('data/*.${format.extensions[0] ?? format.name}', option = value)`,
        })
      }
      const paths = pathsOf(name, first)
      const options = new Map<string, TableFunctionArg>()
      for (const [k, v] of Object.entries(implied)) options.set(k, { type: VARCHAR, value: v })
      for (const [k, v] of call.named) options.set(k, v)
      return readFiles([format], name, format, paths, options, ctx)
    },
  }
}

function pathsOf(name: string, a: TableFunctionArg): string | string[] {
  const v = a.value
  if (typeof v === 'string') return v
  if (Array.isArray(v) && v.every(x => typeof x === 'string')) return v as string[]
  throw new GrizzlyError(SqlState.invalidParameterValue, `${name} needs a file name or a list of file names, not ${v === null ? 'NULL' : typeToString(a.type)}`, {
    hint: `e.g. ${name}('data.csv') or ${name}(['a.csv', 'b.csv'])`,
  })
}
