import { closeSync, existsSync, openSync, readSync, writeSync } from 'node:fs';
import { execa } from 'execa';
import { BnnError } from '../errors.js';
import { requireTool } from '../util/tools.js';
import type { Transport } from './transport.js';
import { ResponseParser, type FrameLayout } from './protocol.js';

/**
 * A board on a serial device: the port is configured with stty (raw, 8N1, no flow control,
 * non-blocking reads of up to 0.1 s), then requests are written and responses read back.
 */
export async function openSerial(device: string, baud: number, timeoutMs: number, layout: FrameLayout): Promise<Transport> {
  if (!existsSync(device))
    throw new BnnError({ code: 'DEVICE_MISSING', message: 'serial device not found (is the board plugged in?)', file: device, field: '--device', expected: 'the board\'s UART, e.g. /dev/ttyUSB1' });
  await requireTool('stty');
  const r = await execa('stty', ['-F', device, String(baud), 'raw', '-echo', 'cs8', '-cstopb', '-parenb', '-crtscts', 'min', '0', 'time', '1'], { reject: false, all: true });
  if (r.exitCode !== 0) throw new BnnError({ code: 'DEVICE_MISSING', message: `cannot configure the serial port: ${String(r.all ?? '').trim()}`, file: device });
  const fd = openSync(device, 'r+');
  return {
    async exchange(req, responses) {
      writeSync(fd, req);
      const parser = new ResponseParser(layout);
      const out: number[] = [];
      const buf = Buffer.alloc(4096);
      let last = Date.now();
      while (parser.responses.length < responses) {
        const n = readSync(fd, buf, 0, buf.length, null);
        if (n > 0) {
          last = Date.now();
          out.push(...buf.subarray(0, n));
          parser.push(buf.subarray(0, n));
        } else if (Date.now() - last > timeoutMs)
          throw new BnnError({ code: 'DEVICE_MISSING', message: 'the board stopped answering', file: device, expected: `${responses} responses`, got: String(parser.responses.length) });
      }
      return Uint8Array.from(out);
    },
    async close() {
      closeSync(fd);
    },
  };
}
