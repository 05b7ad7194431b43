/**
 * File input shared by every format reader: glob expansion, reading bytes, and transparent
 * .gz / .zst decompression (by extension, or by magic bytes when the extension lies). Every
 * failure is a GrizzlyError that names the file.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { isAbsolute } from 'node:path'
import { globSync, isDynamicPattern } from 'tinyglobby'
import { Decompress as ZstdDecompress, decompress as zstdDecompress } from 'fzstd'
import { GrizzlyError, SqlState } from '../errors.ts'
import { gunzipHead, gunzipStream } from './gunzip.ts'

export type Compression = 'none' | 'gzip' | 'zstd'

const GZIP_MAGIC = [0x1f, 0x8b] as const
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const

/** The path without a compression suffix, and the compression that suffix names. */
export function splitCompression(path: string): { readonly base: string; readonly compression: Compression } {
  const m = /\.(gz|gzip|zst|zstd)$/i.exec(path)
  if (m === null) return { base: path, compression: 'none' }
  const suffix = m[1]!.toLowerCase()
  return { base: path.slice(0, m.index), compression: suffix.startsWith('g') ? 'gzip' : 'zstd' }
}

/** The lower-case file extension after removing a compression suffix ('' when there is none). */
export function formatExtension(path: string): string {
  const base = splitCompression(path).base.replace(/^.*[\\/]/, '')
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : ''
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return false
  return true
}

/** The compression the first bytes show, whatever the file is called. */
export function sniffCompression(head: Uint8Array): Compression {
  if (startsWith(head, GZIP_MAGIC)) return 'gzip'
  if (startsWith(head, ZSTD_MAGIC)) return 'zstd'
  return 'none'
}

export function fileError(path: string, e: unknown): GrizzlyError {
  if (e instanceof GrizzlyError) return e
  const code = (e as { code?: string } | null)?.code
  if (code === 'ENOENT') {
    return new GrizzlyError(SqlState.undefinedFile, `file "${path}" does not exist`, { hint: 'check the path; relative paths start at the current directory', cause: e })
  }
  if (code === 'EISDIR') {
    return new GrizzlyError(SqlState.undefinedFile, `"${path}" is a directory, not a file`, { hint: `to read every file in it, use a glob such as '${path.replace(/[\\/]$/, '')}/*.csv'`, cause: e })
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new GrizzlyError(SqlState.insufficientPrivilege, `permission denied reading "${path}"`, { cause: e })
  }
  const message = e instanceof Error ? e.message : String(e)
  return new GrizzlyError(SqlState.ioError, `cannot read "${path}": ${message}`, { cause: e })
}

/** Decompresses `bytes` read from `path`; corrupt or truncated input is 22P04 naming the file. */
export function decompress(path: string, bytes: Uint8Array, compression: Compression): Uint8Array {
  if (compression === 'none') return bytes
  try {
    if (compression === 'gzip') {
      const out = gunzipSync(bytes)
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
    }
    return zstdDecompress(bytes)
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    const code = (e as { code?: unknown } | null)?.code
    throw corruptCompressed(path, compression, cutShort(message, code), bytes.length, message, e)
  }
}

/** whether a decoder's error (zlib's or fzstd's) says the compressed stream ended too soon */
export function cutShort(message: string, code?: unknown): boolean {
  return code === 'Z_BUF_ERROR' || /unexpected (end|EOF)/i.test(message)
}

/**
 * 22P04 for damaged compressed input, in the same words for every codec: cut short (its data
 * ends at byte `end`), or not valid data (`detail`: the decoder's message and where it failed).
 */
export function corruptCompressed(path: string, format: Exclude<Compression, 'none'>, truncated: boolean, end: number, detail: string, cause?: unknown): GrizzlyError {
  return new GrizzlyError(SqlState.badFileFormat, truncated
    ? `"${path}" is truncated: its ${format} data ends at byte ${end} before the end of the compressed stream`
    : `"${path}" is not valid ${format} data (${detail})`, {
    hint: truncated ? 'the file was cut short (an interrupted download or copy?): fetch or compress it again'
      : `the file is damaged or not compressed as its name says; \`${format} -t\` checks it`,
    ...(cause === undefined ? {} : { cause }),
  })
}

/**
 * The whole content of a file, decompressed. The compression is taken from the magic bytes
 * (so a mislabelled file still reads); the name only decides when the bytes say nothing.
 */
export function readInput(path: string): Uint8Array {
  const raw = readRaw(path)
  return decompress(path, raw, compressionOf(path, raw))
}

/** The bytes of a file as they are (no decompression); `fileError` when it cannot be read. */
export function readRaw(path: string): Uint8Array {
  try {
    const buf = readFileSync(path)
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
  } catch (e) {
    throw fileError(path, e)
  }
}

/**
 * The compression the first bytes show; a file named as compressed whose bytes say otherwise
 * is 22P04 (not read as text that happens to look like data).
 */
