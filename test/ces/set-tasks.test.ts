// A set and its tasks (src/ces/set-tasks.ts), shared by ispw_get_set and the confirmation preview.
// Against the simulator (which always lists a set's tasks): one request, the same tasks as its task
// list. Against a loopback server that behaves like real CES (tasks in GetSetInfo only with a
// level): the level is passed when known, and without one the tasks come from GetSetTaskList; the
// confirmation preview of a set action therefore sees the set's tasks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { CesTarget } from '../../src/ces/api.js';
import { createCesDirectory } from '../../src/ces/directory.js';
import { ops } from '../../src/ces/operations.js';
import { readSetWithTasks } from '../../src/ces/set-tasks.js';
import { readContainerFacts } from '../../src/policy/preview.js';
import { json, startFakeCes, type FakeCes } from './fake-ces.js';

const TOKEN = 'set-tasks-token-2c7e91';
const SRID = 'SETT';
const SET = 'S000999001';
const TASKS = [
  { taskId: '7E3A5D04D7A1', moduleName: 'TPROG01', moduleType: 'COB', level: 'QA', status: 'Active' },
  { taskId: '7E3A5D04D7A2', moduleName: 'TPROG02', moduleType: 'COB', level: 'QA', status: 'Active' },
];
const signal = new AbortController().signal;

const targetOf = (url: string, srids: string[]) => {
  const directory = createCesDirectory({ instances: [{ name: 'x', url, srids, token: () => TOKEN, runtimeConfig: 'TPZP', timeoutMs: 5000, retries: 0 }] });
  return { directory, target: directory.resolve() };
};

describe('readSetWithTasks against the simulator', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('takes the tasks from the set reply when it lists them, in one request', async () => {
    const { directory, target } = targetOf(sim.url, sim.srids);
    try {
      const expected = (await target.call(ops.listSetTasks, { path: { setId: DEMO.sets.closedDeploy } }, { signal })).tasks;
      expect(expected.length).toBeGreaterThan(0);
      const before = sim.requests.length;
      const { set, tasks } = await readSetWithTasks(target, DEMO.sets.closedDeploy, undefined, signal);
      expect(set.setid?.trim()).toBe(DEMO.sets.closedDeploy);
      expect(tasks.map((t) => t.taskId)).toEqual(expected.map((t) => t.taskId));
      expect(sim.requests.slice(before).map((r) => r.path)).toEqual([`/ispw/${sim.srids[0]}/sets/${DEMO.sets.closedDeploy}`]);
    } finally {
      await directory.close();
    }
  });
});

describe('readSetWithTasks against CES that lists set tasks only with a level', () => {
  let ces: FakeCes;
  let directory: ReturnType<typeof targetOf>['directory'];
  let target: CesTarget;
  beforeAll(async () => {
    ces = await startFakeCes((request, response) => {
      const url = new URL(request.url, 'http://ces');
      if (url.pathname === `/ispw/${SRID}/sets/${SET}`) {
        const level = url.searchParams.get('level');
        return json(response, 200, {
          setid: SET,
          state: 'Closed',
          applicationId: 'PLAY',
          streamName: 'PLAY',
          tasks: level ? TASKS.filter((t) => t.level === level) : [],
        });
      }
      if (url.pathname === `/ispw/${SRID}/sets/${SET}/tasks`) return json(response, 200, { tasks: TASKS });
      return json(response, 404, { message: `no ${url.pathname}` });
    });
    ({ directory, target } = targetOf(ces.url, [SRID]));
  });
  afterAll(async () => {
    await directory.close();
    await ces.close();
  });
  const paths = (from: number) => ces.requests.slice(from).map((r) => new URL(r.url, 'http://ces'));

  it('without a level: falls back to the set task list', async () => {
    const before = ces.requests.length;
    const { tasks } = await readSetWithTasks(target, SET, undefined, signal);
    expect(tasks.map((t) => t.taskId)).toEqual(TASKS.map((t) => t.taskId));
    expect(paths(before).map((u) => u.pathname)).toEqual([`/ispw/${SRID}/sets/${SET}`, `/ispw/${SRID}/sets/${SET}/tasks`]);
  });

  it('with a level: passes it and takes the tasks from the set reply', async () => {
    const before = ces.requests.length;
    const { tasks } = await readSetWithTasks(target, SET, 'QA', signal);
    expect(tasks).toHaveLength(2);
    const sent = paths(before);
    expect(sent.map((u) => u.pathname)).toEqual([`/ispw/${SRID}/sets/${SET}`]);
    expect(sent[0]!.searchParams.get('level')).toBe('QA');
  });

  it('the confirmation preview of a set action sees the set tasks (and digests them)', async () => {
    const facts = await readContainerFacts(target, { container: { type: 'set', id: SET } }, signal);
    expect(facts).toMatchObject({ stream: 'PLAY', application: 'PLAY', setState: 'Closed', taskCount: 2 });
    expect(facts.tasks.map((t) => t.moduleName)).toEqual(['TPROG01', 'TPROG02']);
    const atLevel = await readContainerFacts(target, { container: { type: 'set', id: SET }, level: 'QA' }, signal);
    expect(atLevel.taskCount).toBe(2);
    expect(atLevel.state).toBe(facts.state);
  });
});
