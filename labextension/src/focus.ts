/**
 * Whether the editor frame holds the keyboard focus, so the panel can send
 * Grab_Focus / Blur_Focus (spec §6). A dialog, menu or the command palette
 * over the editor takes the focus into the lab; so does any other lab
 * element the user clicks. Following the focus itself covers all of them
 * without knowing their class names.
 */

import type { IDisposable } from '@lumino/disposable';

export class FocusTracker implements IDisposable {
  /**
   * @param frame - the editor's iframe
   * @param onChange - called with `true` when the frame gains the focus and
   *   `false` when the lab takes it, only on changes
   */
  constructor(
    frame: HTMLIFrameElement,
    onChange: (editorFocused: boolean) => void
  ) {
    this._frame = frame;
    this._onChange = onChange;
    this._doc = frame.ownerDocument;
    this._win = this._doc.defaultView;
    this._focused = this._doc.activeElement === frame;
    this._doc.addEventListener('focusin', this._onFocusIn, true);
    this._win?.addEventListener('blur', this._onWindowBlur);
  }

  /** Whether the frame had the focus at the last change. */
  get editorFocused(): boolean {
    return this._focused;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._doc.removeEventListener('focusin', this._onFocusIn, true);
    this._win?.removeEventListener('blur', this._onWindowBlur);
    if (this._timer !== undefined) {
      clearTimeout(this._timer);
    }
  }

  private _onFocusIn = (event: FocusEvent): void => {
    this._set(event.target === this._frame);
  };

  /**
   * A click into the (cross-origin) frame blurs the lab's window; the frame
   * is the active element once the browser has moved the focus.
   */
  private _onWindowBlur = (): void => {
    this._timer = setTimeout(() => {
      this._timer = undefined;
      if (!this._disposed && this._doc.activeElement === this._frame) {
        this._set(true);
      }
    }, 0);
  };

  private _set(focused: boolean): void {
    if (focused !== this._focused) {
      this._focused = focused;
      this._onChange(focused);
    }
  }

  private readonly _frame: HTMLIFrameElement;
  private readonly _onChange: (editorFocused: boolean) => void;
  private readonly _doc: Document;
  private readonly _win: Window | null;
  private _focused: boolean;
  private _disposed = false;
  private _timer: ReturnType<typeof setTimeout> | undefined;
}
