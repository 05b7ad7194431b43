/**
 * The per-query memory accountant and its temporary files. Operators that keep data (sort
 * buffers, hash tables) reserve their estimated bytes; when a reservation does not fit under
 * `memory_limit` they spill to files in a folder of their own under `temp_directory`, which is
 * removed when the query ends, fails or is canceled.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, rmdirSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getHeapStatistics } from 'node:v8'
import { GrizzlyError, SqlState } from '../errors.ts'
import type { LogicalType, Value } from '../types/types.ts'
import { parseMemoryLimit } from '../functions/settings.ts'
import { ByteReader, ByteWriter, decodeVector, encodeVector } from '../storage/codec.ts'
import { DataChunk } from '../vector/vector.ts'
import { vectorBytes } from '../vector/vector-bytes.ts'

export { vectorBytes }

/** memory_limit when it is '-1' or a percentage: a share of the V8 heap limit */
const DEFAULT_SHARE = 0.8
/** never plan on more than this share of what the heap has left when the query starts */
const HEAP_HEADROOM = 0.8

export interface MemorySettings {
  readonly memoryLimit: Value
  readonly tempDirectory: Value
  readonly maxTempDirectorySize: Value
  /** the database file, whose `<file>.tmp/` is the default temp_directory; null in memory */
  readonly databaseFile: string | null
}

/** Bytes a memory_limit / max_temp_directory_size text stands for; null = no limit given ('-1'). */
export function memoryBytes(text: string, of: number): number | null {
  const t = text.trim()
  if (t === '-1' || t === '') return null
  const n = parseMemoryLimit(t)
  if (n === null) return null
  // parseMemoryLimit returns percentages as negative numbers
  return n < 0 ? Math.floor(of * -n / 100) : n
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024, u = 0
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++ }
  return `${v.toFixed(1)} ${units[u]}`
}

export function chunkBytes(c: DataChunk): number {
  let b = 64
  for (const v of c.columns) b += vectorBytes(v, c.size)
  return b
}

export class QueryMemory {
  /** bytes the query's operators may keep */
  readonly limit: number
  private readonly maxTemp: number
  private readonly tempBase: string
  private reserved = 0
  private dir: string | null = null
  private createdBase = false
  private fileNo = 0
  private readonly open = new Set<SpillFile>()
  /** bytes on disk now, and written in total */
  tempBytes = 0
  spilledBytes = 0

  constructor(s: MemorySettings) {
    const heap = getHeapStatistics()
    const text = typeof s.memoryLimit === 'string' ? s.memoryLimit : ''
    const limit = memoryBytes(text, heap.heap_size_limit) ?? Math.floor(heap.heap_size_limit * DEFAULT_SHARE)
    const free = Math.max(16 * 1024 * 1024, (heap.heap_size_limit - heap.used_heap_size) * HEAP_HEADROOM)
    this.limit = Math.min(limit, free)
    const dir = typeof s.tempDirectory === 'string' ? s.tempDirectory.trim() : ''
    this.tempBase = dir !== '' ? dir : s.databaseFile !== null ? `${s.databaseFile}.tmp` : tmpdir()
    const maxText = typeof s.maxTempDirectorySize === 'string' ? s.maxTempDirectorySize : ''
    this.maxTemp = memoryBytes(maxText, Infinity) ?? Infinity
  }

  /** Reserves `bytes` when they fit under the limit; false (nothing reserved) when they do not. */
  tryReserve(bytes: number): boolean {
    if (this.reserved + bytes > this.limit) return false
    this.reserved += bytes
    return true
  }

  /** Reserves even past the limit: the least an operator needs to make progress. */
  force(bytes: number): void { this.reserved += bytes }

  release(bytes: number): void { this.reserved = Math.max(0, this.reserved - bytes) }

  get used(): number { return this.reserved }

  /** A new temporary file in the query's folder (created on first use). */
  createFile(types: readonly LogicalType[]): SpillFile {
    const f = new SpillFile(this, join(this.folder(), `spill-${this.fileNo++}.bin`), types)
    this.open.add(f)
    return f
  }

  /** @internal accounting of SpillFile writes */
  wrote(bytes: number): void {
    if (this.tempBytes + bytes > this.maxTemp) {
      throw new GrizzlyError(SqlState.outOfMemory,
        `out of memory: the query needs more than max_temp_directory_size (${formatBytes(this.maxTemp)}) of temporary files`,
        { hint: "raise max_temp_directory_size (e.g. SET max_temp_directory_size = '10GB') or memory_limit" })
    }
    this.tempBytes += bytes
    this.spilledBytes += bytes
  }

