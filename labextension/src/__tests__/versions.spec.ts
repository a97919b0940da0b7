/**
 * The Version History panel against a fake server: the list as the server
 * sends it, the loading, empty and error states, Preview, Restore (asked
 * first) and Download, and refreshing when the file is saved.
 */

jest.mock('@jupyterlab/apputils', () => ({
  ...jest.requireActual<object>('@jupyterlab/apputils'),
  // The restore question: each test says how it is answered.
  showDialog: jest.fn()
}));

import { Notification, showDialog } from '@jupyterlab/apputils';
import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { formatAbsolute } from '../versionText';
import {
  type IVersionsEnvironment,
  renderVersionTable,
  VersionHistory
} from '../versions';
import type { IRestoreResult, IVersion, IVersionList } from '../wire';

import { ORIGIN, SESSION, until } from './fixtures';

const trans = nullTranslator.load('jupyter_wopi');
const now = Date.now() / 1000;

const V2: IVersion = {
  id: '2',
  file_id: 'abc',
  created_at: now - 300,
  kept_at: now - 60,
  size: 12_345,
  sha256: 'b'.repeat(64),
  kind: 'save',
  author: 'Ada',
  co_editors: ['Grace', 'Alan']
};

const V1: IVersion = {
  id: '1',
  file_id: 'abc',
  created_at: now - 3 * 86_400,
  kept_at: now - 300,
  size: 900,
  sha256: 'a'.repeat(64),
  kind: 'loaded',
  author: '',
  co_editors: []
};

const LIST: IVersionList = {
  file_id: 'abc',
  path: 'docs/a.docx',
  name: 'a.docx',
  size: 2048,
  modified_at: now - 60,
  author: 'Grace',
  kind: 'save',
  can_restore: true,
  locked_by: '',
  versions: [V2, V1]
};

type Answer = { status: number; body: unknown };

interface IRequest {
  readonly method: string;
  readonly url: URL;
  readonly body: string;
}

/** A fake server: answers by route, records every request. */
class FakeServer {
  readonly requests: IRequest[] = [];
  list: Answer = { status: 200, body: LIST };
  restore: Answer = {
    status: 200,
    body: {
      path: 'docs/a.docx',
      restored: '2',
      kept: { ...V2, id: '3', kind: 'save' },
      editors_told: false
    } satisfies IRestoreResult
  };
  session: Answer = {
    status: 200,
    body: { ...SESSION, file_id: 'abc_v2', mode: 'view', action: 'view' }
  };
  /** Resolves the pending list answer when set: the panel waits meanwhile. */
  hold: Promise<void> | null = null;

  readonly serverSettings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/lab-base/',
    fetch: async (input: RequestInfo, init?: RequestInit) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      this.requests.push({
        method: request.method,
        url,
        body: await request.text()
      });
      let answer: Answer;
      if (url.pathname.endsWith('/restore')) {
        answer = this.restore;
      } else if (url.pathname.endsWith('/api/wopi/sessions')) {
        answer = this.session;
      } else {
        await this.hold;
        answer = this.list;
      }
      return new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'Content-Type': 'application/json' }
      });
    }
  });

  get listRequests(): IRequest[] {
    return this.requests.filter(r => r.url.pathname.includes('/versions'));
  }
}

function environment(server: FakeServer) {
  const env = {
    trans,
    serverSettings: server.serverSettings,
    language: () => 'en-US',
    theme: () => 'dark' as const,
    fileChanged: new Signal<unknown, string>({}),
    announce: jest.fn()
  };
  return env as typeof env & IVersionsEnvironment;
}

let history: VersionHistory;
let submit: jest.SpyInstance;

function open(server: FakeServer, download = jest.fn()) {
  const env = environment(server);
  history = new VersionHistory({
    env,
    path: 'docs/a.docx',
    download,
    slowLoadMs: 10_000
  });
  Widget.attach(history, document.body);
  return { env, download };
}

function rows(): HTMLTableRowElement[] {
  return Array.from(history.node.querySelectorAll('tbody tr'));
}

function button(row: Element, action: string): HTMLButtonElement {
  return row.querySelector(`button[data-action=${action}]`)!;
}

beforeEach(() => {
  submit = jest
    .spyOn(HTMLFormElement.prototype, 'submit')
    .mockImplementation(() => undefined);
  jest.mocked(showDialog).mockReset();
});

afterEach(() => {
  history?.dispose();
  submit.mockRestore();
  document.body.replaceChildren();
  jest.restoreAllMocks();
});

