/**
 * Following the file on disk: what a difference between two looks at a
 * file means (compareStatus), and what an open panel does about it.
 */

import { compareStatus, isNewDocument } from '../disk';
import { DEFAULT_SETTINGS } from '../settings';
import type { IFileStatus } from '../wire';

import {
  attachPanel,
  FakeEnv,
  frameOf,
  fromEditor,
  openChangedEditor,
  openPanel,
  panel,
  SESSION,
  STATUS,
  submit,
  until,
  usePanels
} from './panelHarness';

const BEFORE: IFileStatus = {
  file_id: 'f',
  path: 'a.docx',
  name: 'a.docx',
  size: 1,
  content_stamp: 's1',
  lock: null,
  last_save: null,
  conflicts: [],
  copies: []
};

const save = (stamp: string, at: number, keptAs = '') => ({
  content_stamp: stamp,
  user_name: 'Ada',
  saved_at: at,
  kept_as: keptAs
});

describe('compareStatus', () => {
  it('sees nothing when nothing changed', () => {
    expect(compareStatus(BEFORE, { ...BEFORE })).toEqual([]);
  });

  it('sees a lock being taken as no change', () => {
    const lock = { holder_name: 'Ada', locked_at: 1, expires_at: 2 };
    expect(compareStatus(BEFORE, { ...BEFORE, lock })).toEqual([]);
  });

  it('tells the editor’s save from a change by someone else', () => {
    const saved = { ...BEFORE, content_stamp: 's2', last_save: save('s2', 5) };
    expect(compareStatus(BEFORE, saved)).toEqual([
      { kind: 'saved', save: save('s2', 5) }
    ]);
    const rewritten = { ...saved, content_stamp: 's3' };
    expect(compareStatus(saved, rewritten)).toEqual([
      { kind: 'changed-on-disk' }
    ]);
  });

  it('reports both when the editor saved and then a kernel wrote', () => {
    const next = { ...BEFORE, content_stamp: 's3', last_save: save('s2', 5) };
    expect(compareStatus(BEFORE, next).map(e => e.kind)).toEqual([
      'saved',
      'changed-on-disk'
    ]);
  });

  it('reports a save kept as a conflict copy', () => {
    const kept = save('s1', 6, 'a (conflict).docx');
    expect(compareStatus(BEFORE, { ...BEFORE, last_save: kept })).toEqual([
      { kind: 'kept-as-copy', save: kept }
    ]);
  });

  it('reports a rename without calling it a change of content', () => {
    expect(
      compareStatus(BEFORE, { ...BEFORE, path: 'b/c.docx', name: 'c.docx' })
    ).toEqual([{ kind: 'renamed', from: 'a.docx', to: 'b/c.docx' }]);
  });

  it('reports copies saved under other names, oldest first', () => {
    const old = { path: 'a.pdf', created_at: 1 };
    const before = { ...BEFORE, copies: [old] };
    const next = {
      ...BEFORE,
      copies: [
        { path: 'a (3).pdf', created_at: 3 },
        { path: 'a (2).pdf', created_at: 2 },
        old
      ]
    };
    expect(compareStatus(before, next)).toEqual([
      { kind: 'copied', path: 'a (2).pdf' },
      { kind: 'copied', path: 'a (3).pdf' }
    ]);
  });
});

describe('following the file on the server, in a panel', () => {
  usePanels();

  async function openEditor(env: FakeEnv): Promise<boolean[]> {
    const dirty = await openChangedEditor(env);
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
    attachPanel({
      env,
      path: () => 'docs/a.docx',
      statusInterval: 3_600_000 // no poll during the test
    });
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
    (notice.querySelector('button.jp-mod-accept') as HTMLButtonElement).click();
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

  it('shows a new document as new from its first look, before anyone saved', async () => {
    const blank = {
      content_stamp: 's1',
      user_name: 'Ada',
      saved_at: 1,
      kept_as: '',
      reason: 'template'
    };
    const env = new FakeEnv([]);
    env.fileStatus = { ...STATUS, last_save: blank };
    openPanel(env);
    await until(() => submit.mock.calls.length === 1);
    fromEditor(frameOf(panel), 'App_LoadingStatus');
    await until(() => panel.saveState.lastSave !== null);
    expect(panel.saveState).toEqual({
      mode: 'edit',
      dirty: false,
      lastSave: blank
    });
  });
});

describe('isNewDocument', () => {
  const blank = { ...save('s1', 1), reason: 'template' };

  it('is a file holding the blank document nobody saved into', () => {
    expect(isNewDocument({ ...BEFORE, last_save: blank })).toBe(true);
    expect(isNewDocument({ ...BEFORE, last_save: save('s1', 1) })).toBe(false);
    expect(isNewDocument(BEFORE)).toBe(false);
    // Written since by something else (a kernel): no longer the blank document.
    expect(
      isNewDocument({ ...BEFORE, content_stamp: 's2', last_save: blank })
    ).toBe(false);
  });
});
