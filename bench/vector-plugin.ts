/**
 * plugins/vector built and signed with a fresh key (bench and tests), and databases whose policy trusts that key
 * and grants the extension `hnsw`: the distance functions come from the sandboxed bundle, the
 * hnsw index method from the host's capability service, as users load them.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Database } from '../index.ts'
import { buildBundle } from '../registry/bundle.ts'
import { generateKeyPair, signBundle } from '../registry/index.ts'

export interface VectorPlugin {
  /** the signed bundle's folder (LOAD '<bundle>') */
  readonly bundle: string
  readonly publicKey: string
  /** INSTALL's folder */
  readonly installed: string
}

/** builds and signs plugins/vector into `root` */
export function buildVectorPlugin(root: string): VectorPlugin {
  const source = fileURLToPath(new URL('../plugins/vector/', import.meta.url))
  const publisher = generateKeyPair()
  const bundle = join(root, 'vector')
  buildBundle({ entry: join(source, 'index.ts'), outDir: bundle, manifest: JSON.parse(readFileSync(join(source, 'manifest.json'), 'utf8')) })
  signBundle(bundle, publisher.secretKey)
  return { bundle, publicKey: publisher.publicKey, installed: join(root, 'installed') }
}

/** opens `path` (in memory without) with a policy granting the plugin `hnsw`; LOADs it unless `load` is false */
export async function openWithVector(plugin: VectorPlugin, path?: string, load = true): Promise<Database> {
  const db = await Database.open(path, {
    policy: { trusted_keys: [plugin.publicKey], extensions: { vector: { capabilities: ['hnsw'] } } },
    extensionDirectory: plugin.installed,
  })
  if (load) await loadVector(db, plugin)
  return db
}

export async function loadVector(db: Database, plugin: VectorPlugin): Promise<void> {
  await db.query(`LOAD '${plugin.bundle}'`)
}
