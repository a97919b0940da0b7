/**
 * The editor's frame inside a panel. The host page (spec §3.2): a named
 * iframe, created first, and a hidden form that POSTs the access token (and
 * editor settings) into it. The token never appears in a URL, so it stays
 * out of logs and Referer headers. Then the editor in it: its messages
 * relayed (messages.ts) and the keyboard handed over once it has loaded.
 */

import { UUID } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';

import { FocusTracker } from './focus';
import { type IRelayHandlers, MessageRelay } from './messages';

/** What the form posts: the session's action URL and token (spec §3.1). */
export interface IFrameSession {
  readonly action_url: string;
  readonly access_token: string;
  readonly access_token_ttl: number;
}

/** Same flags as the server's standalone host page (templates/host.html). */
export const FRAME_SANDBOX = [
  'allow-scripts',
  'allow-same-origin',
  'allow-forms',
  'allow-popups',
  // The only ONLYOFFICE flow that navigates the top window is the convert-and-edit
  // page's button: a click runs window.top.location.replace(HostEditUrl) (spec §7.1,
  // client-behavior §11). A click is a user activation, so the frame may navigate the
  // lab only then, never from a script on its own (no plain allow-top-navigation).
  'allow-top-navigation-by-user-activation',
  'allow-popups-to-escape-sandbox',
  'allow-downloads',
  'allow-modals'
].join(' ');

/**
 * Extra editor configuration the form posts (spec §3.1 `docs_api_config`).
 * ONLYOFFICE's Save button and Ctrl/Cmd+S write to Jupyter (a force-save,
 * PutFile) only with `forcesave` on; without it the editor saves into the
 * file only when its last user closes it (client-behavior §5.1), and the
 * lab could not point users to a Save that reaches the disk.
 */
export const DOCS_API_CONFIG = JSON.stringify({
  editorConfig: { customization: { forcesave: true } }
});

/** Permissions the editor may ask for: media for comments, clipboard for copy/paste. */
export const FRAME_ALLOW =
  'autoplay; camera; microphone; display-capture; clipboard-read; clipboard-write';

/** The named, sandboxed iframe the form targets; not yet in the document. */
export function createEditorFrame(
  doc: Document,
  name: string,
  title: string
): HTMLIFrameElement {
  const frame = doc.createElement('iframe');
  frame.name = name;
  frame.title = title;
  frame.className = 'jp-wopi-panel-frame';
  frame.setAttribute('allowfullscreen', 'true');
  frame.setAttribute('allow', FRAME_ALLOW);
  // Sandbox flags apply at navigation, so they must be set before the POST.
  frame.setAttribute('sandbox', FRAME_SANDBOX);
  return frame;
}

