/**
 * The notebooks' figures as the picker lists them: which outputs are
 * figures, their names, and newest first.
 */

import {
  collectFigures,
  executionTime,
  figureFileName,
  figureLabel,
  figureThumbnail,
  type ICellSnapshot,
  type INotebookSnapshot,
  outputImage
} from '../figures';

const PNG = 'iVBORw0KGgo=';

function cell(
  id: string,
  executionCount: number | null,
  data: Record<string, unknown>[] = [{ 'image/png': PNG }],
  extra: Partial<ICellSnapshot> = {}
): ICellSnapshot {
  return {
    id,
    executionCount,
    outputs: data.map(bundle => ({ data: bundle })),
    ...extra
  };
}

function notebook(
  path: string,
  cells: ICellSnapshot[],
  lastActivity = 0
): INotebookSnapshot {
  return { path, cells, lastActivity };
}

const at = (iso: string) => ({ 'iopub.execute_input': iso });

describe('outputImage', () => {
  it('prefers PNG, then JPEG, GIF and BMP, and lists SVG last', () => {
    expect(
      outputImage({ data: { 'image/svg+xml': '<svg/>', 'image/png': PNG } })
    ).toEqual({ mime: 'image/png', data: PNG });
    expect(outputImage({ data: { 'image/gif': 'R0lG' } })?.mime).toBe(
      'image/gif'
    );
    expect(outputImage({ data: { 'image/svg+xml': '<svg/>' } })).toEqual({
      mime: 'image/svg+xml',
      data: '<svg/>'
    });
  });

  it('joins nbformat line lists and drops the line breaks of base64', () => {
    expect(
      outputImage({ data: { 'image/png': ['iVBO\n', 'Rw0K\n', 'Ggo='] } })
    ).toEqual({ mime: 'image/png', data: 'iVBORw0KGgo=' });
  });

  it('finds no figure in text, HTML or empty images', () => {
    expect(outputImage({ data: { 'text/plain': '<Figure>' } })).toBeNull();
    expect(outputImage({ data: { 'text/html': '<img>' } })).toBeNull();
    expect(outputImage({ data: { 'image/png': '' } })).toBeNull();
    expect(outputImage({ data: { 'image/png': 42 } })).toBeNull();
  });
});

describe('executionTime', () => {
  it('reads the start of the run, else its reply', () => {
    expect(executionTime(at('2026-01-02T10:00:00.000Z'))).toBe(
      Date.parse('2026-01-02T10:00:00.000Z')
    );
    expect(
      executionTime({ 'shell.execute_reply': '2026-01-02T10:00:05.000Z' })
    ).toBe(Date.parse('2026-01-02T10:00:05.000Z'));
  });

  it.each([undefined, null, 'x', {}, { 'iopub.execute_input': 'soon' }])(
    'knows no time from %p',
    value => expect(executionTime(value)).toBeNull()
  );
});

describe('names', () => {
  it('say the notebook and the execution count', () => {
    const figure = {
      notebook: 'work/analysis.ipynb',
      executionCount: 12,
      mime: 'image/png'
    };
    expect(figureLabel(figure)).toBe('analysis.ipynb [12]');
    expect(figureFileName(figure)).toBe('analysis.ipynb [12].png');
    expect(figureFileName({ ...figure, mime: 'image/jpeg' })).toBe(
      'analysis.ipynb [12].jpg'
    );
    expect(figureLabel({ ...figure, executionCount: null })).toBe(
      'analysis.ipynb [ ]'
    );
  });

  it('thumbnails: base64 for rasters, escaped text for SVG', () => {
    expect(figureThumbnail({ mime: 'image/png', data: PNG })).toBe(
      `data:image/png;base64,${PNG}`
    );
    expect(
      figureThumbnail({ mime: 'image/svg+xml', data: '<svg a="#"/>' })
    ).toBe('data:image/svg+xml;charset=utf-8,%3Csvg%20a%3D%22%23%22%2F%3E');
  });
});

describe('collectFigures', () => {
  const keys = (notebooks: INotebookSnapshot[]) =>
    collectFigures(notebooks).map(
      figure => `${figure.notebook}[${figure.executionCount}]`
    );

  it('lists one figure per image output, SVG listed but not insertable', () => {
    const figures = collectFigures([
      notebook('a.ipynb', [
        cell('c1', 1, [
          { 'text/plain': 'hello' },
          { 'image/png': PNG },
          { 'image/svg+xml': '<svg/>' }
        ])
      ])
    ]);
    expect(figures.map(f => [f.mime, f.insertable])).toEqual([
      ['image/png', true],
      ['image/svg+xml', false]
    ]);
    expect(new Set(figures.map(f => f.key)).size).toBe(2);
  });

  it('orders by the timing metadata when cells have it, across notebooks', () => {
    expect(
      keys([
        notebook('a.ipynb', [
          cell('a1', 1, undefined, { execution: at('2026-01-01T10:00:00Z') }),
          cell('a2', 2, undefined, { execution: at('2026-01-01T10:05:00Z') })
        ]),
        notebook('b.ipynb', [
          cell('b1', 7, undefined, { execution: at('2026-01-01T10:03:00Z') })
        ])
      ])
    ).toEqual(['a.ipynb[2]', 'b.ipynb[7]', 'a.ipynb[1]']);
  });

  it('uses when this page saw a cell run when there is no metadata', () => {
    expect(
      keys([
        notebook('a.ipynb', [
          cell('a1', 4, undefined, { ranAt: 2000 }),
          cell('a2', 3, undefined, { ranAt: 1000 })
        ]),
        notebook('b.ipynb', [cell('b1', 9, undefined, { ranAt: 1500 })])
      ])
    ).toEqual(['a.ipynb[4]', 'b.ipynb[9]', 'a.ipynb[3]']);
  });

  it('without times: by execution count in a notebook, notebooks by last activity', () => {
    expect(
      keys([
        notebook('old.ipynb', [cell('o1', 5), cell('o2', 8)], 100),
        notebook(
          'new.ipynb',
          [cell('n1', 2), cell('n2', null), cell('n3', 3)],
          900
        )
      ])
    ).toEqual([
      'new.ipynb[3]',
      'new.ipynb[2]',
      'new.ipynb[null]',
      'old.ipynb[8]',
      'old.ipynb[5]'
    ]);
  });

  it("keeps one cell's outputs in the order the cell made them", () => {
    const figures = collectFigures([
      notebook('a.ipynb', [
        cell('c1', 1, [
          { 'image/png': 'Zmlyc3Q=' },
          { 'image/png': 'c2Vjb25k' }
        ])
      ])
    ]);
    expect(figures.map(f => f.data)).toEqual(['Zmlyc3Q=', 'c2Vjb25k']);
  });

  it('is empty without image outputs', () => {
    expect(collectFigures([])).toEqual([]);
    expect(
      collectFigures([
        notebook('a.ipynb', [cell('c', 1, [{ 'text/plain': 'x' }])])
      ])
    ).toEqual([]);
  });
});
