/**
 * Packed text: a Vietnamese-tuned static Huffman code for the text fields of a credential,
 * in the manner of HPACK's static Huffman code (RFC 7541 §5.2, Appendix B). A name or an
 * address packs to about a third of its UTF-8 size, which is what lets a full e-ID card fit a
 * version-15 QR. The issuer uses it for a text value only when it is shorter than UTF-8; it is
 * carried as a bstr where UTF-8 text is a tstr, so a verifier tells them apart by CBOR type.
 *
 * The code is canonical (RFC 1951 §3.2.2): symbols are listed by code length, and within a
 * length in the order given; codes are assigned consecutively in that order. A symbol is a
 * character, a frequent word with its trailing space ("Phường "), or ESC (null), which is
 * followed by the 21-bit Unicode scalar value of a character the table does not have. Bits are
 * written most significant first; the last byte is padded with 1-bits (a prefix of the
 * all-ones code, which is never a whole code).
 */

/** The code table, FORMAT.md §"Packed text": [code length, symbols in canonical order]. */
export const PACKED_TEXT_TABLE: readonly (readonly [number, readonly (string | null)[]])[] = [
  [3, [" "]],
  [4, ["h", "n", ", "]],
  [5, ["T", "a", "g", "i", "Tỉnh "]],
  [6, ["B", "H", "N", "c", "o", "u", "Đ", "TP. "]],
  [7, ["1", "A", "C", "K", "L", "M", "P", "Q", "m", "r", "t", "y", "à", "á", "ả", "ạ", "â", "ê", "ì", "ơ", "ư", "Phường ", "Xã ", "Huyện "]],
  [8, ["2", "3", "4", "5", "G", "S", "V", "d", "e", "k", "p", "s", "ắ", "ề", "ế", "ệ", "ị", "ò", "ô", "ồ", "ộ", "ú", "Số ", "Đường ", "Quận ", "Hồ Chí Minh", "Thị "]],
  [9, ["-", ".", "0", "6", "7", "8", "9", "D", "Y", "l", "v", "ấ", "ậ", "ĩ", "ó", "ọ", "ờ", "ợ", "ủ", "ỹ", "Hà Nội", "Nguyễn ", "Trần ", "Lê ", "Văn ", "Thanh ", "Bệnh viện "]],
  [10, ["+", "E", "F", "R", "X", "b", "x", "ã", "ă", "ầ", "ể", "ố", "ổ", "ớ", "ù", "ũ", "ừ", "ứ", "đ", "Ấp ", "Thôn ", "Hải Phòng", "Cần Thơ", "Phạm ", "Ngô ", "Xuân ", "Công ty ", "Cổ phần ", "Việt Nam"]],
  [11, ["/", "I", "O", "W", "q", "ằ", "ẩ", "è", "ẹ", "ễ", "í", "ỏ", "õ", "ụ", "ử", "ữ", "ự", "ỳ", "ỷ", "Phố ", "Ngõ ", "Tổ ", "Khu phố ", "Thị trấn ", "Đà Nẵng", "Hoàng ", "Phan ", "Võ ", "Hồ ", "Lý ", "Hữu ", "Đức ", "Ngọc ", "Minh ", "Quốc ", "Thu ", "TNHH ", "Trung tâm ", "Y tế ", "Đa khoa "]],
  [12, ["(", ")", ",", "J", "U", "Z", "f", "j", "w", "z", "Á", "Ê", "Ô", "Ủ", "Hẻm ", "Xóm ", "Thị xã ", "Huỳnh ", "Vũ ", "Đặng ", "Bùi ", "Đỗ ", "Dương "]],
  [13, ["ẳ", "ẵ", "ặ", "ẫ", "é", "ẻ", "ẽ", "ỉ", "ỗ", "ở", "ỡ", "ý", "ỵ", null]],
  [14, ["!", "\"", "#", "$", "%", "&", "'", "*", ":", ";", "<", "=", ">", "?", "@", "[", "\\", "]", "^", "_", "`", "{", "|", "}", "~", "À", "Ả", "Ã", "Ạ", "Ă", "Ằ", "Ắ", "Ẳ", "Ẵ", "Ặ", "Â", "Ầ", "Ấ", "Ẩ", "Ẫ", "Ậ", "È", "É", "Ẻ", "Ẽ", "Ẹ", "Ề", "Ế", "Ể", "Ễ", "Ệ", "Ì", "Í", "Ỉ", "Ĩ", "Ị", "Ò", "Ó", "Ỏ", "Õ", "Ọ", "Ồ", "Ố", "Ổ", "Ỗ", "Ộ", "Ơ", "Ờ", "Ớ", "Ở", "Ỡ", "Ợ", "Ù", "Ú", "Ũ", "Ụ", "Ư", "Ừ", "Ứ", "Ử", "Ữ", "Ự", "Ỳ", "Ý", "Ỷ", "Ỹ", "Ỵ", "Thành phố "]],
];

