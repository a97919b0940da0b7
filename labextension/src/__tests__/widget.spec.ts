/**
 * OfficePanel: loading, errors with Retry, and the editor's messages mapped
 * into the lab.
 */

jest.mock('@jupyterlab/apputils', () => ({
  ...jest.requireActual<object>('@jupyterlab/apputils'),
  // The convert question: answered "Convert" in these tests.
  showDialog: jest.fn(async () => ({ button: { accept: true }, value: null }))
}));

import { showDialog } from '@jupyterlab/apputils';
import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type { IConnectionReport, IFileStatus } from '../wire';
import { DEFAULT_SETTINGS, type IOfficeSettings } from '../settings';
import type { IOfficeEnvironment, Theme } from '../tokens';
import { OfficePanel } from '../widget';

const ORIGIN = 'https://office.example.org';

const SESSION = {
  action_url: `${ORIGIN}/hosting/wopi/word/edit?wopisrc=x`,
  access_token: 'secret-token',
  access_token_ttl: Date.now() + 8 * 3600_000,
  favicon_url: null,
  onlyoffice_origin: ORIGIN,
  file_id: 'abc',
  file_name: 'a.docx',
  path: 'a.docx',
  mode: 'edit',
  action: 'edit',
  problem: null
};

type Answer = { status: number; body: unknown };

const STATUS: IFileStatus = {
  file_id: 'abc',
  path: 'docs/a.docx',
  name: 'a.docx',
  size: 10,
  content_stamp: 's1',
  lock: null,
  last_save: null,
  conflicts: [],
  copies: []
};

class FakeEnv implements IOfficeEnvironment {
  constructor(answers: Answer[]) {
    this.serverSettings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: async (input: RequestInfo, init?: RequestInit) => {
        const request = new Request(input, init);
        const isStatus = request.url.includes('/api/wopi/files/');
        const isDoctor = request.url.includes('/api/wopi/status');
        if (request.url.includes('/api/wopi/locks/')) {
          this.releases.push(new URL(request.url).pathname.split('/').pop()!);
          return new Response(null, { status: 204 });
        }
        if (isStatus) {
          this.statusRequests++;
        } else if (isDoctor) {
          this.doctorRequests++;
        } else {
          this.requests.push(JSON.parse(await request.text()));
        }
        const answer = isStatus
          ? { status: this.fileStatus ? 200 : 404, body: this.fileStatus }
          : isDoctor
            ? { status: 200, body: this.report }
            : (answers.shift() ?? { status: 200, body: SESSION });
        return new Response(JSON.stringify(answer.body), {
          status: answer.status,
          headers: { 'Content-Type': 'application/json' }
        });
      }
    });
  }
  readonly serverSettings: ServerConnection.ISettings;
  readonly trans = nullTranslator.load('jupyter_wopi');
  readonly themeChanged: Signal<IOfficeEnvironment, void> = new Signal<
    IOfficeEnvironment,
    void
  >(this);
  settings: IOfficeSettings = DEFAULT_SETTINGS;
  readonly requests: Array<Record<string, unknown>> = [];
  currentTheme: Theme | undefined = 'light';
  mode: 'edit' | 'view' = 'edit';
  language = () => 'de-DE';
  theme = () => this.currentTheme;
  defaultMode = () => this.mode;
  /** What `api/wopi/files/{id}` answers; null for 404. */
  fileStatus: IFileStatus | null = STATUS;
  statusRequests = 0;
  /** File ids whose lock `DELETE api/wopi/locks/{id}` released. */
  readonly releases: string[] = [];
  announce = jest.fn();
  openPath = jest.fn();
  readonly connectionChanged: Signal<IOfficeEnvironment, void> = new Signal<
    IOfficeEnvironment,
    void
  >(this);
  configureConnection = jest.fn(async () => true);
  readonly fileChanged: Signal<IOfficeEnvironment, string> = new Signal<
    IOfficeEnvironment,
    string
  >(this);
  /** What the connection doctor (`api/wopi/status`) finds. */
  report: IConnectionReport = { ok: true, checks: [] };
  doctorRequests = 0;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
  expect(condition()).toBe(true);
}

function frameOf(panel: OfficePanel): HTMLIFrameElement {
  const frame = panel.node.querySelector('iframe');
  if (!frame) {
    throw new Error('no frame');
  }
  return frame;
}

