/**
 * The .grz file: two alternating 4 KiB headers, then fixed-size blocks. A stream (a table's
 * row groups, the catalog) is a chain of blocks; every block carries a CRC32 of its contents,
 * so a flipped bit is reported (XX001 naming the block) instead of being read as data.
 *
 *   offset 0      header slot 0     } the valid one with the highest checkpoint counter wins,
 *   offset 4096   header slot 1     } so a torn header write falls back to the previous one
 *   offset 8192   block 0, block 1, … each BLOCK_SIZE bytes:
 *                 [crc32 u32][used u32][next block i32, -1 = last][reserved u32][payload]
 */
import { crc32 } from 'node:zlib'
import { GrizzlyError, SqlState } from '../errors.ts'
import type { FileHandle } from './io.ts'
import { Encryption, KEY_CHECK_BYTES, SALT_BYTES, SEAL_OVERHEAD, blockAad } from './crypto.ts'

/** 256 KiB: large sequential writes, few blocks per table; a partly filled last block per table is the price */
export const BLOCK_SIZE = 256 * 1024
export const BLOCK_HEADER = 16
export const BLOCK_PAYLOAD = BLOCK_SIZE - BLOCK_HEADER
export const HEADER_SLOT = 4096
export const DATA_START = 2 * HEADER_SLOT
const MAGIC = Buffer.from('GRIZZLY\0', 'latin1')
/** bump when the layout changes; files of another version are refused with a clear error */
export const FORMAT_VERSION = 1

export interface FileHeader {
  /** increases by one per checkpoint */
  readonly counter: number
  /** first block of the catalog stream, -1 when the database is empty */
  readonly catalogBlock: number
  /** blocks in the file */
  readonly blockCount: number
  /** encrypted files: the scrypt salt and the sealed key check; null when not encrypted */
  readonly salt: Uint8Array | null
  readonly keyCheck: Uint8Array | null
}

/** header bytes covered by the header checksum, which follows them */
const HEADER_BYTES = 36 + SALT_BYTES + KEY_CHECK_BYTES

export function corruptError(what: string, hint = 'the database file is damaged; restore it from a backup'): GrizzlyError {
  return new GrizzlyError(SqlState.dataCorrupted, what, { hint })
}

function ioError(path: string, action: string, e: unknown): GrizzlyError {
  const code = (e as NodeJS.ErrnoException).code
  const hint = code === 'ENOSPC' ? 'free disk space and retry; the database is unchanged'
    : code === 'EACCES' || code === 'EPERM' ? 'check the file permissions' : 'check the disk and retry'
  return new GrizzlyError(SqlState.ioError, `could not ${action} "${path}": ${e instanceof Error ? e.message : String(e)}`, { hint, cause: e })
}

/** runs file I/O, turning a system error into a GrizzlyError naming the file */
export function io<T>(path: string, action: string, work: () => T): T {
  try { return work() } catch (e) {
    if (e instanceof GrizzlyError) throw e
    throw ioError(path, action, e)
  }
}

export class BlockFile {
  header: FileHeader
  /** blocks free for the next checkpoint, ascending */
  private free: number[] = []
  /** set for encrypted files: every block payload is sealed */
  cipher: Encryption | null = null

  constructor(readonly handle: FileHandle, readonly path: string, header: FileHeader) {
    this.header = header
  }

  /** reads both header slots; a file of only zeros (or empty) is a new database */
  static readHeader(handle: FileHandle, path: string): FileHeader | null {
    const size = io(path, 'read', () => handle.size())
    if (size === 0) return null
    const slots = [0, 1].map(slot => {
      const buf = new Uint8Array(HEADER_SLOT)
      const n = io(path, 'read', () => handle.read(buf, slot * HEADER_SLOT, HEADER_SLOT))
      return n < HEADER_BYTES + 4 ? null : parseHeader(buf, path)
    })
    const valid = slots.filter((h): h is FileHeader => h !== null)
    // a creation cut short before its first header landed: nothing was ever committed
    if (valid.length === 0 && size <= DATA_START) return null
    if (valid.length === 0) {
      throw corruptError(`"${path}": both file headers are damaged`, 'restore the database from a backup')
    }
    return valid.reduce((a, b) => (b.counter > a.counter ? b : a))
  }

  setFree(blocks: readonly number[]): void { this.free = [...blocks].sort((a, b) => a - b) }
  get freeBlocks(): readonly number[] { return this.free }

  /** a block for the checkpoint being written: the lowest free one, else a new one at the end */
  private allocate(extend: { count: number }): number {
    const b = this.free.shift()
    if (b !== undefined) return b
    return extend.count++
  }

