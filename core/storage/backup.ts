/**
 * BACKUP TO 'dir' and RESTORE FROM 'dir' TO 'file': incremental backups of a database file,
 * block by block, right after a checkpoint (so the WAL is empty and the blocks are the whole
 * database). A backup folder holds a chain:
 *
 *   backup-000001.json     the manifest of backup 1: the file header, and per block in use its
 *                          number, SHA-256 and where its bytes are (which backup, offset, length)
 *   backup-000001.blocks   the blocks backup 1 copied, back to back, exactly as in the file
 *   backup-000002.json     … a later backup copies only blocks whose bytes no earlier backup holds
 *
 * Blocks are copied as they are on disk: an encrypted database's backup is encrypted, restoring
 * needs no key, opening the restored file does. The manifest is written last (to a temporary
 * name, then renamed), so a backup cut short leaves no manifest and the chain as it was.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs'
import { basename, join } from 'node:path'
import { crc32 } from 'node:zlib'
import { sha256Hex as sha256 } from '../catalog/models.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import { BLOCK_HEADER, BLOCK_PAYLOAD, BLOCK_SIZE, DATA_START, HEADER_SLOT, corruptError, io } from './blocks.ts'
import { nodeFileSystem, type FileHandle } from './io.ts'

interface BlockRef {
  readonly block: number
  readonly sha256: string
  /** the backup whose .blocks file holds the bytes */
  readonly backup: number
  readonly offset: number
  readonly length: number
}

interface Manifest {
  readonly format: 'grizzly-backup'
  readonly version: 1
  readonly backup: number
  readonly created: string
  /** the database file's name, for people reading the folder */
  readonly source: string
  readonly checkpoint: number
  /** the file's current header slot, base64 */
  readonly header: string
  readonly blocks: readonly BlockRef[]
  readonly copiedBlocks: number
  readonly copiedBytes: number
}

export interface BackupOutcome {
  readonly backup: number
  readonly blocks: number
  readonly copiedBlocks: number
  readonly copiedBytes: number
}

export interface BackupSource {
  readonly handle: FileHandle
  readonly counter: number
  readonly blocks: readonly number[]
}

const pad = (n: number): string => String(n).padStart(6, '0')
const manifestName = (n: number): string => `backup-${pad(n)}.json`
const blocksName = (n: number): string => `backup-${pad(n)}.blocks`

/** the backups in `dir`, ascending */
function backupsIn(dir: string): number[] {
  return io(dir, 'read', () => readdirSync(dir)).map(f => /^backup-(\d{6})\.json$/.exec(f)?.[1]).filter((n): n is string => n !== undefined).map(Number).sort((a, b) => a - b)
}

function readManifest(dir: string, n: number): Manifest {
  const path = join(dir, manifestName(n))
  if (!existsSync(path)) throw new GrizzlyError(SqlState.undefinedFile, `backup manifest "${path}" is missing`, { hint: 'the backup chain is incomplete; restore an earlier backup with (AS OF n) or take a new backup into an empty folder' })
  const damaged = (why: string): GrizzlyError => corruptError(`backup manifest "${path}" is damaged: ${why}`, 'restore an earlier backup with (AS OF n), or take a new backup into an empty folder')
  let parsed: unknown
  try { parsed = JSON.parse(io(path, 'read', () => readFileSync(path, 'utf8'))) } catch (e) {
    if (e instanceof GrizzlyError) throw e
    throw damaged('it is not valid JSON')
  }
  if (typeof parsed !== 'object' || parsed === null) throw damaged('it is not a manifest')
  const { checksum, ...body } = parsed as Manifest & { checksum?: unknown }
  if (checksum !== sha256(JSON.stringify(body))) throw damaged('its checksum does not match its contents')
  const m = body as Manifest
  const int = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0
  if (m.format !== 'grizzly-backup' || m.version !== 1 || m.backup !== n || typeof m.header !== 'string' || !Array.isArray(m.blocks)
    || !m.blocks.every(b => int(b.block) && int(b.backup) && b.backup <= n && int(b.offset) && int(b.length) && b.length >= BLOCK_HEADER && b.length <= BLOCK_SIZE && typeof b.sha256 === 'string')) {
    throw damaged('it does not have the layout of a Grizzly backup manifest')
  }
  return m
}

