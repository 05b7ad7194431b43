/**
 * A local registry: a directory of published bundles under `<name>/<version>/` and a signed
 * index. `publish` adds a verified bundle, `resolve` picks the highest version in a range,
 * `install` verifies and copies a bundle into an installation directory and records it in a
 * lock file, refusing downgrades and engine-API mismatches.
 */
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import nacl from 'tweetnacl'
import { didYouMean } from '../core/errors.ts'
import { ENGINE_API_VERSION } from '../core/hooks/registry.ts'
import { BundleError, asBundleError } from './errors.ts'
import type { ExtensionManifest } from './manifest.ts'
import type { Range } from './semver.ts'
import { compareVersions, isValidVersion, maxSatisfying, parseRange, satisfies } from './semver.ts'
import { canonicalDigest, normalizePublicKey, parseKey, verifyBundle } from './signing.ts'

export const INDEX_FILE = 'index.json'
export const INDEX_SIGNATURE_FILE = 'index.signature'
export const LOCK_FILE = 'grizzly-extensions.lock.json'

export interface IndexEntry {
  readonly engine: string
  readonly publisherKey: string | null
  /** hex sha256 of the bundle's canonical digest list (what its signature covers) */
  readonly digest: string
  readonly description?: string
}

export interface RegistryIndex {
  readonly format: 1
  readonly extensions: Readonly<Record<string, { readonly versions: Readonly<Record<string, IndexEntry>> }>>
}

export interface LockEntry {
  readonly version: string
  readonly engine: string
  readonly publisherKey: string | null
  readonly digest: string
  /** every file but `signature` → sha256 hex */
  readonly files: Readonly<Record<string, string>>
}

export interface LockFile { readonly lockfileVersion: 1; readonly extensions: Readonly<Record<string, LockEntry>> }

/** Who is trusted: publisher keys (hex or base64), and optionally the registry's own key. */
export interface TrustOptions {
  readonly trustedKeys: readonly string[]
  readonly revokedKeys?: readonly string[]
  readonly allowUnsigned?: boolean
  /** the registry key whose signature index.json must carry; without it the index is checked against the key it names */
  readonly registryKey?: string
}

export interface InstallOptions {
  /** allow installing a version lower than the locked one */
  readonly force?: boolean
  /** the engine API version to check `engine` ranges against */
  readonly engineVersion?: string
}

export interface Resolved { readonly name: string; readonly version: string; readonly dir: string; readonly entry: IndexEntry }

