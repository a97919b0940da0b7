/**
 * The notebook output renderers: `Document(...)` inline and
 * `Document(...).open()`, against a fake server.
 */

import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { type Contents, ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { InlineDocument, OpenInTabRequest } from '../inline';
import { DOCUMENT_MIME, type IOutputServices, OPEN_MIME } from '../outputs';
import { DEFAULT_SETTINGS } from '../settings';
import type { IOfficeEnvironment } from '../tokens';

import { ORIGIN, until } from './fixtures';

function session(mode: string, action: string): unknown {
  return {
    action_url: `${ORIGIN}/hosting/wopi/cell/view?embed=1&wopisrc=x`,
    access_token: 'secret-token',
    access_token_ttl: Date.now() + 3600_000,
    favicon_url: null,
    onlyoffice_origin: ORIGIN,
    file_id: 'abc',
    file_name: 'results.xlsx',
    path: 'reports/results.xlsx',
    mode,
    action,
    problem: null
  };
}

/** The lab around the renderers: files on the server, sessions asked for, tabs opened. */
class FakeLab implements IOutputServices {
  constructor(readonly files: string[]) {
    const serverSettings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: async (input: RequestInfo, init?: RequestInit) => {
        const request = new Request(input, init);
        let body: unknown = { message: 'not here' };
        let status = 404;
        if (request.url.includes('/api/wopi/sessions')) {
          const asked = JSON.parse(await request.text());
          this.sessionRequests.push(asked);
          const view = asked.action !== 'edit';
          body = view ? session('view', 'embedview') : session('edit', 'edit');
          status = 200;
        }
        return new Response(JSON.stringify(body), {
          status,
          headers: { 'Content-Type': 'application/json' }
        });
      }
    });
    const env = {
      serverSettings,
      trans: nullTranslator.load('jupyter_wopi'),
      language: () => 'en',
      theme: () => undefined,
      themeChanged: new Signal<unknown, void>(this),
      connectionChanged: new Signal<unknown, void>(this),
      fileChanged: new Signal<unknown, string>(this),
      defaultMode: () => 'edit',
      settings: DEFAULT_SETTINGS,
      announce: jest.fn(),
      openPath: jest.fn(),
      configureConnection: jest.fn(async () => false)
    };
    this.env = env as unknown as IOfficeEnvironment;
    this.contents = {
      get: async (path: string) => {
        if (!this.files.includes(path)) {
          throw new Error('404');
        }
        return { path, type: 'file' };
      }
    } as unknown as Contents.IManager;
  }

  readonly env: IOfficeEnvironment;
  readonly contents: Contents.IManager;
  readonly sessionRequests: Array<Record<string, unknown>> = [];
  readonly opened: string[] = [];
  readonly openInTab = (path: string): void => {
    this.opened.push(path);
  };
}

/** A notebook in `reports/`: relative paths resolve there. */
const resolver = {
  resolveUrl: async (url: string) => `/reports/${encodeURI(url)}`
} as unknown as IRenderMime.IResolver;

function model(
  mime: string,
  data: Record<string, unknown>,
  trusted = true
): IRenderMime.IMimeModel {
  return {
    trusted,
    data: { [mime]: data },
    metadata: {},
    setData: () => undefined
  } as unknown as IRenderMime.IMimeModel;
}

/** A message from the editor page in the output's frame; returns the frame. */
function fromViewer(widget: Widget, id: string): HTMLIFrameElement {
  const frame = widget.node.querySelector('iframe')!;
  window.dispatchEvent(
    new MessageEvent('message', {
      origin: ORIGIN,
      source: frame.contentWindow,
      data: JSON.stringify({ MessageId: id, SendTime: Date.now(), Values: {} })
    })
  );
  return frame;
}

function buttons(widget: Widget): string[] {
  return Array.from(widget.node.querySelectorAll('button')).map(
    b => b.textContent ?? ''
  );
}

function click(widget: Widget, label: string): void {
  const found = Array.from(widget.node.querySelectorAll('button')).find(
    b => b.textContent === label
  );
  if (!found) {
    throw new Error(`no ${label} button`);
  }
  found.click();
}

