/**
 * Models (CREATE MODEL) in the database file: each model's bytes are one stream of blocks, named
 * in the catalog with its format and SHA-256. A model's bytes never change (CREATE OR REPLACE
 * makes a new one), so a checkpoint writes only models it has not stored yet and keeps the
 * blocks of the others. Opening checks every model's SHA-256 against the catalog.
 */
import { sha256Hex } from '../catalog/models.ts'
import type { StoredModel } from '../hooks/contracts.ts'
import { type BlockFile, corruptError } from './blocks.ts'

export interface StoredModelRef {
  readonly name: string
  readonly format: string
  readonly sha256: string
  readonly size: number
  /** the key that signed the model file, when one did */
  readonly signedBy?: string | null
  /** first block of the model's stream, -1 for an empty model */
  readonly first: number
  readonly blocks: readonly number[]
}

/** The catalog entries for `models`, writing the streams of those not stored in `previous`. */
export function writeModels(file: BlockFile, models: readonly StoredModel[], previous: readonly StoredModelRef[], extend: { count: number }): StoredModelRef[] {
  const kept = new Map(previous.map(r => [`${r.name.toLowerCase()}\u0000${r.sha256}`, r]))
  return models.map(m => {
    const old = kept.get(`${m.name.toLowerCase()}\u0000${m.sha256}`)
    if (old !== undefined) return old
    const blocks = m.bytes.length === 0 ? [] : file.writeStream(m.bytes, extend)
    return { name: m.name, format: m.format, sha256: m.sha256, size: m.bytes.length, signedBy: m.signedBy ?? null, first: blocks[0] ?? -1, blocks }
  })
}

/** Reads the stored models back; a model whose bytes do not match its SHA-256 is corruption. */
export function readModels(file: BlockFile, path: string, refs: readonly StoredModelRef[]): StoredModel[] {
  return refs.map(r => {
    const bytes = r.first === -1 ? new Uint8Array(0) : file.readStream(r.first, `model ${r.name}`).data.subarray(0, r.size)
    if (bytes.length !== r.size || sha256Hex(bytes) !== r.sha256) throw corruptError(`"${path}": the bytes of model ${r.name} do not match their SHA-256`)
    return { name: r.name, format: r.format, sha256: r.sha256, bytes: bytes.slice(), signedBy: r.signedBy ?? null }
  })
}
