// URL building: ids in the path, filters in the query, nothing smuggled (docs/ces-api.md §1.1, §1.6).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CesError } from '../../src/ces/errors.js';
import { ops, type Operation } from '../../src/ces/operations.js';
import { buildRequestUrl, encodePathValue, normaliseBaseUrl, pathParameters } from '../../src/ces/paths.js';
import { inputError } from '../support/ces-failure.js';

const BASE = 'https://ces.example.com:48226';

describe('normaliseBaseUrl', () => {
  it.each([
    ['https://ces.example.com:48226/', 'https://ces.example.com:48226'],
    ['https://ces.example.com:48226/compuware', 'https://ces.example.com:48226'],
    ['https://ces.example.com:48226/ispw/', 'https://ces.example.com:48226'],
    ['http://ces:48080/bmc?x=1#y', 'http://ces:48080'],
    ['  https://CES.Example.com  ', 'https://ces.example.com'],
  ])('%s -> %s', (raw, expected) => {
    expect(normaliseBaseUrl(raw)).toBe(expected);
  });

  it('refuses credentials, other schemes and garbage', () => {
    expect(inputError(() => normaliseBaseUrl('https://user:secretpw@ces:1')).message).not.toContain('secretpw');
    inputError(() => normaliseBaseUrl('ftp://ces'));
    inputError(() => normaliseBaseUrl('ces:48226'));
    inputError(() => normaliseBaseUrl('not a url'));
  });
});

describe('buildRequestUrl', () => {
  it('puts ids in the path and level in the query', () => {
    const url = buildRequestUrl(BASE, 'cw09-47623', ops.promoteAssignment, {
      path: { assignmentId: 'PLAY000313' },
      query: { level: 'DEV1', mname: undefined, mtype: '' },
    });
    expect(url.href).toBe(`${BASE}/ispw/cw09-47623/assignments/PLAY000313/tasks/promote?level=DEV1`);
  });

  it('repeats taskId for a list and spells booleans', () => {
    const url = buildRequestUrl(BASE, 'ISPW', ops.generateTasks, {
      path: { assignmentId: 'A1' },
      query: { taskId: ['7E3A5D04D0C2', '', '7E3A5D04D3A3'], level: 'DEV2' },
    });
    expect(url.search).toBe('?taskId=7E3A5D04D0C2&taskId=7E3A5D04D3A3&level=DEV2');
    const add = buildRequestUrl(BASE, 'ISPW', ops.addTask, { path: { assignmentId: 'A1' }, query: { checkout: false } });
    expect(add.search).toBe('?checkout=false');
    const list = buildRequestUrl(BASE, 'ISPW', ops.listDeployments, { query: { requestId: 46158, priorWeek: true } });
    expect(list.search).toBe('?requestId=46158&priorWeek=true');
  });

  it('omits empty lists and encodes national characters in ids', () => {
    const url = buildRequestUrl(BASE, 'SR@1', ops.getAssignmentTask, {
      path: { assignmentId: 'A#1', taskId: 'T$1' },
      query: { rtConfig: [] },
    });
    expect(url.pathname).toBe('/ispw/SR%401/assignments/A%231/tasks/T%241');
    expect(url.search).toBe('');
  });

  it('keeps & = # and spaces inside one query value', () => {
    const url = buildRequestUrl(BASE, 'ISPW', ops.listContainers, { query: { description: 'a&b=c#d e', owner: 'X' } });
    expect([...url.searchParams.entries()]).toEqual([
      ['description', 'a&b=c#d e'],
      ['owner', 'X'],
    ]);
    expect(url.hash).toBe('');
  });

  it.each([
    ['missing', {}],
    ['empty', { assignmentId: '' }],
    ['slash', { assignmentId: 'a/b' }],
    ['dot-dot', { assignmentId: '..' }],
    ['dot', { assignmentId: '.' }],
    ['percent', { assignmentId: '%2e%2e' }],
    ['question mark', { assignmentId: 'a?level=X' }],
    ['space', { assignmentId: 'a b' }],
    ['too long', { assignmentId: 'A'.repeat(65) }],
    ['unknown path parameter', { assignmentId: 'A1', releaseId: 'R1' }],
  ])('refuses a path value: %s', (_label, path) => {
    const error = inputError(() => buildRequestUrl(BASE, 'ISPW', ops.getAssignment, { path }));
    expect(error.details.operation).toBe('assignment.get');
  });

  it('names the parameter in the error', () => {
    expect(inputError(() => buildRequestUrl(BASE, 'ISPW', ops.getAssignment, {})).message).toContain('assignmentId');
    expect(inputError(() => buildRequestUrl(BASE, 'bad/srid', ops.getAssignment, { path: { assignmentId: 'A' } })).message).toContain('srid');
    expect(inputError(() => buildRequestUrl(BASE, 'ISPW', ops.getAssignment, { path: { assignmentId: 'A' }, query: { level: 'DEV1' } })).message).toContain(
      'level',
    );
  });

  it('refuses control characters and odd types in query values', () => {
    inputError(() => buildRequestUrl(BASE, 'ISPW', ops.getSet, { path: { setId: 'S1' }, query: { level: 'DEV1\r\nX-Evil: 1' } }));
    inputError(() => buildRequestUrl(BASE, 'ISPW', ops.getSet, { path: { setId: 'S1' }, query: { level: '\u0000' } }));
    inputError(() => buildRequestUrl(BASE, 'ISPW', ops.listDeployments, { query: { requestId: Number.NaN } }));
    inputError(() => buildRequestUrl(BASE, 'ISPW', ops.getSet, { path: { setId: 'S1' }, query: { level: { a: 1 } as never } }));
  });

  it('accepts every catalogue operation with plausible values', () => {
    for (const operation of Object.values(ops) as Operation<unknown>[]) {
      const path = Object.fromEntries(pathParameters(operation.path).map((name) => [name, 'X1']));
      const url = buildRequestUrl(BASE, 'ISPW', operation, { path });
      expect(url.pathname).toBe(`/ispw/ISPW${operation.path.replace(/\{[A-Za-z]+\}/g, 'X1')}`);
    }
  });
});

