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
  // Weights in SPRAM: the MVTU variant made from mvtu.v, its store, the flash boot loader, and the simulation models.
  'bnn_mvtu_spram',
  'bnn_spram_weights',
  'bnn_spi_flash_loader',
  'bnn_sim_spi_flash',
  'SB_SPRAM256KA',
  'tb_top',
  'tb_stream',
  'tb_uart',
];
