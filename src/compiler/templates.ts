import { blockTemplateModules } from '../blocks/registry.js';

/** Module names defined by rtl-templates/ and the testbench: a legalized model name must never take one. */
export const TEMPLATE_MODULES = [...blockTemplateModules(), 'tb_top'];
