/** Human-readable lines for file results. */
import type { FileResult } from './runner.ts'

export function formatFileResult(r: FileResult, details: boolean): string {
  const head = `${r.status.toUpperCase().padEnd(4)} ${r.file} (${r.recordsPassed}/${r.recordsRun} records, ${r.millis} ms)`
  if (r.status === 'skip') return `${head}: ${r.reason ?? ''}`
  if (r.status !== 'fail' || r.failure === undefined) return head
  const f = r.failure
  if (!details) return `${head}: line ${f.line}: ${f.message}`
  const parts = [`${head}`, `  line ${f.line}: ${f.message}`, indent(f.sql, '  SQL> ')]
  if (f.expected !== undefined) parts.push(indent(f.expected, '  expected| '))
  if (f.actual !== undefined) parts.push(indent(f.actual, '  actual  | '))
  return parts.join('\n')
}

function indent(text: string, prefix: string): string {
  const lines = text.split('\n')
  const shown = lines.length > 20 ? [...lines.slice(0, 20), `… (${lines.length - 20} more lines)`] : lines
  return shown.map(l => prefix + l).join('\n')
}
