/**
 * `Document(...).insert_image(...)`'s output: the image goes into the
 * document's editor open in this lab, once; the output says what happened.
 */

import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Contents } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import { EditorRegistry } from '../editors';
import { InsertImageRequest } from '../insertRequest';
import { INSERT_IMAGE_MIME, readInsertImageRequest } from '../outputs';
import type { IOfficeEnvironment } from '../tokens';
import type { OfficePanel } from '../widget';

/** A panel as the registry and the renderer see it. */
class FakePanel {
  constructor(
    readonly path: string,
    public canInsertImage = true
  ) {}
  readonly node = document.createElement('div');
  readonly imageRequested = new Signal<this, void>(this);
  readonly disposed = new Signal<this, void>(this);
  readonly urls: string[] = [];
  /** A viewer by default when it cannot take an image; an editor may be loading. */
  action = this.canInsertImage ? 'edit' : 'view';
  state = 'ready';
  insertImage(url: string): boolean {
    if (!this.canInsertImage) {
      return false;
    }
    this.urls.push(url);
    return true;
  }
}

class FakeLab {
  constructor(readonly files: string[]) {}
  readonly editors = new EditorRegistry();
  readonly env = {
    trans: nullTranslator.load('jupyter_wopi'),
    editors: this.editors
  } as unknown as IOfficeEnvironment;
  readonly contents = {
    get: async (path: string) => {
      if (!this.files.includes(path)) {
        throw new Error('404');
      }
      return { path, type: 'file' };
    }
  } as unknown as Contents.IManager;
  readonly openInTab = jest.fn();

  panel(path: string, canInsert = true): FakePanel {
    const panel = new FakePanel(path, canInsert);
    this.editors.add(panel as unknown as OfficePanel);
    return panel;
  }
}

const resolver = {
  resolveUrl: async (url: string) => `/reports/${encodeURI(url)}`
} as unknown as IRenderMime.IResolver;

const IMAGE = {
  name: 'figure.png',
  size: 24_576,
  content_type: 'image/png'
};

function bundle(request: string | null, extra: Record<string, unknown> = {}) {
  return {
    path: 'report.docx',
    server_path: 'reports/report.docx',
    outside_root: false,
    request,
    image: request
      ? { ...IMAGE, url: `http://j/wopi/images/${request}` }
      : IMAGE,
    ...extra
  };
}

function model(data: unknown, trusted = true): IRenderMime.IMimeModel {
  return {
    trusted,
    data: { [INSERT_IMAGE_MIME]: data },
    metadata: {},
    setData: () => undefined
  } as unknown as IRenderMime.IMimeModel;
}

async function render(lab: FakeLab, data: unknown, trusted = true) {
  const widget = new InsertImageRequest({ resolver } as never, lab);
  await widget.renderModel(model(data, trusted));
  return widget;
}

describe('readInsertImageRequest', () => {
  it('reads the document and the image', () => {
    expect(readInsertImageRequest(bundle('r0'))).toEqual({
      path: 'report.docx',
      serverPath: 'reports/report.docx',
      outsideRoot: false,
      request: 'r0',
      image: {
        url: 'http://j/wopi/images/r0',
        name: 'figure.png',
        size: 24_576,
        contentType: 'image/png'
      }
    });
    expect(readInsertImageRequest(bundle(null))?.image.url).toBeNull();
  });

  it.each([
    ['no document', { ...bundle('r'), path: '' }],
    ['no image', { ...bundle('r'), image: null }],
    ['an image list', { ...bundle('r'), image: [] }],
    ['nothing', null]
  ])('reads nothing from %s', (_, data) => {
    expect(readInsertImageRequest(data)).toBeNull();
  });
});

