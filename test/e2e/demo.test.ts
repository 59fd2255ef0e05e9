// "Done means": `ispw-mcp demo` starts, an MCP client lists the tools and drives generate →
// promote → deploy of the demo assignment to completion, with progress, then Ctrl-C stops it.
import { afterAll, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { connectHttp } from '../support/clients.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';

let demo: ServerProcess | undefined;
afterAll(async () => demo?.stop('SIGINT'));

describe('ispw-mcp demo', () => {
  it('drives generate → promote → deploy of the demo assignment to completion with progress', async () => {
    demo = await startServerProcess(['demo', '--port', '0', '--step-ms', '100'], serverEnv({}));
    expect(demo.stderr()).toContain('"servers"');
    const { client } = await connectHttp(demo.url, '2026');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['ispw_generate', 'ispw_promote', 'ispw_deploy']));

    const steps = [
      { tool: 'ispw_generate', level: DEMO.assignmentLevel },
      { tool: 'ispw_promote', level: DEMO.assignmentLevel },
      { tool: 'ispw_deploy', level: 'QA' },
    ];
    for (const step of steps) {
      const progress: string[] = [];
      const result = await client.callTool(
        {
          name: step.tool,
          arguments: { container_type: 'assignment', container_id: DEMO.assignmentId, level: step.level, wait_seconds: 30 },
        },
        { onprogress: (p) => progress.push(p.message ?? '') },
      );
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ setId: expect.stringMatching(/^S\d{9}$/), outcome: 'succeeded' });
      expect(progress.length).toBeGreaterThan(0);
    }
    const tasks = await client.callTool({ name: 'ispw_list_tasks', arguments: { container_type: 'assignment', container_id: DEMO.assignmentId } });
    expect(JSON.stringify(tasks.structuredContent)).toContain('"QA"');
    await client.close();
    expect(await demo.stop('SIGINT')).toBe(0);
    demo = undefined;
  });
});