/** one block of the database file as it is on disk, its checksum checked */
function readBlock(handle: FileHandle, path: string, block: number): Uint8Array {
  const at = DATA_START + block * BLOCK_SIZE
  const head = new Uint8Array(BLOCK_HEADER)
  const used = io(path, 'read', () => handle.read(head, at, BLOCK_HEADER)) === BLOCK_HEADER ? new DataView(head.buffer).getUint32(4, true) : -1
  const buf = new Uint8Array(BLOCK_HEADER + Math.max(0, Math.min(used, BLOCK_PAYLOAD)))
  if (used < 0 || used > BLOCK_PAYLOAD || io(path, 'read', () => handle.read(buf, at, buf.length)) !== buf.length || !blockIntact(buf)) {
    throw corruptError(`"${path}": block ${block} has a bad checksum; the database cannot be backed up`, 'run PRAGMA integrity_check, and restore the database from an earlier backup')
  }
  return buf
}

function blockIntact(buf: Uint8Array): boolean {
  return buf.length >= BLOCK_HEADER && crc32(buf.subarray(4)) === new DataView(buf.buffer, buf.byteOffset).getUint32(0, true)
}

/** copies the blocks `source` uses into `dir`, only those no earlier backup there holds */
export function backupTo(dir: string, databasePath: string, source: BackupSource): BackupOutcome {
  let chain: number[] = []
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new GrizzlyError(SqlState.duplicateFile, `"${dir}" is a file, not a folder`, { hint: 'BACKUP TO a folder: a new one, or one that holds earlier backups of this database' })
    chain = backupsIn(dir)
    // a first backup cut short leaves its own files, which the next one writes over
    if (chain.length === 0 && readdirSync(dir).some(f => !/^backup-\d{6}\.(blocks|json\.tmp)$/.test(f))) {
      throw new GrizzlyError(SqlState.duplicateFile, `folder "${dir}" is not empty and holds no Grizzly backup`, { hint: 'BACKUP TO an empty or new folder, or to one that holds earlier backups of this database' })
    }
  } else io(dir, 'create', () => mkdirSync(dir, { recursive: true }))
  const last = chain[chain.length - 1]
  const held = new Map<string, BlockRef>()
  if (last !== undefined) {
    for (const ref of readManifest(dir, last).blocks) {
      if (!existsSync(join(dir, blocksName(ref.backup)))) throw new GrizzlyError(SqlState.undefinedFile, `"${join(dir, blocksName(ref.backup))}" of the backup chain is missing`, { hint: 'take the backup into a new folder' })
      held.set(ref.sha256, ref)
    }
  }
  const n = (last ?? 0) + 1
  const header = new Uint8Array(HEADER_SLOT)
  io(databasePath, 'read', () => source.handle.read(header, (source.counter % 2) * HEADER_SLOT, HEADER_SLOT))
  const dataPath = join(dir, blocksName(n))
  const manifestPath = join(dir, manifestName(n))
  const temporary = `${manifestPath}.tmp`
  let out: FileHandle | null = null
  try {
    const data = out = createFile(dataPath)
    const refs: BlockRef[] = []
    let offset = 0, copiedBlocks = 0
    for (const block of source.blocks) {
      const bytes = readBlock(source.handle, databasePath, block)
      const hash = sha256(bytes)
      const known = held.get(hash)
      if (known !== undefined) { refs.push({ ...known, block }); continue }
      const at = offset
      io(dataPath, 'write', () => data.write(bytes, at))
      const ref = { block, sha256: hash, backup: n, offset, length: bytes.length }
      refs.push(ref)
      held.set(hash, ref)
      offset += bytes.length
      copiedBlocks++
    }
    io(dataPath, 'sync', () => data.sync())
    data.close()
    out = null
    const body: Manifest = {
      format: 'grizzly-backup', version: 1, backup: n, created: new Date().toISOString(), source: basename(databasePath),
      checkpoint: source.counter, header: Buffer.from(header).toString('base64'), blocks: refs, copiedBlocks, copiedBytes: offset,
    }
    const manifest = out = createFile(temporary)
    io(temporary, 'write', () => { manifest.write(Buffer.from(JSON.stringify({ ...body, checksum: sha256(JSON.stringify(body)) }), 'utf8'), 0); manifest.sync() })
    manifest.close()
    out = null
    io(manifestPath, 'write', () => renameSync(temporary, manifestPath))
    nodeFileSystem.syncFolder(manifestPath)
    return { backup: n, blocks: refs.length, copiedBlocks, copiedBytes: offset }
  } catch (e) {
    try { out?.close() } catch { /* failing anyway */ }
    for (const p of [dataPath, temporary]) try { unlinkSync(p) } catch { /* not written */ }
    throw e
  }
}

