/**
 * Unsaved changes belong to the document, not to one view of it. ONLYOFFICE
 * tells only the editor the user typed in (Edit_Notification), yet every
 * view of the file edits the same document with it (co-editing): New View in
 * this lab, the lab in a second browser tab. Views of one file share that news
 * here, within this page and, through a BroadcastChannel, with the other
 * pages of the same Jupyter server in this browser. A save ends it: each view
 * sees the save in the server's file status (disk.ts).
 */

import type { IDisposable } from '@lumino/disposable';

/** One view of a file, open for editing. */
export interface IEditingView {
  /** Whether the view shows unsaved changes. */
  readonly dirty: () => boolean;
  /**
   * The time (saved_at) of the newest save the view knows of, null before it
   * has looked: news older than a save it has seen is not news.
   */
  readonly knownSaveAt: () => number | null;
  /** Another view's editor changed the document after the save at `afterSave`. */
  readonly edited: (afterSave: number | null) => void;
}

/** A view's handle on the news of its file. */
export interface IEditWatch extends IDisposable {
  /** This view's editor reported changes: tell the other views. */
  edited(): void;
}

/** What pages of one server tell each other. */
export interface IEditMessage {
  readonly type: 'edited' | 'ask';
  readonly fileId: string;
  /** For 'edited': the newest save the sender knew of. */
  readonly afterSave?: number | null;
}

/** The part of BroadcastChannel used here (a stand-in in tests). */
export interface IChannel {
  postMessage(message: IEditMessage): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export class SharedEdits {
  /** @param channel the other pages of this server; null where there is none. */
  constructor(channel: IChannel | null) {
    this._channel = channel;
    if (channel) {
      channel.onmessage = event => this._receive(event.data);
    }
  }

  /**
   * Follow the news of `fileId` for `view`. Views already open (here or in
   * other pages) that hold unsaved changes tell it at once.
   */
  watch(fileId: string, view: IEditingView): IEditWatch {
    const views = this._views.get(fileId) ?? new Set<IEditingView>();
    this._views.set(fileId, views);
    for (const other of views) {
      if (other.dirty()) {
        view.edited(other.knownSaveAt());
        break;
      }
    }
    views.add(view);
    this._post({ type: 'ask', fileId });
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose: () => {
        disposed = true;
        views.delete(view);
        if (views.size === 0) {
          this._views.delete(fileId);
        }
      },
      edited: () => {
        if (disposed) {
          return;
        }
        const afterSave = view.knownSaveAt();
        this._tell(fileId, afterSave, view);
        this._post({ type: 'edited', fileId, afterSave });
      }
    };
  }

  private _receive(data: unknown): void {
    if (!isEditMessage(data)) {
      return; // not ours
    }
    const views = this._views.get(data.fileId);
    if (!views) {
      return;
    }
    if (data.type === 'edited') {
      this._tell(data.fileId, data.afterSave ?? null, null);
      return;
    }
    // A page opened the file: answer for this page's views with changes.
    for (const view of views) {
      if (view.dirty()) {
        this._post({
          type: 'edited',
          fileId: data.fileId,
          afterSave: view.knownSaveAt()
        });
        return;
      }
    }
  }

  private _tell(
    fileId: string,
    afterSave: number | null,
    from: IEditingView | null
  ): void {
    for (const view of this._views.get(fileId) ?? []) {
      if (view !== from) {
        view.edited(afterSave);
      }
    }
  }

  private _post(message: IEditMessage): void {
    try {
      this._channel?.postMessage(message);
    } catch (error) {
      console.warn('jupyter-wopi: could not tell the other pages', error);
    }
  }

  private readonly _channel: IChannel | null;
  private readonly _views = new Map<string, Set<IEditingView>>();
}

function isEditMessage(data: unknown): data is IEditMessage {
  const message = data as Partial<IEditMessage> | null;
  return (
    typeof message === 'object' &&
    message !== null &&
    (message.type === 'edited' || message.type === 'ask') &&
    typeof message.fileId === 'string'
  );
}

const shared = new Map<string, SharedEdits>();

/** The news of the files of the Jupyter server at `baseUrl`, one per page. */
export function sharedEdits(baseUrl: string): SharedEdits {
  let edits = shared.get(baseUrl);
  if (!edits) {
    let channel: IChannel | null = null;
    if (typeof BroadcastChannel !== 'undefined') {
      const url = new URL(baseUrl, window.location.href).href;
      channel = new BroadcastChannel(
        `jupyter-wopi:edits:${url}`
      ) as unknown as IChannel;
    }
    edits = new SharedEdits(channel);
    shared.set(baseUrl, edits);
  }
  return edits;
}
