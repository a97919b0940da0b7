/**
 * Editing locks in the file browser: a lock badge beside each file being
 * edited in ONLYOFFICE (who, since when), and a command to release a lock
 * left behind by an editor that went away.
 */

import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { PathExt, Time } from '@jupyterlab/coreutils';
import type { FileBrowser } from '@jupyterlab/filebrowser';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Poll } from '@lumino/polling';
import { type ISignal, Signal } from '@lumino/signaling';

import { fetchLocks, releaseLock } from './api';
import {
  addFileMenuItem,
  currentBrowser,
  type IFileCommandServices,
  selectedFile
} from './browser';
import { lockIcon } from './icons';
import { CommandIDs } from './tokens';
import type { ILockedFile, ILockInfo } from './wire';

const BADGE_CLASS = 'jp-wopi-lock-badge';
/** Locks change when editors open and close: a few seconds late is fine. */
const INTERVAL_MS = 10_000;

/** The server's locks, by path, refreshed by polling. */
export class LockRegistry {
  constructor(
    serverSettings: ServerConnection.ISettings,
    interval = INTERVAL_MS
  ) {
    this._poll = new Poll({
      factory: async () => {
        const locks = await fetchLocks(serverSettings);
        this._locks = new Map(locks.map(lock => [lock.path, lock]));
        this._changed.emit();
      },
      frequency: { interval, backoff: true, max: 120_000 },
      name: 'jupyter-wopi:locks',
      standby: 'when-hidden'
    });
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get(path: string): ILockedFile | undefined {
    return this._locks.get(path);
  }

  refresh(): Promise<void> {
    return this._poll.refresh();
  }

  private readonly _poll: Poll;
  private readonly _changed = new Signal<this, void>(this);
  private _locks = new Map<string, ILockedFile>();
}

/**
 * "Being edited by Ada (locked 5 minutes ago)"; "Being edited by you (…)"
 * or "Being edited by you and Ada (…)" when the current user holds it.
 * Servers from before `you` and `others` say nothing about the user: the
 * holders' names then stand as they are.
 */
export function describeLock(
  trans: TranslationBundle,
  lock: ILockInfo
): string {
  const since = Time.formatHuman(new Date(lock.locked_at * 1000));
  if (lock.you === true) {
    return lock.others
      ? trans.__('Being edited by you and %1 (locked %2)', lock.others, since)
      : trans.__('Being edited by you (locked %1)', since);
  }
  return lock.holder_name
    ? trans.__('Being edited by %1 (locked %2)', lock.holder_name, since)
    : trans.__('Being edited (locked %1)', since);
}

/**
 * Ask before releasing a file's editing lock (who holds it, since when, and
 * why nobody's work is lost), then release it.
 *
 * @returns whether the lock was released.
 */
export async function askAndReleaseLock(
  trans: TranslationBundle,
  serverSettings: ServerConnection.ISettings,
  file: { readonly file_id: string; readonly path: string },
  lock: ILockInfo
): Promise<boolean> {
  const name = PathExt.basename(file.path);
  const answer = await showDialog({
    title: trans.__('Release the editing lock of %1?', name),
    body: trans.__(
      '%1. Release the lock only if nobody is editing %2 any more. If ' +
        'someone still is, their changes are not lost: their next save ' +
        'goes into %2 if nobody changed it meanwhile, or else into a ' +
        'separate copy beside it.',
      describeLock(trans, lock),
      name
    ),
    buttons: [
      Dialog.cancelButton(),
      Dialog.warnButton({ label: trans.__('Release Lock') })
    ]
  });
  if (!answer.button.accept) {
    return false;
  }
  try {
    await releaseLock(file.file_id, serverSettings);
  } catch (error) {
    Notification.error(error instanceof Error ? error.message : String(error));
    return false;
  }
  Notification.success(trans.__('Released the editing lock of %1', name), {
    autoClose: 5000
  });
  return true;
}

/**
 * Keep lock badges on a browser's listing. The listing reuses item nodes
 * for other files (sorting, refreshes), so the badges are re-checked after
 * each change of its DOM; a pass that finds them right changes nothing,
 * which ends the round.
 */
export function showLockBadges(
  browser: FileBrowser,
  locks: LockRegistry,
  trans: TranslationBundle
): void {
  const content = browser.node.querySelector('.jp-DirListing-content');
  if (!content) {
    return;
  }
  let scheduled = false;
  const update = () => {
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        placeBadges(browser, content, locks, trans);
      });
    }
  };
  const observer = new MutationObserver(update);
  observer.observe(content, {
    childList: true,
    subtree: true,
    characterData: true
  });
  locks.changed.connect(update);
  browser.disposed.connect(() => {
    observer.disconnect();
    locks.changed.disconnect(update);
  });
  update();
}

function placeBadges(
  browser: FileBrowser,
  content: Element,
  locks: LockRegistry,
  trans: TranslationBundle
): void {
  for (const node of Array.from(content.children)) {
    const name = node.querySelector('.jp-DirListing-itemName');
    const fileName = node.querySelector('.jp-DirListing-itemText')?.textContent;
    if (!name || !fileName) {
      continue;
    }
    const lock = locks.get(PathExt.join(browser.model.path, fileName));
    const text = lock ? describeLock(trans, lock) : null;
    const badge = name.querySelector<HTMLElement>(`.${BADGE_CLASS}`);
    if (!text) {
      badge?.remove();
      continue;
    }
    if (badge?.title === text) {
      continue;
    }
    const fresh = badge ?? document.createElement('span');
    labelBadge(fresh, text);
    if (!badge) {
      lockIcon.element({ container: fresh, tag: null });
      name.appendChild(fresh);
    }
  }
}

/**
 * A badge says who holds the lock: its tooltip, and its name for screen
 * readers. As an image: a plain span may not carry a name (ARIA forbids
 * aria-label on an element without a role).
 */
export function labelBadge(badge: HTMLElement, text: string): void {
  badge.className = BADGE_CLASS;
  badge.title = text;
  badge.setAttribute('role', 'img');
  badge.setAttribute('aria-label', text);
}

export interface ILockServices extends IFileCommandServices {
  readonly locks: LockRegistry;
}

export function addReleaseLockCommand(
  app: JupyterFrontEnd,
  services: ILockServices
): void {
  const { trans, locks } = services;
  const lockOfSelection = () => {
    const file = selectedFile(services);
    return file ? locks.get(file.path) : undefined;
  };
  app.commands.addCommand(CommandIDs.releaseLock, {
    label: trans.__('Release Editing Lock…'),
    caption: trans.__(
      'Release the ONLYOFFICE editing lock of a file nobody is editing any more'
    ),
    describedBy: { args: { type: 'object', properties: {} } },
    isVisible: () => !!lockOfSelection(),
    execute: async () => {
      const lock = lockOfSelection();
      if (!lock) {
        return;
      }
      await askAndReleaseLock(trans, services.serverSettings, lock, lock);
      await locks.refresh();
      await currentBrowser(services)?.model.refresh();
    }
  });
  addFileMenuItem(app, services, CommandIDs.releaseLock, 11);
}
