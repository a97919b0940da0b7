/**
 * Saving made visible. ONLYOFFICE Docs writes into the file only when its
 * own save runs (its Save button, Ctrl/Cmd+S inside the editor, a periodic
 * save an administrator set up) and when the last editor closes the file.
 * The lab's Save, Save As and Save All cannot reach it: they explain where
 * saving happens instead. A line in the document's toolbar says whether the
 * editor has unsaved changes or when it last saved to disk.
 */

import { Notification } from '@jupyterlab/apputils';
import { PathExt, Time } from '@jupyterlab/coreutils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import type { ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { BLANK_TEMPLATE, type ISaveRecord, type SessionMode } from './wire';

/** An ONLYOFFICE tab, as far as saving is concerned (factory.ts's OfficeDocument). */
export interface ISavableDocument {
  readonly isDisposed: boolean;
  readonly context: { readonly path: string };
  readonly content: {
    readonly saveState: ISaveState;
    readonly state: string;
    readonly session: { readonly mode: SessionMode } | null;
    focusEditor(): boolean;
  };
}

/** What a panel knows about the saving of its document. */
export interface ISaveState {
  /** What the editor shows the file for; null until it has loaded it. */
  readonly mode: SessionMode | null;
  /** The editor reported changes that have not reached the file yet. */
  readonly dirty: boolean;
  /** The editor's last save while the panel was open, if any. */
  readonly lastSave: ISaveRecord | null;
}

export type SaveStatusKind =
  'none' | 'clean' | 'new' | 'view' | 'unsaved' | 'saved' | 'copy';

export interface ISaveStatus {
  readonly kind: SaveStatusKind;
  /** The status line ('' when there is nothing to say). */
  readonly text: string;
  /** Its tooltip: who saved, and how saving works. */
  readonly title: string;
}

/** Save in ONLYOFFICE, as this platform writes it: "Ctrl+S", "⌘S". */
export function saveKeys(): string {
  return CommandRegistry.formatKeystroke('Accel S');
}

export interface IDescribeOptions {
  /** The lab's language, for the time of day. */
  readonly locale?: string;
  readonly now?: Date;
}

/** The status line for a save state. */
export function describeSaveState(
  trans: TranslationBundle,
  state: ISaveState,
  options: IDescribeOptions = {}
): ISaveStatus {
  const { mode, dirty, lastSave } = state;
  const howSaved = trans.__(
    'ONLYOFFICE Docs writes changes into the file when you save in the ' +
      'editor (%1 inside it, or its Save button) and when the last editor ' +
      'of the file closes it.',
    saveKeys()
  );
  if (dirty) {
    return {
      kind: 'unsaved',
      text: trans.__('Unsaved changes in ONLYOFFICE'),
      title: howSaved
    };
  }
  // ONLYOFFICE's blank document went into the empty file: nobody's save yet.
  const isNew = lastSave?.reason === BLANK_TEMPLATE;
  if (!lastSave || isNew) {
    switch (mode) {
      case 'edit':
        return isNew
          ? {
              kind: 'new',
              text: trans.__('New document'),
              title: trans.__(
                'ONLYOFFICE Docs started this file with its blank document; ' +
                  'what you write reaches the file when you save in the ' +
                  'editor (%1 inside it, or its Save button) or when the last ' +
                  'editor of the file closes it.',
                saveKeys()
              )
            }
          : {
              kind: 'clean',
              text: trans.__('No unsaved changes'),
              title: howSaved
            };
      case 'view':
        return {
          kind: 'view',
          text: trans.__('Open for viewing'),
          title: trans.__('Changes made here are not saved to the file.')
        };
      default:
        return { kind: 'none', text: '', title: '' };
    }
  }
  const when = new Date(lastSave.saved_at * 1000);
  const at = formatSaveTime(when, options.now ?? new Date(), options.locale);
  const full = Time.format(when);
  if (lastSave.kept_as) {
    return {
      kind: 'copy',
      text: at.sameDay
        ? trans.__('Saved as a copy at %1', at.text)
        : trans.__('Saved as a copy on %1', at.text),
      title: trans.__(
        'On %1 the editor saved the changes as %2, not into this file.',
        full,
        PathExt.basename(lastSave.kept_as)
      )
    };
  }
  return {
    kind: 'saved',
    text: at.sameDay
      ? trans.__('Saved to disk at %1', at.text)
      : trans.__('Saved to disk on %1', at.text),
    title: lastSave.user_name
      ? trans.__('Saved by %1 on %2', lastSave.user_name, full)
      : trans.__('Saved on %1', full)
  };
}

