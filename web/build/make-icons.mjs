// Draws the app icons (a yellow five-point star in a ring on a red rounded square) as PNGs,
// with only node:zlib. Run from anywhere: `node web/build/make-icons.mjs`.
// The outputs are committed; run this again only when the emblem changes.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RED = [200, 16, 46];
const YELLOW = [255, 205, 0];
const SAMPLES = 4; // 4×4 supersampling per pixel for smooth edges

/** A five-point star, point up, centred on (0, 0): the ten vertices of its outline. */
function starPolygon(outer) {
  const inner = outer * 0.382;
  const pts = [];
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? outer : inner;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    pts.push([r * Math.cos(a), r * Math.sin(a)]);
  }
  return pts;
}

function insidePolygon(x, y, pts) {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i];
    const [xj, yj] = pts[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function insideRoundedSquare(x, y, half, radius) {
  const dx = Math.max(Math.abs(x) - (half - radius), 0);
  const dy = Math.max(Math.abs(y) - (half - radius), 0);
  return dx * dx + dy * dy <= radius * radius;
}

/**
 * Renders one icon. Coordinates are in units of the icon's size, centred on 0.
 * `corner`: corner radius of the red square (0 = full bleed, no transparency).
 * `scale`: size of the star and ring relative to the non-maskable icon.
 */
function render(size, { corner, scale }) {
  const star = starPolygon(0.25 * scale);
  const ringOuter = 0.37 * scale;
  const ringInner = 0.335 * scale;
  const rgba = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size - 0.5;
          const y = (py + (sy + 0.5) / SAMPLES) / size - 0.5 + 0.01 * scale; // optical centring of the star
          if (corner > 0 && !insideRoundedSquare(x, y - 0.01 * scale, 0.5, corner)) continue;
          bg++;
          const d = Math.hypot(x, y);
          if ((d <= ringOuter && d >= ringInner) || insidePolygon(x, y, star)) fg++;
        }
      }
      const n = SAMPLES * SAMPLES;
      const i = (py * size + px) * 4;
      const t = bg === 0 ? 0 : fg / bg;
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(RED[c] * (1 - t) + YELLOW[c] * t);
      rgba[i + 3] = Math.round((255 * bg) / n);
    }
  }
  return encodePng(size, size, rgba);
}

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

// https://www.w3.org/TR/png-3/ : signature, IHDR (8-bit RGBA), IDAT (filter 0 per row), IEND.
function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const outDir = fileURLToPath(new URL('../public/icons/', import.meta.url));
const icons = [
  // "any" icons: rounded corners, transparent outside.
  ['icon-192.png', 192, { corner: 0.2, scale: 1 }],
  ['icon-512.png', 512, { corner: 0.2, scale: 1 }],
  // Maskable: full bleed; the emblem stays inside the central 80 % safe zone (radius 0.4).
  ['maskable-512.png', 512, { corner: 0, scale: 0.8 }],
  // iOS rounds the corners itself and shows transparency as black: full bleed.
  ['apple-touch-icon-180.png', 180, { corner: 0, scale: 0.9 }],
];
for (const [name, size, options] of icons) {
  writeFileSync(`${outDir}${name}`, render(size, options));
  console.log(`wrote ${name}`);
}
