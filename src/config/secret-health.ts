// Readiness of the secrets the server needs: every secret source (token, key, certificate, CA,
// passphrase; file-backed or plain) is registered by name, and `/readyz` reports not-ready while any
// of them has no usable value. A rotation to an empty or unreadable file keeps the last good value,
// so only a secret that never had one (or whose provider fails) makes the server not ready.
// Reports names only — never values.

export class SecretHealth {
  private readonly sources = new Map<string, () => string | undefined>();

  /** Registers a secret; `source` returns its current value or undefined when there is none. */
  register(name: string, source: () => string | undefined): void {
    this.sources.set(name, source);
  }

  /** Names of the registered secrets that have no usable value now. */
  problems(): string[] {
    const missing: string[] = [];
    for (const [name, source] of this.sources) {
      let value: string | undefined;
      try {
        value = source();
      } catch {
        value = undefined;
      }
      if (value === undefined || value.trim() === '') missing.push(name);
    }
    return missing;
  }

  ok(): boolean {
    return this.problems().length === 0;
  }

  /** Names of every registered secret (for diagnostics). */
  names(): string[] {
    return [...this.sources.keys()];
  }
}
