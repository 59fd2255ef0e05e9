// `ispw-mcp healthcheck [--url]`: an exec probe for images without a shell or curl. Asks the
// server's /readyz (or any health URL) and turns the answer into an exit code: 0 healthy, 1 not.
export interface HealthcheckResult {
  ok: boolean;
  /** One line for stderr: status and, when not ready, why. */
  message: string;
}

export async function runHealthcheck(url: string, timeoutMs = 5_000): Promise<HealthcheckResult> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, message: `not a URL: ${url}` };
  }
  try {
    const response = await fetch(parsed, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    const text = (await response.text()).slice(0, 2_000);
    let reasons = '';
    try {
      const body = JSON.parse(text) as { status?: string; checks?: { secrets?: { missing?: string[] }; ces?: { instance: string; status: string }[] } };
      const failing = (body.checks?.ces ?? []).filter((c) => c.status !== 'ok').map((c) => `${c.instance}: ${c.status}`);
      const missing = body.checks?.secrets?.missing ?? [];
      reasons = [body.status, ...failing, ...(missing.length ? [`secrets missing: ${missing.join(', ')}`] : [])].filter(Boolean).join('; ');
    } catch {
      reasons = text.trim().slice(0, 200);
    }
    return { ok: response.ok, message: `${parsed.pathname} ${response.status}${reasons ? ` (${reasons})` : ''}` };
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
    return { ok: false, message: `${parsed.origin}${parsed.pathname}: ${reason}` };
  }
}
