import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GrizzlyError } from '../../core/errors.ts'
import { compareVersions, formatVersion, isValidVersion, maxSatisfying, parseRange, parseVersion, satisfies } from '../../registry/semver.ts'

test('parseVersion reads release, pre-release and build', () => {
  assert.deepEqual(parseVersion('1.2.3'), { major: 1, minor: 2, patch: 3, prerelease: [] })
  assert.deepEqual(parseVersion('1.2.3-beta.11+build.5').prerelease, ['beta', 11])
  assert.equal(formatVersion(parseVersion('v0.0.1-rc.1')), '0.0.1-rc.1')
})

test('parseVersion rejects malformed versions with 22023', () => {
  for (const bad of ['1', '1.2', '01.2.3', '1.2.3-', '1.2.3-01', 'a.b.c', '1.2.3.4', '', '1.2.3-be$ta']) {
    assert.throws(() => parseVersion(bad), (e: unknown) => e instanceof GrizzlyError && e.code === '22023', bad)
    assert.equal(isValidVersion(bad), false)
  }
})

test('compareVersions follows semver precedence', () => {
  const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.1.0', '2.0.0', '10.0.0']
  for (let i = 0; i < ordered.length; i++) for (let j = 0; j < ordered.length; j++) {
    assert.equal(compareVersions(ordered[i]!, ordered[j]!), Math.sign(i - j), `${ordered[i]} vs ${ordered[j]}`)
  }
  assert.equal(compareVersions('1.0.0+a', '1.0.0+b'), 0)
})

test('satisfies handles every operator', () => {
  const yes: [string, string][] = [
    ['1.2.3', '^1.2.3'], ['1.9.0', '^1.2.3'], ['0.2.5', '^0.2.3'], ['0.0.3', '^0.0.3'], ['1.5.0', '^1.x'], ['0.9.9', '^0.x'],
    ['1.2.9', '~1.2.3'], ['1.9.0', '~1'], ['1.2.0', '~1.2'], ['1.0.0', '>=1.0.0'], ['2.0.0', '>1.9.9'], ['2.0.0', '>1.9'],
    ['0.9.0', '<1.0.0'], ['1.0.0', '<=1.0.0'], ['1.0.9', '<=1.0'], ['1.0.0', '=1.0.0'], ['1.0.0', '1.0.0'], ['1.4.2', '1.x'],
    ['1.4.2', '1'], ['3.0.0', '*'], ['3.0.0', ''], ['1.2.7', '1.2.x'], ['1.5.0', '>=1.2.0 <2.0.0'], ['3.1.0', '^1.0.0 || ^3.0.0'],
    ['1.5.0', '1.2.3 - 2.3.4'], ['2.3.9', '1.2 - 2.3'], ['1.0.0', '>= 1.0.0'], ['1.2.3-beta.2', '^1.2.3-beta.1'], ['1.2.3', '^1.2.3-beta.1'],
  ]
  const no: [string, string][] = [
    ['2.0.0', '^1.2.3'], ['1.2.2', '^1.2.3'], ['0.3.0', '^0.2.3'], ['0.0.4', '^0.0.3'], ['1.3.0', '~1.2.3'], ['2.0.0', '~1'],
    ['1.0.0', '>1.0.0'], ['1.9.9', '>1.9'], ['1.0.0', '<1.0.0'], ['1.1.0', '<=1.0'], ['1.0.1', '1.0.0'], ['2.0.0', '1.x'],
    ['2.0.0', '>=1.2.0 <2.0.0'], ['2.0.0', '^1.0.0 || ^3.0.0'], ['2.4.0', '1.2 - 2.3'], ['1.3.0-alpha', '^1.2.3-beta.1'],
    ['2.0.0-rc.1', '^1.0.0'], ['2.0.0-rc.1', '*'], ['1.0.0', '<*'], ['1.0.0-beta', '>=0.9.0'],
  ]
  for (const [ver, range] of yes) assert.equal(satisfies(ver, range), true, `${ver} in ${range}`)
  for (const [ver, range] of no) assert.equal(satisfies(ver, range), false, `${ver} not in ${range}`)
})

test('parseRange rejects nonsense with 22023 and a hint', () => {
  for (const bad of ['^', '>=', 'abc', '1.2.3.4', '^01.2', '1.x-beta', '>=1.0.0 <', '~>1']) {
    assert.throws(() => parseRange(bad), (e: unknown) => e instanceof GrizzlyError && e.code === '22023' && e.hint !== undefined, bad)
  }
})

test('maxSatisfying picks the highest match and skips junk', () => {
  const versions = ['1.0.0', '1.4.0', '2.0.0', '1.10.0', 'junk', '1.11.0-beta']
  assert.equal(maxSatisfying(versions, '^1.0.0'), '1.10.0')
  assert.equal(maxSatisfying(versions, '>=2'), '2.0.0')
  assert.equal(maxSatisfying(versions, '^3'), undefined)
})
