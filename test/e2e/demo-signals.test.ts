// `npm run demo` stops however it is stopped: a SIGINT or SIGTERM sent to npm's pid alone (a
// process manager, `kill`, an IDE's stop button) reaches the server, every process of the demo is
// gone afterwards, and the demo says it stopped — also while it is still building. Runs the real
// npm script in a scratch copy of the repository (its own dist/, so the build never rewrites the
// dist/ other tests are running), with node_modules and .tools linked from this checkout.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Every process the demo starts inherits this variable: it finds them in /proc, orphans included.
const MARK = `ISPW_MCP_SIGNAL_TEST=${randomUUID()}`;
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'issue-18-demo-signals-'));
  for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'simulator', 'scripts']) {
    // Original times: a package-lock.json newer than node_modules would make the script run
    // `npm ci`, which would empty the linked node_modules of this checkout.
    cpSync(join(root, entry), join(scratch, entry), { recursive: true, preserveTimestamps: true });
  }
  const lock = statSync(join(scratch, 'package-lock.json')).mtimeMs;
  const installed = statSync(join(root, 'node_modules', '.package-lock.json')).mtimeMs;
  if (lock > installed) throw new Error('package-lock.json is newer than node_modules: run `npm ci` first (the demo script would reinstall through the link)');
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'));
  symlinkSync(join(root, '.tools'), join(scratch, '.tools'));
  mkdirSync(join(scratch, 'tmp'));
});

afterAll(() => {
  for (const pid of marked()) process.kill(pid, 'SIGKILL');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Pids of live processes carrying this test's mark. */
function marked(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(MARK)) pids.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

interface NpmDemo {
  npm: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function npmRunDemo(): NpmDemo {
  const [name, value] = MARK.split('=') as [string, string];
  // npm from PATH, the pinned Node first on it; a clean environment besides the mark.
  // TMPDIR inside the scratch copy: the demo's folder (token, audit trail) goes with it.
  const env = {
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? tmpdir(),
    TMPDIR: join(scratch, 'tmp'),
    [name]: value,
  };
  const npm = spawn('npm', ['run', 'demo', '--', '--port', '0', '--step-ms', '100'], { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  npm.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  return { npm, output: () => output, exited };
}

const printed = (demo: NpmDemo, text: string) =>
  new Promise<void>((resolve, reject) => {
    const check = () => demo.output().includes(text) && (resolve(), true);
    if (check()) return;
    demo.npm.stdout!.on('data', check);
    demo.npm.stderr!.on('data', check);
    void demo.exited.then(() => check() || reject(new Error(`npm exited before printing "${text}":\n${demo.output()}`)));
  });

/** Waits for npm to exit; if it does not within `ms` (the bug this test is for), everything marked is killed and the test fails. */
async function exitOf(demo: NpmDemo, ms = 30_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)));
  const result = await Promise.race([demo.exited, hung]);
  clearTimeout(timer);
  if (result === 'hung') {
    const left = marked();
    for (const pid of left) process.kill(pid, 'SIGKILL');
    throw new Error(`npm did not exit after the signal; still running: ${left.join(', ')}\n${demo.output()}`);
  }
  return result;
}

// Each test runs the whole npm script, including a TypeScript build on a busy 2-core machine.
describe('stopping `npm run demo` by signalling npm alone', { timeout: 240_000 }, () => {
  it('SIGTERM while it builds stops the build and the script; no server starts', async () => {
    const demo = npmRunDemo();
    await printed(demo, 'ispw-mcp demo: building…');
    expect(marked().length).toBeGreaterThan(1); // npm and the script at least: the mark is found
    demo.npm.kill('SIGTERM');
    await exitOf(demo);
    expect(marked()).toEqual([]);
    expect(demo.output()).toContain('ispw-mcp demo: stopped before the server started');
    expect(demo.output()).not.toContain('ispw-mcp demo is running');
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} to npm stops the running demo: every process is gone and it says it stopped`, async () => {
      const demo = npmRunDemo();
      await printed(demo, 'Press Ctrl-C to stop.');
      const running = marked();
      expect(running).toContain(demo.npm.pid);
      expect(running.length).toBeGreaterThan(1);
      demo.npm.kill(signal);
      await exitOf(demo);
      expect(marked()).toEqual([]);
      expect(demo.output()).toContain('ispw-mcp demo stopped.');
    });
  }
});
