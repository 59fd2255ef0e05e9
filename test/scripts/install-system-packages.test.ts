// scripts/install-system-packages.sh (the first step of `npm run test:all`): where it cannot install,
// it names exactly what is missing and the command that installs it, and leaves the decision to skip
// or stop to the container tests. Where it can (root, apt-get), it asks apt-get for what is missing,
// Go only where the distribution's Go can fetch newer toolchains. The real apt-get runs in every
// `npm run test:all` as root; here the script runs against a PATH made for the test, with stand-ins
// for apt-get and apt-cache that record what they were asked.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/install-system-packages.sh', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A directory for PATH holding only the named commands (links to the real ones or to `true`). */
function pathWith(commands: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'issue-18-path-'));
  dirs.push(dir);
  chmodSync(dir, 0o755); // readable by the unprivileged user of the not-root case
  for (const cmd of ['bash', 'id', 'env', ...commands]) {
    const real = spawnSync('bash', ['-c', `command -v ${cmd} || command -v true`], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(real, join(dir, cmd));
  }
  return dir;
}

const setpriv = spawnSync('bash', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).stdout.trim();
const run = (path: string, asNobody = false) => {
  const command = asNobody ? [setpriv, '--reuid=65534', '--regid=65534', '--clear-groups', 'bash', script] : ['bash', script];
  return spawnSync(command[0]!, command.slice(1), { env: { PATH: path }, encoding: 'utf8', cwd: tmpdir() });
};
const isRoot = process.getuid?.() === 0 && setpriv !== '';

describe('install-system-packages.sh where it cannot install', () => {
  it('podman present, AppArmor parser missing, no apt-get: names only the parser and the apt-get command', () => {
    const result = run(pathWith(['podman', 'runc', 'mmdebstrap', 'catatonit']));
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('the container tests need apparmor_parser, which cannot be installed from here');
    expect(result.stderr).toContain('sudo apt-get install -y --no-install-recommends podman runc mmdebstrap apparmor catatonit');
  });

  it.skipIf(!isRoot)('not root and no sudo: names everything missing, installs nothing', () => {
    // apt-get is on PATH but would need root: the script must not try it.
    const dir = pathWith(['apt-get']);
    const result = run(dir, true);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('need podman runc mmdebstrap apparmor_parser catatonit, which cannot be installed from here');
    expect(result.stderr).not.toContain('refreshing apt lists');
  });

  it('says nothing when everything is there and it cannot run apt-get', () => {
    const result = run(pathWith(['podman', 'runc', 'mmdebstrap', 'apparmor_parser', 'catatonit']));
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });
});

/** Stand-ins for the distribution's tools: apt-get records its arguments, apt-cache offers a Go version. */
function fakeApt(dir: string, goCandidate: string, pythonVenv: boolean): string {
  const log = join(dir, 'apt-get.log');
  const script = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  script('apt-get', `echo "$*" >> ${log}`);
  script('apt-cache', `echo "golang-go:"; echo "  Candidate: ${goCandidate}"`);
  script('python3', pythonVenv ? 'exit 0' : 'exit 1');
  return log;
}

describe.skipIf(!isRoot)('install-system-packages.sh as root with apt-get', () => {
  const tools = ['podman', 'runc', 'mmdebstrap', 'apparmor_parser', 'catatonit', 'awk', 'sed', 'sort', 'head', 'printf'];

  it('podman present, AppArmor parser missing: refreshes the lists and installs the container tooling', () => {
    const dir = pathWith([...tools.filter((t) => t !== 'apparmor_parser'), 'go']);
    const log = fakeApt(dir, '2:1.19~1', true);
    const result = run(dir);
    expect(result.status, result.stderr).toBe(0);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls[0]).toMatch(/update -qq$/);
    expect(calls[1]).toMatch(/install -y -qq --no-install-recommends podman runc mmdebstrap apparmor catatonit$/);
    expect(result.stderr).toContain('missing: apparmor_parser');
  });

  it("no Go: installs the distribution's Go when it is 1.21 or later, and Python venv when missing", () => {
    const dir = pathWith(tools);
    const log = fakeApt(dir, '2:1.24~2', false);
    const result = run(dir);
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(log, 'utf8')).toMatch(/install .* podman runc mmdebstrap apparmor catatonit python3 python3-venv golang-go\n$/);
  });

  it('no Go and only an old one on offer: says where to get Go and does not install it', () => {
    const dir = pathWith(tools);
    const log = fakeApt(dir, '2:1.19~1', true);
    const result = run(dir);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain("this distribution's Go (1.19) is too old");
    expect(result.stderr).toContain('https://go.dev/dl/');
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1); // update only
  });
});
