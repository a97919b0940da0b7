/**
 * The ways from viewing a file to editing it: the editor's Edit button
 * (UI_Edit), the editable copy of a format ONLYOFFICE only views (spec
 * §7.1), and releasing another application's lock that kept the file
 * read-only. Each ends with the panel opening the file again.
 */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

import { fetchFileStatus, type IEditorSession } from './api';
import { editableCopyExtension } from './formats';
import { askAndReleaseLock } from './locks';
import type { INoticeContext } from './notices';
import type { ILockInfo } from './wire';

/** What the ways to editing need of the panel. */
export interface IEditingHost extends INoticeContext {
  /** The session shown now, if any. */
  session(): IEditorSession | null;
  /** Open the file again, for editing or as an editable copy. */
  open(action: 'edit' | 'convert'): void;
}

/** UI_Edit: edit in place, or offer an editable copy of a view-only format. */
export async function requestEditing(host: IEditingHost): Promise<void> {
  const name = host.fileName();
  const target = editableCopyExtension(name);
  if (!target) {
    host.open('edit');
    return;
  }
  if (await confirmEditableCopy(host.env.trans, name, target)) {
    host.open('convert');
  } else {
    const session = host.session();
    if (session) {
      offerEditableCopy(host, session, name); // still the way there
    }
  }
}

/** A view-only legacy file gets a visible way to an editable copy. */
export function offerEditableCopy(
  host: IEditingHost,
  session: IEditorSession,
  name: string
): void {
  const target = editableCopyExtension(name);
  if (session.mode !== 'view' || !target) {
    return;
  }
  const trans = host.env.trans;
  host.notices.show('legacy', {
    text: trans.__('ONLYOFFICE Docs opens %1 for viewing only.', name),
    actions: [
      {
        label: trans.__('Convert to editable copy'),
        primary: true,
        run: () => void requestEditing(host)
      }
    ]
  });
}

/**
 * Why a file the user may edit opened read-only, in the server's words;
 * when it is another application's lock, with a way to release it.
 */
export function explainReadOnly(
  host: IEditingHost,
  session: IEditorSession
): void {
  if (!session.notice) {
    return;
  }
  const release = {
    label: host.env.trans.__('Release Editing Lock…'),
    run: () => void releaseForeignLock(host, session)
  };
  host.notices.show('read-only', {
    text: session.notice,
    actions: session.locked_elsewhere ? [release] : []
  });
}

/** Another application's lock kept the file read-only: release it (asked), then edit. */
async function releaseForeignLock(
  host: IEditingHost,
  session: IEditorSession
): Promise<void> {
  const { trans, serverSettings } = host.env;
  let lock: ILockInfo | null;
  try {
    lock = (await fetchFileStatus(session.file_id, serverSettings)).lock;
  } catch {
    lock = null; // gone or unreachable: opening again says which
  }
  if (
    lock === null ||
    (await askAndReleaseLock(trans, serverSettings, session, lock))
  ) {
    host.open('edit');
  }
}

/**
 * Ask before converting a view-only file (spec §7.1): ONLYOFFICE writes the
 * copy beside the original and leaves the original as it is.
 */
export async function confirmEditableCopy(
  trans: TranslationBundle,
  name: string,
  targetExtension: string
): Promise<boolean> {
  const result = await showDialog({
    title: trans.__('Convert to an editable copy?'),
    body: trans.__(
      'ONLYOFFICE Docs can only view %1. It can convert it to a new .%2 file beside it ' +
        'and open that for editing; %1 stays as it is.',
      name,
      targetExtension
    ),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: trans.__('Convert to editable copy') })
    ]
  });
  return result.button.accept;
}