describe('InsertImageRequest', () => {
  it('inserts a new request into the editor used last, once', async () => {
    const lab = new FakeLab(['reports/report.docx']);
    const older = lab.panel('reports/report.docx');
    const newer = lab.panel('reports/report.docx');
    const other = lab.panel('reports/other.docx');
    const widget = await render(lab, bundle('r1'));
    expect(newer.urls).toEqual(['http://j/wopi/images/r1']);
    expect(older.urls).toEqual([]);
    expect(other.urls).toEqual([]);
    expect(widget.node.textContent).toBe(
      'Inserted figure.png into report.docx.'
    );
    // The kernel's update (no request, no URL) keeps the sentence; nothing more is sent.
    await widget.renderModel(model(bundle(null)));
    expect(widget.node.textContent).toBe(
      'Inserted figure.png into report.docx.'
    );
    // Another render of the same request (a re-render) inserts nothing.
    await render(lab, bundle('r1'));
    expect(newer.urls).toHaveLength(1);
  });

  it('prefers the editor the user touched last', async () => {
    const lab = new FakeLab(['reports/report.docx']);
    const first = lab.panel('reports/report.docx');
    lab.panel('reports/report.docx');
    first.node.dispatchEvent(new FocusEvent('focusin'));
    await render(lab, bundle('r2'));
    expect(first.urls).toHaveLength(1);
  });

  it('says so when no editor of this lab has the document open for editing', async () => {
    const lab = new FakeLab(['reports/report.docx']);
    const viewer = lab.panel('reports/report.docx', false);
    const widget = await render(lab, bundle('r3'));
    expect(viewer.urls).toEqual([]);
    expect(widget.node.textContent).toBe(
      'report.docx is not open for editing in this lab: open it ' +
        '(Document("report.docx").open() or a double-click) and insert the image again.'
    );
    expect(widget.hasClass('jp-mod-error')).toBe(true);
    expect(widget.node.querySelector('[role=alert]')).not.toBeNull();
  });

  it('waits for an editor that is still loading (just opened by the kernel)', async () => {
    const lab = new FakeLab(['reports/report.docx']);
    const loading = lab.panel('reports/report.docx', false);
    loading.action = 'edit';
    loading.state = 'loading';
    setTimeout(() => {
      loading.state = 'ready';
      loading.canInsertImage = true;
    }, 300);
    const widget = await render(lab, bundle('r8'));
    expect(loading.urls).toEqual(['http://j/wopi/images/r8']);
    expect(widget.node.textContent).toBe(
      'Inserted figure.png into report.docx.'
    );
  });

  it('gives up on an editor that failed to open', async () => {
    const lab = new FakeLab(['reports/report.docx']);
    const failed = lab.panel('reports/report.docx', false);
    failed.action = 'edit';
    failed.state = 'error';
    const widget = await render(lab, bundle('r9'));
    expect(widget.node.textContent).toContain('is not open for editing');
  });

  it('inserts nothing from a saved record or an untrusted output', async () => {
    const lab = new FakeLab(['reports/report.docx']);
    const panel = lab.panel('reports/report.docx');
    const record = await render(lab, bundle(null));
    expect(record.node.textContent).toBe(
      'figure.png (24 KB) was sent to report.docx’s editor.'
    );
    expect(record.hasClass('jp-mod-error')).toBe(false);
    await render(lab, bundle('r4'), false);
    expect(panel.urls).toEqual([]);
  });

  it('says why when the document is missing or outside the root', async () => {
    const lab = new FakeLab([]);
    const missing = await render(lab, bundle('r5'));
    expect(missing.node.textContent).toBe(
      'report.docx was not found, so figure.png was not inserted.'
    );
    const outside = await render(
      lab,
      bundle('r6', { path: '/tmp/report.docx', outside_root: true })
    );
    expect(outside.node.textContent).toContain(
      '/tmp/report.docx is outside the folder this Jupyter server serves'
    );
  });

  it('forgets disposed panels', async () => {
    const lab = new FakeLab(['reports/report.docx']);
    const panel = lab.panel('reports/report.docx');
    panel.disposed.emit();
    expect(lab.editors.all()).toEqual([]);
    const widget = await render(lab, bundle('r7'));
    expect(panel.urls).toEqual([]);
    expect(widget.node.textContent).toContain('is not open for editing');
  });
});
