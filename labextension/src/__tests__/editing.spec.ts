/**
 * The ways from viewing to editing, in a panel: the editor's Edit button,
 * a legacy format's editable copy, and another application's lock.
 */

jest.mock('@jupyterlab/apputils', () => ({
  ...jest.requireActual<object>('@jupyterlab/apputils'),
  // The convert question: answered "Convert" in these tests.
  showDialog: jest.fn(async () => ({ button: { accept: true }, value: null }))
}));

import { showDialog } from '@jupyterlab/apputils';

import {
  FakeEnv,
  frameOf,
  fromEditor,
  openPanel,
  panel,
  SESSION,
  STATUS,
  submit,
  until,
  usePanels
} from './panelHarness';

describe('the ways to editing, in a panel', () => {
  usePanels();

  afterEach(() => {
    jest.mocked(showDialog).mockClear();
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
});
