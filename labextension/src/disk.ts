/**
 * Keeping an open panel in step with the disk: the panel polls the server's
 * view of its file and turns each difference into an event (renamed, saved
 * by the editor, kept as a conflict copy, changed by someone else, gone).
 */

import { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';

import type { IFileStatus, ISaveRecord } from './wire';

/** Often enough that a save shows within seconds; cheap for the server. */
const INTERVAL_MS = 3_000;
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

export interface IFileWatcherOptions {
  /** Fetch the file's status; a ResponseError 404 means it is gone. */
  readonly fetch: () => Promise<IFileStatus>;
  readonly onEvent: (event: FileEvent) => void;
  readonly interval?: number;
}

export class FileWatcher implements IDisposable {
  constructor(options: IFileWatcherOptions) {
    this._fetch = options.fetch;
    this._onEvent = options.onEvent;
    this._poll = new Poll({
      factory: () => this._look(),
      frequency: {
        interval: options.interval ?? INTERVAL_MS,
        backoff: true,
        max: MAX_INTERVAL_MS
      },
      name: 'jupyter-wopi:file-status',
      standby: 'when-hidden'
    });
  }

  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  /** The last status seen, or null before the first answer. */
  get status(): IFileStatus | null {
    return this._status;
  }

  /** Look now instead of at the next tick. */
  refresh(): Promise<void> {
    return this._poll.refresh();
  }

  dispose(): void {
    this._poll.dispose();
  }

  private async _look(): Promise<void> {
    let next: IFileStatus;
    try {
      next = await this._fetch();
    } catch (error) {
      if (
        error instanceof ServerConnection.ResponseError &&
        error.response.status === 404
      ) {
        if (!this._gone) {
          this._gone = true;
          this._onEvent({ kind: 'gone', message: error.message });
        }
        return;
      }
      throw error; // the poll backs off and tries again
    }
    if (this._gone) {
      this._gone = false;
      this._onEvent({ kind: 'found' });
    }
    const previous = this._status;
    this._status = next;
    if (previous && !this.isDisposed) {
      compareStatus(previous, next).forEach(event => this._onEvent(event));
    }
  }

  private readonly _fetch: () => Promise<IFileStatus>;
  private readonly _onEvent: (event: FileEvent) => void;
  private readonly _poll: Poll;
  private _status: IFileStatus | null = null;
  private _gone = false;
}
