import { cosimSuite } from './cosim.js';

cosimSuite('icarus', 'iverilog');
