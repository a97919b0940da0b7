/**
 * Where Version History opens from: one panel per file, beside the
 * document's tab; the file browser's and the palette's commands; and the
 * editor's own button (UI_FileVersions) through a document panel.
 */

import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { Contents } from '@jupyterlab/services';
import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import { Panel, type Widget } from '@lumino/widgets';

import type { ISaveState } from '../saving';
import {
  addVersionCommands,
  hasVersionHistory,
  type IHistoryDocument,
  VersionPanels,
  versionsPageUrl
} from '../versionCommands';
import type { IVersionsEnvironment } from '../versions';

import {
  FakeEnv,
  frameOf,
  fromEditor,
  openPanel,
  submit,
  until,
  usePanels
} from './panelHarness';

const trans = nullTranslator.load('jupyter_wopi');

/** A server that lists no versions, and counts the lists asked for. */
function environment() {
  const lists: string[] = [];
  const env = {
    trans,
    serverSettings: ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: async (input: RequestInfo) => {
        const url = new URL(new Request(input).url);
        lists.push(url.pathname + url.search);
        const path = url.searchParams.get('path') ?? 'docs/a.docx';
        return new Response(
          JSON.stringify({
            file_id: 'abc',
            path,
            name: path.split('/').pop(),
            size: 1,
            modified_at: 0,
            author: '',
            kind: 'save',
            can_restore: true,
            locked_by: '',
            versions: []
          }),
          { status: 200, headers: { 'Content-Type': 'application/json' } }
        );
      }
    }),
    language: () => 'en-US',
    theme: () => undefined,
    fileChanged: new Signal<unknown, string>({}),
    announce: jest.fn()
  };
  return { env: env as typeof env & IVersionsEnvironment, lists };
}

/**
 * The lab's shell: what it is given goes into its main area (not in the
 * document: the panel's toolbar would render React in jsdom).
 */
function fakeShell() {
  const main = new Panel();
  return {
    main,
    add: jest.fn((widget: Widget, area?: string, options?: unknown) =>
      main.addWidget(widget)
    ),
    activateById: jest.fn()
  };
}

function fakeDocument(id = 'doc-1') {
  const saveStateChanged = new Signal<unknown, void>({});
  const state: { saveState: ISaveState } = {
    saveState: { mode: 'edit', dirty: false, lastSave: null }
  };
  const document: IHistoryDocument = {
    id,
    isDisposed: false,
    content: {
      get saveState() {
        return state.saveState;
      },
      saveStateChanged
    }
  };
  return { document, state, saveStateChanged };
}

describe('VersionPanels', () => {
  afterEach(() => document.body.replaceChildren());

  it('opens one panel per file beside its open tab, and activates it again', async () => {
    const { env, lists } = environment();
    const shell = fakeShell();
    const { document: doc } = fakeDocument();
    const panels = new VersionPanels({
      env,
      shell,
      documentOf: path => (path === 'docs/a.docx' ? doc : null)
    });
    const first = panels.open('docs/a.docx')!;
    expect(shell.add).toHaveBeenCalledWith(first, 'main', {
      ref: 'doc-1',
      mode: 'split-right'
    });
    expect(first.title.label).toBe('Versions: a.docx');
    expect(shell.activateById).toHaveBeenLastCalledWith(first.id);
    await until(() => first.content.state === 'ready');
    const again = panels.open('docs/a.docx');
    expect(again).toBe(first);
    expect(shell.add).toHaveBeenCalledTimes(1);
    expect(shell.activateById).toHaveBeenLastCalledWith(first.id);
    await until(() => lists.length === 2); // and it looks again
    // Another file, not open: a panel of its own in the main area.
    const other = panels.open('b.xlsx')!;
    expect(other).not.toBe(first);
    expect(shell.add).toHaveBeenLastCalledWith(other, 'main');
    // Closed: the next open makes a new one.
    first.dispose();
    expect(panels.find('docs/a.docx')).toBeUndefined();
    other.dispose();
  });

  it('refreshes when the document’s tab reports a save', async () => {
    const { env, lists } = environment();
    const { document: doc, state, saveStateChanged } = fakeDocument();
    const panels = new VersionPanels({
      env,
      shell: fakeShell(),
      documentOf: () => doc
    });
    const panel = panels.open('docs/a.docx')!;
    await until(() => panel.content.state === 'ready');
    saveStateChanged.emit(); // a change that is no save: nothing to look at
    state.saveState = {
      mode: 'edit',
      dirty: false,
      lastSave: {
        content_stamp: 's2',
        user_name: 'Ada',
        saved_at: 1,
        kept_as: ''
      }
    };
    saveStateChanged.emit();
    await until(() => lists.length === 2);
    expect(lists[1]).toMatch(/^\/api\/wopi\/versions\/abc(\?\d+)?$/);
    panel.dispose();
    saveStateChanged.emit(); // no panel left to refresh
    expect(lists).toHaveLength(2);
  });
});

