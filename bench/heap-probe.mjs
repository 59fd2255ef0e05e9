// Preload (`node --expose-gc --import bench/heap-probe.mjs …`) for memory investigations of a server
// under load (bench/soak-heap.ts): every BENCH_HEAP_PROBE_MS writes one JSON line of
// process.memoryUsage() and the V8 heap spaces to $BENCH_HEAP_PROBE_DIR/memory.jsonl; on SIGUSR2 it
// reads $BENCH_HEAP_PROBE_DIR/command ("gc", "snapshot <name>", "alloc-start", "alloc-stop <name>"),
// runs it and appends a marked line. alloc-start/stop is V8's sampling heap profiler counting every
// sampled allocation, also those collected since (the allocation rate by function, not what is kept).
// Nothing here runs unless the bench starts the server with this preload.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import v8 from 'node:v8';

const dir = process.env.BENCH_HEAP_PROBE_DIR;
if (dir) {
  const every = Number(process.env.BENCH_HEAP_PROBE_MS ?? 1000);
  const t0 = performance.now();
  const kb = (n) => Math.round(n / 1024);
  // GC count and pause time by kind since start: young-generation scavenges vs full mark-compacts.
  const gc = { minor: 0, minorMs: 0, major: 0, majorMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = entry.detail?.kind;
      const major = kind === constants.NODE_PERFORMANCE_GC_MAJOR;
      if (!major && kind !== constants.NODE_PERFORMANCE_GC_MINOR && kind !== constants.NODE_PERFORMANCE_GC_MINOR_MARK_SWEEP) continue;
      gc[major ? 'major' : 'minor'] += 1;
      gc[major ? 'majorMs' : 'minorMs'] += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const line = (extra = {}) => {
    const mu = process.memoryUsage();
    const spaces = {};
    for (const s of v8.getHeapSpaceStatistics()) if (s.space_size > 0) spaces[s.space_name] = { sizeKb: kb(s.space_size), usedKb: kb(s.space_used_size) };
    // Anonymous vs file-backed resident memory: the JS heap, malloc arenas and thread stacks are anonymous.
    const status = readFileSync('/proc/self/status', 'utf8');
    const statusKb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const record = {
      t: Math.round(performance.now() - t0),
      rssKb: kb(mu.rss),
      rssAnonKb: statusKb('RssAnon'),
      rssFileKb: statusKb('RssFile'),
      mallocedKb: kb(v8.getHeapStatistics().malloced_memory),
      heapTotalKb: kb(mu.heapTotal),
      heapUsedKb: kb(mu.heapUsed),
      externalKb: kb(mu.external),
      arrayBuffersKb: kb(mu.arrayBuffers),
      spaces,
      gc: { minor: gc.minor, minorMs: Math.round(gc.minorMs), major: gc.major, majorMs: Math.round(gc.majorMs) },
      ...extra,
    };
    appendFileSync(join(dir, 'memory.jsonl'), `${JSON.stringify(record)}\n`);
  };
  setInterval(line, every).unref();
  let session;
  process.on('SIGUSR2', () => {
    const [command, name] = readFileSync(join(dir, 'command'), 'utf8').trim().split(/\s+/);
    const started = performance.now();
    if (command === 'gc' || command === 'snapshot') {
      globalThis.gc?.({ type: 'major', execution: 'sync' });
      globalThis.gc?.({ type: 'major', execution: 'sync' });
      line({ mark: `gc ${name ?? ''}`.trim(), gcMs: Math.round(performance.now() - started) });
    }
    if (command === 'snapshot') {
      const file = v8.writeHeapSnapshot(join(dir, `${name}.heapsnapshot`));
      line({ mark: `snapshot ${name}`, file });
    }
    const done = () => writeFileSync(join(dir, 'done'), `${command} ${name ?? ''}\n`);
    if (command === 'alloc-start') {
      session = new Session();
      session.connect();
      const options = { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
      return session.post('HeapProfiler.startSampling', options, done);
    }
    if (command === 'alloc-stop' && session) {
      return session.post('HeapProfiler.stopSampling', (error, result) => {
        writeFileSync(join(dir, `${name}.heapprofile`), JSON.stringify(error ? { error: String(error) } : result.profile));
        session.disconnect();
        done();
      });
    }
    done();
  });
}