describe('renderVersionTable', () => {
  const actions = {
    preview: jest.fn(),
    restore: jest.fn(),
    download: jest.fn()
  };

  it('lists the versions newest first, with who, how big and what made them', () => {
    const table = renderVersionTable(document, trans, LIST, actions, {
      now: Date.now(),
      locale: 'en-US'
    });
    expect(table.tagName).toBe('TABLE');
    expect(table.caption?.textContent).toBe(
      'Earlier versions of a.docx, newest first'
    );
    const heads = Array.from(table.querySelectorAll('thead th')).map(
      th => th.textContent
    );
    expect(heads).toEqual([
      'Time',
      'Author',
      'Size',
      'What made it',
      'Actions'
    ]);
    const [newest, oldest] = Array.from(table.querySelectorAll('tbody tr'));
    expect(newest.querySelector('time')?.textContent).toBe(
      formatAbsolute(V2.created_at, 'en-US')
    );
    expect(newest.querySelector('time')?.dateTime).toBe(
      new Date(V2.created_at * 1000).toISOString()
    );
    expect(newest.textContent).toContain('5 minutes ago');
    expect(newest.querySelector('.jp-wopi-version-author')?.textContent).toBe(
      'Ada'
    );
    expect(newest.querySelector('.jp-wopi-version-with')?.textContent).toBe(
      'with Grace, Alan'
    );
    expect(newest.querySelector('.jp-wopi-version-size')?.textContent).toBe(
      '12 KB'
    );
    expect(newest.querySelector('.jp-wopi-version-kind')?.textContent).toBe(
      'Saved in the editor'
    );
    expect(oldest.textContent).toContain('3 days ago');
    expect(oldest.querySelector('.jp-wopi-version-author')?.textContent).toBe(
      'unknown author'
    );
    expect(oldest.querySelector('.jp-wopi-version-with')).toBeNull();
    expect(oldest.querySelector('.jp-wopi-version-size')?.textContent).toBe(
      '900 bytes'
    );
    expect(oldest.querySelector('.jp-wopi-version-kind')?.textContent).toBe(
      'Opened in the editor'
    );
  });

  it('gives each row Preview, Restore and Download buttons that act on it', () => {
    const table = renderVersionTable(document, trans, LIST, actions);
    const [, oldest] = Array.from(table.querySelectorAll('tbody tr'));
    const labels = Array.from(oldest.querySelectorAll('button')).map(
      b => b.textContent
    );
    expect(labels).toEqual(['Preview', 'Restore', 'Download']);
    for (const action of ['preview', 'restore', 'download'] as const) {
      button(oldest, action).click();
      expect(actions[action]).toHaveBeenCalledWith(V1);
    }
  });

  it('disables Restore, saying why, when the file may not be changed', () => {
    const table = renderVersionTable(
      document,
      trans,
      { ...LIST, can_restore: false },
      actions
    );
    for (const row of Array.from(table.querySelectorAll('tbody tr'))) {
      const restore = button(row, 'restore');
      expect(restore.disabled).toBe(true);
      expect(restore.title).toMatch(/^You may not change a\.docx/);
      expect(button(row, 'preview').disabled).toBe(false);
      expect(button(row, 'download').disabled).toBe(false);
    }
  });

  it('marks the version being previewed', () => {
    const table = renderVersionTable(document, trans, LIST, actions, {
      previewing: '1'
    });
    const marked = table.querySelectorAll('[aria-current=true]');
    expect(marked).toHaveLength(1);
    expect((marked[0] as HTMLElement).dataset.versionId).toBe('1');
  });
});

