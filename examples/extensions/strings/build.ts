/**
 * Builds, signs and publishes this example:
 *   node --import tsx examples/extensions/strings/build.ts <out-dir> [registry-dir]
 * A fresh publisher key and registry key are written next to the bundle (<out-dir>.publisher.*,
 * <out-dir>.registry.*); point a policy's trusted_keys at the publisher's .pub file.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildBundle } from '../../../registry/bundle.ts'
import { publish, signBundle, writeKeyPair } from '../../../registry/index.ts'
import type { ExtensionManifest } from '../../../registry/index.ts'

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url))

/** The manifest template of this folder (everything but files and hooks). */
export function exampleManifest(): Omit<ExtensionManifest, 'files' | 'hooks'> {
  return JSON.parse(readFileSync(here('manifest.json'), 'utf8')) as Omit<ExtensionManifest, 'files' | 'hooks'>
}

export const EXAMPLE_ENTRY = here('index.ts')

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [outDir, registryDir] = process.argv.slice(2)
  if (outDir === undefined) {
    console.error('usage: build.ts <out-dir> [registry-dir]')
    process.exit(2)
  }
  const publisher = writeKeyPair(`${outDir}.publisher`)
  const manifest = buildBundle({ entry: EXAMPLE_ENTRY, outDir, manifest: exampleManifest() })
  signBundle(outDir, publisher.secretKey)
  console.log(`built ${manifest.name} ${manifest.version} in ${outDir}, signed by ${publisher.publicKey}`)
  if (registryDir !== undefined) {
    const registry = writeKeyPair(`${outDir}.registry`)
    publish(registryDir, outDir, registry.secretKey)
    console.log(`published to ${registryDir} (registry key ${registry.publicKey})`)
  }
}
