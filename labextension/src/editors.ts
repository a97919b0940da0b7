/**
 * The ONLYOFFICE panels of this lab (tabs and notebook outputs), so that an
 * image can find the editor it goes into: by the document it shows, the one
 * the user touched last first. Their asks for an image (Image → From
 * Storage) reach the plugin through here.
 */

import { type ISignal, Signal } from '@lumino/signaling';

import type { OfficePanel } from './widget';

/** How long an image waits for an editor that is still loading, in ms. */
export const EDITOR_WAIT_MS = 30_000;

export class EditorRegistry {
  /** A panel's editor asked for an image (UI_InsertGraphic). */
  get imageRequested(): ISignal<this, OfficePanel> {
    return this._imageRequested;
  }

  /** Follow a panel until it is disposed. */
  add(panel: OfficePanel): void {
    if (this._used.has(panel)) {
      return;
    }
    this._used.set(panel, ++this._clock);
    const touched = () => this._used.set(panel, ++this._clock);
    // The editor's frame taking the focus shows in the lab as focusin on it.
    panel.node.addEventListener('focusin', touched);
    panel.imageRequested.connect(() => {
      touched();
      this._imageRequested.emit(panel);
    });
    panel.disposed.connect(() => this._used.delete(panel));
  }

  /** Every panel followed, the one used last first. */
  all(): OfficePanel[] {
    return [...this._used.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([panel]) => panel);
  }

  /** The panels that can take an image now (an editor loaded for editing). */
  editing(): OfficePanel[] {
    return this.all().filter(panel => panel.canInsertImage);
  }

  /** The editing panels of the document at `path`, the one used last first. */
  editingFile(path: string): OfficePanel[] {
    return this.editing().filter(panel => panel.path === path);
  }

  /**
   * The editing panel of `path` used last; while a panel opening it for
   * editing is still loading (a tab `Document.open()` just asked for), wait
   * for it up to `timeout` ms. Null when none shows the document for editing.
   */
  async editorOf(
    path: string,
    timeout = EDITOR_WAIT_MS,
    poll = 200
  ): Promise<OfficePanel | null> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const [ready] = this.editingFile(path);
      if (ready) {
        return ready;
      }
      const opening = this.all().some(
        panel =>
          panel.path === path &&
          panel.action === 'edit' &&
          panel.state !== 'error'
      );
      if (!opening || Date.now() >= deadline) {
        return null;
      }
      await new Promise(resolve => setTimeout(resolve, poll));
    }
  }

  private readonly _used = new Map<OfficePanel, number>();
  private readonly _imageRequested = new Signal<this, OfficePanel>(this);
  private _clock = 0;
}