describe('VersionHistory', () => {
  it('says it is loading, then shows the file now and its versions', async () => {
    const server = new FakeServer();
    let release = () => undefined as void;
    server.hold = new Promise<void>(resolve => (release = resolve));
    open(server);
    expect(history.state).toBe('loading');
    expect(history.node.querySelector('[role=status]')?.textContent).toBe(
      'Loading versions…'
    );
    release();
    await until(() => history.state === 'ready');
    const [request] = server.requests;
    expect(request.method).toBe('GET');
    expect(request.url.pathname).toBe('/lab-base/api/wopi/versions');
    expect(request.url.searchParams.get('path')).toBe('docs/a.docx');
    expect(history.node.querySelector('h2')?.textContent).toBe('a.docx');
    expect(
      history.node.querySelector('.jp-wopi-versions-now')?.textContent
    ).toBe('Now: 2 KB · modified 1 minute ago · by Grace');
    expect(history.node.querySelector('[role=note]')).toBeNull();
    expect(rows().map(row => row.dataset.versionId)).toEqual(['2', '1']);
  });

  it('gives the keyboard to the first Preview once the list comes, when it had it', async () => {
    const server = new FakeServer();
    let release = () => undefined as void;
    server.hold = new Promise<void>(resolve => (release = resolve));
    open(server);
    history.activate(); // while it loads: Refresh is disabled, the panel keeps it
    await until(() => document.activeElement === history.node);
    release();
    await until(() => history.state === 'ready');
    expect(document.activeElement).toBe(button(rows()[0], 'preview'));
  });

  it('states the restore rule while someone edits the file', async () => {
    const server = new FakeServer();
    server.list = { status: 200, body: { ...LIST, locked_by: 'Ada' } };
    open(server);
    await until(() => history.state === 'ready');
    expect(history.node.querySelector('[role=note]')?.textContent).toBe(
      'Being edited by Ada. Restoring replaces it for everyone: open ' +
        'editors are asked to reload, and anything they save before ' +
        'reloading is kept as a conflict copy beside the file.'
    );
  });

  it('explains an empty history', async () => {
    const server = new FakeServer();
    server.list = { status: 200, body: { ...LIST, versions: [] } };
    open(server);
    await until(() => history.state === 'ready');
    expect(history.node.querySelector('table')).toBeNull();
    expect(
      history.node.querySelector('.jp-wopi-versions-empty')?.textContent
    ).toBe(
      'No earlier versions yet. A version is kept each time the document is ' +
        'saved from ONLYOFFICE or restored, and when an editor opens content ' +
        'not kept before.'
    );
  });

  it("shows the server's sentence with Retry, which asks again", async () => {
    const server = new FakeServer();
    const message = 'There is no file at docs/a.docx that Jupyter may open.';
    server.list = { status: 404, body: { message } };
    open(server);
    await until(() => history.state === 'error');
    const alert = history.node.querySelector('[role=alert]');
    expect(alert?.textContent).toContain(message);
    server.list = { status: 200, body: LIST };
    const retry = Array.from(alert!.querySelectorAll('button')).find(
      b => b.textContent === 'Retry'
    );
    retry!.click();
    await until(() => history.state === 'ready');
    expect(rows()).toHaveLength(2);
  });

  it('refreshes by file id: with Refresh, and when the file is saved', async () => {
    const server = new FakeServer();
    const { env } = open(server);
    await until(() => history.state === 'ready');
    const refresh = history.node.querySelector<HTMLButtonElement>(
      'button[data-action=refresh]'
    );
    expect(refresh?.textContent).toBe('Refresh');
    server.list = {
      status: 200,
      body: { ...LIST, versions: [{ ...V2, id: '3' }, V2, V1] }
    };
    refresh!.click();
    await until(() => rows().length === 3);
    expect(server.requests[1].url.pathname).toBe(
      '/lab-base/api/wopi/versions/abc'
    );
    env.fileChanged.emit('another-file');
    env.fileChanged.emit('abc');
    await until(() => server.listRequests.length === 3);
    await until(() => !history.node.hasAttribute('aria-busy'));
    expect(server.listRequests).toHaveLength(3);
  });

  it('follows the file to its new path', async () => {
    const server = new FakeServer();
    server.list = {
      status: 200,
      body: { ...LIST, path: 'docs/b.docx', name: 'b.docx' }
    };
    open(server);
    const paths: string[] = [];
    history.pathChanged.connect((_, path) => paths.push(path));
    await until(() => history.state === 'ready');
    expect(history.path).toBe('docs/b.docx');
    expect(paths).toEqual(['docs/b.docx']);
  });

  it('previews a version read-only beside the list', async () => {
    const server = new FakeServer();
    open(server);
    await until(() => history.state === 'ready');
    button(rows()[0], 'preview').click();
    const pane = history.node.querySelector<HTMLElement>(
      '.jp-wopi-versions-preview'
    )!;
    expect(pane.hidden).toBe(false);
    const time = formatAbsolute(V2.created_at, 'en-US');
    expect(pane.querySelector('h3')?.textContent).toBe(
      `Version of ${time} (read-only)`
    );
    expect(pane.textContent).toContain(`Opening the version of ${time}…`);
    await until(() => submit.mock.calls.length === 1);
    const session = server.requests.find(r =>
      r.url.pathname.endsWith('/sessions')
    );
    expect(session?.method).toBe('POST');
    expect(JSON.parse(session!.body)).toEqual({
      path: 'docs/a.docx',
      action: 'view',
      version: '2',
      language: 'en-US',
      theme: 'dark'
    });
    const frame = pane.querySelector('iframe')!;
    expect(frame.title).toBe(`ONLYOFFICE Docs: version of ${time} (read-only)`);
    expect(rows()[0].getAttribute('aria-current')).toBe('true');
    expect(pane.classList.contains('jp-mod-ready')).toBe(false);
    window.dispatchEvent(
      new MessageEvent('message', {
        origin: ORIGIN,
        source: frame.contentWindow,
        data: JSON.stringify({
          MessageId: 'App_LoadingStatus',
          SendTime: 1,
          Values: {}
        })
      })
    );
    expect(pane.classList.contains('jp-mod-ready')).toBe(true);
    // The viewer's Edit button: a version is edited by restoring it.
    window.dispatchEvent(
      new MessageEvent('message', {
        origin: ORIGIN,
        source: frame.contentWindow,
        data: JSON.stringify({ MessageId: 'UI_Edit', SendTime: 2, Values: {} })
      })
    );
    expect(pane.querySelector('[role=status]')?.textContent).toMatch(
      /^A version cannot be edited\. To work on it, restore it/
    );
    expect(
      server.requests.filter(r => r.url.pathname.endsWith('/sessions'))
    ).toHaveLength(1); // no editing session asked for
    const close = Array.from(pane.querySelectorAll('button')).find(
      b => b.textContent === 'Close Preview'
    );
    close!.click();
    expect(pane.hidden).toBe(true);
    expect(pane.querySelector('iframe')).toBeNull();
    expect(rows()[0].hasAttribute('aria-current')).toBe(false);
  });

  it("shows why a preview failed, in the server's words", async () => {
    const server = new FakeServer();
    const message = 'Version 2 of a.docx is no longer kept.';
    server.session = { status: 404, body: { message } };
    open(server);
    await until(() => history.state === 'ready');
    button(rows()[0], 'preview').click();
    await until(
      () =>
        !!history.node.querySelector('.jp-wopi-versions-preview [role=alert]')
    );
    expect(
      history.node.querySelector('.jp-wopi-versions-preview [role=alert]')
        ?.textContent
    ).toContain(message);
  });

  it('downloads a version from its URL', async () => {
    const server = new FakeServer();
    const { download } = open(server);
    await until(() => history.state === 'ready');
    button(rows()[1], 'download').click();
    expect(download).toHaveBeenCalledWith(
      'http://localhost:8888/lab-base/api/wopi/versions/abc/1?download=1'
    );
  });
});

