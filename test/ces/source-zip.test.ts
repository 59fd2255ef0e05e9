// Opening CES download zips (src/ces/source-zip.ts) on real zip bytes made here with fflate:
// entry names that could be read as paths are left out, bounds are checked before anything is
// inflated, a lying size yields no more than it declared, and binary members are told from text.
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';

import { CesError } from '../../src/ces/errors.js';
import { inflateSourceMember, listSourceZip, memberText, SOURCE_ZIP_LIMITS } from '../../src/ces/source-zip.js';

const text = (value: string) => new TextEncoder().encode(value);
const OP = 'download.test';

describe('source zip', () => {
  it('lists members by name and type, leaving out names that point outside the download', () => {
    const zip = zipSync({
      'PLAY/MF_Source/TPROG01.cbl': text('PROGRAM-ID. TPROG01.'),
      'PLAY/MF_Source/TCPY.cpy': text('01 REC.'),
      'PLAY/MF_Source/RUN.jcl': text('//RUN JOB'),
      'PLAY/MF_Source/OTHER.xyz': text('x'),
      '../../etc/passwd.cbl': text('escape'),
      '/abs/ABS.cbl': text('absolute'),
      'C:/win/WIN.cbl': text('drive'),
      'dir\\BACK.cbl': text('backslash'),
      'a/./DOT.cbl': text('dot segment'),
      'PLAY/MF_Source/': new Uint8Array(),
    });
    const { members, unsafeEntries } = listSourceZip(zip, OP);
    expect(members.map((m) => `${m.name}:${m.type}`).sort()).toEqual(['OTHER:XYZ', 'RUN:JCL', 'TCPY:COPY', 'TPROG01:COB']);
    expect(unsafeEntries).toBe(5);
    expect(members.find((m) => m.name === 'TPROG01')).toMatchObject({ path: 'PLAY/MF_Source/TPROG01.cbl', size: 20 });
  });

  it('refuses a zip with too many entries, or declaring too many bytes, before inflating anything', () => {
    const many = zipSync(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`M${i}.cbl`, text('x')])));
    expect(() => listSourceZip(many, OP, { ...SOURCE_ZIP_LIMITS, maxEntries: 10 })).toThrow(/more than 10 entries/);
    const big = zipSync({ 'BIG.cbl': new Uint8Array(100_000).fill(65) });
    let error: unknown;
    try {
      listSourceZip(big, OP, { ...SOURCE_ZIP_LIMITS, maxTotalBytes: 50_000 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CesError);
    expect((error as CesError).code).toBe('ces_bad_reply');
  });

  it('inflates one member into no more than its declared size, and never one above the member limit', () => {
    const zip = zipSync({ 'A.cbl': new Uint8Array(1_000_000).fill(65) });
    // Lie in the central directory: declare 10 bytes for a member that inflates to a million.
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let i = 0; i < zip.length - 4; i++) if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 10, true);
    const [member] = listSourceZip(zip, OP).members;
    expect(member!.size).toBe(10);
    expect(inflateSourceMember(zip, member!, OP)).toHaveLength(10);
    expect(() => inflateSourceMember(zip, { ...member!, size: SOURCE_ZIP_LIMITS.maxMemberBytes + 1 }, OP)).toThrow(RangeError);
  });

  it('reports bytes that are not a zip as a bad CES reply', () => {
    expect(() => listSourceZip(text('{"message":"not a zip"}'), OP)).toThrow(/not a readable zip/);
  });

  it('tells text from binary', () => {
    expect(memberText(text('       PROGRAM-ID. X.\n'))).toContain('PROGRAM-ID');
    expect(memberText(Uint8Array.from([0x41, 0x00, 0x42]))).toBeUndefined();
    expect(memberText(Uint8Array.from([0xc1, 0xc2, 0xff, 0xfe]))).toBeUndefined();
  });
});
