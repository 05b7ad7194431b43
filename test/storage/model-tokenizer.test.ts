/**
 * A model's TOKENIZER bytes in the database file (core/storage/models.ts): they follow the
 * model's bytes in its block stream, come back equal, and a catalog entry whose tokenizer size
 * or SHA-256 does not match them is corruption (XX001), as for the model's own bytes.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { BlockFile } from '../../core/storage/blocks.ts'
import { nodeFileSystem } from '../../core/storage/io.ts'
import { readModels, writeModels } from '../../core/storage/models.ts'
import { sha256Hex } from '../../core/catalog/models.ts'
import { SqlState } from '../../core/errors.ts'
import { cleanup, tempRoot } from '../extensions/helpers.ts'

test('tokenizer bytes round-trip after the model bytes; a mismatching size or SHA-256 is corruption', () => {
  const dir = tempRoot('grizzly-model-tokenizer-')
  try {
    const path = join(dir, 'models.blocks')
    const file = new BlockFile(nodeFileSystem.open(path, 'rw'), path, { counter: 0, catalogBlock: -1, blockCount: 0, salt: null, keyCheck: null })
    // a model and a vocabulary each larger than a block, so both cross block boundaries
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff)
    const vocab = new TextEncoder().encode(Array.from({ length: 9000 }, (_, i) => `tok${i}`).join('\n'))
    const model = { name: 'm', format: 'onnx', sha256: sha256Hex(bytes), bytes, signedBy: null, tokenizer: { bytes: vocab, sha256: sha256Hex(vocab) } }
    const plain = { name: 'p', format: 'onnx', sha256: sha256Hex(bytes), bytes, signedBy: null }
    const extend = { count: 0 }
    const refs = writeModels(file, [model, plain], [], extend)
    file.header = { ...file.header, blockCount: extend.count }
    const [back, backPlain] = readModels(file, path, refs)
    assert.deepEqual(back!.bytes, bytes)
    assert.deepEqual(back!.tokenizer!.bytes, vocab)
    assert.equal(back!.tokenizer!.sha256, model.tokenizer.sha256)
    assert.equal(backPlain!.tokenizer, null)
    // the same model with another vocabulary is written again; the unchanged one keeps its blocks
    const other = new TextEncoder().encode('[UNK]\nx')
    const again = writeModels(file, [{ ...model, tokenizer: { bytes: other, sha256: sha256Hex(other) } }, plain], refs, extend)
    assert.notDeepEqual(again[0]!.blocks, refs[0]!.blocks)
    assert.equal(again[1], refs[1])
    for (const bad of [{ ...refs[0]!, tokenizer: { size: vocab.length, sha256: sha256Hex(other) } }, { ...refs[0]!, tokenizer: { size: vocab.length + 5, sha256: model.tokenizer.sha256 } }]) {
      assert.throws(() => readModels(file, path, [bad]), (e: Error & { code?: string }) => e.code === SqlState.dataCorrupted && /tokenizer of model m/.test(e.message))
    }
    file.handle.close()
  } finally { cleanup(dir) }
})