describe('VersionHistory: restoring', () => {
  it('asks first, naming the version, then restores, says so and refreshes', async () => {
    const server = new FakeServer();
    const success = jest.spyOn(Notification, 'success');
    jest
      .mocked(showDialog)
      .mockResolvedValue({ button: { accept: true }, value: null } as never);
    const { env } = open(server);
    await until(() => history.state === 'ready');
    const time = formatAbsolute(V2.created_at, 'en-US');
    server.list = {
      status: 200,
      body: { ...LIST, versions: [{ ...V2, id: '3' }, V2, V1] }
    };
    button(rows()[0], 'restore').click();
    await until(() => rows().length === 3);
    const [question] = jest.mocked(showDialog).mock.calls[0];
    expect(question?.title).toBe(`Restore the version of ${time}?`);
    expect(question?.body).toBe(
      `a.docx gets back the content it had on ${time}. Its current content ` +
        'is kept as a version first, so you can return to it.'
    );
    const restore = server.requests.find(r =>
      r.url.pathname.endsWith('/restore')
    );
    expect(restore?.method).toBe('POST');
    expect(restore?.url.pathname).toBe(
      '/lab-base/api/wopi/versions/abc/2/restore'
    );
    expect(JSON.parse(restore!.body)).toEqual({});
    expect(success).toHaveBeenCalledWith(
      `Restored the version of ${time}; the previous content is kept as a version.`,
      expect.anything()
    );
    expect(env.announce).toHaveBeenCalledWith({
      type: 'save',
      oldValue: null,
      newValue: { path: 'docs/a.docx' }
    });
  });

  it('names the editing rule in the question while someone edits', async () => {
    const server = new FakeServer();
    server.list = { status: 200, body: { ...LIST, locked_by: 'Ada' } };
    jest
      .mocked(showDialog)
      .mockResolvedValue({ button: { accept: false }, value: null } as never);
    open(server);
    await until(() => history.state === 'ready');
    expect(await history.restore(V1)).toBe(false);
    const [question] = jest.mocked(showDialog).mock.calls[0];
    expect(String(question?.body)).toContain('Being edited by Ada.');
    // Cancelled: nothing was restored.
    expect(server.requests.some(r => r.url.pathname.endsWith('/restore'))).toBe(
      false
    );
  });

  it("shows the server's sentence when the restore is refused", async () => {
    const server = new FakeServer();
    const message = 'a.docx is read-only: Jupyter may not write it.';
    server.restore = { status: 403, body: { message } };
    const error = jest.spyOn(Notification, 'error');
    jest
      .mocked(showDialog)
      .mockResolvedValue({ button: { accept: true }, value: null } as never);
    open(server);
    await until(() => history.state === 'ready');
    expect(await history.restore(V2)).toBe(false);
    expect(error).toHaveBeenCalledWith(
      expect.stringContaining(message),
      expect.anything()
    );
  });
});