function fromEditor(
  frame: HTMLIFrameElement,
  id: string,
  origin = ORIGIN
): void {
  window.dispatchEvent(
    new MessageEvent('message', {
      origin,
      source: frame.contentWindow,
      data: JSON.stringify({ MessageId: id, SendTime: Date.now(), Values: {} })
    })
  );
}

describe('OfficePanel', () => {
  let submit: jest.SpyInstance;
  let panel: OfficePanel;

  beforeEach(() => {
    submit = jest
      .spyOn(HTMLFormElement.prototype, 'submit')
      .mockImplementation(() => undefined);
  });

  afterEach(() => {
    panel.dispose();
    submit.mockRestore();
    jest.mocked(showDialog).mockClear();
    document.body.replaceChildren();
  });

  function openPanel(
    env: FakeEnv,
    path = 'docs/a.docx',
    slowLoadMs?: number
  ): OfficePanel {
    panel = new OfficePanel({
      env,
      path: () => path,
      statusInterval: 5,
      slowLoadMs
    });
    Widget.attach(panel, document.body);
    panel.open();
    return panel;
  }

  it('shows a loading line, then asks for a session with language and theme', async () => {
    const env = new FakeEnv([]);
    openPanel(env);
    expect(panel.state).toBe('loading');
    expect(panel.node.textContent).toContain(
      'Opening a.docx in ONLYOFFICE Docs…'
    );
    await until(() => submit.mock.calls.length === 1);
    expect(env.requests).toEqual([
      { path: 'docs/a.docx', action: 'edit', language: 'de-DE', theme: 'light' }
    ]);
    // The frame stays hidden behind the indicator until the editor is ready.
    expect(panel.state).toBe('loading');
    expect(frameOf(panel).name).toMatch(/^jp-wopi-frame-/);
  });

  it("shows the server's message with a Retry button, never a blank frame", async () => {
    const message =
      'ONLYOFFICE Docs at https://office.example.org is unreachable.';
    const env = new FakeEnv([{ status: 502, body: { message } }]);
    openPanel(env);
    await until(() => panel.state === 'error');
    expect(panel.node.querySelector('iframe')).toBeNull();
    expect(panel.node.querySelector('[role=alert]')?.textContent).toContain(
      message
    );
    const buttons = Array.from(panel.node.querySelectorAll('button'));
    // ONLYOFFICE unreachable (502): the connection doctor is one click away.
    expect(buttons.map(b => b.textContent)).toEqual([
      'Check the connection',
      'Retry'
    ]);
    buttons[1].click();
    await until(() => submit.mock.calls.length === 1);
    expect(env.requests).toHaveLength(2);
    // ONLYOFFICE remembers a failed open: Retry asks for a fresh Version.
    expect(env.requests[1]).toMatchObject({ retry: true });
  });

  it('shows the problem when ONLYOFFICE is not configured', async () => {
    const problem =
      'No ONLYOFFICE Docs is configured: set JUPYTER_WOPI_ONLYOFFICE_URL.';
    const env = new FakeEnv([
      {
        status: 200,
        body: { ...SESSION, action_url: null, onlyoffice_origin: null, problem }
      }
    ]);
    openPanel(env);
    await until(() => panel.state === 'error');
    expect(panel.node.textContent).toContain(problem);
    // Retry could not help: the way out is ONLYOFFICE Settings (or the docs).
    const buttons = Array.from(panel.node.querySelectorAll('button'));
    expect(buttons.map(b => b.textContent)).toEqual([
      'ONLYOFFICE Settings…',
      'How to Get ONLYOFFICE Docs'
    ]);
    buttons[0].click();
    expect(env.configureConnection).toHaveBeenCalled();
    // Saved settings: the panel tries again by itself, and this time opens.
    env.connectionChanged.emit();
    await until(() => submit.mock.calls.length === 1);
    expect(env.requests).toHaveLength(2);
    expect(panel.state).toBe('loading');
  });

  it('asks the doctor why when the editor stays silent, and says it', async () => {
    const env = new FakeEnv([]);
    env.report = {
      ok: false,
      checks: [
        { hop: 'settings', verdict: 'ok', message: 'fine' },
        {
          hop: 'onlyoffice → jupyter',
          verdict: 'error',
          message: 'ONLYOFFICE cannot reach JUPYTER_WOPI_BASE_URL=http://x/.'
        }
      ]
    };
    openPanel(env, 'docs/a.docx', 20);
    await until(() => submit.mock.calls.length === 1);
    await until(() => env.doctorRequests === 1);
    const notice = () =>
      panel.node.querySelector('[data-notice=slow]')?.textContent ?? '';
    await until(() => notice().includes('cannot reach JUPYTER_WOPI_BASE_URL'));
    expect(notice()).toContain('a.docx has not opened');
    expect(panel.state).toBe('ready'); // the frame shows: ONLYOFFICE's own error
    expect(panel.saveState.mode).toBeNull(); // nothing to say about saving yet
    // The editor reports after all: the notice goes.
    fromEditor(frameOf(panel), 'App_LoadingStatus');
    expect(panel.node.querySelector('[data-notice=slow]')).toBeNull();
    expect(panel.saveState.mode).toBe('edit');
  });

  it('tries again with new addresses while the editor stays silent', async () => {
    const env = new FakeEnv([]);
    openPanel(env, 'docs/a.docx', 20);
    await until(() => env.doctorRequests === 1);
    env.connectionChanged.emit(); // e.g. the Jupyter address fixed in the dialog
    await until(() => submit.mock.calls.length === 2);
    expect(env.requests[1]).toMatchObject({ retry: true });
  });

  it('reveals the editor on App_LoadingStatus and says it is ready', async () => {
    openPanel(new FakeEnv([]));
    await until(() => submit.mock.calls.length === 1);
    const frame = frameOf(panel);
    const post = jest.spyOn(frame.contentWindow!, 'postMessage');
    fromEditor(frame, 'App_LoadingStatus', 'https://evil.example.org');
    expect(panel.state).toBe('loading');
    fromEditor(frame, 'App_LoadingStatus');
    expect(panel.state).toBe('ready');
    const sent = post.mock.calls.map(([data, origin]) => [
      JSON.parse(String(data)).MessageId,
      origin
    ]);
    expect(sent[0]).toEqual(['Host_PostmessageReady', ORIGIN]);
  });

  it('maps UI_Close and Edit_Notification into the lab', async () => {
    openPanel(new FakeEnv([]));
    await until(() => submit.mock.calls.length === 1);
    const closed = jest.fn();
    const dirty: boolean[] = [];
    panel.closeRequested.connect(closed);
    panel.dirtyChanged.connect((_, value) => dirty.push(value));
    const frame = frameOf(panel);
    fromEditor(frame, 'App_LoadingStatus');
    fromEditor(frame, 'Edit_Notification');
    fromEditor(frame, 'Edit_Notification');
    expect(dirty).toEqual([true]);
    fromEditor(frame, 'UI_Close');
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('tells the save status about changes, and gives the editor the keyboard', async () => {
    openPanel(new FakeEnv([]));
    expect(panel.focusEditor()).toBe(false); // nothing to focus while loading
    await until(() => submit.mock.calls.length === 1);
    const frame = frameOf(panel);
    expect(panel.saveState.mode).toBeNull(); // until the editor has the file
    fromEditor(frame, 'App_LoadingStatus');
    expect(panel.saveState.mode).toBe('edit');
    const changes: boolean[] = [];
    panel.saveStateChanged.connect(() => changes.push(panel.saveState.dirty));
    fromEditor(frame, 'Edit_Notification');
    expect(changes).toEqual([true]);
    expect(panel.saveState).toEqual({
      mode: 'edit',
      dirty: true,
      lastSave: null
    });
    (document.activeElement as HTMLElement | null)?.blur();
    expect(panel.focusEditor()).toBe(true);
    expect(document.activeElement).toBe(frame);
  });

  it('reopens for editing on UI_Edit', async () => {
    const env = new FakeEnv([
      { status: 200, body: { ...SESSION, mode: 'view', action: 'view' } }
    ]);
    env.mode = 'view';
    openPanel(env);
    await until(() => submit.mock.calls.length === 1);
    fromEditor(frameOf(panel), 'UI_Edit');
    await until(() => submit.mock.calls.length === 2);
    expect(env.requests.map(r => r.action)).toEqual(['view', 'edit']);
    expect(panel.node.querySelectorAll('iframe')).toHaveLength(1);
  });

  it('offers to reload with the new theme, and reloads when asked', async () => {
    const env = new FakeEnv([]);
    openPanel(env);
    await until(() => submit.mock.calls.length === 1);
    fromEditor(frameOf(panel), 'App_LoadingStatus');
    env.currentTheme = 'dark';
    env.themeChanged.emit();
    const notice = panel.node.querySelector('[data-notice=theme]');
    expect(notice?.textContent).toContain('The lab theme changed.');
    (
      notice?.querySelector('button.jp-mod-accept') as HTMLButtonElement
    ).click();
    await until(() => submit.mock.calls.length === 2);
    expect(env.requests[1].theme).toBe('dark');
    expect(panel.node.querySelector('[data-notice=theme]')).toBeNull();
  });

  it('says why an editable file opened read-only', async () => {
    const notice =
      'a.docx is locked for editing by Ada in another application.';
    const env = new FakeEnv([
      {
        status: 200,
        body: { ...SESSION, mode: 'view', action: 'view', notice }
      }
    ]);
    openPanel(env);
    await until(() => !!panel.node.querySelector('[data-notice=read-only]'));
    expect(
      panel.node.querySelector('[data-notice=read-only]')!.textContent
    ).toContain(notice);
    // Not a releasable lock (read-only on disk, say): no button that cannot help.
    expect(
      panel.node.querySelector('[data-notice=read-only] button.jp-mod-styled')
    ).toBeNull();
  });

  it("releases another application's lock when asked, then opens for editing", async () => {
    const notice =
      'a.docx is locked for editing by Ada in another application.';
    const env = new FakeEnv([
      {
        status: 200,
        body: {
          ...SESSION,
          mode: 'view',
          action: 'view',
          notice,
          locked_elsewhere: true
        }
      }
    ]);
    env.fileStatus = {
      ...STATUS,
      lock: { holder_name: 'Ada', locked_at: 1, expires_at: 2 }
    };
    openPanel(env);
    await until(() => !!panel.node.querySelector('[data-notice=read-only]'));
    const release = panel.node.querySelector<HTMLButtonElement>(
      '[data-notice=read-only] button.jp-mod-styled'
    )!;
    expect(release.textContent).toBe('Release Editing Lock…');
    release.click();
    await until(() => env.requests.length === 2);
    expect(showDialog).toHaveBeenCalledWith(
      expect.objectContaining({ title: 'Release the editing lock of a.docx?' })
    );
    expect(env.releases).toEqual(['abc']);
    expect(env.requests[1]).toMatchObject({ action: 'edit' });
  });

  it('offers an editable copy of a legacy format opened for viewing', async () => {
    const env = new FakeEnv([
      {
        status: 200,
        body: { ...SESSION, file_name: 'old.doc', mode: 'view', action: 'view' }
      }
    ]);
    openPanel(env, 'old.doc');
    await until(() => submit.mock.calls.length === 1);
    const notice = panel.node.querySelector('[data-notice=legacy]');
    expect(notice?.textContent).toContain('opens old.doc for viewing only');
    expect(notice?.querySelector('button')?.textContent).toBe(
      'Convert to editable copy'
    );
  });

  it('opens an empty file for editing whatever the default mode', async () => {
    const env = new FakeEnv([]);
    env.mode = 'view';
    panel = new OfficePanel({
      env,
      path: () => 'untitled.docx',
      isEmpty: () => true
    });
    Widget.attach(panel, document.body);
    panel.open();
    await until(() => submit.mock.calls.length === 1);
    expect(env.requests[0].action).toBe('edit');
  });

  it('converts a legacy format to an editable copy when the user agrees', async () => {
    const env = new FakeEnv([
      {
        status: 200,
        body: { ...SESSION, file_name: 'old.doc', mode: 'view', action: 'view' }
      },
      {
        status: 200,
        body: {
          ...SESSION,
          file_name: 'old.doc',
          mode: 'convert',
          action: 'convert'
        }
      }
    ]);
    openPanel(env, 'old.doc');
    await until(() => submit.mock.calls.length === 1);
    fromEditor(frameOf(panel), 'UI_Edit');
    await until(() => submit.mock.calls.length === 2);
    expect(showDialog).toHaveBeenCalledTimes(1);
    expect(env.requests.map(r => r.action)).toEqual(['edit', 'convert']);
    // The conversion page never sends App_LoadingStatus: its load shows it.
    expect(panel.state).toBe('loading');
    frameOf(panel).dispatchEvent(new Event('load'));
    expect(panel.state).toBe('ready');
  });

  it('loads the editor again after the panel moved in the DOM', async () => {
    const env = new FakeEnv([]);
    openPanel(env);
    await until(() => submit.mock.calls.length === 1);
    fromEditor(frameOf(panel), 'App_LoadingStatus');
    const dirty: boolean[] = [];
    panel.dirtyChanged.connect((_, value) => dirty.push(value));
    fromEditor(frameOf(panel), 'Edit_Notification');
    Widget.detach(panel);
    Widget.attach(panel, document.body);
    await until(() => submit.mock.calls.length === 2);
    expect(env.requests).toHaveLength(2);
    expect(panel.node.querySelectorAll('iframe')).toHaveLength(1);
    expect(dirty).toEqual([true, false]);
  });

  describe('following the file on the server', () => {
    async function openEditor(env: FakeEnv): Promise<boolean[]> {
      openPanel(env);
      await until(() => submit.mock.calls.length === 1);
      fromEditor(frameOf(panel), 'App_LoadingStatus');
      const dirty: boolean[] = [];
      panel.dirtyChanged.connect((_, value) => dirty.push(value));
      fromEditor(frameOf(panel), 'Edit_Notification');
      // Wait for the watcher's first look, the baseline of what follows.
      await until(() => env.statusRequests > 1);
      return dirty;
    }

    it("clears the dirty mark when the editor's save reaches the disk", async () => {
      const env = new FakeEnv([]);
      const dirty = await openEditor(env);
      const save = {
        content_stamp: 's2',
        user_name: 'Ada',
        saved_at: 2,
        kept_as: ''
      };
      env.fileStatus = { ...STATUS, content_stamp: 's2', last_save: save };
      await until(() => dirty.length === 2);
      expect(dirty).toEqual([true, false]);
      expect(panel.saveState).toEqual({
        mode: 'edit',
        dirty: false,
        lastSave: save
      });
      expect(env.announce).toHaveBeenCalledWith({
        type: 'save',
        oldValue: null,
        newValue: { path: 'docs/a.docx' }
      });
      expect(panel.node.querySelector('[data-notice=disk]')).toBeNull();
    });

    it('reloads a view by itself when a kernel rewrites the file', async () => {
      const env = new FakeEnv([
        { status: 200, body: { ...SESSION, mode: 'view', action: 'view' } },
        { status: 200, body: { ...SESSION, mode: 'view', action: 'view' } }
      ]);
      openPanel(env);
      await until(() => submit.mock.calls.length === 1);
      fromEditor(frameOf(panel), 'App_LoadingStatus');
      await until(() => env.statusRequests > 1);
      env.fileStatus = { ...STATUS, content_stamp: 'written by a kernel' };
      await until(() => submit.mock.calls.length === 2);
      expect(panel.node.textContent).toContain(
        'a.docx changed on disk: opening the new version…'
      );
      expect(env.requests[1]).toMatchObject({ path: 'docs/a.docx' });
      expect(panel.node.querySelector('[data-notice=disk]')).toBeNull();
    });

    it('asks instead when the setting says so for views', async () => {
      const env = new FakeEnv([
        { status: 200, body: { ...SESSION, mode: 'view', action: 'view' } }
      ]);
      env.settings = {
        ...DEFAULT_SETTINGS,
        onDiskChange: { view: 'ask', edit: 'ask' }
      };
      openPanel(env);
      await until(() => submit.mock.calls.length === 1);
      fromEditor(frameOf(panel), 'App_LoadingStatus');
      await until(() => env.statusRequests > 1);
      env.fileStatus = { ...STATUS, content_stamp: 'written by a kernel' };
      await until(() => !!panel.node.querySelector('[data-notice=disk]'));
      expect(
        panel.node.querySelector('[data-notice=disk]')!.textContent
      ).toContain('a.docx changed on disk. Reload to see the new version.');
      expect(submit).toHaveBeenCalledTimes(1);
    });

    it('reloads an editor with no unsaved changes when set to, never one with changes', async () => {
      const env = new FakeEnv([]);
      env.settings = {
        ...DEFAULT_SETTINGS,
        onDiskChange: { view: 'reload', edit: 'reload' }
      };
      await openEditor(env); // the editor reported a change: unsaved work
      env.fileStatus = { ...STATUS, content_stamp: 'kernel 1' };
      await until(() => !!panel.node.querySelector('[data-notice=disk]'));
      expect(submit).toHaveBeenCalledTimes(1); // the changes are not thrown away
      panel.reload(); // the user reloads: no unsaved changes any more
      await until(() => submit.mock.calls.length === 2);
      fromEditor(frameOf(panel), 'App_LoadingStatus');
      const looks = env.statusRequests;
      await until(() => env.statusRequests > looks + 1);
      env.fileStatus = { ...STATUS, content_stamp: 'kernel 2' };
      await until(() => submit.mock.calls.length === 3);
    });

    it('looks at the file at once when the server reports an event for it', async () => {
      const env = new FakeEnv([]);
      panel = new OfficePanel({
        env,
        path: () => 'docs/a.docx',
        statusInterval: 3_600_000 // no poll during the test
      });
      Widget.attach(panel, document.body);
      panel.open();
      await until(() => submit.mock.calls.length === 1);
      await until(() => env.statusRequests === 1);
      env.fileChanged.emit('another file');
      env.fileChanged.emit('abc');
      await until(() => env.statusRequests === 2);
      await new Promise(resolve => setTimeout(resolve, 20));
      expect(env.statusRequests).toBe(2); // only its own file's event
    });

    it('announces a rename made in the editor to the lab', async () => {
      const env = new FakeEnv([]);
      await openEditor(env);
      env.fileStatus = { ...STATUS, path: 'docs/b.docx', name: 'b.docx' };
      await until(() => env.announce.mock.calls.length === 1);
      expect(env.announce).toHaveBeenCalledWith({
        type: 'rename',
        oldValue: { path: 'docs/a.docx' },
        newValue: { path: 'docs/b.docx' }
      });
    });

    it('says when something else changed the file, and offers Reload', async () => {
      const env = new FakeEnv([]);
      await openEditor(env);
      env.fileStatus = { ...STATUS, content_stamp: 'written by a kernel' };
      await until(() => !!panel.node.querySelector('[data-notice=disk]'));
      const notice = panel.node.querySelector('[data-notice=disk]')!;
      expect(notice.textContent).toContain('a.docx changed on disk.');
      (
        notice.querySelector('button.jp-mod-accept') as HTMLButtonElement
      ).click();
      await until(() => submit.mock.calls.length === 2);
    });

    it('announces a conflict copy by name and opens it on request', async () => {
      const env = new FakeEnv([]);
      const dirty = await openEditor(env);
      const copy = 'docs/a (conflict 2026-11-27 10-00-00 Ada).docx';
      env.fileStatus = {
        ...STATUS,
        content_stamp: 'kernel',
        last_save: {
          content_stamp: 'kernel',
          user_name: 'Ada',
          saved_at: 3,
          kept_as: copy
        }
      };
      await until(() => !!panel.node.querySelector('[data-notice=conflict]'));
      expect(dirty).toEqual([true, false]);
      const notice = panel.node.querySelector('[data-notice=conflict]')!;
      expect(notice.textContent).toContain(
        'saved your changes as a (conflict 2026-11-27 10-00-00 Ada).docx'
      );
      expect(env.announce).toHaveBeenCalledWith({
        type: 'new',
        oldValue: null,
        newValue: { path: copy }
      });
      (notice.querySelector('button') as HTMLButtonElement).click();
      expect(env.openPath).toHaveBeenCalledWith(copy);
    });

    it.each([
      [
        'read-only',
        'became read-only on disk',
        'The file itself was not changed.'
      ],
      ['deleted', 'was deleted while it was open here', 'where it was.'],
      ['relocked', 'someone else locked it', 'Both versions are kept.']
    ])('says why a save went to a copy (%s)', async (reason, why, outcome) => {
      const env = new FakeEnv([]);
      await openEditor(env);
      const copy = 'a (conflict 2026-11-27 10-00-00 Ada).docx';
      env.fileStatus = {
        ...STATUS,
        last_save: {
          content_stamp: 's1',
          user_name: 'Ada',
          saved_at: 4,
          kept_as: copy,
          reason
        }
      };
      await until(() => !!panel.node.querySelector('[data-notice=conflict]'));
      const text = panel.node.querySelector(
        '[data-notice=conflict]'
      )!.textContent;
      expect(text).toContain(why);
      expect(text).toContain(outcome);
      expect(text).toContain(copy);
    });

    it('says when the file is gone, and stops saying it when it is back', async () => {
      const env = new FakeEnv([]);
      await openEditor(env);
      env.fileStatus = null;
      await until(() => !!panel.node.querySelector('[data-notice=gone]'));
      env.fileStatus = STATUS;
      await until(() => !panel.node.querySelector('[data-notice=gone]'));
    });
  });
});
