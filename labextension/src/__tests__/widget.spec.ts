/**
 * OfficePanel: loading, errors with Retry, and the editor's messages mapped
 * into the lab. Its parts have their own specs: frame, watchdogs, disk and
 * editing.
 */

import { Widget } from '@lumino/widgets';

import { address, connectionSettings } from './fixtures';
import {
  attachPanel,
  FakeEnv,
  frameOf,
  fromEditor,
  openChangedEditor,
  openPanel,
  ORIGIN,
  panel,
  SESSION,
  submit,
  until,
  usePanels
} from './panelHarness';

describe('OfficePanel', () => {
  usePanels();

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

  it('offers ONLYOFFICE Settings when the lab may change the unreachable address', async () => {
    const message =
      'Cannot reach ONLYOFFICE at http://localhost:1/hosting/discovery.';
    const env = new FakeEnv([{ status: 502, body: { message } }]);
    env.connection = connectionSettings();
    openPanel(env);
    await until(() => panel.state === 'error');
    const buttons = Array.from(panel.node.querySelectorAll('button'));
    expect(buttons.map(b => b.textContent)).toEqual([
      'Check the connection',
      'ONLYOFFICE Settings…',
      'Retry'
    ]);
    buttons[1].click();
    expect(env.configureConnection).toHaveBeenCalledTimes(1);
  });

  it('offers no Settings when the administrator set that address', async () => {
    const env = new FakeEnv([{ status: 502, body: { message: 'Down.' } }]);
    env.connection = connectionSettings({
      addresses: [
        address({ name: 'onlyoffice_url', value: 'http://o/', editable: true }),
        address({
          name: 'onlyoffice_internal_url',
          value: 'http://o.internal/',
          source: 'environment',
          editable: false
        }),
        address({ name: 'base_url' })
      ]
    });
    openPanel(env);
    await until(() => panel.state === 'error');
    expect(env.connectionRequests).toBe(1);
    expect(
      Array.from(panel.node.querySelectorAll('button')).map(b => b.textContent)
    ).toEqual(['Check the connection', 'Retry']);
  });

  it('gives the keyboard to the first way out when the panel had it', async () => {
    const env = new FakeEnv([{ status: 502, body: { message: 'Down.' } }]);
    openPanel(env);
    panel.node.focus(); // the tab was activated while the panel loaded
    await until(() => panel.state === 'error');
    expect(document.activeElement?.textContent).toBe('Check the connection');
  });

  it('leaves the keyboard where it is when the panel did not have it', async () => {
    const elsewhere = document.createElement('input');
    document.body.appendChild(elsewhere);
    elsewhere.focus();
    const env = new FakeEnv([{ status: 502, body: { message: 'Down.' } }]);
    openPanel(env);
    await until(() => panel.state === 'error');
    expect(document.activeElement).toBe(elsewhere);
    elsewhere.remove();
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

  it('asks for an image on UI_InsertGraphic and inserts one only while editing', async () => {
    openPanel(new FakeEnv([]));
    await until(() => submit.mock.calls.length === 1);
    const asked = jest.fn();
    panel.imageRequested.connect(asked);
    const frame = frameOf(panel);
    const post = jest.spyOn(frame.contentWindow!, 'postMessage');
    expect(panel.canInsertImage).toBe(false); // not loaded yet
    expect(panel.insertImage('http://j/wopi/images/a')).toBe(false);
    fromEditor(frame, 'App_LoadingStatus');
    fromEditor(frame, 'UI_InsertGraphic');
    expect(asked).toHaveBeenCalledTimes(1);
    expect(panel.canInsertImage).toBe(true);
    post.mockClear();
    expect(panel.insertImage('http://j/wopi/images/a')).toBe(true);
    expect(post.mock.calls.map(([data]) => JSON.parse(String(data)))).toEqual([
      expect.objectContaining({
        MessageId: 'Action_InsertGraphic',
        Values: { url: 'http://j/wopi/images/a' }
      })
    ]);
    expect(panel.path).toBe('docs/a.docx');
    expect(panel.editorArea.querySelector('iframe')).toBe(frame);
  });

  it('takes no image in a viewer', async () => {
    openPanel(
      new FakeEnv([
        { status: 200, body: { ...SESSION, mode: 'view', action: 'view' } }
      ])
    );
    await until(() => submit.mock.calls.length === 1);
    fromEditor(frameOf(panel), 'App_LoadingStatus');
    expect(panel.state).toBe('ready');
    expect(panel.canInsertImage).toBe(false);
    expect(panel.insertImage('http://j/wopi/images/a')).toBe(false);
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

  it('opens an empty file for editing whatever the default mode', async () => {
    const env = new FakeEnv([]);
    env.mode = 'view';
    attachPanel({ env, path: () => 'untitled.docx', isEmpty: () => true });
    panel.open();
    await until(() => submit.mock.calls.length === 1);
    expect(env.requests[0].action).toBe('edit');
  });

  it('loads the editor again after the panel moved in the DOM', async () => {
    const env = new FakeEnv([]);
    const dirty = await openChangedEditor(env);
    Widget.detach(panel);
    Widget.attach(panel, document.body);
    await until(() => submit.mock.calls.length === 2);
    expect(env.requests).toHaveLength(2);
    expect(panel.node.querySelectorAll('iframe')).toHaveLength(1);
    expect(dirty).toEqual([true, false]);
  });
});
