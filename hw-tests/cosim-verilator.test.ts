import { cosimSuite } from './cosim.js';

cosimSuite('verilator', 'verilator');
