/**
 * The host page built inside the panel (spec §3.2): the hidden form posts
 * the token into a named frame that exists before the form is submitted.
 */

import {
  createEditorFrame,
  createTokenForm,
  DOCS_API_CONFIG,
  EditorFrame,
  FRAME_ALLOW,
  FRAME_SANDBOX,
  loadEditor
} from '../frame';

import { ORIGIN } from './fixtures';
import { usePanels } from './panelHarness';

const SESSION = {
  action_url:
    'https://office.example.org/hosting/wopi/word/edit?wopisrc=https%3A%2F%2Flab%2Fwopi%2Ffiles%2Fabc&ui=en-US',
  access_token: 'tok_en-123',
  access_token_ttl: 1767225600000
};

describe('createEditorFrame', () => {
  it('makes a named, sandboxed frame that may go full screen', () => {
    const frame = createEditorFrame(
      document,
      'frame-1',
      'ONLYOFFICE Docs: a.docx'
    );
    expect(frame.tagName).toBe('IFRAME');
    expect(frame.name).toBe('frame-1');
    expect(frame.title).toBe('ONLYOFFICE Docs: a.docx');
    expect(frame.getAttribute('allowfullscreen')).toBe('true');
    expect(frame.getAttribute('allow')).toBe(FRAME_ALLOW);
    expect(FRAME_ALLOW.split('; ')).toEqual([
      'autoplay',
      'camera',
      'microphone',
      'display-capture',
      'clipboard-read',
      'clipboard-write'
    ]);
    expect(frame.getAttribute('sandbox')).toBe(FRAME_SANDBOX);
    expect(FRAME_SANDBOX.split(' ').sort()).toEqual(
      [
        'allow-scripts',
        'allow-same-origin',
        'allow-forms',
        'allow-popups',
        'allow-top-navigation-by-user-activation',
        'allow-popups-to-escape-sandbox',
        'allow-downloads',
        'allow-modals'
      ].sort()
    );
    expect(frame.getAttribute('src')).toBeNull();
  });

  it('lets the editor navigate the lab only on a click (convert-and-edit button)', () => {
    const flags = FRAME_SANDBOX.split(' ');
    expect(flags).toContain('allow-top-navigation-by-user-activation');
    expect(flags).not.toContain('allow-top-navigation');
  });
});

describe('createTokenForm', () => {
  it('posts exactly the token, its expiry and the editor settings to the action URL, into the frame', () => {
    const form = createTokenForm(document, SESSION, 'frame-1');
    expect(form.method).toBe('post');
    expect(form.action).toBe(SESSION.action_url);
    expect(form.target).toBe('frame-1');
    expect(form.hidden).toBe(true);
    const fields = Array.from(form.elements) as HTMLInputElement[];
    expect(fields.map(f => [f.name, f.type, f.value])).toEqual([
      ['access_token', 'hidden', 'tok_en-123'],
      ['access_token_ttl', 'hidden', '1767225600000'],
      ['docs_api_config', 'hidden', DOCS_API_CONFIG]
    ]);
  });

  it("turns on ONLYOFFICE's force-save, so its Save button writes to Jupyter", () => {
    expect(JSON.parse(DOCS_API_CONFIG)).toEqual({
      editorConfig: { customization: { forcesave: true } }
    });
  });

  it('sends the expiry as digits only', () => {
    const form = createTokenForm(
      document,
      { ...SESSION, access_token_ttl: 1767225600000.7 },
      'f'
    );
    const ttl = form.elements.namedItem('access_token_ttl') as HTMLInputElement;
    expect(ttl.value).toBe('1767225600000');
  });

  it('never puts the token in the URL', () => {
    const form = createTokenForm(document, SESSION, 'f');
    expect(form.action).not.toContain(SESSION.access_token);
  });
});

