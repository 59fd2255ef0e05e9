// scripts/install-system-packages.sh (the first step of `npm run test:all`): where it cannot install,
// it names exactly what is missing and the command that installs it, and leaves the decision to skip
// or stop to the container tests. The branch that installs with apt-get runs in every `npm run
// test:all` as root; here, the branches that cannot install run against a PATH made for the test.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
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
    const result = run(pathWith(['podman', 'runc', 'mmdebstrap']));
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('the container tests need apparmor_parser, which cannot be installed from here');
    expect(result.stderr).toContain('sudo apt-get install -y --no-install-recommends podman runc mmdebstrap apparmor');
  });

  it.skipIf(!isRoot)('not root and no sudo: names everything missing, installs nothing', () => {
    // apt-get is on PATH but would need root: the script must not try it.
    const dir = pathWith(['apt-get']);
    const result = run(dir, true);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('need podman runc mmdebstrap apparmor_parser, which cannot be installed from here');
    expect(result.stderr).not.toContain('refreshing apt lists');
  });

  it('says nothing when everything is there and it cannot run apt-get', () => {
    const result = run(pathWith(['podman', 'runc', 'mmdebstrap', 'apparmor_parser']));
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });
});
