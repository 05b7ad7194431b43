/**
 * A FileSystem over the real one that injects faults: a write failing with ENOSPC, a short
 * write (half the bytes land, then EIO), or a crash (a torn prefix of the write lands, then
 * every later write and sync is lost, as when the process is killed).
 */
import { nodeFileSystem, type FileHandle, type FileSystem } from '../../core/storage/io.ts'

export type Fault = 'enospc' | 'short' | 'crash'

export class FaultyFileSystem implements FileSystem {
  writes = 0
  /** the write (1-based, counted over all files) that fails; null = none */
  failAt: number | null = null
  fault: Fault = 'enospc'
  crashed = false
  /** fraction of a crashing write that lands */
  tornFraction = 0.5

  open(path: string, mode: 'r' | 'rw'): FileHandle {
    const inner = nodeFileSystem.open(path, mode)
    const fs = this
    return {
      read: (b, p, l) => inner.read(b, p, l),
      write(data, position) {
        if (fs.crashed) throw Object.assign(new Error('process is dead'), { code: 'EIO' })
        fs.writes++
        if (fs.failAt !== null && fs.writes === fs.failAt) {
          if (fs.fault === 'enospc') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
          const landed = fs.fault === 'short' ? data.length >>> 1 : Math.floor(data.length * fs.tornFraction)
          if (landed > 0) inner.write(data.subarray(0, landed), position)
          if (fs.fault === 'crash') fs.crashed = true
          throw Object.assign(new Error(fs.fault === 'crash' ? 'process is dead' : 'short write'), { code: 'EIO' })
        }
        inner.write(data, position)
      },
      sync() { if (fs.crashed) throw Object.assign(new Error('process is dead'), { code: 'EIO' }); inner.sync() },
      size: () => inner.size(),
      truncate(length) { if (fs.crashed) throw Object.assign(new Error('process is dead'), { code: 'EIO' }); inner.truncate(length) },
      close: () => inner.close(),
    }
  }

  exists(path: string): boolean { return nodeFileSystem.exists(path) }
  createExclusive(path: string, content: string): void { nodeFileSystem.createExclusive(path, content) }
  readText(path: string): string { return nodeFileSystem.readText(path) }
  remove(path: string): void { nodeFileSystem.remove(path) }
  syncFolder(path: string): void { if (!this.crashed) nodeFileSystem.syncFolder(path) }
}