  /** @internal */
  removed(file: SpillFile): void {
    this.tempBytes -= file.size
    this.open.delete(file)
  }

  /** Deletes every temporary file and the query's folder. */
  close(): void {
    for (const f of [...this.open]) f.delete()
    if (this.dir !== null) {
      try { rmSync(this.dir, { recursive: true, force: true }) } catch { /* already gone */ }
      if (this.createdBase) {
        try { if (readdirSync(this.tempBase).length === 0) rmdirSync(this.tempBase) } catch { /* in use by another query */ }
      }
      this.dir = null
    }
    this.reserved = 0
  }

  private folder(): string {
    if (this.dir !== null) return this.dir
    try {
      try { readdirSync(this.tempBase) } catch {
        mkdirSync(this.tempBase, { recursive: true })
        this.createdBase = true
      }
      this.dir = mkdtempSync(join(this.tempBase, `grizzly-${process.pid}-`))
    } catch (e) {
      throw fileError(e, `could not create a temporary folder in ${this.tempBase}`)
    }
    return this.dir
  }
}

function fileError(e: unknown, what: string): GrizzlyError {
  const code = (e as { code?: string }).code
  if (code === 'ENOSPC') {
    return new GrizzlyError(SqlState.diskFull, `${what}: no space left on device`,
      { hint: "free disk space, point temp_directory at a larger disk (SET temp_directory = '…') or raise memory_limit", cause: e })
  }
  return new GrizzlyError(SqlState.ioError, `${what}: ${(e as Error).message}`,
    { hint: "set temp_directory to a writable folder (SET temp_directory = '…') or raise memory_limit", cause: e })
}

/**
 * An append-only file of chunks (each block: row count, byte length, then every column in the
 * storage codec's fast encoding), read back in order. Written and read synchronously, as the
 * executor is synchronous.
 */
export class SpillFile {
  readonly types: readonly LogicalType[]
  private readonly memory: QueryMemory
  private readonly path: string
  private fd: number
  size = 0
  rows = 0
  private deleted = false

  constructor(memory: QueryMemory, path: string, types: readonly LogicalType[]) {
    this.memory = memory
    this.path = path
    this.types = types
    try { this.fd = openSync(path, 'w+') } catch (e) { throw fileError(e, 'could not create a temporary file') }
  }

  append(c: DataChunk): void {
    if (c.size === 0) return
    const w = new ByteWriter()
    w.u32(c.size)
    w.u32(0)
    for (let k = 0; k < this.types.length; k++) encodeVector(w, c.column(k), c.size, false)
    w.setU32(4, w.length - 8)
    const bytes = w.finish()
    this.memory.wrote(bytes.length)
    try {
      let at = 0
      while (at < bytes.length) at += writeSync(this.fd, bytes, at, bytes.length - at, this.size + at)
    } catch (e) {
      throw fileError(e, 'could not write a temporary file')
    }
    this.size += bytes.length
    this.rows += c.size
  }

  /** The chunks in the order they were appended. */
  *chunks(): Generator<DataChunk> {
    let pos = 0
    const head = new Uint8Array(8)
    while (pos < this.size) {
      this.readAt(head, pos)
      const view = new DataView(head.buffer)
      const n = view.getUint32(0, true), len = view.getUint32(4, true)
      const body = new Uint8Array(len)
      this.readAt(body, pos + 8)
      pos += 8 + len
      const r = new ByteReader(body, 'a temporary file')
      yield new DataChunk(this.types.map(t => decodeVector(r, t, n)), n)
    }
  }

  private readAt(buf: Uint8Array, pos: number): void {
    try {
      let at = 0
      while (at < buf.length) {
        const got = readSync(this.fd, buf, at, buf.length - at, pos + at)
        if (got === 0) throw new Error('unexpected end of file')
        at += got
      }
    } catch (e) {
      throw fileError(e, 'could not read a temporary file')
    }
  }

  delete(): void {
    if (this.deleted) return
    this.deleted = true
    try { closeSync(this.fd) } catch { /* closed */ }
    try { rmSync(this.path, { force: true }) } catch { /* removed with the folder */ }
    this.memory.removed(this)
  }
}
