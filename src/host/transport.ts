/** Bytes to a device and the bytes it answers with; `responses` is how many answers to wait for. */
export interface Transport {
  exchange(request: Uint8Array, responses: number): Promise<Uint8Array>;
  close(): Promise<void>;
  /** Verilator build of this backend: how long it took, or that an earlier one was reused. */
  build?: { built: boolean; seconds: number };
}
