/**
 * The image picker's body: the notebooks' figures and the workspace's
 * images as keyboard lists, their empty and failed states in words, and
 * choosing one: the server's URL sent to the editor, or its sentence.
 */

import { ServerConnection } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { IFigure } from '../figures';
import { documentFolder, ImagePickerBody, moveKey } from '../imagePicker';
import type { IImageList } from '../wire';

import { until } from './fixtures';

type Answer = { status: number; body: unknown };

const FIGURE: IFigure = {
  key: 'a#1#0',
  notebook: 'work/analysis.ipynb',
  executionCount: 12,
  mime: 'image/png',
  data: 'iVBORw0KGgo=',
  insertable: true,
  time: null
};

const SVG_FIGURE: IFigure = {
  ...FIGURE,
  key: 'a#2#0',
  executionCount: 13,
  mime: 'image/svg+xml',
  data: '<svg/>',
  insertable: false
};

const LIST: IImageList = {
  folder: 'reports',
  images: [
    {
      path: 'reports/figs/chart one.png',
      name: 'chart one.png',
      size: 2048,
      modified_at: 1,
      content_type: 'image/png'
    }
  ],
  truncated: false
};

class FakeServer {
  constructor(
    readonly lists: Answer[] = [{ status: 200, body: LIST }],
    readonly urls: Answer[] = []
  ) {}
  readonly listed: string[] = [];
  readonly posted: Array<Record<string, unknown>> = [];
  readonly settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/lab-base/',
    fetch: async (input: RequestInfo, init?: RequestInit) => {
      const request = new Request(input, init);
      let answer: Answer;
      if (request.method === 'POST') {
        this.posted.push(JSON.parse(await request.text()));
        answer = this.urls.shift() ?? {
          status: 200,
          body: { url: 'http://j/wopi/images/s1', content_type: 'image/png' }
        };
      } else {
        this.listed.push(
          new URL(request.url).searchParams.get('folder') ?? '?'
        );
        answer = this.lists.shift() ?? { status: 200, body: LIST };
      }
      return new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'Content-Type': 'application/json' }
      });
    }
  });
}

function picker(
  server: FakeServer,
  figures: IFigure[] = [FIGURE, SVG_FIGURE],
  target = { path: 'reports/report.docx', insertImage: jest.fn(() => true) }
) {
  const body = new ImagePickerBody({
    env: {
      serverSettings: server.settings,
      trans: nullTranslator.load('jupyter_wopi')
    },
    target,
    figures: () => figures
  });
  const inserted = jest.fn();
  body.inserted = inserted;
  Widget.attach(body, document.body);
  return { body, target, inserted };
}

const items = (body: Widget, section: number) =>
  Array.from(
    body.node
      .querySelectorAll('.jp-wopi-picker-section')
      [section].querySelectorAll<HTMLElement>('.jp-wopi-picker-item')
  );

const text = (node: Element | null) => node?.textContent ?? '';

