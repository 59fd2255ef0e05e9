// Opens the zip a CES source download returns (docs/ces-api.md §2.6), in memory only: nothing is ever
// written to disk. The central directory is read first and checked against bounds (entry count,
// declared sizes) before anything is inflated; only the one member asked for is inflated, into a
// buffer of its declared size, so a zip that lies about a size yields at most that many bytes
// (fflate). Entry names are never used as paths: a name with `..`, a leading `/`, a drive letter,
// a backslash or a control character is left out and counted. CES converts EBCDIC itself (with the
// host connection's code page); a member that is not UTF-8 text is reported as binary.
import { unzipSync } from 'fflate';

import { CesError } from './errors.js';

export interface SourceZipLimits {
  /** Most entries a zip may list (checked before inflating anything). */
  maxEntries: number;
  /** Most bytes all entries may declare together (a zip-bomb signal, checked before inflating). */
  maxTotalBytes: number;
  /** Most bytes one member may declare to be read (inflated). */
  maxMemberBytes: number;
}

export const SOURCE_ZIP_LIMITS: SourceZipLimits = Object.freeze({ maxEntries: 10_000, maxTotalBytes: 512 * 1024 * 1024, maxMemberBytes: 1024 * 1024 });

/** One member of a download: where it is in the zip and what its name says. */
export interface SourceMember {
  /** The entry name in the zip, e.g. `PLAY/MF_Source/TPROG01.cbl`. */
  path: string;
  /** Member name: the file name without its extension, upper-case (`TPROG01`). */
  name: string;
  /** Component type from the extension (`cbl` → `COB`, `cpy` → `COPY`, else the extension upper-cased). */
  type: string;
  /** Declared uncompressed size in bytes. */
  size: number;
}

export interface SourceListing {
  members: SourceMember[];
  /** Entries left out because their names could be read as paths outside the download. */
  unsafeEntries: number;
}

// The extensions BMC's downloader writes for the common types (SonarQube setups read .cbl and .cpy).
const TYPE_OF_EXTENSION: Record<string, string> = { cbl: 'COB', cob: 'COB', cpy: 'COPY', jcl: 'JCL', asm: 'ASM', pli: 'PLI' };

/** Why an entry name is unsafe to show or match, or undefined when it is fine. */
function unsafeName(name: string): boolean {
  return (
    name === '' ||
    name.length > 512 ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.includes('\\') ||
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    /[\u0000-\u001f\u007f]/.test(name) ||
    name.split('/').some((segment) => segment === '..' || segment === '.')
  );
}

function memberOf(path: string, size: number): SourceMember {
  const file = path.slice(path.lastIndexOf('/') + 1);
  const dot = file.lastIndexOf('.');
  const extension = dot > 0 ? file.slice(dot + 1).toLowerCase() : '';
  return { path, name: (dot > 0 ? file.slice(0, dot) : file).toUpperCase(), type: TYPE_OF_EXTENSION[extension] ?? extension.toUpperCase(), size };
}

const badZip = (operation: string, message: string) => new CesError('ces_bad_reply', message, { operation });

/** Lists the members without inflating any; throws CesError when the zip breaks a bound or is unreadable. */
export function listSourceZip(zip: Uint8Array, operation: string, limits: SourceZipLimits = SOURCE_ZIP_LIMITS): SourceListing {
  const members: SourceMember[] = [];
  let unsafeEntries = 0;
  let entries = 0;
  let total = 0;
  try {
    unzipSync(zip, {
      filter: (file) => {
        entries += 1;
        total += file.originalSize;
        if (entries > limits.maxEntries) throw badZip(operation, `The download lists more than ${limits.maxEntries} entries; narrow it (a level, a type).`);
        if (total > limits.maxTotalBytes)
          throw badZip(operation, `The download declares more than ${limits.maxTotalBytes} bytes of members; narrow it (a level, a type).`);
        if (file.name.endsWith('/')) return false; // a folder entry
        if (unsafeName(file.name)) unsafeEntries += 1;
        else members.push(memberOf(file.name, file.originalSize));
        return false;
      },
    });
  } catch (error) {
    if (error instanceof CesError) throw error;
    throw badZip(operation, `CES sent a download that is not a readable zip (${(error as Error).message}).`);
  }
  return { members, unsafeEntries };
}

/**
 * Inflates one member of a listing. The caller decides what to do with a member above
 * `maxMemberBytes` (a tool refuses it); here it is refused again so no caller can inflate one.
 */
export function inflateSourceMember(zip: Uint8Array, member: SourceMember, operation: string, limits: SourceZipLimits = SOURCE_ZIP_LIMITS): Uint8Array {
  if (member.size > limits.maxMemberBytes) throw new RangeError(`member ${member.path} is larger than ${limits.maxMemberBytes} bytes`);
  let bytes: Uint8Array | undefined;
  try {
    bytes = unzipSync(zip, { filter: (file) => file.name === member.path })[member.path];
  } catch (error) {
    throw badZip(operation, `Member ${member.path} of the download cannot be inflated (${(error as Error).message}).`);
  }
  if (bytes === undefined) throw badZip(operation, `Member ${member.path} is listed in the download but has no data.`);
  return bytes;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The member as text, or undefined when it is binary (not UTF-8, or holds NUL characters). */
export function memberText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return undefined;
  }
  return text.includes('\u0000') ? undefined : text;
}