/** "14:05" today, "Mar 3, 14:05" on another day. */
export function formatSaveTime(
  when: Date,
  now: Date,
  locale?: string
): { readonly text: string; readonly sameDay: boolean } {
  const sameDay = when.toDateString() === now.toDateString();
  const time: Intl.DateTimeFormatOptions = {
    hour: '2-digit',
    minute: '2-digit'
  };
  const format: Intl.DateTimeFormatOptions = sameDay
    ? time
    : { ...time, month: 'short', day: 'numeric' };
  let text: string;
  try {
    text = when.toLocaleString(locale, format);
  } catch {
    text = when.toLocaleString(undefined, format); // a locale the browser does not know
  }
  return { text, sameDay };
}

/** The status line in an ONLYOFFICE document's toolbar. */
export class SaveStatus extends Widget {
  constructor(
    private readonly _describe: () => ISaveStatus,
    changed: ISignal<unknown, void>
  ) {
    super();
    this.addClass('jp-wopi-save-status');
    // Read out when it changes, without taking the focus.
    this.node.setAttribute('role', 'status');
    this.node.setAttribute('aria-live', 'polite');
    changed.connect(this.render, this);
    this.render();
  }

  render(): void {
    const status = this._describe();
    this.node.textContent = status.text;
    this.node.title = status.title;
    this.node.dataset.status = status.kind;
  }
}

export interface ISaveGuideOptions {
  readonly trans: TranslationBundle;
  /** Whether a document is the lab's current widget. */
  readonly isCurrent: (document: ISavableDocument) => boolean;
}

/**
 * What the lab's own save commands do for ONLYOFFICE documents: they put
 * the keyboard into the editor, where saving happens, and say so.
 */
export class SaveGuide {
  constructor(options: ISaveGuideOptions) {
    this._trans = options.trans;
    this._isCurrent = options.isCurrent;
  }

  /**
   * The lab's Save (File → Save, Ctrl/Cmd+S outside the frame) or Save All
   * reached these documents. Save All asks every document in one go, so the
   * requests of one turn of the event loop are answered together.
   */
  save(documents: Iterable<ISavableDocument>): void {
    for (const document of documents) {
      this._pending.add(document);
    }
    if (!this._scheduled) {
      this._scheduled = true;
      setTimeout(() => this._answerSaves(), 0);
    }
  }

  /** Ctrl/Cmd+S in a document but outside its editor frame. */
  explainSave(document: ISavableDocument): void {
    const trans = this._trans;
    const panel = document.content;
    const name = PathExt.basename(document.context.path);
    if (panel.state !== 'ready') {
      this._notify(
        trans.__(
          '%1 is not open in ONLYOFFICE Docs yet: there is nothing to save.',
          name
        )
      );
    } else if (panel.session?.mode !== 'edit') {
      this._notify(
        trans.__('%1 is open for viewing: there is nothing to save.', name)
      );
    } else {
      panel.focusEditor();
      this._notify(
        trans.__(
          'The editor has the keyboard now: press %1 again to save %2 to disk, ' +
            "or use ONLYOFFICE's Save button.",
          saveKeys(),
          name
        )
      );
    }
  }

  /** File → Save As: ONLYOFFICE's own Save Copy As keeps unsaved changes. */
  saveAs(document: ISavableDocument): void {
    document.content.focusEditor();
    this._notify(
      this._trans.__(
        'To save %1 under another name, use Save Copy As in the File menu of ' +
          'ONLYOFFICE Docs: the copy includes unsaved changes.',
        PathExt.basename(document.context.path)
      )
    );
  }

  private _answerSaves(): void {
    const documents = [...this._pending].filter(d => !d.isDisposed);
    this._pending.clear();
    this._scheduled = false;
    if (documents.length === 1 && this._isCurrent(documents[0])) {
      this.explainSave(documents[0]);
      return;
    }
    // Save All: the other files were saved; say which documents were not.
    const unsaved = documents.filter(d => d.content.saveState.dirty);
    if (unsaved.length > 0) {
      this._notify(
        this._trans.__(
          'Save All cannot reach ONLYOFFICE Docs: save %1 in the editor (%2 ' +
            'inside it, or its Save button).',
          unsaved.map(d => PathExt.basename(d.context.path)).join(', '),
          saveKeys()
        )
      );
    }
  }

  /** One notice at a time: pressing the keys again replaces it. */
  private _notify(message: string): void {
    if (this._notice && Notification.manager.has(this._notice)) {
      Notification.update({
        id: this._notice,
        message,
        type: 'info',
        autoClose: NOTICE_MS
      });
    } else {
      this._notice = Notification.info(message, { autoClose: NOTICE_MS });
    }
  }

  private readonly _trans: TranslationBundle;
  private readonly _isCurrent: (document: ISavableDocument) => boolean;
  private readonly _pending = new Set<ISavableDocument>();
  private _scheduled = false;
  private _notice = '';
}

/** Long enough to read a sentence and act on it. */
const NOTICE_MS = 10_000;
