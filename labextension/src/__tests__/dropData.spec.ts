/**
 * What a drop onto an ONLYOFFICE panel carries: a notebook figure, an
 * image's data URL, or file browser paths; and what cannot be inserted.
 */

import {
  dropFromFiles,
  dropFromTransfer,
  FIGURE_DRAG_TYPE,
  formatFigureDrag,
  parseDataUrl,
  readContentsDrag,
  readFigureDrag
} from '../dropData';

const FIGURE = {
  notebook: 'work/analysis.ipynb',
  executionCount: 12,
  mime: 'image/png',
  data: 'iVBORw0KGgo='
};

function transfer(data: Record<string, string>): (type: string) => string {
  return type => data[type] ?? '';
}

describe('the figure drag type', () => {
  it('round-trips a figure', () => {
    expect(readFigureDrag(formatFigureDrag(FIGURE))).toEqual(FIGURE);
    const unrun = { ...FIGURE, executionCount: null };
    expect(readFigureDrag(formatFigureDrag(unrun))).toEqual(unrun);
  });

  it.each([
    ['no JSON', 'analysis.ipynb'],
    ['an empty string', ''],
    ['an array', '[]'],
    ['no bytes', JSON.stringify({ ...FIGURE, data: '' })],
    ['a fractional count', JSON.stringify({ ...FIGURE, executionCount: 1.5 })],
    ['no notebook', JSON.stringify({ ...FIGURE, notebook: 3 })]
  ])('reads nothing from %s', (_, text) => {
    expect(readFigureDrag(text)).toBeNull();
  });
});

describe('parseDataUrl', () => {
  it('reads base64 data URLs, parameters and all', () => {
    expect(parseDataUrl('data:image/png;base64,iVBO Rw0K\nGgo=')).toEqual({
      mime: 'image/png',
      data: 'iVBORw0KGgo='
    });
    expect(parseDataUrl('data:image/JPEG;name=a.jpg;base64,/9j/')).toEqual({
      mime: 'image/jpeg',
      data: '/9j/'
    });
  });

  it.each([
    'http://example.org/a.png',
    'data:image/svg+xml;utf8,<svg/>',
    'data:image/png;base64,',
    'files/a.png'
  ])('reads nothing from %s', url => expect(parseDataUrl(url)).toBeNull());
});

describe('dropFromTransfer', () => {
  it('takes the figure type first: its bytes, named after notebook and cell', () => {
    expect(
      dropFromTransfer(
        transfer({
          [FIGURE_DRAG_TYPE]: formatFigureDrag(FIGURE),
          'text/uri-list': 'data:image/gif;base64,R0lG'
        })
      )
    ).toEqual({
      kind: 'bytes',
      mime: 'image/png',
      data: FIGURE.data,
      name: 'analysis.ipynb [12].png'
    });
  });

  it("falls back on a dragged image's data URL", () => {
    expect(
      dropFromTransfer(
        transfer({
          'text/uri-list': '# comment\r\ndata:image/jpeg;base64,/9j/'
        })
      )
    ).toEqual({
      kind: 'bytes',
      mime: 'image/jpeg',
      data: '/9j/',
      name: 'image.jpg'
    });
  });

  it('refuses SVG figures with their name, and anything else', () => {
    expect(
      dropFromTransfer(
        transfer({
          [FIGURE_DRAG_TYPE]: formatFigureDrag({
            ...FIGURE,
            mime: 'image/svg+xml'
          })
        })
      )
    ).toEqual({
      kind: 'refused',
      reason: 'svg',
      name: 'analysis.ipynb [12].svg'
    });
    expect(dropFromTransfer(transfer({ 'text/plain': 'some words' }))).toEqual({
      kind: 'refused',
      reason: 'not-image'
    });
    expect(
      dropFromTransfer(
        transfer({ 'text/uri-list': 'data:image/webp;base64,UklG' })
      )
    ).toMatchObject({ kind: 'refused', reason: 'not-image' });
  });
});

describe('dropFromFiles', () => {
  it('inserts one image file of the formats ONLYOFFICE takes', () => {
    for (const path of ['a.png', 'b/c.JPG', 'd.jpeg', 'e.gif', 'f.bmp']) {
      expect(dropFromFiles([path])).toEqual({ kind: 'file', path });
    }
  });

  it('says why not for other files, SVG, several or none', () => {
    expect(dropFromFiles(['notes/a.txt'])).toEqual({
      kind: 'refused',
      reason: 'not-image',
      name: 'a.txt'
    });
    expect(dropFromFiles(['plot.svg'])).toEqual({
      kind: 'refused',
      reason: 'svg',
      name: 'plot.svg'
    });
    expect(dropFromFiles(['a.png', 'b.png'])).toMatchObject({
      reason: 'several'
    });
    expect(dropFromFiles([])).toMatchObject({ reason: 'nothing' });
  });

  it("reads the file browser's paths defensively", () => {
    expect(readContentsDrag(['a.png', 3, 'b.png'])).toEqual(['a.png', 'b.png']);
    expect(readContentsDrag('a.png')).toEqual([]);
    expect(readContentsDrag(undefined)).toEqual([]);
  });
});
