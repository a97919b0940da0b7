/**
 * Opening a session: every failure becomes a sentence for the user.
 */

import { ServerConnection } from '@jupyterlab/services';

import {
  ApiError,
  checkConnection,
  convertFile,
  fetchConflicts,
  openSession,
  releaseLock,
  SessionError,
  usableSession
} from '../api';

import { REPORT, SESSION } from './fixtures';

function serverAnswering(
  status: number,
  body: string,
  requests: Array<{ url: string; body: string }> = []
): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: async (input: RequestInfo, init?: RequestInit) => {
      const request = new Request(input, init);
      requests.push({ url: request.url, body: await request.text() });
      return new Response(body, {
        status,
        statusText: status === 200 ? 'OK' : 'Error',
        headers: { 'Content-Type': 'application/json' }
      });
    }
  });
}

describe('openSession', () => {
  it('posts the request to api/wopi/sessions and returns the session', async () => {
    const requests: Array<{ url: string; body: string }> = [];
    const session = await openSession(
      { path: 'docs/a.docx', action: 'edit', language: 'fr-FR', theme: 'dark' },
      serverAnswering(200, JSON.stringify(SESSION), requests)
    );
    expect(session.action_url).toBe(SESSION.action_url);
    expect(requests[0].url).toMatch(/\/api\/wopi\/sessions(\?|$)/);
    expect(JSON.parse(requests[0].body)).toEqual({
      path: 'docs/a.docx',
      action: 'edit',
      language: 'fr-FR',
      theme: 'dark'
    });
  });

  it('reports the problem when ONLYOFFICE is not configured', async () => {
    const answer = {
      ...SESSION,
      action_url: null,
      onlyoffice_origin: null,
      problem:
        'Set JUPYTER_WOPI_ONLYOFFICE_URL to the address of ONLYOFFICE Docs.'
    };
    await expect(
      openSession(
        { path: 'a.docx', action: 'edit' },
        serverAnswering(200, JSON.stringify(answer))
      )
    ).rejects.toEqual(new SessionError(answer.problem));
  });

  it.each([
    [404, 'There is no file at a.docx that Jupyter may open.'],
    [415, 'ONLYOFFICE Docs cannot open .xyz files.'],
    [502, 'ONLYOFFICE Docs at https://office.example.org is unreachable.']
  ])("reports the server's message for a %s", async (status, message) => {
    const request = openSession(
      { path: 'a.docx', action: 'edit' },
      serverAnswering(status, JSON.stringify({ message }))
    );
    await expect(request).rejects.toBeInstanceOf(SessionError);
    await expect(request).rejects.toMatchObject({ message, status });
  });

  it.each([
    [
      'says what happened when the server sends no message',
      500,
      '',
      { message: 'The Jupyter server answered 500 Error.' }
    ],
    [
      'does not show an HTML error page as the message',
      403,
      '<html><body>Forbidden</body></html>',
      { message: 'The Jupyter server answered 403 Error.' }
    ],
    [
      'names the missing server extension on a bare 404',
      404,
      '<html><title>404: Not Found</title></html>',
      {
        message: expect.stringContaining(
          'The jupyter_wopi server extension is not running'
        ),
        status: 404
      }
    ]
  ])('%s', async (_, status, body, failure) => {
    await expect(
      openSession(
        { path: 'a.docx', action: 'edit' },
        serverAnswering(status, body)
      )
    ).rejects.toMatchObject(failure);
  });

  it('reports a network failure in words', async () => {
    const settings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      }
    });
    await expect(
      openSession({ path: 'a.docx', action: 'edit' }, settings)
    ).rejects.toMatchObject({
      message: expect.stringContaining('could not be reached (Failed to fetch)')
    });
  });
});

describe('usableSession', () => {
  it('needs both the action URL and the ONLYOFFICE origin', () => {
    expect(() =>
      usableSession({ ...SESSION, mode: 'edit', onlyoffice_origin: null })
    ).toThrow(SessionError);
    expect(usableSession({ ...SESSION, mode: 'edit' }).onlyoffice_origin).toBe(
      SESSION.onlyoffice_origin
    );
  });
});

describe('checkConnection', () => {
  it("asks for the steps as they run and returns the doctor's report", async () => {
    const body =
      '{"progress": "Reading the settings"}\n' +
      '{"progress": "Jupyter → ONLYOFFICE: fetching discovery"}\n' +
      JSON.stringify({ result: REPORT }) +
      '\n';
    const requests: Array<{ url: string; body: string }> = [];
    const steps: string[] = [];
    await expect(
      checkConnection(serverAnswering(200, body, requests), step =>
        steps.push(step)
      )
    ).resolves.toEqual(REPORT);
    expect(requests[0].url).toMatch(/\/api\/wopi\/status\?progress=1(&|$)/);
    expect(steps).toEqual([
      'Reading the settings',
      'Jupyter → ONLYOFFICE: fetching discovery'
    ]);
  });

  it('takes the report of a server that answers at once', async () => {
    await expect(
      checkConnection(serverAnswering(200, JSON.stringify(REPORT)))
    ).resolves.toEqual(REPORT);
  });

  it("says when the server's answer ends without a report", async () => {
    const check = checkConnection(
      serverAnswering(200, '{"progress": "Reading the settings"}\n')
    );
    await expect(check).rejects.toThrow(
      'The Jupyter server ended the connection check without a report.'
    );
  });

  it("passes on the server's refusal as a sentence", async () => {
    const check = checkConnection(
      serverAnswering(503, JSON.stringify({ message: 'The state is damaged.' }))
    );
    await expect(check).rejects.toThrow('The state is damaged.');
    await expect(check).rejects.toMatchObject({ status: 503 });
  });
});

describe('fetchConflicts', () => {
  it('lists the conflict events of api/wopi/conflicts', async () => {
    const conflicts = [{ id: 1, path: 'a.docx', conflict_path: 'a (c).docx' }];
    const requests: Array<{ url: string; body: string }> = [];
    await expect(
      fetchConflicts(
        serverAnswering(200, JSON.stringify({ conflicts }), requests)
      )
    ).resolves.toEqual(conflicts);
    expect(requests[0].url).toMatch(/\/api\/wopi\/conflicts(\?|$)/);
  });
});

describe('failures other than opening a file', () => {
  const refusing = () =>
    serverAnswering(409, JSON.stringify({ message: 'Not now.' }));

  it.each([
    ['convertFile', () => convertFile('a.docx', 'pdf', refusing())],
    ['releaseLock', () => releaseLock('abc', refusing())],
    ['checkConnection', () => checkConnection(refusing())]
  ])('%s fails with an ApiError, not a SessionError', async (_, call) => {
    const failure = call();
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.not.toBeInstanceOf(SessionError);
    await expect(failure).rejects.toMatchObject({
      message: 'Not now.',
      status: 409
    });
  });
});
