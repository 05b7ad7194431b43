/** Builds signed bundles and registries in a temporary folder for the extension tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import assert from 'node:assert/strict'
import { buildBundle } from '../../registry/bundle.ts'
import { generateKeyPair, publish, signBundle, type KeyPair } from '../../registry/index.ts'
import { GrizzlyError } from '../../core/errors.ts'

export function tempRoot(prefix: string): string { return mkdtempSync(join(tmpdir(), prefix)) }
export function cleanup(dir: string): void { rmSync(dir, { recursive: true, force: true }) }

/** An extension source: `twice(DOUBLE)`, `tag(VARCHAR)` and the aggregate `total(DOUBLE)`, at `version`. */
export function writeSource(root: string, name: string, version: string, factor = 2): string {
  const dir = join(root, `src-${name}-${version}`)
  mkdirSync(dir, { recursive: true })
  const entry = join(dir, 'index.ts')
  writeFileSync(entry, `import { defineExtension, doubleColumn, isValid, readString, varcharColumn } from 'grizzly-db/sdk'
import type { StringColumn } from 'grizzly-db/sdk'
export default defineExtension({
  name: '${name}', version: '${version}',
  scalars: [
    { name: '${name}_twice', args: ['DOUBLE'], returns: 'DOUBLE', invoke([x], n) {
      const v = x!.values as Float64Array, out = new Float64Array(n)
      for (let i = 0; i < n; i++) out[i] = v[i]! * ${factor}
      return doubleColumn(out, x!.validity)
    } },
    { name: '${name}_tag', args: ['VARCHAR'], returns: 'VARCHAR', invoke([s], n) {
      const out: (string | null)[] = new Array(n)
      for (let i = 0; i < n; i++) out[i] = isValid(s!, i) ? '<' + readString(s!.values as StringColumn, i) + '>' : null
      return varcharColumn(out)
    } },
  ],
  aggregates: [{ name: '${name}_total', args: ['DOUBLE'], returns: 'DOUBLE',
    init: () => 0, update: (s, [x], row) => (s as number) + (x!.values as Float64Array)[row]!,
    combine: (a, b) => (a as number) + (b as number), finalize: s => s as number }],
})
`)
  return entry
}

export interface Built { readonly dir: string; readonly publisher: KeyPair }

/** Builds and signs a bundle; `manifest` overrides fields of the manifest. */
export function buildSigned(root: string, name: string, version: string, publisher: KeyPair, manifest: Record<string, unknown> = {}, factor = 2): string {
  const entry = writeSource(root, name, version, factor)
  const out = join(root, `bundle-${name}-${version}-${Math.random().toString(36).slice(2, 8)}`)
  buildBundle({ entry, outDir: out, manifest: { name, version, engine: '^1.0.0', capabilities: [], limits: { heapMb: 32, cpuMsPerCall: 1000, wallMsPerStatement: 5000 }, ...manifest } as never })
  signBundle(out, publisher.secretKey)
  return out
}

export interface World {
  readonly root: string
  readonly registry: string
  readonly registryKey: KeyPair
  readonly publisher: KeyPair
  publish(name: string, version: string, manifest?: Record<string, unknown>, factor?: number): string
}

export function world(prefix: string): World {
  const root = tempRoot(prefix)
  const registry = join(root, 'registry')
  const registryKey = generateKeyPair(), publisher = generateKeyPair()
  return {
    root, registry, registryKey, publisher,
    publish(name, version, manifest = {}, factor = 2) {
      const dir = buildSigned(root, name, version, publisher, manifest, factor)
      publish(registry, dir, registryKey.secretKey)
      return dir
    },
  }
}

export async function rejects(work: Promise<unknown>, code: string, message?: RegExp): Promise<GrizzlyError> {
  let caught: unknown
  try { await work } catch (e) { caught = e }
  assert.ok(caught instanceof GrizzlyError, `expected a GrizzlyError ${code}, got ${String(caught)}`)
  assert.equal(caught.code, code, caught.message)
  if (message !== undefined) assert.match(`${caught.message}\n${caught.hint ?? ''}`, message)
  return caught
}