describe('InlineDocument', () => {
  let submit: jest.SpyInstance;
  let widget: Widget | null = null;

  beforeEach(() => {
    submit = jest
      .spyOn(HTMLFormElement.prototype, 'submit')
      .mockImplementation(() => undefined);
  });

  afterEach(() => {
    widget?.dispose();
    widget = null;
    submit.mockRestore();
    document.body.replaceChildren();
  });

  function render(lab: FakeLab, data: Record<string, unknown>, trusted = true) {
    const inline = new InlineDocument({ resolver } as never, lab);
    widget = inline;
    Widget.attach(inline, document.body);
    return {
      inline,
      done: inline.renderModel(model(DOCUMENT_MIME, data, trusted))
    };
  }

  /** results.xlsx rendered, its viewer loading. */
  async function shownViewer(lab: FakeLab): Promise<InlineDocument> {
    const { inline, done } = render(lab, { path: 'results.xlsx' });
    await done;
    await until(() => submit.mock.calls.length === 1);
    return inline;
  }

  it('shows the file beside the notebook in the embedded viewer', async () => {
    const lab = new FakeLab(['reports/results.xlsx']);
    const { inline, done } = render(lab, { path: 'results.xlsx', height: 300 });
    await done;
    expect(inline.path).toBe('reports/results.xlsx');
    await until(() => submit.mock.calls.length === 1);
    expect(lab.sessionRequests).toEqual([
      expect.objectContaining({ path: 'reports/results.xlsx', action: 'embed' })
    ]);
    const view = inline.node.querySelector(
      '.jp-wopi-inline-view'
    ) as HTMLElement;
    expect(view.style.height).toBe('300px');
    expect(view.querySelector('iframe')).not.toBeNull();
    expect(buttons(inline)).toEqual(['Open in Tab', 'Edit']);
    click(inline, 'Open in Tab');
    expect(lab.opened).toEqual(['reports/results.xlsx']);
  });

  it('becomes an editor on Edit, and a viewer again on View', async () => {
    const lab = new FakeLab(['reports/results.xlsx']);
    const inline = await shownViewer(lab);
    click(inline, 'Edit');
    await until(() => submit.mock.calls.length === 2);
    expect(lab.sessionRequests[1]).toMatchObject({ action: 'edit' });
    expect(buttons(inline)).toEqual(['Open in Tab', 'View']);
    click(inline, 'View');
    await until(() => submit.mock.calls.length === 3);
    expect(lab.sessionRequests[2]).toMatchObject({ action: 'embed' });
  });

  it("follows the viewer's own Edit button (UI_Edit) in its header", async () => {
    const lab = new FakeLab(['reports/results.xlsx']);
    const inline = await shownViewer(lab);
    fromViewer(inline, 'UI_Edit');
    await until(() => submit.mock.calls.length === 2);
    expect(lab.sessionRequests[1]).toMatchObject({ action: 'edit' });
    expect(buttons(inline)).toEqual(['Open in Tab', 'View']);
  });

  it('leaves the keyboard to the notebook when the viewer has loaded', async () => {
    const lab = new FakeLab(['reports/results.xlsx']);
    const inline = await shownViewer(lab);
    (document.activeElement as HTMLElement | null)?.blur(); // nothing has the keyboard
    const frame = fromViewer(inline, 'App_LoadingStatus');
    await until(() => inline.node.querySelector('.jp-mod-ready') !== null);
    expect(document.activeElement).not.toBe(frame);
  });

  it("starts editing only for the notebook's own trusted outputs", async () => {
    const lab = new FakeLab(['reports/results.xlsx']);
    await render(lab, { path: 'results.xlsx', mode: 'edit' }, false).done;
    await until(() => submit.mock.calls.length === 1);
    expect(lab.sessionRequests[0]).toMatchObject({ action: 'embed' });
    widget?.dispose();
    const trusted = new FakeLab(['reports/results.xlsx']);
    await render(trusted, { path: 'results.xlsx', mode: 'edit' }).done;
    await until(() => trusted.sessionRequests.length === 1);
    expect(trusted.sessionRequests[0]).toMatchObject({ action: 'edit' });
  });

  it('says when the file is missing or outside the server, and looks again', async () => {
    const lab = new FakeLab([]);
    const { inline, done } = render(lab, { path: 'later.docx' });
    await done;
    expect(inline.node.textContent).toContain(
      'later.docx was not found: neither where the kernel wrote it nor beside this notebook.'
    );
    expect(lab.sessionRequests).toEqual([]);
    lab.files.push('reports/later.docx');
    click(inline, 'Look Again');
    await until(() => submit.mock.calls.length === 1);
    expect(inline.path).toBe('reports/later.docx');
    expect(inline.node.querySelector('.jp-wopi-inline-problem')).toBeNull();

    const outside = render(new FakeLab([]), {
      path: '/tmp/elsewhere.docx',
      outside_root: true
    });
    await outside.done;
    expect(outside.inline.node.textContent).toContain(
      '/tmp/elsewhere.docx is outside the folder this Jupyter server serves'
    );
  });
});

describe('OpenInTabRequest', () => {
  function render(lab: FakeLab, data: Record<string, unknown>, trusted = true) {
    const widget = new OpenInTabRequest({ resolver } as never, lab);
    return {
      widget,
      done: widget.renderModel(model(OPEN_MIME, data, trusted))
    };
  }

  it('opens the tab once for a new request, and offers to open it again', async () => {
    const lab = new FakeLab(['reports/report.docx']);
    const first = render(lab, { path: 'report.docx', request: 'r1' });
    await first.done;
    expect(lab.opened).toEqual(['reports/report.docx']);
    expect(first.widget.node.textContent).toContain(
      'Opened report.docx in an ONLYOFFICE tab.'
    );
    // The kernel's update removes the request; this output still says it opened the tab.
    await first.widget.renderModel(
      model(OPEN_MIME, { path: 'report.docx' }, true)
    );
    expect(first.widget.node.textContent).toContain(
      'Opened report.docx in an ONLYOFFICE tab.'
    );
    expect(buttons(first.widget)).toEqual(['Open Again']);
    // The same output rendered again (the kernel's update, a re-render): no second tab.
    await render(lab, { path: 'report.docx', request: 'r1' }).done;
    expect(lab.opened).toHaveLength(1);
    click(first.widget, 'Open Again');
    expect(lab.opened).toHaveLength(2);
  });

  it('opens nothing for a saved record or an untrusted output', async () => {
    const lab = new FakeLab(['reports/report.docx']);
    const record = render(lab, { path: 'report.docx' });
    await record.done;
    await render(lab, { path: 'report.docx', request: 'r2' }, false).done;
    expect(lab.opened).toEqual([]);
    expect(buttons(record.widget)).toEqual(['Open in Tab']);
  });
});
