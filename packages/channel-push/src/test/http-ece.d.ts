// Types for the parts of `http_ece` (no published types) the tests use as an independent decrypter.
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';

  interface Params {
    version: 'aes128gcm';
    privateKey?: ECDH;
    dh?: string | Buffer;
    authSecret?: string | Buffer;
    salt?: string | Buffer;
    rs?: number;
  }
  const ece: {
    encrypt(buffer: Buffer, params: Params): Buffer;
    decrypt(buffer: Buffer, params: Params): Buffer;
  };
  export default ece;
}