const ESC_BITS = 21;

interface Code {
  bits: number;
  length: number;
}

const codes = new Map<string, Code>();
let escCode: Code = { bits: 0, length: 0 };
const tokens: string[] = [];
// Decoding tables, as in zlib's puff.c: codes per length and the symbols in canonical order.
const countByLength: number[] = [];
const symbols: (string | null)[] = [];
let maxLength = 0;
{
  let code = 0;
  let previous = 0;
  for (const [length, group] of PACKED_TEXT_TABLE) {
    code <<= length - previous;
    previous = length;
    countByLength[length] = group.length;
    maxLength = length;
    for (const symbol of group) {
      const entry = { bits: code++, length };
      symbols.push(symbol);
      if (symbol === null) escCode = entry;
      else {
        codes.set(symbol, entry);
        if (symbol.length > 1 && [...symbol].length > 1) tokens.push(symbol);
      }
    }
  }
}

/** Packs text; the caller keeps UTF-8 when this is not shorter. */
export function packText(text: string): Uint8Array<ArrayBuffer> {
  // Cheapest segmentation by dynamic programming over the string (UTF-16 indices):
  // cost[i] = bits to write text[i..]. The decoder does not care how text was cut.
  const n = text.length;
  const cost = new Array<number>(n + 1).fill(0);
  const pick = new Array<string>(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    const cp = text.codePointAt(i)!;
    const char = String.fromCodePoint(cp);
    const own = codes.get(char);
    let best = (own ? own.length : escCode.length + ESC_BITS) + cost[i + char.length]!;
    let choice = char;
    for (const token of tokens) {
      if (text.startsWith(token, i)) {
        const c = codes.get(token)!.length + cost[i + token.length]!;
        if (c < best) {
          best = c;
          choice = token;
        }
      }
    }
    cost[i] = best;
    pick[i] = choice;
  }
  const out = new Uint8Array(Math.ceil(cost[0]! / 8));
  let acc = 0;
  let accBits = 0;
  let o = 0;
  const write = (bits: number, length: number) => {
    for (let k = length - 1; k >= 0; k--) {
      acc = (acc << 1) | ((bits >>> k) & 1);
      if (++accBits === 8) {
        out[o++] = acc;
        acc = 0;
        accBits = 0;
      }
    }
  };
  for (let i = 0; i < n; ) {
    const choice = pick[i]!;
    const code = codes.get(choice);
    if (code) write(code.bits, code.length);
    else {
      write(escCode.bits, escCode.length);
      write(choice.codePointAt(0)!, ESC_BITS);
    }
    i += choice.length;
  }
  if (accBits > 0) out[o] = (acc << (8 - accBits)) | (0xff >> accBits);
  return out;
}

/** Unpacks text; null when the bits are not a valid packed text (bad code, bad padding). */
export function unpackText(bytes: Uint8Array): string | null {
  const totalBits = bytes.length * 8;
  const bit = (p: number) => (bytes[p >> 3]! >> (7 - (p & 7))) & 1;
  let out = '';
  let p = 0;
  while (p < totalBits) {
    const start = p;
    let code = 0;
    let first = 0;
    let index = 0;
    let symbol: string | null | undefined;
    for (let length = 1; length <= maxLength; length++) {
      if (p >= totalBits) break;
      code |= bit(p++);
      const count = countByLength[length] ?? 0;
      if (code - first < count) {
        symbol = symbols[index + code - first];
        break;
      }
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    if (symbol === undefined) {
      // Out of bits inside a code: that is the padding, which must be < 8 one-bits.
      if (p < totalBits || p - start >= 8) return null;
      for (let q = start; q < p; q++) if (!bit(q)) return null;
      return out;
    }
    if (symbol === null) {
      if (p + ESC_BITS > totalBits) return null;
      let cp = 0;
      for (let k = 0; k < ESC_BITS; k++) cp = (cp << 1) | bit(p++);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
      out += String.fromCodePoint(cp);
    } else out += symbol;
  }
  return out;
}