export interface Installed {
  readonly name: string
  readonly version: string
  readonly dir: string
  readonly manifest: ExtensionManifest
  readonly publisherKey: string | null
  /** the version the lock held before, if any */
  readonly previousVersion: string | null
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

function readJson(path: string, reason: 'bad_index' | 'bad_lock', what: string): unknown {
  let text: string
  try { text = readFileSync(path, 'utf8') } catch (e) { throw new BundleError('io', `cannot read ${what}: ${(e as Error).message}`, undefined, e) }
  try { return JSON.parse(text) } catch { throw new BundleError(reason, `${what} is not valid JSON`) }
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`
  try { writeFileSync(tmp, text); renameSync(tmp, path) } catch (e) { throw new BundleError('io', `cannot write ${path}: ${(e as Error).message}`, undefined, e) }
}

// ---- the signed index -----------------------------------------------------------------------------

/** Reads and verifies index.json; an empty registry directory has an empty index. */
export function readIndex(registryDir: string, registryKey?: string): RegistryIndex {
  const indexPath = join(registryDir, INDEX_FILE)
  if (!existsSync(indexPath)) {
    if (!existsSync(registryDir)) throw new BundleError('io', `registry directory ${registryDir} does not exist`)
    return { format: 1, extensions: {} }
  }
  const bytes = readFileSync(indexPath)
  const sig = readJson(join(registryDir, INDEX_SIGNATURE_FILE), 'bad_index', 'registry index signature') as { publicKey?: unknown; signature?: unknown } | null
  if (sig === null || typeof sig !== 'object' || typeof sig.publicKey !== 'string' || typeof sig.signature !== 'string' || !/^[0-9a-f]{128}$/.test(sig.signature) || !/^[0-9a-f]{64}$/.test(sig.publicKey)) {
    throw new BundleError('bad_index', 'registry index signature is malformed')
  }
  if (registryKey !== undefined && normalizePublicKey(registryKey) !== sig.publicKey) {
    throw new BundleError('unknown_key', `registry index is signed with key ${sig.publicKey.slice(0, 12)}…, not the expected registry key`)
  }
  const digest = createHash('sha256').update(bytes).digest()
  if (!nacl.sign.detached.verify(digest, Buffer.from(sig.signature, 'hex'), Buffer.from(sig.publicKey, 'hex'))) {
    throw new BundleError('bad_index', 'registry index does not match its signature: it was changed outside of publish')
  }
  let index: RegistryIndex
  try { index = JSON.parse(bytes.toString('utf8')) as RegistryIndex } catch { throw new BundleError('bad_index', 'registry index is not valid JSON') }
  if (index === null || typeof index !== 'object' || index.format !== 1 || typeof index.extensions !== 'object' || index.extensions === null) {
    throw new BundleError('bad_index', 'registry index has an unknown format')
  }
  return index
}

function writeIndex(registryDir: string, index: RegistryIndex, secretKey: Uint8Array): void {
  const text = JSON.stringify(index, null, 2) + '\n'
  const digest = createHash('sha256').update(text).digest()
  const signature = { publicKey: hex(secretKey.subarray(32)), algorithm: 'ed25519', signature: hex(nacl.sign.detached(digest, secretKey)) }
  writeAtomic(join(registryDir, INDEX_FILE), text)
  writeAtomic(join(registryDir, INDEX_SIGNATURE_FILE), JSON.stringify(signature, null, 2) + '\n')
}

// ---- publish / resolve / install --------------------------------------------------------------------

/**
 * Verifies `bundleDir` (signed by a key in `trust.trustedKeys`, or by its own key when that list
 * is empty), copies it to `<registry>/<name>/<version>/` and adds it to the signed index.
 */
export function publish(registryDir: string, bundleDir: string, registrySecretKey: string, trust: Partial<TrustOptions> = {}): Resolved {
  const secret = parseKey(registrySecretKey, 64, 'registry secret key')
  mkdirSync(registryDir, { recursive: true })
  const index = readIndex(registryDir, hex(secret.subarray(32)))
  let trusted = trust.trustedKeys ?? []
  if (trusted.length === 0) {
    // without a trust list, publishing still proves the bundle is intact and self-consistently signed
    try {
      const sig = JSON.parse(readFileSync(join(bundleDir, 'signature'), 'utf8')) as { publicKey?: unknown }
      if (typeof sig.publicKey === 'string') trusted = [sig.publicKey]
    } catch { /* verifyBundle reports the precise problem */ }
  }
  const v = verifyBundle(bundleDir, trusted, { revokedKeys: trust.revokedKeys, allowUnsigned: trust.allowUnsigned })
  const { name, version } = v.manifest
  if (index.extensions[name]?.versions[version] !== undefined) {
    throw new BundleError('already_published', `${name} ${version} is already published in this registry`, 'publish a new version instead: published versions never change')
  }
  const dir = join(registryDir, name, version)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(registryDir, name), { recursive: true })
  cpSync(bundleDir, dir, { recursive: true })
  const entry: IndexEntry = {
    engine: v.manifest.engine, publisherKey: v.publisherKey, digest: hex(canonicalDigest(v.files)),
    ...(v.manifest.description !== undefined ? { description: v.manifest.description } : {}),
  }
  const versions = { ...(index.extensions[name]?.versions ?? {}), [version]: entry }
  writeIndex(registryDir, { format: 1, extensions: { ...index.extensions, [name]: { versions } } }, secret)
  return { name, version, dir, entry }
}

/** The highest published version of `name` inside `range`. */
export function resolve(registryDir: string, name: string, range = '*', registryKey?: string): Resolved {
  return pick(readIndex(registryDir, registryKey), registryDir, name, range, undefined)
}

/** Names become directory names: only what a manifest may declare gets near a path. */
function checkName(name: string): void {
  if (typeof name !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(name)) {
    throw new BundleError('not_found', `${JSON.stringify(name)} is not a valid extension name`, 'extension names are lowercase identifiers (a-z, 0-9, _)')
  }
}

function pick(index: RegistryIndex, registryDir: string, name: string, range: string, engineVersion: string | undefined): Resolved {
  checkName(name)
  let parsed: Range
  try { parsed = parseRange(range) } catch (e) { throw asBundleError('bad_range', e, `cannot install ${name}`) }
  const ext = Object.prototype.hasOwnProperty.call(index.extensions, name) ? index.extensions[name] : undefined
  if (ext === undefined) {
    throw new BundleError('not_found', `extension "${name}" is not in the registry`, didYouMean(name, Object.keys(index.extensions)))
  }
  const all = Object.keys(ext.versions)
  for (const v of all) {
    if (!isValidVersion(v)) throw new BundleError('bad_index', `registry index lists an invalid version ${JSON.stringify(v)} of "${name}"`)
  }
  const inRange = all.filter(v => satisfies(v, parsed))
  if (inRange.length === 0) {
    const listed = all.sort(compareVersions).join(', ')
    throw new BundleError('no_matching_version', `no version of "${name}" matches "${range}"`, `published versions: ${listed}`)
  }
  const compatible = engineVersion === undefined ? inRange : inRange.filter(v => satisfies(engineVersion, ext.versions[v]!.engine))
  const version = maxSatisfying(compatible, parsed)
  if (version === undefined) {
    const best = maxSatisfying(inRange, parsed)!
    throw engineMismatch(name, best, ext.versions[best]!.engine, engineVersion!)
  }
  return { name, version, dir: join(registryDir, name, version), entry: ext.versions[version]! }
}

function engineMismatch(name: string, version: string, engine: string, engineVersion: string): BundleError {
  return new BundleError('engine_mismatch', `${name} ${version} needs engine API ${engine}, but this engine provides ${engineVersion}`, 'install a version built for this engine, or upgrade Grizzly')
}

export function readLock(installDir: string): LockFile {
  const path = join(installDir, LOCK_FILE)
  if (!existsSync(path)) return { lockfileVersion: 1, extensions: {} }
  const lock = readJson(path, 'bad_lock', LOCK_FILE) as LockFile | null
  if (lock === null || typeof lock !== 'object' || lock.lockfileVersion !== 1 || typeof lock.extensions !== 'object' || lock.extensions === null) {
    throw new BundleError('bad_lock', `${LOCK_FILE} has an unknown format`, 'delete it and install again')
  }
  return lock
}

/**
 * Resolves, verifies and copies `name` into `<installDir>/<name>/`, then records it in the lock
 * file. Refuses: a downgrade against the lock (unless `force`), the same version with different
 * contents, an engine-API mismatch, and any verification failure.
 */
export function install(registryDir: string, name: string, range: string, installDir: string, trust: TrustOptions, options: InstallOptions = {}): Installed {
  const engineVersion = options.engineVersion ?? ENGINE_API_VERSION
  const index = readIndex(registryDir, trust.registryKey)
  const chosen = pick(index, registryDir, name, range, engineVersion)
  const verify = (dir: string) => verifyBundle(dir, trust.trustedKeys, { revokedKeys: trust.revokedKeys, allowUnsigned: trust.allowUnsigned })
  const v = verify(chosen.dir)
  if (v.manifest.name !== name || v.manifest.version !== chosen.version || hex(canonicalDigest(v.files)) !== chosen.entry.digest) {
    throw new BundleError('bad_index', `registry entry ${name} ${chosen.version} does not match the bundle stored for it`)
  }
  if (!satisfies(engineVersion, v.manifest.engine)) throw engineMismatch(name, chosen.version, v.manifest.engine, engineVersion)

  mkdirSync(installDir, { recursive: true })
  const lock = readLock(installDir)
  const locked = Object.prototype.hasOwnProperty.call(lock.extensions, name) ? lock.extensions[name] : undefined
  const digest = chosen.entry.digest
  if (locked !== undefined) {
    const order = compareVersions(chosen.version, locked.version)
    if (order < 0 && options.force !== true) {
      throw new BundleError('downgrade', `refusing to downgrade ${name} from ${locked.version} to ${chosen.version}`, 'pass force to install an older version on purpose')
    }
    if (order === 0 && locked.digest !== digest && options.force !== true) {
      throw new BundleError('digest_mismatch', `${name} ${chosen.version} in the registry differs from the one recorded in ${LOCK_FILE}`, 'a published version was replaced; pass force only if you trust the new contents')
    }
  }

  // copy beside the target and swap, so a failure never leaves a half-installed bundle
  const target = join(installDir, name)
  const staging = join(installDir, `.${name}.staging-${process.pid}`)
  rmSync(staging, { recursive: true, force: true })
  try {
    cpSync(chosen.dir, staging, { recursive: true })
    verify(staging)
    rmSync(target, { recursive: true, force: true })
    renameSync(staging, target)
  } catch (e) {
    rmSync(staging, { recursive: true, force: true })
    if (e instanceof BundleError) throw e
    throw new BundleError('io', `cannot install ${name} into ${installDir}: ${(e as Error).message}`, undefined, e)
  }
  const entry: LockEntry = { version: chosen.version, engine: v.manifest.engine, publisherKey: v.publisherKey, digest, files: v.files }
  writeAtomic(join(installDir, LOCK_FILE), JSON.stringify({ lockfileVersion: 1, extensions: { ...lock.extensions, [name]: entry } }, null, 2) + '\n')
  return { name, version: chosen.version, dir: target, manifest: v.manifest, publisherKey: v.publisherKey, previousVersion: locked?.version ?? null }
}

/**
 * What LOAD EXTENSION runs before anything executes: verifies an installed bundle and checks it
 * is exactly what the lock file recorded.
 */
export function verifyInstalled(installDir: string, name: string, trust: TrustOptions, engineVersion: string = ENGINE_API_VERSION): Installed {
  checkName(name)
  const lock = readLock(installDir)
  const locked = Object.prototype.hasOwnProperty.call(lock.extensions, name) ? lock.extensions[name] : undefined
  if (locked === undefined) {
    throw new BundleError('not_found', `extension "${name}" is not installed`, didYouMean(name, Object.keys(lock.extensions)) ?? `INSTALL ${name} first`)
  }
  const dir = join(installDir, name)
  const v = verifyBundle(dir, trust.trustedKeys, { revokedKeys: trust.revokedKeys, allowUnsigned: trust.allowUnsigned })
  if (hex(canonicalDigest(v.files)) !== locked.digest || v.manifest.version !== locked.version) {
    throw new BundleError('digest_mismatch', `installed ${name} does not match ${LOCK_FILE}`, 'install it again')
  }
  if (!satisfies(engineVersion, v.manifest.engine)) throw engineMismatch(name, v.manifest.version, v.manifest.engine, engineVersion)
  return { name, version: v.manifest.version, dir, manifest: v.manifest, publisherKey: v.publisherKey, previousVersion: null }
}

export interface PublishedVersion { readonly name: string; readonly version: string; readonly entry: IndexEntry }

/** Every published version, by name then version (for `grizzly ext list` and catalog views). */
export function listPublished(registryDir: string, registryKey?: string): PublishedVersion[] {
  const index = readIndex(registryDir, registryKey)
  const out: PublishedVersion[] = []
  for (const name of Object.keys(index.extensions).sort()) {
    const versions = index.extensions[name]!.versions
    for (const version of Object.keys(versions).filter(isValidVersion).sort(compareVersions)) out.push({ name, version, entry: versions[version]! })
  }
  return out
}

/** What the lock file records as installed, by name. */
export function listInstalled(installDir: string): { readonly name: string; readonly entry: LockEntry }[] {
  const lock = readLock(installDir)
  return Object.keys(lock.extensions).sort().map(name => ({ name, entry: lock.extensions[name]! }))
}

/** Removes an installed extension's folder and its lock entry. */
export function uninstall(installDir: string, name: string): void {
  checkName(name)
  const lock = readLock(installDir)
  if (!Object.prototype.hasOwnProperty.call(lock.extensions, name)) {
    throw new BundleError('not_found', `extension "${name}" is not installed`, didYouMean(name, Object.keys(lock.extensions)))
  }
  const rest: Record<string, LockEntry> = { ...lock.extensions }
  delete rest[name]
  // the lock goes first: a crash in between leaves an orphan folder, never a lock naming nothing
  writeAtomic(join(installDir, LOCK_FILE), JSON.stringify({ lockfileVersion: 1, extensions: rest }, null, 2) + '\n')
  rmSync(join(installDir, name), { recursive: true, force: true })
}
