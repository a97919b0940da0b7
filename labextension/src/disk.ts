/**
 * Keeping an open panel in step with the disk: DiskFollower polls the
 * server's view of the file, turns each difference into an event (renamed,
 * saved by the editor, kept as a conflict copy, changed by someone else,
 * gone), tells the lab and the user, and reloads the editor when it may.
 */

import { PathExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';

import { fetchFileStatus } from './api';
import type { NoticeBar } from './notices';
import type { IOfficeEnvironment } from './tokens';
import type { IAction } from './views';
import {
  BLANK_TEMPLATE,
  type IFileStatus,
  type ISaveRecord,
  type SessionMode
} from './wire';

/** Slowest retry while the server is unreachable. */
const MAX_INTERVAL_MS = 60_000;

export type FileEvent =
  | { readonly kind: 'renamed'; readonly from: string; readonly to: string }
  /** The editor saved into the file. */
  | { readonly kind: 'saved'; readonly save: ISaveRecord }
  /** The editor saved, but into a copy: the file had changed on disk. */
  | { readonly kind: 'kept-as-copy'; readonly save: ISaveRecord }
  /** The editor saved a copy under another name (Save As). */
  | { readonly kind: 'copied'; readonly path: string }
  /** Someone other than the editor (a kernel, a terminal) rewrote the file. */
  | { readonly kind: 'changed-on-disk' }
  | { readonly kind: 'gone'; readonly message: string }
  /** The file is reachable again after `gone`. */
  | { readonly kind: 'found' };

/** What happened between two looks at the same file. */
export function compareStatus(
  previous: IFileStatus,
  next: IFileStatus
): FileEvent[] {
  const events: FileEvent[] = [];
  if (next.path !== previous.path) {
    events.push({ kind: 'renamed', from: previous.path, to: next.path });
  }
  const save = next.last_save;
  if (save && save.saved_at !== previous.last_save?.saved_at) {
    events.push(
      save.kept_as ? { kind: 'kept-as-copy', save } : { kind: 'saved', save }
    );
  }
  const known = previous.copies[0]?.created_at ?? -Infinity;
  for (const copy of next.copies.filter(c => c.created_at > known).reverse()) {
    events.push({ kind: 'copied', path: copy.path });
  }
  if (
    next.content_stamp !== previous.content_stamp &&
    next.content_stamp !== save?.content_stamp
  ) {
    events.push({ kind: 'changed-on-disk' });
  }
  return events;
}

export interface IDiskFollowerOptions {
  readonly env: IOfficeEnvironment;
  readonly notices: NoticeBar;
  /** The session shown: its file and mode. */
  readonly session: { readonly file_id: string; readonly mode: SessionMode };
  /** The file's current path: it follows renames. */
  readonly path: () => string;
  /** Milliseconds between looks; by default the user's setting. */
  readonly interval?: number;
  /** Whether the editor shows the file and holds no unsaved changes. */
  readonly isClean: () => boolean;
  /** Load the editor again; `changedOnDisk` when a new version is why. */
  readonly reload: (changedOnDisk: boolean) => void;
  /** The editor's save reached the disk. */
  readonly saved: (save: ISaveRecord) => void;
}

/** Keeps the tab, the file browser and the user in step with the disk. */
export class DiskFollower implements IDisposable {
  constructor(options: IDiskFollowerOptions) {
    const { env } = options;
    this._options = options;
    this._poll = new Poll({
      factory: () => this._look(),
      frequency: {
        interval: options.interval ?? env.settings.diskCheckSeconds * 1000,
        backoff: true,
        max: MAX_INTERVAL_MS
      },
      name: 'jupyter-wopi:file-status',
      standby: 'when-hidden'
    });
    env.fileChanged.connect(this._onServerFileEvent, this);
  }

  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  /** When the newest save this follower has seen was made (null: none yet). */
  get lastSaveAt(): number | null {
    return this._status?.last_save?.saved_at ?? null;
  }

  dispose(): void {
    this._options.env.fileChanged.disconnect(this._onServerFileEvent, this);
    this._poll.dispose();
  }

  /** The server reported a save, lock or copy: look at once, not at the next poll. */
  private _onServerFileEvent(_: IOfficeEnvironment, fileId: string): void {
    if (fileId === this._options.session.file_id) {
      void this._poll.refresh();
    }
  }

  private async _look(): Promise<void> {
    const { env, session } = this._options;
    let next: IFileStatus;
    try {
      next = await fetchFileStatus(session.file_id, env.serverSettings);
    } catch (error) {
      if (
        error instanceof ServerConnection.ResponseError &&
        error.response.status === 404
      ) {
        if (!this._gone) {
          this._gone = true;
          this._onFileEvent({ kind: 'gone', message: error.message });
        }
        return;
      }
      throw error; // the poll backs off and tries again
    }
    if (this._gone) {
      this._gone = false;
      this._onFileEvent({ kind: 'found' });
    }
    const previous = this._status;
    this._status = next;
    if (this.isDisposed) {
      return;
    }
    if (previous) {
      compareStatus(previous, next).forEach(event => this._onFileEvent(event));
    } else if (isNewDocument(next)) {
      this._options.saved(next.last_save!); // a new document, before anyone saved
    }
  }

  private _onFileEvent(event: FileEvent): void {
    const { env, notices, path, saved } = this._options;
    const trans = env.trans;
    const name = PathExt.basename(path());
    switch (event.kind) {
      case 'renamed':
        env.announce({
          type: 'rename',
          oldValue: { path: event.from },
          newValue: { path: event.to }
        });
        break;
      case 'saved':
        saved(event.save);
        env.announce({
          type: 'save',
          oldValue: null,
          newValue: { path: path() }
        });
        if (this._options.session.mode === 'view') {
          this._followDisk(); // another editor saved: a viewer shows the new version
        }
        break;
      case 'kept-as-copy': {
        saved(event.save);
        const copy = event.save.kept_as;
        notices.hide('disk'); // this says more
        this._announceNewFile(copy);
        notices.show('conflict', {
          text: keptAsCopyText(trans, event.save.reason, name, copy),
          actions: [
            {
              label: trans.__('Open the Copy'),
              run: () => env.openPath(copy)
            },
            this._reloadAction()
          ]
        });
        break;
      }
      case 'copied':
        this._announceNewFile(event.path);
        break;
      case 'changed-on-disk':
        this._followDisk(); // a cell or a terminal rewrote the file
        break;
      case 'gone':
        notices.show('gone', {
          text: trans.__(
            '%1 was deleted or moved where Jupyter cannot reach it (%2). Your ' +
              'changes are not lost: the editor saves them as a copy named ' +
              '"%1 (conflict …)" where the file was.',
            name,
            event.message
          ),
          actions: []
        });
        break;
      case 'found':
        notices.hide('gone');
        break;
    }
  }

  /**
   * The file has a new version on disk: reload by itself when the editor
   * holds no unsaved changes and the user's setting for the mode says so
   * (view: yes, edit: ask); otherwise say so and offer Reload.
   */
  private _followDisk(): void {
    const { env, notices, session, isClean, reload } = this._options;
    const mode = session.mode;
    if (
      (mode === 'view' || mode === 'edit') &&
      isClean() &&
      env.settings.onDiskChange[mode] === 'reload'
    ) {
      reload(true); // the loading line says why the view went
      return;
    }
    const trans = env.trans;
    const name = PathExt.basename(this._options.path());
    notices.show('disk', {
      text:
        mode === 'view'
          ? trans.__('%1 changed on disk. Reload to see the new version.', name)
          : trans.__(
              '%1 changed on disk. Reload to see the new version; changes you ' +
                'make here from now on will be saved as a separate copy.',
              name
            ),
      actions: [this._reloadAction()]
    });
  }

  private _reloadAction(): IAction {
    return {
      label: this._options.env.trans.__('Reload'),
      primary: true,
      run: () => this._options.reload(false)
    };
  }

  /** File browsers showing its folder list a file the editor made. */
  private _announceNewFile(path: string): void {
    this._options.env.announce({
      type: 'new',
      oldValue: null,
      newValue: { path }
    });
  }

  private readonly _options: IDiskFollowerOptions;
  private readonly _poll: Poll;
  private _status: IFileStatus | null = null;
  private _gone = false;
}

/** The file holds ONLYOFFICE's blank document, and no one has saved into it since. */
export function isNewDocument(status: IFileStatus): boolean {
  const save = status.last_save;
  return (
    save?.reason === BLANK_TEMPLATE &&
    save.content_stamp === status.content_stamp
  );
}

/** Why the editor's save went to a copy, in the words of the notice. */
function keptAsCopyText(
  trans: TranslationBundle,
  reason: string | undefined,
  name: string,
  copy: string
): string {
  const copyName = PathExt.basename(copy);
  switch (reason) {
    case 'read-only':
      return trans.__(
        '%1 became read-only on disk while it was open here, so the editor saved ' +
          'your changes as %2 (in %3). The file itself was not changed.',
        name,
        copyName,
        PathExt.dirname(copy) || trans.__('the home folder')
      );
    case 'deleted':
      return trans.__(
        '%1 was deleted while it was open here, so the editor saved your changes ' +
          'as %2 where it was.',
        name,
        copyName
      );
    case 'relocked':
      return trans.__(
        'Your editing lock on %1 was released and someone else locked it, so the ' +
          'editor saved your changes as %2. Both versions are kept.',
        name,
        copyName
      );
    default:
      return trans.__(
        '%1 was changed on disk while it was open here, so the editor saved your ' +
          'changes as %2. Both versions are kept.',
        name,
        copyName
      );
  }
}
