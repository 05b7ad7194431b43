/**
 * The shell's progress bar and Ctrl-C for a running statement. Statements run synchronously,
 * so the engine's progress callback is where the shell gets control back: there it draws the
 * bar on stderr (once a statement has run for a second) and polls the terminal for Ctrl-C (byte
 * 0x03 — the terminal is in raw mode while the shell reads lines), aborting the statement's
 * signal when it sees one. Keys typed while a statement runs are not kept.
 */
import { closeSync, constants, openSync, readSync } from 'node:fs'
import type { QueryOptions, QueryProgress } from '../core/progress.ts'

const SHOW_AFTER_MS = 1000
const BAR_WIDTH = 24

export interface StatementWatcher {
  readonly options: QueryOptions
  /** clears the bar and closes the terminal handle */
  done(): void
}

/** Options for one statement: a progress bar on `err` when it is a terminal, and Ctrl-C polling when `interactive`. */
export function watchStatement(err: NodeJS.WriteStream, interactive: boolean): StatementWatcher {
  const ac = new AbortController()
  let tty: number | null = null
  if (interactive) {
    try { tty = openSync('/dev/tty', constants.O_RDONLY | constants.O_NONBLOCK) } catch { tty = null }
  }
  const key = Buffer.alloc(64)
  let drawn = false
  const onProgress = (p: QueryProgress): void => {
    if (tty !== null && !ac.signal.aborted) {
      try {
        const n = readSync(tty, key, 0, key.length, null)
        for (let i = 0; i < n; i++) if (key[i] === 0x03) { ac.abort(); break }
      } catch { /* EAGAIN: no key waiting */ }
    }
    if (err.isTTY && p.elapsedMs >= SHOW_AFTER_MS) {
      err.write(`\r${renderProgress(p, err.columns || 80)}\x1b[K`)
      drawn = true
    }
  }
  return {
    options: { signal: ac.signal, onProgress, progressIntervalMs: 100 },
    done(): void {
      if (drawn) err.write('\r\x1b[K')
      if (tty !== null) { try { closeSync(tty) } catch { /* already closed */ } }
    },
  }
}

/** One line: bar, percent, rows, bytes, rate and ETA, as far as they are known. */
export function renderProgress(p: QueryProgress, columns: number): string {
  const seconds = p.elapsedMs / 1000
  const parts: string[] = []
  if (p.fraction !== null) {
    const filled = Math.round(p.fraction * BAR_WIDTH)
    parts.push(`[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(BAR_WIDTH - filled)}] ${(p.fraction * 100).toFixed(0).padStart(3)}%`)
  }
  if (p.rowsRead > 0) parts.push(`${count(p.rowsRead)} rows${seconds > 0 ? ` (${count(p.rowsRead / seconds)}/s)` : ''}`)
  if (p.bytesRead > 0) parts.push(`${size(p.bytesRead)}${p.bytesTotal > 0 ? ` of ${size(p.bytesTotal)}` : ''}${seconds > 0 ? ` (${size(p.bytesRead / seconds)}/s)` : ''}`)
  if (p.fraction !== null && p.fraction > 0.01 && p.fraction < 1) parts.push(`ETA ${duration(seconds * (1 - p.fraction) / p.fraction)}`)
  else parts.push(duration(seconds))
  parts.push('Ctrl-C to cancel')
  const line = parts.join('  ')
  return line.length >= columns ? line.slice(0, Math.max(0, columns - 1)) : line
}

function count(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}K`
  return String(Math.round(n))
}

function size(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KiB`
  return `${Math.round(n)} B`
}

function duration(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`
  const m = Math.floor(s / 60)
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}
