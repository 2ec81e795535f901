/** Module names defined by rtl-templates/: a legalized model name must never take one. */
export const TEMPLATE_MODULES = ['bnn_binarize', 'bnn_fifo', 'bnn_dwc', 'bnn_mvtu', 'bnn_popcount', 'bnn_label_select', 'bnn_swg', 'bnn_pool', 'tb_top'];