describe('VersionPanels in a shell of one main widget (Notebook 7)', () => {
  afterEach(() => document.body.replaceChildren());

  const notebookShell = () => ({
    add: jest.fn(), // it keeps the page's own widget: nothing is added
    activateById: jest.fn()
  });

  it("opens the server's Version History page instead", () => {
    const { env } = environment();
    const openPage = jest.fn();
    const panels = new VersionPanels({
      env,
      shell: notebookShell(),
      documentOf: () => null,
      openPage
    });
    expect(panels.open('docs/a b.docx')).toBeNull();
    expect(openPage).toHaveBeenCalledWith('docs/a b.docx');
    expect(panels.find('docs/a b.docx')).toBeUndefined();
  });

  it('in a new browser tab, by default', () => {
    const { env } = environment();
    const tab = { opener: {}, location: { href: '' } };
    const open = jest
      .spyOn(window, 'open')
      .mockReturnValue(tab as unknown as Window);
    const panels = new VersionPanels({
      env,
      shell: notebookShell(),
      documentOf: () => null
    });
    panels.open('docs/a b.docx');
    expect(open).toHaveBeenCalled();
    expect(tab.opener).toBeNull();
    expect(tab.location.href).toBe(
      versionsPageUrl('http://localhost:8888/', 'docs/a b.docx')
    );
    expect(tab.location.href).toBe(
      'http://localhost:8888/wopi/versions/docs/a%20b.docx'
    );
    open.mockRestore();
  });
});

describe('the Version History commands', () => {
  function setup(selected: Partial<Contents.IModel> | null = null) {
    const { env } = environment();
    const commands = new CommandRegistry();
    const app = {
      commands,
      contextMenu: { addItem: jest.fn() }
    } as unknown as JupyterFrontEnd;
    const open = jest.fn();
    const panels = { open } as unknown as VersionPanels;
    let current: string | null = null;
    const palette = { addItem: jest.fn() };
    const defaultBrowser = {
      selectedItems: () => (selected ? [selected] : [])[Symbol.iterator]()
    } as unknown as IDefaultFileBrowser;
    addVersionCommands(app, {
      env,
      panels,
      palette: palette as never,
      defaultBrowser,
      currentPath: () => current
    });
    return {
      commands,
      app,
      open,
      palette,
      setCurrent: (path: string | null) => (current = path)
    };
  }

  it('offers Version History… in the file browser for office files only', async () => {
    const { commands, app, open } = setup({
      path: 'docs/a.docx',
      name: 'a.docx',
      type: 'file'
    });
    expect(commands.label('jupyter-wopi:version-history')).toBe(
      'Version History…'
    );
    expect(app.contextMenu.addItem).toHaveBeenCalledWith(
      expect.objectContaining({ command: 'jupyter-wopi:version-history' })
    );
    expect(commands.isVisible('jupyter-wopi:version-history')).toBe(true);
    expect(
      commands.isVisible('jupyter-wopi:version-history', { path: 'notes.md' })
    ).toBe(false);
    await commands.execute('jupyter-wopi:version-history');
    expect(open).toHaveBeenCalledWith('docs/a.docx');
    await commands.execute('jupyter-wopi:version-history', {
      path: 'b.xlsx'
    });
    expect(open).toHaveBeenLastCalledWith('b.xlsx');
  });

  it('hides it for a folder or a file ONLYOFFICE does not open', () => {
    expect(
      setup({
        path: 'data',
        name: 'data',
        type: 'directory'
      }).commands.isVisible('jupyter-wopi:version-history')
    ).toBe(false);
    expect(
      setup({ path: 'a.py', name: 'a.py', type: 'file' }).commands.isVisible(
        'jupyter-wopi:version-history'
      )
    ).toBe(false);
  });

  it('offers the current document’s Version History in the palette', async () => {
    const { commands, palette, open, setCurrent } = setup();
    const id = 'jupyter-wopi:current-version-history';
    expect(palette.addItem).toHaveBeenCalledWith({
      command: id,
      category: 'ONLYOFFICE'
    });
    expect(commands.label(id)).toBe(
      'ONLYOFFICE: Version History of the current document'
    );
    expect(commands.isEnabled(id)).toBe(false);
    setCurrent('docs/a.docx');
    expect(commands.isEnabled(id)).toBe(true);
    await commands.execute(id);
    expect(open).toHaveBeenCalledWith('docs/a.docx');
  });

  it('knows which files have a version history', () => {
    expect(hasVersionHistory('docs/a.docx')).toBe(true);
    expect(hasVersionHistory('b.XLSX')).toBe(true);
    expect(hasVersionHistory('c.pptx')).toBe(true);
    expect(hasVersionHistory('d.ipynb')).toBe(false);
  });
});

describe('the editor’s Version History button', () => {
  usePanels();

  it('UI_FileVersions from the editor opens the file’s Version History', async () => {
    const env = new FakeEnv([]);
    const panel = openPanel(env);
    await until(() => submit.mock.calls.length === 1);
    const frame = frameOf(panel);
    fromEditor(frame, 'UI_FileVersions', 'https://evil.example.org');
    expect(env.showVersions).not.toHaveBeenCalled();
    fromEditor(frame, 'UI_FileVersions');
    expect(env.showVersions).toHaveBeenCalledWith('docs/a.docx');
  });
});
