/**
 * An engine process: started by run.ts with the process name as its argument, it opens that
 * engine, loads the dataset it is sent, runs tasks on request and reports its memory, all over
 * the IPC channel. One engine per process so each one's peak memory is its own.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { openSession, UnsupportedTask, type EngineSession } from './engines.ts'
import type { ChildMessage, ParentMessage, ProcessName, ProcessStats } from './tasks.ts'

const name = process.argv[2] as ProcessName
const send = (m: ChildMessage): void => { process.send?.(m) }
const mib = (kib: number): number => Math.round(kib / 1024)

/** VmRSS / VmHWM in KiB from /proc (Linux); null elsewhere. */
function procStatus(field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))
    return m === null ? null : Number(m[1])
  } catch { return null }
}

/** Linux resets the peak-RSS mark when 5 is written to clear_refs; elsewhere only the lifetime peak is known. */
function resetPeak(): boolean {
  try { writeFileSync('/proc/self/clear_refs', '5'); return true } catch { return false }
}

let session: EngineSession | null = null
let loadedRssKib = 0
let loadPeakKib = 0
let peakReset = false

async function handle(m: ParentMessage): Promise<void> {
  switch (m.kind) {
    case 'load': {
      const start = performance.now()
      const rows = await session!.load(m.dataset)
      const ms = performance.now() - start
      ;(globalThis as { gc?: () => void }).gc?.()
      loadedRssKib = procStatus('VmRSS') ?? process.memoryUsage().rss / 1024
      // the lifetime peak may be reset together with VmHWM, so keep the loading peak first
      loadPeakKib = Math.max(procStatus('VmHWM') ?? 0, process.resourceUsage().maxRSS)
      peakReset = resetPeak()
      send({ kind: 'loaded', ms, rows })
      return
    }
    case 'run': {
      try {
        const r = await session!.run(m.engine, m.task, m.withChecksum)
        send({ kind: 'ran', ms: r.ms, checksum: r.checksum })
      } catch (e) {
        send({ kind: 'failed', message: e instanceof Error ? e.message : String(e), unsupported: e instanceof UnsupportedTask })
      }
      return
    }
    case 'stats': {
      const lifetimePeak = process.resourceUsage().maxRSS
      const hwm = procStatus('VmHWM')
      const stats: ProcessStats = {
        loadedRssMb: mib(loadedRssKib),
        peakRssMb: mib(Math.max(loadPeakKib, lifetimePeak, hwm ?? 0)),
        peakQueryRssMb: peakReset && hwm !== null ? mib(hwm) : null,
      }
      send({ kind: 'stats', stats })
      return
    }
    case 'exit': {
      await session?.close()
      process.exit(0)
    }
  }
}

session = await openSession(name)
let queue = Promise.resolve()
process.on('message', (m: ParentMessage) => {
  queue = queue.then(() => handle(m)).catch((e: unknown) => {
    send({ kind: 'failed', message: e instanceof Error ? `${e.message}` : String(e), unsupported: false })
  })
})
// Ctrl-C reaches the whole process group: the parent decides when to stop, so engines carry on
process.on('SIGINT', () => {})
// the parent is gone (killed or crashed): nobody will ask for more, so leave instead of lingering
process.on('disconnect', () => process.exit(0))
send({ kind: 'ready', info: name })
