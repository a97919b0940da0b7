/**
 * Drop zones: shown over the editors that can take an image while a lab
 * drag is in progress, never for drags from elsewhere; a drop inserts the
 * image or says why not.
 */

import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import { CONTENTS_DRAG_TYPE } from '../dropData';
import { DropZones } from '../dropzone';
import { EditorRegistry } from '../editors';
import type { OfficePanel } from '../widget';

import { until } from './fixtures';

class FakePanel {
  constructor(
    readonly path: string,
    public canInsertImage = true,
    public isVisible = true
  ) {
    document.body.appendChild(this.node);
    this.node.appendChild(this.editorArea);
  }
  readonly node = document.createElement('div');
  readonly editorArea = document.createElement('div');
  readonly imageRequested = new Signal<this, void>(this);
  readonly disposed = new Signal<this, void>(this);
  readonly urls: string[] = [];
  insertImage(url: string): boolean {
    this.urls.push(url);
    return true;
  }
}

/** A lumino drag event carrying the file browser's paths. */
function luminoEvent(type: string, paths: unknown, mime = CONTENTS_DRAG_TYPE) {
  const event = new Event(type, { bubbles: true, cancelable: true });
  return Object.assign(event, {
    mimeData: {
      hasData: (m: string) => m === mime,
      getData: (m: string) => (m === mime ? paths : undefined)
    },
    proposedAction: 'move',
    dropAction: 'none'
  });
}

function setup() {
  const posted: Array<Record<string, unknown>> = [];
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: async (input: RequestInfo, init?: RequestInit) => {
      posted.push(JSON.parse(await new Request(input, init).text()));
      return new Response(JSON.stringify({ url: 'http://j/wopi/images/d1' }), {
        status: 200,
        headers: { 'Content-Type': 'application/json' }
      });
    }
  });
  const editors = new EditorRegistry();
  const add = (panel: FakePanel) => {
    editors.add(panel as unknown as OfficePanel);
    return panel;
  };
  const notify = jest.fn();
  const zones = new DropZones({
    editors,
    env: { serverSettings, trans: nullTranslator.load('jupyter_wopi') },
    figureOf: () => null,
    notify
  });
  return { zones, add, notify, posted };
}

let current: DropZones | null = null;

afterEach(() => {
  current?.dispose();
  current = null;
  document.body.replaceChildren();
});

describe('DropZones', () => {
  it('shows a zone over each visible editing panel during a file browser drag', () => {
    const { zones, add } = setup();
    current = zones;
    const editing = add(new FakePanel('docs/report.docx'));
    const viewer = add(new FakePanel('docs/view.docx', false));
    const hidden = add(new FakePanel('docs/hidden.docx', true, false));
    expect(document.querySelector('.jp-wopi-dropzone')).toBeNull();
    document.body.dispatchEvent(luminoEvent('lm-dragenter', ['a.png']));
    expect(zones.active).toBe(true);
    const zone = editing.editorArea.querySelector('.jp-wopi-dropzone');
    expect(zone?.textContent).toBe('Drop to insert into report.docx');
    expect(viewer.editorArea.children).toHaveLength(0);
    expect(hidden.editorArea.children).toHaveLength(0);
  });

  it('shows nothing for lumino drags of other things (cells)', () => {
    const { zones, add } = setup();
    current = zones;
    add(new FakePanel('report.docx'));
    document.body.dispatchEvent(
      luminoEvent('lm-dragenter', [], 'application/vnd.jupyter.cells')
    );
    expect(zones.active).toBe(false);
    expect(document.querySelector('.jp-wopi-dropzone')).toBeNull();
  });

  it('inserts a dropped image file, moving nothing, then hides the zones', async () => {
    const { zones, add, notify, posted } = setup();
    current = zones;
    const panel = add(new FakePanel('docs/report.docx'));
    document.body.dispatchEvent(luminoEvent('lm-dragenter', ['figs/a.png']));
    const zone = panel.editorArea.querySelector('.jp-wopi-dropzone')!;
    const over = luminoEvent('lm-dragover', ['figs/a.png']);
    zone.dispatchEvent(over);
    expect(over.defaultPrevented).toBe(true);
    expect(over.dropAction).toBe('move');
    const drop = luminoEvent('lm-drop', ['figs/a.png']);
    zone.dispatchEvent(drop);
    expect(drop.dropAction).toBe('none');
    expect(document.querySelector('.jp-wopi-dropzone')).toBeNull();
    await until(() => notify.mock.calls.length === 1);
    expect(posted).toEqual([
      { path: 'figs/a.png', document: 'docs/report.docx' }
    ]);
    expect(panel.urls).toEqual(['http://j/wopi/images/d1']);
    expect(notify).toHaveBeenCalledWith(
      'Inserted a.png into report.docx.',
      'success'
    );
  });

  it('says why a file that is no image is not inserted', async () => {
    const { zones, add, notify, posted } = setup();
    current = zones;
    const panel = add(new FakePanel('report.docx'));
    document.body.dispatchEvent(luminoEvent('lm-dragenter', ['notes.txt']));
    panel.editorArea
      .querySelector('.jp-wopi-dropzone')!
      .dispatchEvent(luminoEvent('lm-drop', ['notes.txt']));
    await until(() => notify.mock.calls.length === 1);
    expect(notify.mock.calls[0][0]).toContain(
      'notes.txt is not an image ONLYOFFICE can insert'
    );
    expect(notify.mock.calls[0][1]).toBe('error');
    expect(posted).toEqual([]);
    expect(panel.urls).toEqual([]);
  });

  it('hides the zones when the drag ends elsewhere, or on Escape', async () => {
    const { zones, add } = setup();
    current = zones;
    add(new FakePanel('report.docx'));
    document.body.dispatchEvent(luminoEvent('lm-dragenter', ['a.png']));
    document.dispatchEvent(new Event('pointerup'));
    await until(() => !zones.active);
    document.body.dispatchEvent(luminoEvent('lm-dragenter', ['a.png']));
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await until(() => document.querySelector('.jp-wopi-dropzone') === null);
  });
});
