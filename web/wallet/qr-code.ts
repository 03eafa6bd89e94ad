/**
 * Draws QR text with lean-qr, in its own lazy chunk (never in the first load). The text is
 * VN1 Base45, all in the QR alphanumeric set: it is encoded as ONE alphanumeric segment
 * (lean-qr's automatic mode would split digit runs into numeric segments; valid QR, but
 * FORMAT.md §4 asks for alphanumeric mode, and the version then matches `qrVersionFor`).
 * The symbol is chosen at error correction M; lean-qr raises the level when the chosen
 * version has room to spare, which only makes it sturdier.
 */
import { correction, generate, mode } from 'lean-qr';

/** The quiet zone the QR standard asks for, in modules. */
export const QUIET_ZONE = 4;

/**
 * Runs lean-qr once on text of a wallet code's length and throws the result away, so that the
 * first real code is drawn by warm (compiled) code instead of cold.
 */
export function warmUpQr(): void {
  generate(mode.alphaNumeric('VN1:'.padEnd(420, '0A')), { minCorrectionLevel: correction.M });
}

/** Draws the QR at one pixel per module (the canvas is scaled with CSS, pixelated). Returns its version. */
export function drawQr(canvas: HTMLCanvasElement, text: string): number {
  const code = generate(mode.alphaNumeric(text), { minCorrectionLevel: correction.M });
  code.toCanvas(canvas, { pad: QUIET_ZONE, on: [0, 0, 0], off: [255, 255, 255] });
  return (code.size - 17) / 4;
}
