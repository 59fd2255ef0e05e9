// Source text of the simulated members, for the download endpoints (docs/ces-api.md §2.6): made up from
// the member's name and type, the same every time, as CES would send it after converting EBCDIC.
// The repository also holds members that are not tasks of any container: a binary load module and
// a program too large to read, so clients can show how they refuse both, and a long program.

/** A member of the simulated repository that belongs to no task. */
export interface RepositoryMember {
  stream: string;
  application: string;
  subAppl: string;
  level: string;
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** File extension the downloader writes per component type. */
export const EXTENSION: Record<string, string> = { COB: 'cbl', COPY: 'cpy', JCL: 'jcl', LINK: 'lnk', LOAD: 'load' };

const pad = (line: string) => line.padEnd(72).slice(0, 72);

export function sourceText(name: string, type: string, version: number): string {
  if (type === 'COPY') {
    return [
      `      * COPYBOOK ${name} VERSION ${version}`,
      `       01  ${name}-REC.`,
      `           05  ${name}-ID        PIC X(8).`,
      `           05  ${name}-IBAN      PIC X(34).`,
      '',
    ]
      .map(pad)
      .join('\n');
  }
  if (type === 'JCL') return [`//${name} JOB (ACCT),'${name} V${version}',CLASS=A`, `//STEP1   EXEC PGM=IEFBR14`, ''].join('\n');
  if (type === 'LINK') return [`  INCLUDE SYSLIB(${name})`, `  ENTRY ${name}`, `  NAME ${name}(R)`, ''].join('\n');
  return [
    `       IDENTIFICATION DIVISION.`,
    `       PROGRAM-ID. ${name}.`,
    `      * VERSION ${version}`,
    `       DATA DIVISION.`,
    `       WORKING-STORAGE SECTION.`,
    `       01  WS-COUNT          PIC 9(4) VALUE 0.`,
    `       PROCEDURE DIVISION.`,
    `           ADD 1 TO WS-COUNT`,
    `           DISPLAY '${name} RAN ' WS-COUNT`,
    `           GOBACK.`,
    '',
  ]
    .map(pad)
    .join('\n');
}

/** The members seeded in the repository only (demo estate): PLAY/PLAY at QA. */
export function repositoryOnlyMembers(): RepositoryMember[] {
  const where = { stream: 'PLAY', application: 'PLAY', subAppl: 'PLAY', level: 'QA' };
  // A load module: bytes that are not text (NULs, invalid UTF-8).
  const load = Uint8Array.from({ length: 4096 }, (_, i) => (i * 37) % 256);
  const encoder = new TextEncoder();
  // A program of 2 MiB: above what clients read, small once compressed.
  const big = encoder.encode(sourceText('TBIGPROG', 'COB', 1).repeat(Math.ceil((2 * 1024 * 1024) / 800)));
  // A long program (about 150 KiB): readable, but more than a client shows by default.
  const long = encoder.encode(sourceText('TLONGPRG', 'COB', 1).repeat(200));
  return [
    { ...where, name: 'TBINLOAD', type: 'LOAD', bytes: load },
    { ...where, name: 'TBIGPROG', type: 'COB', bytes: big },
    { ...where, name: 'TLONGPRG', type: 'COB', bytes: long },
  ];
}