  /** plain payload bytes per block: a stream's blocks are full but for the last */
  get room(): number { return this.cipher === null ? BLOCK_PAYLOAD : BLOCK_PAYLOAD - SEAL_OVERHEAD }

  /** writes `data` as a chain of blocks; returns the blocks, first first */
  writeStream(data: Uint8Array, extend: { count: number }): number[] {
    const room = this.room
    const count = Math.max(1, Math.ceil(data.length / room))
    const blocks: number[] = []
    for (let i = 0; i < count; i++) blocks.push(this.allocate(extend))
    for (let i = 0; i < count; i++) {
      this.writeBlock(blocks[i]!, data.subarray(i * room, Math.min(data.length, (i + 1) * room)), i + 1 < count ? blocks[i + 1]! : -1)
    }
    return blocks
  }

  /** a stream written block by block as its bytes come, so it is never whole in memory */
  streamWriter(extend: { count: number }): StreamWriter { return new StreamWriter(this, () => this.allocate(extend)) }

  /** @internal one block: [crc32][used][next][reserved][payload, sealed when encrypted] */
  writeBlock(block: number, plain: Uint8Array, next: number): void {
    const part = this.cipher === null ? plain : this.cipher.seal(plain, blockAad(block))
    const buf = new Uint8Array(BLOCK_HEADER + part.length)
    const view = new DataView(buf.buffer)
    view.setUint32(4, part.length, true)
    view.setInt32(8, next, true)
    buf.set(part, BLOCK_HEADER)
    view.setUint32(0, crc32(buf.subarray(4)), true)
    io(this.path, 'write', () => this.handle.write(buf, DATA_START + block * BLOCK_SIZE))
  }

  /** follows the chain from `first`, checking every block's checksum */
  readStream(first: number, what: string): { data: Uint8Array; blocks: number[] } {
    const parts: Uint8Array[] = []
    const blocks: number[] = []
    let block = first
    let total = 0
    while (block !== -1) {
      if (blocks.includes(block)) {
        throw corruptError(`"${this.path}": ${what} points at block ${block}, which is not a valid block`)
      }
      blocks.push(block)
      const { payload, next } = this.readBlock(block, what)
      parts.push(payload)
      total += payload.length
      block = next
    }
    const data = new Uint8Array(total)
    let at = 0
    for (const p of parts) { data.set(p, at); at += p.length }
    return { data, blocks }
  }

  /**
   * Bytes [offset, offset + length) of the stream written into `blocks` (in chain order), reading
   * only the blocks that hold them, each checked.
   */
  readRange(blocks: readonly number[], offset: number, length: number, what: string): Uint8Array {
    const room = this.room
    const out = new Uint8Array(length)
    let done = 0
    while (done < length) {
      const at = offset + done
      const block = blocks[Math.floor(at / room)]
      if (block === undefined) throw corruptError(`"${this.path}": ${what} lies past the end of its blocks`)
      const { payload } = this.readBlock(block, what)
      const from = at % room
      const take = Math.min(length - done, payload.length - from)
      if (take <= 0) throw corruptError(`"${this.path}": ${what} lies past the end of block ${block}`)
      out.set(payload.subarray(from, from + take), done)
      done += take
    }
    return out
  }

  /** one block's payload (checksum checked, opened when encrypted) and the next block of its chain */
  readBlock(block: number, what: string): { payload: Uint8Array; next: number } {
    if (block < 0 || block >= this.header.blockCount) {
      throw corruptError(`"${this.path}": ${what} points at block ${block}, which is not a valid block`)
    }
    const head = new Uint8Array(BLOCK_HEADER)
    const at = DATA_START + block * BLOCK_SIZE
    if (io(this.path, 'read', () => this.handle.read(head, at, BLOCK_HEADER)) < BLOCK_HEADER) {
      throw corruptError(`"${this.path}": block ${block} of ${what} is missing (the file is truncated)`)
    }
    const view = new DataView(head.buffer)
    const used = view.getUint32(4, true)
    if (used > BLOCK_PAYLOAD) throw corruptError(`"${this.path}": block ${block} of ${what} has a bad checksum`)
    const buf = new Uint8Array(BLOCK_HEADER + used)
    if (io(this.path, 'read', () => this.handle.read(buf, at, BLOCK_HEADER + used)) < BLOCK_HEADER + used) {
      throw corruptError(`"${this.path}": block ${block} of ${what} is truncated`)
    }
    if (crc32(buf.subarray(4)) !== view.getUint32(0, true)) {
      throw corruptError(`"${this.path}": block ${block} of ${what} has a bad checksum`)
    }
    let payload: Uint8Array = buf.subarray(BLOCK_HEADER)
    if (this.cipher !== null) {
      const opened = this.cipher.open(payload, blockAad(block))
      if (opened === null) throw corruptError(`"${this.path}": block ${block} of ${what} failed authentication (it was altered)`)
      payload = opened
    }
    return { payload, next: view.getInt32(8, true) }
  }

