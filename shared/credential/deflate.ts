/**
 * DEFLATE in the zlib container (RFC 1950/1951) over the web-standard Compression Streams,
 * so the same code runs in browsers, Workers and Node.
 */

/** zlib-compresses `bytes`. */
export async function deflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const out = await pump(bytes, new CompressionStream('deflate'), Number.POSITIVE_INFINITY);
  if (!out) throw new Error('deflate: compression failed');
  return out;
}

/**
 * Inflates zlib data; null when it is not valid zlib (bad header, bad checksum, truncated,
 * trailing data) or would inflate beyond `maxLength` bytes (a decompression bomb).
 */
export async function inflate(bytes: Uint8Array<ArrayBuffer>, maxLength: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (bytes.length === 0) return null;
  // Chromium and workerd refuse bytes after the end of the zlib stream, as the Compression
  // Streams spec says; Node's DecompressionStream ignores them. A zlib stream ends with its
  // Adler-32, so without its last byte a stream with nothing after it is truncated (every
  // platform refuses that): if it still inflates, there was data after the end. Inflating both
  // on every platform gives one verdict everywhere, from the same code the tests run.
  const whole = await pump(bytes, new DecompressionStream('deflate'), maxLength);
  if (!whole) return null;
  const shortened = await pump(bytes.slice(0, -1), new DecompressionStream('deflate'), maxLength);
  return shortened ? null : whole;
}

async function pump(
  input: Uint8Array<ArrayBuffer>,
  stream: CompressionStream | DecompressionStream,
  maxLength: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const writer = stream.writable.getWriter();
  // Written concurrently with reading (backpressure); its failure shows up on the reader too,
  // so it is only swallowed here to keep it from surfacing as an unhandled rejection.
  const written = writer
    .write(input)
    .then(() => writer.close())
    .catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxLength) {
        await reader.cancel().catch(() => undefined);
        await written;
        return null;
      }
      chunks.push(value);
    }
  } catch {
    await written;
    return null;
  }
  await written;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
