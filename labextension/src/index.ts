import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

/**
 * Initialization data for the jupyter-wopi extension.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-wopi:plugin',
  description:
    'Edit office documents (docx, xlsx, pptx) in JupyterLab with ONLYOFFICE Docs over WOPI',
  autoStart: true,
  activate: (app: JupyterFrontEnd): void => {
    console.debug('jupyter-wopi is activated');
  }
};

export default plugin;