export function compressionOf(path: string, head: Uint8Array): Compression {
  const sniffed = sniffCompression(head)
  const named = splitCompression(path).compression
  if (sniffed === 'none' && named !== 'none' && head.length > 0) {
    throw new GrizzlyError(SqlState.badFileFormat, `"${path}" is named as ${named} data but is not compressed that way`, {
      hint: 'rename the file, or recompress it',
    })
  }
  return sniffed
}

/** The size of a file in bytes (for progress reports); 58P01 when it does not exist. */
export function fileSize(path: string): number {
  try { return statSync(path).size } catch (e) { throw fileError(path, e) }
}

/**
 * The files a path, glob or list names, in a stable (sorted) order per pattern. A pattern that
 * matches nothing is 58P01; a plain path is returned as is (readers report a missing file).
 */
export function expandPaths(patterns: string | readonly string[]): string[] {
  const list = typeof patterns === 'string' ? [patterns] : patterns
  if (list.length === 0) throw new GrizzlyError(SqlState.invalidParameterValue, 'an empty list of files', { hint: "name at least one file, e.g. ['a.csv', 'b.csv']" })
  const out: string[] = []
  for (const p of list) {
    if (!isDynamicPattern(p)) { out.push(p); continue }
    const matches = globSync(p, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(p) }).sort()
    if (matches.length === 0) {
      throw new GrizzlyError(SqlState.undefinedFile, `no files match "${p}"`, { hint: 'check the directory and the pattern (* matches within a folder, ** across folders)' })
    }
    out.push(...matches)
  }
  return out
}

/**
 * A compressed file decompressed a block at a time: `next()` gives the next decompressed bytes
 * (possibly empty), null at the end. Both codecs stream, so memory stays at a few blocks whatever
 * the file size: zstd in this thread (fzstd's incremental decoder), gzip through node:zlib in a
 * worker thread (gunzip.ts).
 */
export interface DecompressedStream {
  next(): Uint8Array | null
  close(): void
  /** compressed bytes read so far (for progress) */
  readonly consumed: number
}

export function decompressedStream(path: string, compression: Exclude<Compression, 'none'>, blockSize = 1 << 20): DecompressedStream {
  if (compression === 'gzip') return gunzipStream(path, blockSize)
  let fd: number
  try { fd = openSync(path, 'r') } catch (e) { throw fileError(path, e) }
  const raw = new Uint8Array(blockSize)
  let position = 0
  let done = false
  const readBlock = (): Uint8Array => {
    let n: number
    try { n = readSync(fd, raw, 0, raw.length, position) } catch (e) { throw fileError(path, e) }
    position += n
    return raw.subarray(0, n)
  }
  const corrupt = (e: unknown, start: number): GrizzlyError => {
    const message = e instanceof Error ? e.message : String(e)
    return corruptCompressed(path, 'zstd', cutShort(message), position, `${message}, in compressed bytes ${start}–${position}`, e)
  }
  const parts: Uint8Array[] = []
  // chunks may be views into the decoder's window, overwritten as it goes on: copy each
  const engine = new ZstdDecompress((data: Uint8Array) => { parts.push(data.slice()) })
  const push = (chunk: Uint8Array, final: boolean): Uint8Array => {
    // the decoder may keep the pushed bytes: give it its own copy, not the reused read buffer
    engine.push(chunk.slice(), final)
    if (parts.length === 1) return parts.pop()!
    let size = 0
    for (const p of parts) size += p.length
    const out = new Uint8Array(size)
    let at = 0
    for (const p of parts) { out.set(p, at); at += p.length }
    parts.length = 0
    return out
  }
  return {
    next: () => {
      if (done) return null
      const start = position
      const block = readBlock()
      const final = block.length < raw.length
      let out: Uint8Array
      try { out = push(block, final) } catch (e) { throw corrupt(e, start) }
      if (final) done = true
      return out
    },
    close: () => { done = true; try { closeSync(fd) } catch { /* already closed */ } },
    get consumed() { return position },
  }
}

/**
 * At least the first `want` decompressed bytes (fewer when the file is shorter), and whether that
 * is all of it. Only the head is inflated, so sniffing a huge compressed file stays cheap.
 */
export function decompressedHead(path: string, compression: Exclude<Compression, 'none'>, want: number): { bytes: Uint8Array; complete: boolean } {
  if (compression === 'gzip') return gunzipHead(path, want)
  const stream = decompressedStream(path, compression, Math.min(want, 1 << 18))
  const parts: Uint8Array[] = []
  let total = 0
  let complete = false
  try {
    while (total < want) {
      const b = stream.next()
      if (b === null) { complete = true; break }
      parts.push(b); total += b.length
    }
  } finally { stream.close() }
  const all = new Uint8Array(total)
  let at = 0
  for (const p of parts) { all.set(p, at); at += p.length }
  return { bytes: all, complete }
}
