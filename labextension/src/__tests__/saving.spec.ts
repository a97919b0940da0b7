/**
 * Saving made visible: the status line's words, and what the lab's Save,
 * Save As and Save All say about ONLYOFFICE documents.
 */

import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import type { ISaveRecord } from '../wire';
import type { OfficeDocument } from '../factory';
import {
  describeSaveState,
  formatSaveTime,
  type ISaveState,
  SaveGuide,
  SaveStatus
} from '../saving';

const trans = nullTranslator.load('jupyter_wopi');

/** 2026-03-03 14:05:33 local time. */
const SAVED_AT = new Date(2026, 2, 3, 14, 5, 33);

function save(overrides: Partial<ISaveRecord> = {}): ISaveRecord {
  return {
    content_stamp: 's2',
    user_name: 'Ada',
    saved_at: SAVED_AT.getTime() / 1000,
    kept_as: '',
    ...overrides
  };
}

describe('describeSaveState', () => {
  const sameDay = { now: new Date(2026, 2, 3, 18, 0), locale: 'en-GB' };

  it('says nothing before the editor has loaded the file', () => {
    const status = describeSaveState(
      trans,
      { mode: null, dirty: false, lastSave: null },
      sameDay
    );
    expect(status).toEqual({ kind: 'none', text: '', title: '' });
  });

  it('says how saving works while there are no changes', () => {
    const status = describeSaveState(
      trans,
      { mode: 'edit', dirty: false, lastSave: null },
      sameDay
    );
    expect(status.kind).toBe('clean');
    expect(status.text).toBe('No unsaved changes');
    expect(status.title).toContain('Ctrl+S inside it, or its Save button');
  });

  it('says when the file is open for viewing only', () => {
    const status = describeSaveState(
      trans,
      { mode: 'view', dirty: false, lastSave: null },
      sameDay
    );
    expect(status).toMatchObject({ kind: 'view', text: 'Open for viewing' });
  });

  it('says there are unsaved changes, and how they reach the disk', () => {
    const status = describeSaveState(
      trans,
      { mode: 'edit', dirty: true, lastSave: save() },
      sameDay
    );
    expect(status.kind).toBe('unsaved');
    expect(status.text).toBe('Unsaved changes in ONLYOFFICE');
    expect(status.title).toContain('Ctrl+S inside it, or its Save button');
    expect(status.title).toContain('when the last editor of the file closes');
  });

  it('says when the editor last saved to disk, and who', () => {
    const status = describeSaveState(
      trans,
      { mode: 'edit', dirty: false, lastSave: save() },
      sameDay
    );
    expect(status.kind).toBe('saved');
    expect(status.text).toBe('Saved to disk at 14:05');
    expect(status.title).toMatch(/^Saved by Ada on /);
  });

  it('names the day of a save on another day', () => {
    const status = describeSaveState(
      trans,
      { mode: 'edit', dirty: false, lastSave: save() },
      { now: new Date(2026, 2, 4, 9, 0), locale: 'en-GB' }
    );
    expect(status.text).toBe('Saved to disk on 3 Mar, 14:05');
  });

  it('calls a file holding only the blank document a new document', () => {
    const blank = save({ reason: 'template' });
    const status = describeSaveState(
      trans,
      { mode: 'edit', dirty: false, lastSave: blank },
      sameDay
    );
    expect(status.kind).toBe('new');
    expect(status.text).toBe('New document');
    expect(status.title).toContain('Ctrl+S inside it, or its Save button');
    // Changes typed into it are unsaved changes; a viewer views.
    expect(
      describeSaveState(
        trans,
        { mode: 'edit', dirty: true, lastSave: blank },
        sameDay
      ).kind
    ).toBe('unsaved');
    expect(
      describeSaveState(
        trans,
        { mode: 'view', dirty: false, lastSave: blank },
        sameDay
      ).kind
    ).toBe('view');
  });

  it('says when a save went to a conflict copy, and names it', () => {
    const status = describeSaveState(
      trans,
      {
        mode: 'edit',
        dirty: false,
        lastSave: save({
          kept_as: 'docs/a (conflict 2026-03-03 14-05-33 Ada).docx'
        })
      },
      sameDay
    );
    expect(status.kind).toBe('copy');
    expect(status.text).toBe('Saved as a copy at 14:05');
    expect(status.title).toContain('a (conflict 2026-03-03 14-05-33 Ada).docx');
    expect(status.title).not.toContain('docs/');
  });
});

describe('formatSaveTime', () => {
  it('falls back to the browser’s locale for one it does not know', () => {
    const { text, sameDay } = formatSaveTime(
      SAVED_AT,
      SAVED_AT,
      'not a locale!'
    );
    expect(sameDay).toBe(true);
    expect(text).toMatch(/\d\d.05/);
  });
});

