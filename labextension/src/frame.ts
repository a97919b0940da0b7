/**
 * The host page inside a panel (spec §3.2): a named iframe, created first,
 * and a hidden form that POSTs the access token (and editor settings) into it. The token never
 * appears in a URL, so it stays out of logs and Referer headers.
 */

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
  form.appendChild(hiddenInput(doc, 'access_token', session.access_token));
  // Milliseconds since the epoch, digits only: ONLYOFFICE parses it with parseInt.
  form.appendChild(
    hiddenInput(
      doc,
      'access_token_ttl',
      String(Math.max(0, Math.trunc(session.access_token_ttl)))
    )
  );
  form.appendChild(hiddenInput(doc, 'docs_api_config', DOCS_API_CONFIG));
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

function hiddenInput(
  doc: Document,
  name: string,
  value: string
): HTMLInputElement {
  const input = doc.createElement('input');
  input.type = 'hidden';
  input.name = name;
  input.value = value;
  return input;
}
