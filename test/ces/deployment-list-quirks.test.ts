// The deployment list as BMC's deployment-list action's tests show CES sending it (errata E10): one
// request as a bare object instead of an array, a numeric requestId, an upper-case status. The DTO is
// the real parser the tools use.
import { describe, expect, it } from 'vitest';

import { DeploymentList, SetDeployment } from '../../src/ces/dto/index.js';

const REPLY = { deployments: { requestId: 46158, setId: 'S000143423', environment: 'QA', status: 'COMPLETED', description: 'Deploy PLAY000313' } };

describe('deployment list quirks', () => {
  it('reads one request sent as an object, its numeric id as text, its status as sent', () => {
    const parsed = DeploymentList.parse(REPLY);
    expect(parsed.deployments).toEqual([expect.objectContaining({ requestId: '46158', status: 'COMPLETED', environment: 'QA' })]);
  });

  it('reads a set deployment reply the same way', () => {
    expect(SetDeployment.parse(REPLY).deployments[0]).toMatchObject({ requestId: '46158', status: 'COMPLETED' });
  });

  it('still refuses a reply that is not a list of requests', () => {
    expect(() => DeploymentList.parse({ deployments: 'none' })).toThrow();
  });
});