describe('SaveStatus', () => {
  it('shows the state and follows its changes', () => {
    const changed = new Signal<object, void>({});
    let state: ISaveState = { mode: null, dirty: false, lastSave: null };
    const status = new SaveStatus(
      () => describeSaveState(trans, state),
      changed
    );
    expect(status.node.dataset.status).toBe('none');
    expect(status.node.getAttribute('role')).toBe('status');
    state = { mode: 'edit', dirty: true, lastSave: null };
    changed.emit();
    expect(status.node.textContent).toBe('Unsaved changes in ONLYOFFICE');
    expect(status.node.dataset.status).toBe('unsaved');
    expect(status.node.title).toContain('Save button');
  });
});

interface IFakeDocument {
  readonly document: OfficeDocument;
  readonly focusEditor: jest.Mock;
}

function fakeDocument(
  path: string,
  options: { state?: string; mode?: string; dirty?: boolean } = {}
): IFakeDocument {
  const focusEditor = jest.fn(() => true);
  const document = {
    isDisposed: false,
    context: { path },
    content: {
      state: options.state ?? 'ready',
      session: { mode: options.mode ?? 'edit' },
      saveState: { dirty: options.dirty ?? false, lastSave: null },
      focusEditor
    }
  } as unknown as OfficeDocument;
  return { document, focusEditor };
}

function messages(): string[] {
  return Notification.manager.notifications.map(n => n.message);
}

const nextTurn = () => new Promise(resolve => setTimeout(resolve, 0));

describe('SaveGuide', () => {
  afterEach(() => Notification.dismiss());

  it('Ctrl+S outside the frame gives the editor the keyboard and says how to save', () => {
    const { document, focusEditor } = fakeDocument('docs/report.docx');
    new SaveGuide({ trans, isCurrent: () => true }).explainSave(document);
    expect(focusEditor).toHaveBeenCalled();
    expect(messages()).toEqual([
      "The editor has the keyboard now: press Ctrl+S again to save report.docx to disk, or use ONLYOFFICE's Save button."
    ]);
  });

  it('pressing it again replaces the notice rather than adding one', () => {
    const { document } = fakeDocument('report.docx');
    const guide = new SaveGuide({ trans, isCurrent: () => true });
    guide.explainSave(document);
    guide.explainSave(document);
    expect(messages()).toHaveLength(1);
  });

  it('says there is nothing to save while viewing or loading', () => {
    const guide = new SaveGuide({ trans, isCurrent: () => true });
    const viewing = fakeDocument('a.docx', { mode: 'view' });
    guide.explainSave(viewing.document);
    expect(messages()).toEqual([
      'a.docx is open for viewing: there is nothing to save.'
    ]);
    Notification.dismiss();
    const loading = fakeDocument('b.docx', { state: 'loading' });
    guide.explainSave(loading.document);
    expect(messages()).toEqual([
      'b.docx is not open in ONLYOFFICE Docs yet: there is nothing to save.'
    ]);
    expect(viewing.focusEditor).not.toHaveBeenCalled();
    expect(loading.focusEditor).not.toHaveBeenCalled();
  });

  it('answers File → Save of the current document like Ctrl+S', async () => {
    const { document, focusEditor } = fakeDocument('report.docx');
    const guide = new SaveGuide({ trans, isCurrent: d => d === document });
    guide.save([document]);
    expect(messages()).toEqual([]); // answered once the lab's loop is done
    await nextTurn();
    expect(focusEditor).toHaveBeenCalled();
    expect(messages()[0]).toContain('press Ctrl+S again to save report.docx');
  });

  it('Save All names the documents with unsaved changes, in one notice', async () => {
    const clean = fakeDocument('clean.docx');
    const first = fakeDocument('a/one.xlsx', { dirty: true });
    const second = fakeDocument('two.pptx', { dirty: true });
    const guide = new SaveGuide({ trans, isCurrent: () => false });
    for (const { document } of [clean, first, second]) {
      guide.save([document]); // one context at a time, as Save All asks
    }
    await nextTurn();
    expect(messages()).toEqual([
      'Save All cannot reach ONLYOFFICE Docs: save one.xlsx, two.pptx in the editor (Ctrl+S inside it, or its Save button).'
    ]);
    expect(first.focusEditor).not.toHaveBeenCalled();
  });

  it('Save All says nothing when every ONLYOFFICE document is saved', async () => {
    const guide = new SaveGuide({ trans, isCurrent: () => false });
    guide.save([
      fakeDocument('a.docx').document,
      fakeDocument('b.docx').document
    ]);
    await nextTurn();
    expect(messages()).toEqual([]);
  });

  it('Save As points to ONLYOFFICE’s Save Copy As, which keeps unsaved changes', () => {
    const { document, focusEditor } = fakeDocument('report.docx');
    new SaveGuide({ trans, isCurrent: () => true }).saveAs(document);
    expect(focusEditor).toHaveBeenCalled();
    expect(messages()[0]).toBe(
      'To save report.docx under another name, use Save Copy As in the File menu of ONLYOFFICE Docs: the copy includes unsaved changes.'
    );
  });
});
