/**
 * Unit tests for the requestAPI helper.
 */

import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../request';

function settingsReturning(
  status: number,
  body: string,
  calls: string[] = []
): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/a%40b/',
    fetch: async (input: RequestInfo) => {
      calls.push(typeof input === 'string' ? input : input.url);
      return new Response(body, {
        status,
        headers: { 'Content-Type': 'application/json' }
      });
    }
  });
}

describe('requestAPI', () => {
  it('joins the base URL and the api/wopi namespace', async () => {
    const calls: string[] = [];
    const data = await requestAPI<{ ok: boolean }>(
      'status',
      {},
      settingsReturning(200, '{"ok": true}', calls)
    );
    expect(data).toEqual({ ok: true });
    expect(calls[0]).toMatch(
      /^http:\/\/localhost:8888\/a%40b\/api\/wopi\/status/
    );
  });

  it("throws a ResponseError carrying the server's message", async () => {
    const request = requestAPI(
      'status',
      {},
      settingsReturning(403, '{"message": "nope"}')
    );
    await expect(request).rejects.toBeInstanceOf(
      ServerConnection.ResponseError
    );
    await expect(request).rejects.toMatchObject({ message: 'nope' });
  });
});
