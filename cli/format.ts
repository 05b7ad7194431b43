/**
 * Renders results for the command line: boxed tables (the shell's default), JSON (one array of
 * row objects per statement), CSV and Markdown.
 */
import type { Result } from '../core/result.ts'
import type { LogicalType } from '../core/types/types.ts'
import { toJs } from '../core/result.ts'
import { getValue } from '../core/vector/vector.ts'

export type OutputFormat = 'table' | 'json' | 'csv' | 'markdown'
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv', 'markdown']

export function isOutputFormat(s: string): s is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(s)
}

export function formatResult(r: Result, format: OutputFormat, options: { maxRows?: number; maxWidth?: number } = {}): string {
  switch (format) {
    case 'table': return formatTable(r, options.maxRows ?? 40, options.maxWidth ?? 120)
    case 'json': return formatJson(r)
    case 'csv': return formatCsv(r)
    case 'markdown': return formatMarkdown(r)
  }
}

function isNumeric(t: LogicalType): boolean {
  return ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'REAL', 'DOUBLE', 'DECIMAL'].includes(t.id)
}

function truncate(s: string, width: number): string {
  const flat = s.replace(/\n/g, '\\n')
  return flat.length <= width ? flat : flat.slice(0, Math.max(1, width - 1)) + '…'
}

export function formatTable(r: Result, maxRows: number, maxColumnWidth: number): string {
  const cols = r.columns
  if (cols.length === 0) return ''
  const all = r.textRows()
  const shown = all.length <= maxRows ? all : [...all.slice(0, Math.ceil(maxRows / 2)), ...all.slice(all.length - Math.floor(maxRows / 2))]
  const cut = all.length > maxRows ? Math.ceil(maxRows / 2) : -1
  const cells = shown.map(row => row.map(v => truncate(v ?? 'NULL', maxColumnWidth)))
  const widths = cols.map((c, i) => Math.max(c.name.length, c.type.length, ...cells.map(row => row[i]!.length), 1))
  const numeric = cols.map(c => isNumeric(c.logicalType))
  const line = (l: string, m: string, rr: string) => l + widths.map(w => '─'.repeat(w + 2)).join(m) + rr
  const fmtRow = (vals: readonly string[], align: readonly boolean[]) =>
    '│' + vals.map((v, i) => ' ' + (align[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)) + ' ').join('│') + '│'
  const out = [line('┌', '┬', '┐'), fmtRow(cols.map(c => c.name), cols.map(() => false)), fmtRow(cols.map(c => c.type), cols.map(() => false)), line('├', '┼', '┤')]
  cells.forEach((row, k) => {
    if (k === cut) out.push(fmtRow(cols.map(() => '·'), cols.map(() => false)))
    out.push(fmtRow(row, numeric))
  })
  out.push(line('└', '┴', '┘'))
  out.push(`${all.length} ${all.length === 1 ? 'row' : 'rows'}${all.length > maxRows ? ` (${shown.length} shown)` : ''}`)
  return out.join('\n')
}

/** JSON text for one value: numbers stay numbers (bigints exact), other scalars use their SQL text. */
function jsonValue(t: LogicalType, text: string | null, raw: unknown): string {
  if (text === null) return 'null'
  switch (t.id) {
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'BIGINT': case 'HUGEINT': case 'DECIMAL': return text
    case 'REAL': case 'DOUBLE': return /^-?(inf|nan)/i.test(text) ? JSON.stringify(text) : text
    case 'BOOLEAN': return text
    case 'LIST': case 'ARRAY': case 'STRUCT': return JSON.stringify(raw, (_k, v) => typeof v === 'bigint' ? Number(v) : v)
    default: return JSON.stringify(text)
  }
}

export function formatJson(r: Result): string {
  const texts = r.textRows()
  const objects: string[] = []
  let k = 0
  for (const chunk of r.chunks) {
    for (let i = 0; i < chunk.size; i++, k++) {
      const parts = r.columns.map((c, j) => {
        const raw = c.logicalType.id === 'LIST' || c.logicalType.id === 'ARRAY' || c.logicalType.id === 'STRUCT'
          ? toJs(c.logicalType, getValue(chunk.column(j), i)) : undefined
        return `${JSON.stringify(c.name)}:${jsonValue(c.logicalType, texts[k]![j]!, raw)}`
      })
      objects.push(`{${parts.join(',')}}`)
    }
  }
  return `[${objects.join(',')}]`
}

function csvField(s: string | null): string {
  if (s === null) return ''
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function formatCsv(r: Result): string {
  const lines = [r.columns.map(c => csvField(c.name)).join(',')]
  for (const row of r.textRows()) lines.push(row.map(csvField).join(','))
  return lines.join('\n')
}

export function formatMarkdown(r: Result): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
  const lines = [`| ${r.columns.map(c => esc(c.name)).join(' | ')} |`,
    `|${r.columns.map(c => isNumeric(c.logicalType) ? '---:' : '---').join('|')}|`]
  for (const row of r.textRows()) lines.push(`| ${row.map(v => esc(v ?? 'NULL')).join(' | ')} |`)
  return lines.join('\n')
}
