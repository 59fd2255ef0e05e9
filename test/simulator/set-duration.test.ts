// SetRealism.setDurationMs: each new set runs for its own random duration, so load tests of waits
// (bench/waits.ts) get sets of varied, known length; and the counters a load test reads instead of
// the request log (onRequest, openConnections).
import { describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { call, manualClock, simulator } from './helpers.js';

const generate = (sim: Awaited<ReturnType<typeof simulator>>) =>
  call(sim, 'POST', `/assignments/${DEMO.assignmentId}/taskIds/generate`, {
    query: { level: 'DEV1', taskId: DEMO.taskIds.TPROG01 },
    body: {},
  });

describe('sets of a configured random duration', () => {
  it('a set closes exactly after its drawn duration, split over its running steps', async () => {
    const clock = manualClock();
    let draw = 0.5;
    const sim = await simulator({ now: clock.now, realism: { setDurationMs: [10_000, 30_000], random: () => draw } });
    const first = (await generate(sim)).json.setId as string;
    draw = 1;
    const second = (await generate(sim)).json.setId as string;
    const state = async (setId: string) => (await call(sim, 'GET', `/sets/${setId}`)).json.state as string;
    clock.advance(19_999);
    expect(await state(first)).toBe('Executing');
    clock.advance(1);
    expect(await state(first)).toBe('Closed');
    expect(sim.estate.sets.get(first)?.since).toBe(sim.estate.sets.get(second)!.createdAt + 20_000);
    clock.advance(10_000);
    expect(await state(second)).toBe('Closed');
    expect(sim.estate.sets.get(second)?.since).toBe(sim.estate.sets.get(second)!.createdAt + 30_000);
  });

  it('counts requests through onRequest and reports open connections', async () => {
    const seen: string[] = [];
    const sim = await simulator({ onRequest: (method, path) => seen.push(`${method} ${path}`) });
    await generate(sim);
    expect(seen).toEqual([`POST /ispw/${DEMO.srid}/assignments/${DEMO.assignmentId}/taskIds/generate`]);
    expect(sim.openConnections()).toBeGreaterThanOrEqual(0);
  });
});
