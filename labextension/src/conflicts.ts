/**
 * Conflict copies announced lab-wide. When the editor's save could not go
 * into the file (it changed on disk, was deleted or made read-only, someone
 * else locked it), the server keeps the bytes as a copy beside it and
 * records an event. The lab polls those events and shows each once, with
 * the copy's name and an "Open" action, whether or not its tab is still
 * open: the last save often happens after the tab was closed.
 *
 * Each event is announced once per lab: the ids shown are remembered in the
 * browser's localStorage (shared by every tab of this lab, so two lab tabs
 * do not both announce it). The server forgets an event only when the user
 * acts on its notification or dismisses it in the notification center, so
 * another browser still shows what this one did not. Polling stops while
 * the page is hidden; a push channel will replace it.
 */

import { Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { Contents, ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';

import { dismissConflict, fetchConflicts } from './api';
import type { IConflictEvent } from './wire';

/** Conflicts are rare and not urgent: a few seconds late is fine. */
const INTERVAL_MS = 7_000;
/** Slowest retry while the server is unreachable or lacks the API. */
const MAX_INTERVAL_MS = 5 * 60_000;

/** The events to announce now, oldest first: those not announced yet. */
export function eventsToAnnounce(
  events: readonly IConflictEvent[],
  announced: ReadonlySet<string>
): IConflictEvent[] {
  return events
    .filter(event => !announced.has(event.id))
    .sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id));
}

/**
 * The ids worth remembering after a look at the server: those it still
 * lists (an event it dropped, dismissed or whose copy is gone, never comes
 * back), and those just announced.
 */
export function idsToRemember(
  announced: ReadonlySet<string>,
  events: readonly IConflictEvent[]
): Set<string> {
  return new Set(events.map(event => event.id).filter(id => announced.has(id)));
}

/** The notification's sentence: what happened, and where the changes are. */
export function describeConflict(
  trans: TranslationBundle,
  event: IConflictEvent
): string {
  const name = PathExt.basename(event.path);
  const copy = PathExt.basename(event.conflict_path);
  switch (event.reason) {
    case 'read-only':
      return trans.__(
        'Edits to %1 were saved as %2 because %1 had become read-only.',
        name,
        copy
      );
    case 'deleted':
      return trans.__(
        'Edits to %1 were saved as %2 because %1 had been deleted.',
        name,
        copy
      );
    case 'relocked':
      return trans.__(
        'Edits to %1 were saved as %2 because someone else had locked %1.',
        name,
        copy
      );
    case 'revoked':
      return trans.__(
        "Edits to %1 by %3 were saved as %2 because %3 may no longer change %1 (the team folder's rules changed).",
        name,
        copy,
        event.user_name
      );
    default:
      return trans.__(
        'Edits to %1 were saved as %2 because %1 had changed on disk.',
        name,
        copy
      );
  }
}

/**
 * The ids of events this lab has announced, in the browser's storage (and
 * in memory, for a browser that refuses storage).
 */
export class AnnouncedIds {
  constructor(
    private readonly _key: string,
    private readonly _storage: Storage | null
  ) {}

  read(): Set<string> {
    let value: unknown = null;
    try {
      value = JSON.parse(this._storage?.getItem(this._key) ?? 'null');
    } catch {
      // unreadable: fall back to what this page remembers
    }
    // Numbers: ids as releases before team folders' events wrote them.
    return Array.isArray(value)
      ? new Set(
          value
            .filter(id => typeof id === 'string' || typeof id === 'number')
            .map(String)
        )
      : new Set(this._memory);
  }

  write(ids: ReadonlySet<string>): void {
    this._memory = new Set(ids);
    try {
      this._storage?.setItem(this._key, JSON.stringify([...ids]));
    } catch {
      // Storage full or denied: another lab tab may announce them again.
    }
  }

  private _memory = new Set<string>();
}

export interface IConflictAnnouncerOptions {
  readonly trans: TranslationBundle;
  readonly serverSettings: ServerConnection.ISettings;
  /** Open a file in the lab. */
  readonly openPath: (path: string) => void;
  /** Tell file browsers about a file the server made. */
  readonly announce: (change: Contents.IChangedArgs) => void;
  /** Where announced ids are kept; null: for this page only. */
  readonly storage: Storage | null;
  readonly interval?: number;
}

export class ConflictAnnouncer implements IDisposable {
  constructor(options: IConflictAnnouncerOptions) {
    this._options = options;
    // One lab per server: JupyterHub users share the hub's origin.
    this._announced = new AnnouncedIds(
      `jupyter-wopi:announced-conflicts:${options.serverSettings.baseUrl}`,
      options.storage
    );
    Notification.manager.changed.connect(this._onNotificationChanged, this);
    this._poll = new Poll({
      factory: () => this._look(),
      frequency: {
        interval: options.interval ?? INTERVAL_MS,
        backoff: true,
        max: MAX_INTERVAL_MS
      },
      name: 'jupyter-wopi:conflicts',
      standby: 'when-hidden'
    });
  }

  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  /** Look now instead of at the next tick; resolves once looked. */
  async refresh(): Promise<void> {
    await this._poll.refresh();
    await this._poll.tick; // the tick after the look
  }

  dispose(): void {
    Notification.manager.changed.disconnect(this._onNotificationChanged, this);
    this._poll.dispose();
  }

  private async _look(): Promise<void> {
    const events = await fetchConflicts(this._options.serverSettings);
    if (this.isDisposed) {
      return;
    }
    const announced = this._announced.read();
    const fresh = eventsToAnnounce(events, announced);
    fresh.forEach(event => announced.add(event.id));
    this._announced.write(idsToRemember(announced, events));
    fresh.forEach(event => this._show(event));
  }

  private _show(event: IConflictEvent): void {
    const { trans, openPath, announce } = this._options;
    // File browsers showing the folder list the copy at once.
    announce({
      type: 'new',
      oldValue: null,
      newValue: { path: event.conflict_path }
    });
    const id = Notification.warning(describeConflict(trans, event), {
      autoClose: false,
      actions: [
        {
          label: trans.__('Open'),
          caption: trans.__('Open %1', PathExt.basename(event.conflict_path)),
          displayType: 'accent',
          callback: () => openPath(event.conflict_path)
        }
      ]
    });
    this._shown.set(id, event.id);
  }

  /** An action or the notification center's dismiss removes it: the user has seen it. */
  private _onNotificationChanged(
    _: unknown,
    change: Notification.IChange
  ): void {
    const eventId = this._shown.get(change.notification.id);
    if (change.type !== 'removed' || eventId === undefined) {
      return;
    }
    this._shown.delete(change.notification.id);
    dismissConflict(eventId, this._options.serverSettings).catch(
      (reason: unknown) =>
        console.warn('jupyter-wopi: a conflict event was not dismissed', reason)
    );
  }

  private readonly _options: IConflictAnnouncerOptions;
  private readonly _announced: AnnouncedIds;
  private readonly _poll: Poll;
  /** Notification id → conflict event id, for the notifications on screen. */
  private readonly _shown = new Map<string, string>();
}
