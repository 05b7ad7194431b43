/**
 * The step before the sandbox: an installed extension is verified against its lock entry, the
 * policy decides, and the code is read once — from bytes whose digest is checked again, so a
 * file swapped after verification is never run.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ENGINE_API_VERSION } from '../core/hooks/registry.ts'
import { checkLoad } from '../policies/index.ts'
import type { EffectiveLimits, Policy, PolicyRule } from '../policies/index.ts'
import { BundleError } from './errors.ts'
import { ENTRY_FILE } from './manifest.ts'
import type { ExtensionManifest } from './manifest.ts'
import { trustFromPolicy } from './policy.ts'
import { sha256Hex } from './signing.ts'
import { verifyInstalled } from './store.ts'

export interface LoadPlan {
  readonly name: string
  readonly version: string
  readonly dir: string
  readonly manifest: ExtensionManifest
  readonly publisherKey: string | null
  /** index.js, digest-checked */
  readonly script: string
  readonly capabilities: readonly string[]
  readonly deniedCapabilities: readonly string[]
  readonly limits: EffectiveLimits
  /** reads an asset listed in the manifest, digest-checked */
  readonly readAsset: (name: string) => Uint8Array
}

const HINTS: Readonly<Record<PolicyRule, string>> = {
  revoked_key: 'the publisher key was revoked; install a version signed with a current key',
  unsigned: 'sign the bundle, or set allow_unsigned in the policy',
  untrusted_key: "add the publisher's public key to trusted_keys in the policy",
  disabled: 'set extensions.<name>.enabled to true in the policy',
  not_listed: 'add the extension under extensions in the policy, or set allow_unlisted',
}

function readChecked(dir: string, name: string, digest: string | undefined): Uint8Array {
  if (digest === undefined) throw new BundleError('missing_file', `bundle file ${name} is not listed in the manifest`)
  let bytes: Uint8Array
  try { bytes = readFileSync(join(dir, name)) } catch (e) { throw new BundleError('missing_file', `bundle file ${name} cannot be read: ${(e as Error).message}`, undefined, e) }
  if (sha256Hex(bytes) !== digest) throw new BundleError('digest_mismatch', `bundle file ${name} changed after verification`)
  return bytes
}

/** Everything LOAD EXTENSION needs before creating the isolate; throws BundleError (42501 when the policy refuses). */
export function prepareLoad(installDir: string, name: string, policy: Policy, engineVersion: string = ENGINE_API_VERSION): LoadPlan {
  const installed = verifyInstalled(installDir, name, trustFromPolicy(policy), engineVersion)
  const decision = checkLoad(policy, installed.manifest, installed.publisherKey)
  if (!decision.allowed) throw new BundleError('denied_by_policy', `${decision.message} (policy rule ${decision.rule})`, HINTS[decision.rule])
  const files = installed.manifest.files
  const script = Buffer.from(readChecked(installed.dir, ENTRY_FILE, files[ENTRY_FILE])).toString('utf8')
  return {
    name, version: installed.version, dir: installed.dir, manifest: installed.manifest, publisherKey: installed.publisherKey,
    script, capabilities: decision.capabilities, deniedCapabilities: decision.deniedCapabilities, limits: decision.limits,
    readAsset: (asset: string) => readChecked(installed.dir, asset, Object.prototype.hasOwnProperty.call(files, asset) ? files[asset] : undefined),
  }
}