  /** writes the header into the slot the current one does not use, then syncs */
  writeHeader(header: FileHeader, sync: boolean): void {
    const buf = new Uint8Array(HEADER_SLOT)
    const view = new DataView(buf.buffer)
    buf.set(MAGIC, 0)
    view.setUint32(8, FORMAT_VERSION, true)
    view.setUint32(12, BLOCK_SIZE, true)
    view.setFloat64(16, header.counter, true)
    view.setInt32(24, header.catalogBlock, true)
    view.setUint32(28, header.blockCount, true)
    view.setUint32(32, header.salt === null ? 0 : 1, true)
    if (header.salt !== null && header.keyCheck !== null) {
      buf.set(header.salt, 36)
      buf.set(header.keyCheck, 36 + SALT_BYTES)
    }
    view.setUint32(HEADER_BYTES, crc32(buf.subarray(0, HEADER_BYTES)), true)
    io(this.path, 'write', () => this.handle.write(buf, (header.counter % 2) * HEADER_SLOT))
    if (sync) io(this.path, 'sync', () => this.handle.sync())
    this.header = header
  }

  sync(): void { io(this.path, 'sync', () => this.handle.sync()) }

  /** cuts free blocks off the end of the file (best effort: they are free either way) */
  shrink(): void {
    const end = DATA_START + this.header.blockCount * BLOCK_SIZE
    try { if (this.handle.size() > end) this.handle.truncate(end) } catch { /* the space is reused by the next checkpoint */ }
  }
}

/** appends bytes to a chain of blocks, writing each block once it is full and its successor known */
export class StreamWriter {
  readonly blocks: number[] = []
  private buf: Uint8Array
  private used = 0
  /** bytes written so far: the offset of the next byte in the stream */
  length = 0

  constructor(private readonly file: BlockFile, private readonly allocate: () => number) {
    this.buf = new Uint8Array(file.room)
  }

  write(bytes: Uint8Array): void {
    let at = 0
    while (at < bytes.length) {
      if (this.used === this.buf.length) this.flush(false)
      const take = Math.min(bytes.length - at, this.buf.length - this.used)
      this.buf.set(bytes.subarray(at, at + take), this.used)
      this.used += take
      at += take
    }
    this.length += bytes.length
  }

  private flush(last: boolean): void {
    if (this.blocks.length === 0) this.blocks.push(this.allocate())
    const block = this.blocks[this.blocks.length - 1]!
    const next = last ? -1 : this.allocate()
    this.file.writeBlock(block, this.buf.subarray(0, this.used), next)
    if (!last) this.blocks.push(next)
    this.used = 0
  }

  /** writes the last block; returns the chain, first first */
  finish(): number[] {
    this.flush(true)
    return this.blocks
  }
}

function parseHeader(buf: Uint8Array, path: string): FileHeader | null {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  if (Buffer.compare(Buffer.from(buf.subarray(0, 8)), MAGIC) !== 0) {
    if (buf.every(b => b === 0)) return null
    throw new GrizzlyError(SqlState.badFileFormat, `"${path}" is not a Grizzly database file`,
      { hint: 'open a .grz file written by Grizzly, or give a new file name to create a database' })
  }
  if (crc32(buf.subarray(0, HEADER_BYTES)) !== view.getUint32(HEADER_BYTES, true)) return null
  const version = view.getUint32(8, true)
  if (version !== FORMAT_VERSION) {
    throw new GrizzlyError(SqlState.featureNotSupported,
      `"${path}" uses storage format version ${version}; this build of Grizzly reads version ${FORMAT_VERSION}`,
      { hint: 'open it with the Grizzly release that wrote it and export the data (e.g. COPY … TO a Parquet file), then import it here' })
  }
  if (view.getUint32(12, true) !== BLOCK_SIZE) return null
  const encrypted = view.getUint32(32, true) === 1
  return {
    counter: view.getFloat64(16, true), catalogBlock: view.getInt32(24, true), blockCount: view.getUint32(28, true),
    salt: encrypted ? buf.slice(36, 36 + SALT_BYTES) : null,
    keyCheck: encrypted ? buf.slice(36 + SALT_BYTES, HEADER_BYTES) : null,
  }
}