describe('loadEditor', () => {
  let submit: jest.SpyInstance;
  afterEach(() => {
    submit.mockRestore();
    document.body.replaceChildren();
  });

  it('adds the frame to the document before submitting the form into it', () => {
    const container = document.createElement('div');
    document.body.appendChild(container);
    const seen: Array<{
      target: string;
      frameInDocument: boolean;
      formInDocument: boolean;
    }> = [];
    submit = jest
      .spyOn(HTMLFormElement.prototype, 'submit')
      .mockImplementation(function (this: HTMLFormElement) {
        const frame = document.getElementsByName(this.target)[0];
        seen.push({
          target: this.target,
          frameInDocument:
            frame instanceof HTMLIFrameElement && frame.isConnected,
          formInDocument: this.isConnected
        });
      });

    const frame = loadEditor(container, SESSION, {
      name: 'frame-9',
      title: 't'
    });

    expect(submit).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([
      { target: 'frame-9', frameInDocument: true, formInDocument: true }
    ]);
    expect(frame.name).toBe('frame-9');
    expect(frame.parentElement).toBe(container);
  });

  it('removes the form, and so the token, once the frame has loaded', () => {
    const container = document.createElement('div');
    document.body.appendChild(container);
    submit = jest
      .spyOn(HTMLFormElement.prototype, 'submit')
      .mockImplementation(() => undefined);
    const frame = loadEditor(container, SESSION, {
      name: 'frame-2',
      title: 't'
    });
    expect(container.querySelector('form')).not.toBeNull();
    frame.dispatchEvent(new Event('load'));
    expect(container.querySelector('form')).toBeNull();
    expect(container.innerHTML).not.toContain(SESSION.access_token);
  });
});

describe('EditorFrame', () => {
  usePanels(); // no real form submission

  function editorIn(container: HTMLElement) {
    const handlers = {
      loaded: jest.fn(),
      close: jest.fn(),
      edit: jest.fn(),
      edited: jest.fn(),
      versions: jest.fn(),
      insertImage: jest.fn()
    };
    const editor = new EditorFrame({
      container,
      session: { ...SESSION, onlyoffice_origin: ORIGIN },
      title: 'ONLYOFFICE Docs: a.docx',
      handlers,
      panel: { node: container, isVisible: false },
      takesFocus: true
    });
    return { editor, handlers };
  }

  function fromEditor(
    frame: HTMLIFrameElement,
    id: string,
    origin = ORIGIN,
    source = frame.contentWindow
  ) {
    window.dispatchEvent(
      new MessageEvent('message', {
        origin,
        source,
        data: JSON.stringify({ MessageId: id, SendTime: 1, Values: {} })
      })
    );
  }

  it('takes the loaded message once, then tells the editor the host is ready', () => {
    const container = document.body.appendChild(document.createElement('div'));
    const { editor, handlers } = editorIn(container);
    expect(editor.node.name).toMatch(/^jp-wopi-frame-/);
    const post = jest.spyOn(editor.node.contentWindow!, 'postMessage');
    fromEditor(editor.node, 'App_LoadingStatus', 'https://evil.example.org');
    expect(editor.loaded).toBe(false);
    fromEditor(editor.node, 'App_LoadingStatus');
    fromEditor(editor.node, 'App_LoadingStatus');
    expect(editor.loaded).toBe(true);
    expect(handlers.loaded).toHaveBeenCalledTimes(1);
    const sent = post.mock.calls.map(([data, origin]) => [
      JSON.parse(String(data)).MessageId,
      origin
    ]);
    // A hidden panel's editor does not take the keyboard: told to leave it.
    expect(sent).toEqual([
      ['Host_PostmessageReady', ORIGIN],
      ['Blur_Focus', ORIGIN]
    ]);
  });

  it('inserts an image only into an editor that has loaded', () => {
    const container = document.body.appendChild(document.createElement('div'));
    const { editor, handlers } = editorIn(container);
    const post = jest.spyOn(editor.node.contentWindow!, 'postMessage');
    const url = 'http://jupyter.example.org/wopi/images/abc';
    expect(editor.insertImage(url)).toBe(false); // still loading
    expect(post).not.toHaveBeenCalled();
    fromEditor(editor.node, 'UI_InsertGraphic');
    expect(handlers.insertImage).toHaveBeenCalledTimes(1);
    fromEditor(editor.node, 'App_LoadingStatus');
    post.mockClear();
    expect(editor.insertImage(url)).toBe(true);
    expect(post).toHaveBeenCalledTimes(1);
    const [data, origin] = post.mock.calls[0];
    expect(origin).toBe(ORIGIN);
    expect(JSON.parse(String(data))).toMatchObject({
      MessageId: 'Action_InsertGraphic',
      Values: { url }
    });
    editor.dispose();
    expect(editor.insertImage(url)).toBe(false);
  });

  it('removes the frame and hears nothing more once disposed', () => {
    const container = document.body.appendChild(document.createElement('div'));
    const { editor, handlers } = editorIn(container);
    const frame = editor.node;
    const editorWindow = frame.contentWindow;
    editor.dispose();
    expect(container.querySelector('iframe')).toBeNull();
    fromEditor(frame, 'UI_Close', ORIGIN, editorWindow);
    expect(handlers.close).not.toHaveBeenCalled();
  });
});
