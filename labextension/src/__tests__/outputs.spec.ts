/**
 * Notebook outputs of jupyter_wopi.Document: reading what the kernel sent,
 * and finding the file on the server.
 */

import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Contents } from '@jupyterlab/services';

import {
  locateFile,
  readDocumentOutput,
  readKernelFile,
  readOpenRequest
} from '../outputs';

describe('reading outputs', () => {
  it('takes what the kernel sent, with defaults for the rest', () => {
    expect(
      readDocumentOutput({
        path: 'out/results.xlsx',
        server_path: 'project/out/results.xlsx',
        height: 300,
        mode: 'edit',
        exists: true
      })
    ).toEqual({
      path: 'out/results.xlsx',
      serverPath: 'project/out/results.xlsx',
      outsideRoot: false,
      height: '300px',
      mode: 'edit'
    });
    expect(
      readDocumentOutput({ path: 'a.docx', height: '40vh' })
    ).toMatchObject({ height: '40vh', mode: 'view', serverPath: null });
  });

  it('refuses CSS that is not a plain length, and outputs without a path', () => {
    for (const height of ['calc(100% - 1px)', '1px; color: red', -5, '']) {
      expect(readDocumentOutput({ path: 'a.docx', height })?.height).toBe(
        '480px'
      );
    }
    for (const data of [null, [], 'a.docx', {}, { path: '' }, { path: 3 }]) {
      expect(readKernelFile(data)).toBeNull();
    }
  });

  it('reads an open request, and its record once the kernel replaced it', () => {
    expect(readOpenRequest({ path: 'a.docx', request: 'f00d' })?.request).toBe(
      'f00d'
    );
    expect(readOpenRequest({ path: 'a.docx' })?.request).toBeNull();
    expect(
      readOpenRequest({ path: '/elsewhere/a.docx', outside_root: true })
        ?.outsideRoot
    ).toBe(true);
  });
});

describe('locateFile', () => {
  /** A contents manager that has only `existing`, and records what was asked. */
  function contentsWith(existing: string[]): {
    contents: Contents.IManager;
    asked: string[];
  } {
    const asked: string[] = [];
    const contents = {
      get: async (path: string) => {
        asked.push(path);
        if (!existing.includes(path)) {
          throw new Error('404');
        }
        return { path, type: 'file' };
      }
    } as unknown as Contents.IManager;
    return { contents, asked };
  }

  /** The notebook resolver: relative to the notebook's folder, URI-encoded. */
  const resolver = {
    resolveUrl: async (url: string) =>
      '/' + encodeURI(`reports/q3/${url}`).replace(/\/\.\//g, '/')
  } as unknown as IRenderMime.IResolver;

  it("prefers the kernel's own server path", async () => {
    const { contents, asked } = contentsWith([
      'data/out.xlsx',
      'reports/q3/out.xlsx'
    ]);
    const file = {
      path: 'out.xlsx',
      serverPath: 'data/out.xlsx',
      outsideRoot: false
    };
    expect(await locateFile(file, resolver, contents)).toBe('data/out.xlsx');
    expect(asked).toEqual(['data/out.xlsx']);
  });

  it("falls back to the notebook's folder (a notebook opened on another server)", async () => {
    const { contents, asked } = contentsWith(['reports/q3/final report.docx']);
    const file = {
      path: 'final report.docx',
      serverPath: 'home/ada/reports/q3/final report.docx',
      outsideRoot: false
    };
    expect(await locateFile(file, resolver, contents)).toBe(
      'reports/q3/final report.docx'
    );
    expect(asked).toEqual([
      'home/ada/reports/q3/final report.docx',
      'reports/q3/final report.docx'
    ]);
  });

  it('asks once when both ways name the same file', async () => {
    const { contents, asked } = contentsWith([]);
    const file = {
      path: 'out.xlsx',
      serverPath: 'reports/q3/out.xlsx',
      outsideRoot: false
    };
    expect(await locateFile(file, resolver, contents)).toBeNull();
    expect(asked).toEqual(['reports/q3/out.xlsx']);
  });

  it('finds nothing for a missing file or an absolute path the server does not serve', async () => {
    const { contents } = contentsWith([]);
    const missing = { path: 'a.docx', serverPath: null, outsideRoot: false };
    expect(await locateFile(missing, resolver, contents)).toBeNull();
    const absolute = {
      path: '/tmp/a.docx',
      serverPath: null,
      outsideRoot: true
    };
    const { contents: all, asked } = contentsWith(['tmp/a.docx']);
    expect(await locateFile(absolute, resolver, all)).toBeNull();
    expect(asked).toEqual([]); // never guessed as a server path
  });
});