export interface RestoreOutcome { readonly backup: number; readonly blocks: number; readonly bytes: number }

/** rebuilds a database file at `target` from backup `asOf` (null = the latest) of the chain in `dir` */
export function restoreFrom(dir: string, target: string, asOf: number | null): RestoreOutcome {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new GrizzlyError(SqlState.undefinedFile, `backup folder "${dir}" does not exist`, { hint: 'give the folder a BACKUP TO statement wrote' })
  const chain = backupsIn(dir)
  const last = chain[chain.length - 1]
  if (last === undefined) throw new GrizzlyError(SqlState.undefinedFile, `folder "${dir}" holds no Grizzly backup`, { hint: 'give the folder a BACKUP TO statement wrote (it holds backup-000001.json, …)' })
  const n = asOf ?? last
  if (!chain.includes(n)) throw new GrizzlyError(SqlState.invalidParameterValue, `there is no backup ${n} in "${dir}"`, { hint: `it holds backup${chain.length === 1 ? '' : 's'} ${chain.join(', ')}` })
  for (const p of [target, `${target}.wal`]) {
    if (existsSync(p)) throw new GrizzlyError(SqlState.duplicateFile, `"${p}" already exists`, { hint: 'RESTORE into a new file name; it never overwrites a file' })
  }
  const manifest = readManifest(dir, n)
  const header = Buffer.from(manifest.header, 'base64')
  if (header.length !== HEADER_SLOT) throw corruptError(`backup manifest "${join(dir, manifestName(n))}" holds a damaged file header`, 'restore an earlier backup with (AS OF n)')
  // written under a temporary name and renamed once complete: a failed restore leaves nothing
  const temporary = `${target}.restoring`
  const sources = new Map<number, FileHandle>()
  let out: FileHandle | null = null
  let bytes = 0
  try {
    const file = out = createFile(temporary)
    io(temporary, 'write', () => file.write(header, (manifest.checkpoint % 2) * HEADER_SLOT))
    for (const ref of manifest.blocks) {
      const path = join(dir, blocksName(ref.backup))
      let src = sources.get(ref.backup)
      if (src === undefined) {
        if (!existsSync(path)) throw new GrizzlyError(SqlState.undefinedFile, `"${path}", which backup ${n} needs, is missing`, { hint: 'the backup chain is incomplete; restore a backup that does not need it (AS OF n)' })
        src = io(path, 'open', () => nodeFileSystem.open(path, 'r'))
        sources.set(ref.backup, src)
      }
      const buf = new Uint8Array(ref.length)
      const from = src
      const got = io(path, 'read', () => from.read(buf, ref.offset, ref.length))
      if (got !== ref.length || sha256(buf) !== ref.sha256 || !blockIntact(buf)) {
        throw corruptError(`block ${ref.block} in "${path}" fails its checksum`, 'the backup is damaged; restore an earlier backup with (AS OF n) if it does not hold this block')
      }
      io(temporary, 'write', () => file.write(buf, DATA_START + ref.block * BLOCK_SIZE))
      bytes += ref.length
    }
    io(temporary, 'sync', () => file.sync())
    file.close()
    out = null
    io(target, 'create', () => renameSync(temporary, target))
    nodeFileSystem.syncFolder(target)
    return { backup: n, blocks: manifest.blocks.length, bytes }
  } catch (e) {
    try { out?.close() } catch { /* failing anyway */ }
    try { unlinkSync(temporary) } catch { /* not written */ }
    throw e
  } finally {
    for (const h of sources.values()) try { h.close() } catch { /* read only */ }
  }
}

/** a new, empty file (a leftover of an earlier attempt is emptied) */
function createFile(path: string): FileHandle {
  const handle = io(path, 'create', () => nodeFileSystem.open(path, 'rw'))
  io(path, 'write', () => handle.truncate(0))
  return handle
}
