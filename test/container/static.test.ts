// The image and its build files, inspected without running the server: image config (user,
// entrypoint, labels), no shell or package manager in the filesystem, the app-layer size budget,
// Dockerfile lint and digest pins, and the seccomp and AppArmor profiles.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { IMAGE, ROOT, podman, podmanOk } from './podman.js';

const exec = promisify(execFile);
const RUNTIME_BASE = process.env.ISPW_MCP_TEST_RUNTIME_BASE ?? 'localhost/ispw-mcp-base/nodejs24-runtime:24.21.0';
/** README's budget for what the image adds on top of the Node runtime base. */
const APP_LAYER_BUDGET_BYTES = 20 * 1000 * 1000;

interface ImageConfig {
  Id: string;
  Size: number;
  Config: { User: string; Entrypoint: string[]; Cmd: string[]; Env: string[]; Labels: Record<string, string>; WorkingDir: string };
  RootFS: { Layers: string[] };
}
const inspect = async (image: string) => (JSON.parse(await podmanOk(['image', 'inspect', image])) as ImageConfig[])[0]!;

describe('image configuration', () => {
  it('runs Node directly as 65532 with exec-form entrypoint, stdio by default', async () => {
    const { Config } = await inspect(IMAGE);
    expect(Config.User).toBe('65532:65532');
    expect(Config.Entrypoint).toEqual(['/nodejs/bin/node', '/app/dist/src/main.js']);
    expect(Config.Cmd).toEqual(['serve']);
    expect(Config.WorkingDir).toBe('/app');
    expect(Config.Env).toContain('NODE_ENV=production');
    // The young generation is sized explicitly, not from the memory limit (docs/container.md, "Memory").
    expect(Config.Env).toContain('NODE_OPTIONS=--max-semi-space-size=32');
  });

  it('carries the OCI labels', async () => {
    const { Config } = await inspect(IMAGE);
    for (const key of ['source', 'revision', 'version', 'licenses', 'description']) {
      expect(Config.Labels[`org.opencontainers.image.${key}`], key).toBeTruthy();
    }
    expect(Config.Labels['org.opencontainers.image.licenses']).toBe('Apache-2.0');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(Config.Labels['org.opencontainers.image.version']).toBe(pkg.version);
    expect(Config.Labels['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{40}$|^unknown$/);
  });

  it('has no shell, package manager or build tooling in its filesystem', async () => {
    const mount = (await podmanOk(['image', 'mount', IMAGE])).trim();
    try {
      for (const path of [
        'bin/sh',
        'bin/bash',
        'bin/dash',
        'bin/busybox',
        'usr/bin/apt',
        'usr/bin/apt-get',
        'usr/bin/dpkg',
        'sbin/apk',
        'usr/local/bin/npm',
        'app/src',
        'app/test',
      ]) {
        expect(existsSync(join(mount, path)), `/${path} must not exist`).toBe(false);
      }
      expect(existsSync(join(mount, 'nodejs/bin/node'))).toBe(true);
      expect(existsSync(join(mount, 'app/dist/src/main.js'))).toBe(true);
      // No dev dependencies shipped.
      for (const dev of ['typescript', 'vitest', 'tsx', '@types/node']) expect(existsSync(join(mount, 'app/node_modules', dev)), dev).toBe(false);
      expect(readFileSync(join(mount, 'etc/passwd'), 'utf8')).toMatch(/^nonroot:x:65532:65532:/m);
    } finally {
      await podman(['image', 'unmount', IMAGE]);
    }
  });

  it(`keeps the app layers (everything above the Node runtime base) under ${APP_LAYER_BUDGET_BYTES / 1e6} MB`, async () => {
    const [image, base] = await Promise.all([inspect(IMAGE), inspect(RUNTIME_BASE)]);
    // Only meaningful when the image really is built on that base.
    expect(image.RootFS.Layers.slice(0, base.RootFS.Layers.length)).toEqual(base.RootFS.Layers);
    const appBytes = image.Size - base.Size;
    console.log(`image ${(image.Size / 1e6).toFixed(1)} MB = runtime base ${(base.Size / 1e6).toFixed(1)} MB + app ${(appBytes / 1e6).toFixed(1)} MB`);
    expect(appBytes).toBeGreaterThan(0);
    expect(appBytes).toBeLessThan(APP_LAYER_BUDGET_BYTES);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('passes hadolint with no ignored rules', async () => {
    const config = readFileSync(join(ROOT, '.hadolint.yaml'), 'utf8');
    // Every ignored rule must carry a written reason on its line.
    for (const line of config.split('\n').filter((l) => /^\s*-\s*(DL|SC)\d+/.test(l))) expect(line, 'ignored rule without a reason').toMatch(/#\s*\S{10,}/);
    const hadolint = join(ROOT, '.tools/bin/hadolint');
    const { stdout } = await exec(hadolint, ['--no-color', '--config', join(ROOT, '.hadolint.yaml'), join(ROOT, 'Dockerfile')]).catch(
      (e: { stdout: string }) => {
        throw new Error(`hadolint found problems:\n${e.stdout}`);
      },
    );
    expect(stdout.trim()).toBe('');
  });

  it('hadolint is not a rubber stamp: a shell-form, unpinned Dockerfile fails', async () => {
    const bad = join(tmpdir(), `Dockerfile.bad-${process.pid}`);
    writeFileSync(bad, 'FROM node:latest\nRUN apt-get update && apt-get install -y curl\nCMD node main.js\n');
    const result = await exec(join(ROOT, '.tools/bin/hadolint'), ['--no-color', '--config', join(ROOT, '.hadolint.yaml'), bad]).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/DL3007|DL3008|DL3025/);
  });

  it('pins both default base images by digest and selects them through build arguments', () => {
    const args = [...dockerfile.matchAll(/^ARG (BUILDER_IMAGE|RUNTIME_IMAGE)=(\S+)$/gm)].map((m) => [m[1], m[2]!] as const);
    expect(args.map(([name]) => name).sort()).toEqual(['BUILDER_IMAGE', 'RUNTIME_IMAGE']);
    for (const [, ref] of args) expect(ref).toMatch(/^[a-z0-9.\-/]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
    expect(dockerfile).toMatch(/^ARG RUNTIME_IMAGE=gcr\.io\/distroless\/nodejs24-debian13:nonroot@/m);
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual(['${BUILDER_IMAGE}', '${RUNTIME_IMAGE}']);
  });
});

describe('seccomp profile', () => {
  interface Rule {
    names: string[];
    action: string;
    args?: unknown[];
  }
  const profile = JSON.parse(readFileSync(join(ROOT, 'deploy/seccomp/ispw-mcp.json'), 'utf8')) as { defaultAction: string; syscalls: Rule[] };
  const allowed = new Set(profile.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW').flatMap((r) => r.names));

  it('is an allow-list: anything not listed fails', () => {
    expect(profile.defaultAction).toBe('SCMP_ACT_ERRNO');
  });

  it('is a subset of the container runtime default', () => {
    const defaultPath = '/usr/share/containers/seccomp.json';
    const runtimeDefault = JSON.parse(readFileSync(defaultPath, 'utf8')) as { syscalls: Rule[] };
    const defaultAllowed = new Set(runtimeDefault.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW').flatMap((r) => r.names));
    expect([...allowed].filter((name) => !defaultAllowed.has(name))).toEqual([]);
    expect(allowed.size).toBeLessThan(defaultAllowed.size / 2);
  });

  it('leaves out what a network server never needs', () => {
    for (const name of [
      'ptrace',
      'process_vm_readv',
      'process_vm_writev',
      'keyctl',
      'add_key',
      'request_key',
      'unshare',
      'setns',
      'mount',
      'umount2',
      'pivot_root',
      'chroot',
      'bpf',
      'perf_event_open',
      'userfaultfd',
      'io_uring_setup',
      'io_uring_enter',
      'personality',
      'setuid',
      'setgid',
      'setgroups',
      'capset',
      'memfd_create',
      'execveat',
      'fork',
      'vfork',
      'chown',
      'fchownat',
      'mknod',
      'unlinkat',
      'renameat2',
      'init_module',
      'kexec_load',
      'reboot',
    ]) {
      expect(allowed.has(name), name).toBe(false);
    }
    // clone only without namespace flags; clone3 (flags unreadable by seccomp) is refused.
    expect(profile.syscalls.find((r) => r.names.includes('clone'))?.args).toBeTruthy();
    expect(profile.syscalls.find((r) => r.names.includes('clone3'))?.action).toBe('SCMP_ACT_ERRNO');
  });
});

describe('AppArmor profile', () => {
  const parse = (file: string) =>
    exec('apparmor_parser', ['--skip-kernel-load', '--skip-cache', '--quiet', file]).then(
      () => 0,
      (e: { code: number; stderr: string }) => {
        if (e.code === 1) return 1;
        throw new Error(`apparmor_parser could not run: ${e.stderr}`);
      },
    );

  it('parses with apparmor_parser', async () => {
    expect(await parse(join(ROOT, 'deploy/apparmor/ispw-mcp'))).toBe(0);
  });

  it('would be caught if broken (the check is real)', async () => {
    const broken = join(tmpdir(), `ispw-mcp-apparmor-${process.pid}`);
    writeFileSync(broken, readFileSync(join(ROOT, 'deploy/apparmor/ispw-mcp'), 'utf8').replace('network inet stream,', 'network inet strem,'));
    expect(await parse(broken)).toBe(1);
  });

  it('denies writes and privileged operations, allows the network and reads of app and secrets', () => {
    const text = readFileSync(join(ROOT, 'deploy/apparmor/ispw-mcp'), 'utf8');
    expect(text).toMatch(/^\s*deny \/\{app,nodejs,etc,usr,[^}]*\}\/\*\* wl,$/m);
    for (const rule of ['deny mount,', 'deny ptrace,', 'deny capability,', 'network inet stream,', '/app/** r,', '/run/secrets/** r,'])
      expect(text).toContain(rule);
  });
});
