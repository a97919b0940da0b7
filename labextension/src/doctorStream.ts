/**
 * The connection doctor's streamed answer (`GET api/wopi/status?progress=1`):
 * the body read as it arrives, and its JSON lines turned into steps and the
 * report. The call itself is checkConnection in api.ts.
 */

import type { IConnectionReport } from './wire';

/** Hand over a response's body as text chunks as they arrive. */
export async function readBody(
  response: Response,
  onChunk: (text: string) => void
): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) {
    onChunk(await response.text()); // no streams (older browsers, tests)
    return;
  }
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      onChunk(decoder.decode());
      return;
    }
    onChunk(decoder.decode(value, { stream: true }));
  }
}

/**
 * The doctor's streamed answer, one JSON object a line: `{"progress": text}`
 * for each step (IDoctorProgress), then `{"result": report}` (IDoctorResult).
 * Chunks may split lines anywhere.
 */
export class DoctorLines {
  constructor(private readonly _onProgress: (step: string) => void) {}

  /** Take the next chunk of the body. */
  push(chunk: string): void {
    const lines = (this._rest + chunk).split('\n');
    this._rest = lines.pop() ?? '';
    lines.forEach(line => this._take(line));
  }

  /** The report, once the body has ended; null when none came. */
  end(): IConnectionReport | null {
    this._take(this._rest);
    this._rest = '';
    return this._report;
  }

  private _take(line: string): void {
    if (!line.trim()) {
      return;
    }
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      return; // not ours (a proxy's page): the missing report says so
    }
    if (data === null || typeof data !== 'object') {
      return;
    }
    const { progress, result } = data as Record<string, unknown>;
    if (typeof progress === 'string') {
      this._onProgress(progress);
    } else if (isReport(result)) {
      this._report = result;
    } else if (isReport(data)) {
      this._report = data; // a server that does not stream answers at once
    }
  }

  private _rest = '';
  private _report: IConnectionReport | null = null;
}

function isReport(data: unknown): data is IConnectionReport {
  return (
    data !== null &&
    typeof data === 'object' &&
    typeof (data as IConnectionReport).ok === 'boolean' &&
    Array.isArray((data as IConnectionReport).checks)
  );
}
