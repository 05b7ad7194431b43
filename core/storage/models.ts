/**
 * Models (CREATE MODEL) in the database file: each model's bytes are one stream of blocks, named
 * in the catalog with its format and SHA-256. A model's bytes never change (CREATE OR REPLACE
 * makes a new one), so a checkpoint writes only models it has not stored yet and keeps the
 * blocks of the others. A TOKENIZER file's bytes follow the model's in its stream, with their own
 * size and SHA-256 in the catalog. Opening checks every SHA-256 against the catalog.
 */
import { Buffer } from 'node:buffer'
import { sha256Hex } from '../catalog/models.ts'
import type { ModelTokenizer, StoredModel } from '../hooks/contracts.ts'
import { type BlockFile, corruptError } from './blocks.ts'

export interface StoredModelRef {
  readonly name: string
  readonly format: string
  readonly sha256: string
  readonly size: number
  /** the key that signed the model file, when one did */
  readonly signedBy?: string | null
  /** the TOKENIZER file's size and SHA-256: its bytes follow the model's in the same stream */
  readonly tokenizer?: { readonly size: number; readonly sha256: string } | null
  /** first block of the model's stream, -1 for an empty model */
  readonly first: number
  readonly blocks: readonly number[]
}

/** The catalog entries for `models`, writing the streams of those not stored in `previous`. */
export function writeModels(file: BlockFile, models: readonly StoredModel[], previous: readonly StoredModelRef[], extend: { count: number }): StoredModelRef[] {
  // a model is the same when its name, bytes and tokenizer are
  const key = (name: string, sha256: string, tokenizer: string | undefined): string => `${name.toLowerCase()}\u0000${sha256}\u0000${tokenizer ?? ''}`
  const kept = new Map(previous.map(r => [key(r.name, r.sha256, r.tokenizer?.sha256), r]))
  return models.map(m => {
    const old = kept.get(key(m.name, m.sha256, m.tokenizer?.sha256))
    if (old !== undefined) return old
    const t = m.tokenizer ?? null
    const stream = t === null ? m.bytes : Buffer.concat([m.bytes, t.bytes])
    const blocks = stream.length === 0 ? [] : file.writeStream(stream, extend)
    return {
      name: m.name, format: m.format, sha256: m.sha256, size: m.bytes.length, signedBy: m.signedBy ?? null,
      tokenizer: t === null ? null : { size: t.bytes.length, sha256: t.sha256 }, first: blocks[0] ?? -1, blocks,
    }
  })
}

/** Reads the stored models back; a model whose bytes do not match its SHA-256 is corruption. */
export function readModels(file: BlockFile, path: string, refs: readonly StoredModelRef[]): StoredModel[] {
  return refs.map(r => {
    const data = r.first === -1 ? new Uint8Array(0) : file.readStream(r.first, `model ${r.name}`).data
    const bytes = data.subarray(0, r.size)
    if (bytes.length !== r.size || sha256Hex(bytes) !== r.sha256) throw corruptError(`"${path}": the bytes of model ${r.name} do not match their SHA-256`)
    const t = r.tokenizer ?? null
    let tokenizer: ModelTokenizer | null = null
    if (t !== null) {
      const vocab = data.subarray(r.size, r.size + t.size)
      if (vocab.length !== t.size || sha256Hex(vocab) !== t.sha256) throw corruptError(`"${path}": the tokenizer of model ${r.name} does not match its SHA-256`)
      tokenizer = { bytes: vocab.slice(), sha256: t.sha256 }
    }
    return { name: r.name, format: r.format, sha256: r.sha256, bytes: bytes.slice(), signedBy: r.signedBy ?? null, tokenizer }
  })
}
