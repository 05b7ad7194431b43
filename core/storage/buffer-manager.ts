/**
 * The buffer manager for table data. A stored table's column segments are not read on open:
 * each is a `StoredSegment` backing (segment-backing.ts) that decodes the segment from its
 * blocks on first use. Resident clean segments are charged here by their estimated bytes; past
 * the table-data share of `memory_limit` the least recently used unpinned ones are evicted
 * (their rows dropped, read again on the next use). Changed segments leave their backing and
 * stay in memory until a checkpoint stores them and backs them again.
 */
import { getHeapStatistics } from 'node:v8'
import type { ColumnSegment } from '../catalog/column-segment.ts'
import type { SegmentBacking, SegmentStats } from '../catalog/segment-backing.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import type { LogicalType } from '../types/types.ts'
import { vectorBytes } from '../vector/vector-bytes.ts'
import type { Vector } from '../vector/vector.ts'
import { ByteReader, decodeVector } from './codec.ts'

/** the share of memory_limit resident table data may take; query operators budget memory_limit on their own */
export const TABLE_DATA_SHARE = 0.5
/** memory_limit when none is set: 80% of the V8 heap limit, as for queries */
const DEFAULT_LIMIT_SHARE = 0.8
/** eviction goes this far below the limit, so the next loads do not each evict again */
const EVICT_TO = 0.9

/** one stream of blocks written by one checkpoint, holding segments of one table */
export interface StoredRun {
  readonly blocks: readonly number[]
  readonly bytes: number
}

/** where a segment's encoded bytes are */
export interface SegmentLocation {
  readonly run: StoredRun
  readonly offset: number
  readonly length: number
}

/** reads stored bytes: from the file, or from the runs a read-only open prefetched */
export type ReadBytes = (loc: SegmentLocation, what: string) => Uint8Array

export class BufferManager {
  /** resident clean segments and the bytes charged for each */
  private readonly charged = new Map<ColumnSegment, number>()
  private bytes = 0
  loads = 0
  evictions = 0
  /** bytes of table data that may stay resident; set by the database from memory_limit */
  limit: () => number = () => Math.floor(getHeapStatistics().heap_size_limit * DEFAULT_LIMIT_SHARE * TABLE_DATA_SHARE)

  get residentBytes(): number { return this.bytes }
  get residentSegments(): number { return this.charged.size }

  /** `segment` holds its rows (just loaded, or just stored by a checkpoint) */
  charge(segment: ColumnSegment, bytes: number): void {
    this.bytes += bytes - (this.charged.get(segment) ?? 0)
    this.charged.set(segment, bytes)
    const limit = this.limit()
    if (this.bytes > limit) this.evict(Math.floor(limit * EVICT_TO), segment)
  }

  /** `segment` changed (or its table is gone): no longer charged, never evicted */
  discharge(segment: ColumnSegment): void {
    const b = this.charged.get(segment)
    if (b === undefined) return
    this.bytes -= b
    this.charged.delete(segment)
  }

  /** least recently used first, pinned ones and `keep` skipped, until at most `target` bytes */
  private evict(target: number, keep: ColumnSegment | null): void {
    const candidates = [...this.charged.keys()].filter(s => s !== keep && s.pins === 0).sort((a, b) => a.lastUse - b.lastUse)
    for (const s of candidates) {
      if (this.bytes <= target) return
      if (!s.evict()) continue
      this.discharge(s)
      this.evictions++
    }
  }

  /** evicts every clean unpinned segment (tests, PRAGMA shrink) */
  evictAll(): void { this.evict(0, null) }
}

/** A segment's place in the file: loads it through the buffer manager. */
export class StoredSegment implements SegmentBacking {
  /** set when its table was dropped and its blocks freed */
  private gone = false

  constructor(
    private readonly manager: BufferManager,
    private readonly read: ReadBytes,
    public loc: SegmentLocation,
    public stats: SegmentStats,
    private readonly type: LogicalType,
    private readonly rows: number,
    private readonly what: string,
  ) {}

  get owner(): BufferManager { return this.manager }

  load(): Vector {
    if (this.gone) {
      throw new GrizzlyError(SqlState.serializationFailure, `${this.what} was dropped and its storage reused by a checkpoint`,
        { hint: 'the table no longer exists; retry the transaction' })
    }
    const r = new ByteReader(this.read(this.loc, this.what), this.what)
    const v = decodeVector(r, this.type, this.rows)
    if (!r.done) throw r.corrupt('trailing bytes after the segment')
    this.manager.loads++
    return v
  }

  loaded(segment: ColumnSegment, rows: Vector): void { this.manager.charge(segment, vectorBytes(rows)) }

  changed(segment: ColumnSegment): void { this.manager.discharge(segment) }

  /** its table was dropped: a later load fails instead of reading reused blocks */
  orphan(segment: ColumnSegment): void {
    this.gone = true
    this.manager.discharge(segment)
  }
}
