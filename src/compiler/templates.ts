import { blockTemplateModules } from '../blocks/registry.js';

/**
 * Module names a generated design may contain besides its top: the plan blocks' templates, the
 * board and PYNQ wrappers' templates (src/boards), and the testbenches and harnesses (src/emit,
 * src/host). A legalized model name must never take one (templates.test.ts checks the list
 * against every `module` in rtl-templates/).
 */
export const TEMPLATE_MODULES = [
  ...blockTemplateModules(),
  'bnn_uart_rx',
  'bnn_uart_tx',
  'bnn_uart_link',
  'bnn_board_top',
  'bnn_axis_tlast',
  'tb_top',
  'tb_stream',
  'tb_uart',
];