/** The hidden form that POSTs the token to the action URL into `target`. */
export function createTokenForm(
  doc: Document,
  session: IFrameSession,
  target: string
): HTMLFormElement {
  const form = doc.createElement('form');
  form.method = 'post';
  form.action = session.action_url;
  form.target = target;
  form.hidden = true;
  const fields = {
    access_token: session.access_token,
    // Milliseconds since the epoch, digits only: ONLYOFFICE parses it with parseInt.
    access_token_ttl: String(Math.max(0, Math.trunc(session.access_token_ttl))),
    docs_api_config: DOCS_API_CONFIG
  };
  for (const [name, value] of Object.entries(fields)) {
    const input = doc.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  return form;
}

/**
 * Put a new frame into `container` and load the editor into it. The frame
 * must be in the document before the form is submitted, or the POST would
 * open a new browser tab instead of filling the frame.
 */
export function loadEditor(
  container: HTMLElement,
  session: IFrameSession,
  options: { readonly name: string; readonly title: string }
): HTMLIFrameElement {
  const doc = container.ownerDocument;
  const frame = createEditorFrame(doc, options.name, options.title);
  container.appendChild(frame);
  const form = createTokenForm(doc, session, options.name);
  container.appendChild(form);
  // Once the editor page arrives the token need not stay in the lab's DOM.
  frame.addEventListener('load', () => form.remove(), { once: true });
  form.submit();
  return frame;
}

/** A session the editor frame can load and talk to. */
export interface IEditorFrameSession extends IFrameSession {
  /** ONLYOFFICE's origin: the only one whose messages count. */
  readonly onlyoffice_origin: string;
}

export interface IEditorFrameOptions {
  /** Where the frame and its form go. */
  readonly container: HTMLElement;
  readonly session: IEditorFrameSession;
  readonly title: string;
  /** What the editor's messages do; `loaded` runs once. */
  readonly handlers: IRelayHandlers;
  /** The panel the frame is in. */
  readonly panel: { readonly node: HTMLElement; readonly isVisible: boolean };
  /**
   * Whether the editor takes the keyboard when it has loaded and nothing
   * else has it (a tab: yes; a notebook output: no, the notebook keeps it).
   */
  readonly takesFocus: boolean;
}

/**
 * One editor in its frame: the host page loaded into it, the editor's
 * messages relayed (only from this frame, only from ONLYOFFICE's origin),
 * and the keyboard followed once the editor has loaded.
 */
export class EditorFrame implements IDisposable {
  constructor(options: IEditorFrameOptions) {
    this._options = options;
    this.node = loadEditor(options.container, options.session, {
      name: `jp-wopi-frame-${UUID.uuid4()}`,
      title: options.title
    });
    this._relay = new MessageRelay({
      origin: options.session.onlyoffice_origin,
      target: () => (this._disposed ? null : this.node.contentWindow),
      handlers: { ...options.handlers, loaded: () => this._onLoaded() }
    });
    window.addEventListener('message', this._onMessage);
  }

  readonly node: HTMLIFrameElement;

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Whether the editor has reported that it has the file (App_LoadingStatus). */
  get loaded(): boolean {
    return this._loaded;
  }

  /**
   * Ask the editor to insert the image at `url` where its cursor is
   * (Action_InsertGraphic, client-behavior §10): ONLYOFFICE downloads the
   * URL itself, from its server.
   *
   * @returns whether a loaded editor was told.
   */
  insertImage(url: string): boolean {
    if (!this._loaded || this._disposed) {
      return false;
    }
    return this._relay.send('Action_InsertGraphic', { url });
  }

  /** Give the editor the keyboard (the frame then tells it Grab_Focus). */
  focus(): void {
    this.node.focus();
  }

  /** Remove the frame and stop listening to it. */
  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    window.removeEventListener('message', this._onMessage);
    this._focus?.dispose();
    this._focus = null;
    this.node.remove();
  }

  private _onMessage = (event: MessageEvent): void => {
    this._relay.handle(event);
  };

  /** App_LoadingStatus: the panel shows the editor, then the editor hears from it. */
  private _onLoaded(): void {
    if (this._loaded || this._disposed) {
      return;
    }
    this._loaded = true;
    this._options.handlers.loaded();
    if (this._disposed) {
      return;
    }
    const relay = this._relay;
    relay.send('Host_PostmessageReady');
    if (this._mayTakeKeyboard()) {
      this.node.focus();
    } else {
      // The user is typing elsewhere in the lab: the editor must not take the keys.
      relay.send('Blur_Focus');
    }
    // Created after the focus moved, so it starts from what the editor was told.
    this._focus = new FocusTracker(this.node, focused =>
      relay.send(focused ? 'Grab_Focus' : 'Blur_Focus')
    );
  }

  /** Nothing else has the keyboard, or the panel has it. */
  private _mayTakeKeyboard(): boolean {
    const { panel, takesFocus } = this._options;
    const active = this.node.ownerDocument.activeElement;
    return (
      panel.isVisible &&
      ((takesFocus && active === this.node.ownerDocument.body) ||
        panel.node.contains(active))
    );
  }

  private readonly _options: IEditorFrameOptions;
  private readonly _relay: MessageRelay;
  private _focus: FocusTracker | null = null;
  private _loaded = false;
  private _disposed = false;
}