function key(node: HTMLElement, name: string): void {
  node.dispatchEvent(
    new KeyboardEvent('keydown', { key: name, bubbles: true })
  );
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('moveKey and documentFolder', () => {
  it('moves with the arrows, Home and End, within the list', () => {
    expect(moveKey('ArrowDown', 0, 3)).toBe(1);
    expect(moveKey('ArrowRight', 2, 3)).toBe(2);
    expect(moveKey('ArrowUp', 0, 3)).toBe(0);
    expect(moveKey('ArrowLeft', 2, 3)).toBe(1);
    expect(moveKey('Home', 2, 3)).toBe(0);
    expect(moveKey('End', 0, 3)).toBe(2);
    expect(moveKey('a', 0, 3)).toBeNull();
  });

  it("starts at the document's folder ('' at the root)", () => {
    expect(documentFolder('reports/q1/report.docx')).toBe('reports/q1');
    expect(documentFolder('report.docx')).toBe('');
  });
});

describe('ImagePickerBody', () => {
  it('lists the figures, SVG greyed with the reason, the first in the Tab order', async () => {
    const { body } = picker(new FakeServer());
    const [png, svg] = items(body, 0);
    expect(text(png)).toBe('analysis.ipynb [12]');
    expect(png.querySelector('img')?.getAttribute('src')).toBe(
      'data:image/png;base64,iVBORw0KGgo='
    );
    expect(png.tabIndex).toBe(0);
    expect(svg.tabIndex).toBe(-1);
    expect(svg.getAttribute('aria-disabled')).toBe('true');
    expect(text(svg)).toContain(
      'SVG cannot be inserted into ONLYOFFICE documents: save the figure as PNG.'
    );
    expect(png.parentElement?.getAttribute('role')).toBe('listbox');
  });

  it("lists the workspace's images of the document's folder, and the whole workspace", async () => {
    const server = new FakeServer([
      { status: 200, body: LIST },
      { status: 200, body: { folder: '', images: [], truncated: false } }
    ]);
    const { body } = picker(server);
    const section = body.node.querySelectorAll('.jp-wopi-picker-section')[1];
    expect(text(section)).toContain('Looking for images in reports…');
    await until(() => items(body, 1).length === 1);
    expect(server.listed).toEqual(['reports']);
    const [chart] = items(body, 1);
    expect(text(chart.querySelector('.jp-wopi-picker-label'))).toBe(
      'chart one.png'
    );
    expect(text(chart.querySelector('.jp-wopi-picker-detail'))).toBe(
      'reports/figs · 2 KB'
    );
    expect(chart.querySelector('img')?.getAttribute('src')).toBe(
      'http://localhost:8888/lab-base/files/reports/figs/chart%20one.png'
    );
    expect(text(section)).toContain('In reports and its subfolders');
    const whole = Array.from(section.querySelectorAll('button')).find(
      b => b.textContent === 'Whole Workspace'
    )!;
    whole.click();
    await until(() => text(section).includes('There are no PNG'));
    expect(server.listed).toEqual(['reports', '']);
    expect(text(section)).toContain(
      'There are no PNG, JPEG, GIF or BMP files in the workspace.'
    );
    expect(text(section)).toContain('Document’s Folder');
  });

  it('gives the keyboard to the first image once listed, when nothing in it had it', async () => {
    const { body } = picker(new FakeServer(), []);
    await until(() => items(body, 1).length === 1);
    expect(document.activeElement).toBe(items(body, 1)[0]);
    expect(items(body, 1)[0].getAttribute('aria-selected')).toBe('true');
  });

  it('leaves the keyboard where the user put it before the images came', async () => {
    const outside = document.createElement('button');
    document.body.appendChild(outside);
    const { body } = picker(new FakeServer(), []);
    outside.focus();
    key(outside, 'Tab'); // the user moved on while the list loaded
    await until(() => items(body, 1).length === 1);
    expect(document.activeElement).toBe(outside);
  });

  it('says when there are no figures, and when the list failed, with Retry', async () => {
    const server = new FakeServer([
      { status: 500, body: { message: 'The disk is on fire.' } },
      { status: 200, body: LIST }
    ]);
    const { body } = picker(server, []);
    expect(text(body.node)).toContain(
      'The notebooks open in this lab have no image outputs yet.'
    );
    await until(() => body.node.querySelector('[role=alert]') !== null);
    const alert = body.node.querySelector('[role=alert]')!;
    expect(text(alert)).toContain(
      'The images of reports could not be listed: The disk is on fire.'
    );
    alert.querySelector('button')!.click();
    await until(() => items(body, 1).length === 1);
  });

  it('inserts the focused figure on Enter: its bytes and name, for the document', async () => {
    const server = new FakeServer();
    const { body, target, inserted } = picker(server);
    const [png] = items(body, 0);
    png.focus();
    key(png, 'Enter');
    await until(() => inserted.mock.calls.length === 1);
    expect(server.posted).toEqual([
      {
        data: 'iVBORw0KGgo=',
        name: 'analysis.ipynb [12].png',
        document: 'reports/report.docx'
      }
    ]);
    expect(target.insertImage).toHaveBeenCalledWith('http://j/wopi/images/s1');
  });

  it('moves with the arrow keys and inserts a workspace file by path', async () => {
    const server = new FakeServer();
    const { body, inserted } = picker(server, [FIGURE]);
    await until(() => items(body, 1).length === 1);
    const [chart] = items(body, 1);
    chart.focus();
    expect(chart.getAttribute('aria-selected')).toBe('true');
    key(chart, 'ArrowLeft'); // one item: stays
    expect(document.activeElement).toBe(chart);
    const insert = Array.from(body.node.querySelectorAll('button')).find(
      b => b.textContent === 'Insert'
    )!;
    expect(insert.disabled).toBe(false);
    insert.click();
    await until(() => inserted.mock.calls.length === 1);
    expect(server.posted).toEqual([
      { path: 'reports/figs/chart one.png', document: 'reports/report.docx' }
    ]);
  });

  it("does not insert SVG, and shows the server's refusal with Retry", async () => {
    const refusal = 'These bytes are no PNG, JPEG, GIF or BMP image.';
    const server = new FakeServer(undefined, [
      { status: 415, body: { status: 415, message: refusal } }
    ]);
    const { body, target, inserted } = picker(server);
    const [png, svg] = items(body, 0);
    svg.focus();
    key(svg, 'Enter');
    expect(server.posted).toEqual([]);
    png.focus();
    key(png, 'ArrowDown');
    expect(document.activeElement).toBe(svg);
    key(svg, 'ArrowUp');
    key(png, ' ');
    await until(() => body.node.querySelector('.jp-mod-error') !== null);
    const status = body.node.querySelector('.jp-wopi-picker-status')!;
    expect(status.getAttribute('role')).toBe('alert');
    expect(text(status)).toContain(refusal);
    expect(target.insertImage).not.toHaveBeenCalled();
    expect(inserted).not.toHaveBeenCalled();
    (status.querySelector('button') as HTMLButtonElement).click(); // Retry: now allowed
    await until(() => inserted.mock.calls.length === 1);
    expect(server.posted).toHaveLength(2);
  });

  it('says the editor closed meanwhile instead of pretending', async () => {
    const server = new FakeServer();
    const target = { path: 'report.docx', insertImage: jest.fn(() => false) };
    const { body, inserted } = picker(server, [FIGURE], target);
    const [png] = items(body, 0);
    png.focus();
    key(png, 'Enter');
    await until(() => body.node.querySelector('.jp-mod-error') !== null);
    expect(text(body.node.querySelector('.jp-wopi-picker-status'))).toContain(
      'report.docx is no longer open for editing, so analysis.ipynb [12].png was not inserted.'
    );
    expect(inserted).not.toHaveBeenCalled();
  });
});
