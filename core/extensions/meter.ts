/** Per-extension time spent during one statement, for EXPLAIN ANALYZE (DESIGN §10 metering). */
import type { ExtensionMeter } from './host.ts'

/** The lines EXPLAIN ANALYZE appends: what each extension used between two meter readings; '' when none ran. */
export function meterDifference(before: readonly ExtensionMeter[], after: readonly ExtensionMeter[]): string {
  const start = new Map(before.map(m => [m.extension, m]))
  const lines: string[] = []
  for (const m of after) {
    const s = start.get(m.extension)
    const calls = m.calls - (s?.calls ?? 0)
    if (calls <= 0) continue
    const rows = m.rows - (s?.rows ?? 0)
    const cpu = m.cpuMs - (s?.cpuMs ?? 0), wall = m.wallMs - (s?.wallMs ?? 0)
    lines.push(`  ${m.extension}: ${calls} call${calls === 1 ? '' : 's'}, ${rows} rows, cpu ${cpu.toFixed(3)} ms, wall ${wall.toFixed(3)} ms, heap ${(m.heapBytes / 2 ** 20).toFixed(1)} MB`)
  }
  return lines.length === 0 ? '' : `\nExtensions (sandboxed time in this statement):\n${lines.join('\n')}`
}