describe('buildRequestUrl property', () => {
  const template = ops.getReleaseTask; // two ids in the path, one query parameter
  const generate = ops.generateTasks; // repeated taskId + level

  // Half plausible ids (so the success branch is exercised), half arbitrary text.
  const idChar = fc.constantFrom(...'ABCXYZabcxyz0189._~-@#$/?%&= '.split(''));
  const anyId = fc.oneof(
    fc.array(idChar, { maxLength: 70 }).map((chars) => chars.join('')),
    fc.string({ maxLength: 80, unit: 'binary' }),
  );

  it('never changes the path shape or smuggles parameters', () => {
    fc.assert(
      fc.property(
        anyId,
        anyId,
        anyId,
        fc.array(fc.string({ maxLength: 40, unit: 'binary' }), { maxLength: 4 }),
        fc.string({ maxLength: 80, unit: 'binary' }),
        (srid, releaseId, taskId, taskIds, level) => {
          let url: URL;
          try {
            url = buildRequestUrl(BASE, srid, template, { path: { releaseId, taskId }, query: { rtConfig: level } });
          } catch (error) {
            expect(error).toBeInstanceOf(CesError);
            expect((error as CesError).code).toBe('ces_input');
            return;
          }
          expect(url.origin).toBe(BASE);
          expect(url.hash).toBe('');
          expect(url.pathname).toBe(`/ispw/${encodeURIComponent(srid)}/releases/${encodeURIComponent(releaseId)}/tasks/${encodeURIComponent(taskId)}`);
          const segments = url.pathname.split('/').slice(1);
          expect(segments).toHaveLength(6);
          expect(segments.map(decodeURIComponent)).toEqual(['ispw', srid, 'releases', releaseId, 'tasks', taskId]);
          const entries = [...url.searchParams.entries()];
          expect(entries).toEqual(level === '' ? [] : [['rtConfig', level]]);

          let generateUrl: URL;
          try {
            generateUrl = buildRequestUrl(BASE, 'ISPW', generate, { path: { assignmentId: 'A1' }, query: { taskId: taskIds, level } });
          } catch (error) {
            expect((error as CesError).code).toBe('ces_input');
            return;
          }
          expect(generateUrl.pathname).toBe('/ispw/ISPW/assignments/A1/taskIds/generate');
          expect(generateUrl.searchParams.getAll('taskId')).toEqual(taskIds.filter((t) => t !== ''));
          expect(generateUrl.searchParams.getAll('level')).toEqual(level === '' ? [] : [level]);
          expect([...new Set(generateUrl.searchParams.keys())].every((k) => k === 'taskId' || k === 'level')).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('accepts every valid id and round-trips it', () => {
    const idChar = fc.constantFrom(...'ABCXYZabcxyz0189._~-@#$'.split(''));
    const id = fc
      .array(idChar, { minLength: 1, maxLength: 64 })
      .map((chars) => chars.join(''))
      .filter((value) => value !== '.' && value !== '..');
    fc.assert(
      fc.property(id, (value) => {
        const encoded = encodePathValue('setId', value);
        const url = buildRequestUrl(BASE, 'ISPW', ops.getSet, { path: { setId: value } });
        expect(url.pathname).toBe(`/ispw/ISPW/sets/${encoded}`);
        expect(decodeURIComponent(url.pathname.split('/')[4] ?? '')).toBe(value);
      }),
      { numRuns: 500 },
    );
  });
});
