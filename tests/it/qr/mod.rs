//! A small QR code reader for the label tests: it reads a module matrix back to its text the
//! way a scanner does (format bits, unmasking, the zigzag, the segments), written from
//! ISO/IEC 18004 rather than from the encoder, and checks the error-correction codewords too.
//! Model 2, versions 1 to 3 at levels L and M (one block): enough for medium numbers.

/// Modules, row by row, dark = true, without the quiet zone.
pub type Matrix = Vec<Vec<bool>>;

/// The smallest square holding every dark module. The three finder patterns touch the top,
/// left, right and bottom edges, so this is the symbol without its quiet zone.
pub fn crop(rows: &[Vec<bool>]) -> Matrix {
    let dark: Vec<(usize, usize)> = rows
        .iter()
        .enumerate()
        .flat_map(|(y, r)| {
            r.iter()
                .enumerate()
                .filter(|(_, d)| **d)
                .map(move |(x, _)| (y, x))
        })
        .collect();
    let top = dark.iter().map(|d| d.0).min().expect("dark modules");
    let left = dark.iter().map(|d| d.1).min().expect("dark modules");
    let size = dark.iter().map(|d| d.0).max().expect("dark modules") - top + 1;
    (top..top + size)
        .map(|y| {
            (left..left + size)
                .map(|x| rows[y].get(x).copied().unwrap_or(false))
                .collect()
        })
        .collect()
}

/// Half-block text (two rows per line: ▀ top, ▄ bottom, █ both) into rows of modules.
pub fn from_half_blocks(lines: &[&str]) -> Vec<Vec<bool>> {
    let mut rows = Vec::new();
    for line in lines {
        let (top, bottom): (Vec<bool>, Vec<bool>) = line
            .chars()
            .map(|c| match c {
                '█' => (true, true),
                '▀' => (true, false),
                '▄' => (false, true),
                _ => (false, false),
            })
            .unzip();
        rows.push(top);
        rows.push(bottom);
    }
    rows
}

/// An SVG whose path draws each dark module as `M{x} {y}h1v1H{x}V{y}` into rows of modules.
pub fn from_svg_path(svg: &str) -> Vec<Vec<bool>> {
    let view: Vec<usize> = svg
        .split("viewBox=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .expect("a viewBox")
        .split(' ')
        .map(|n| n.parse().expect("a number"))
        .collect();
    let mut rows = vec![vec![false; view[2]]; view[3]];
    let d = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .expect("a path");
    for cmd in d.split('M').skip(1) {
        let nums: Vec<usize> = cmd
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().expect("a number"))
            .collect();
        // M x y h w v h H x V y
        let (x, y, w, h) = (nums[0], nums[1], nums[2], nums[3]);
        for row in rows.iter_mut().skip(y).take(h) {
            for cell in row.iter_mut().skip(x).take(w) {
                *cell = true;
            }
        }
    }
    rows
}

/// Error-correction level and mask pattern, from the 15 format bits.
struct Format {
    /// Index into the tables: 0 = L, 1 = M.
    level: usize,
    mask: u8,
}

/// The two-bit codes of L and M in the format information.
const LEVEL_BITS: [u32; 2] = [0b01, 0b00];

fn format_bits(level: usize, mask: u8) -> u32 {
    let data = (LEVEL_BITS[level] << 3) | u32::from(mask);
    let mut rem = data;
    for _ in 0..10 {
        rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    }
    ((data << 10) | rem) ^ 0x5412
}

fn read_format(m: &Matrix) -> Format {
    let mut bits = 0u32;
    let mut set = |i: usize, dark: bool| bits |= u32::from(dark) << i;
    for (i, row) in m.iter().enumerate().take(6) {
        set(i, row[8]);
    }
    set(6, m[7][8]);
    set(7, m[8][8]);
    set(8, m[8][7]);
    for i in 9..15 {
        set(i, m[8][14 - i]);
    }
    for level in 0..2 {
        for mask in 0..8 {
            if format_bits(level, mask) == bits {
                return Format { level, mask };
            }
        }
    }
    panic!("format bits {bits:015b} are not an L or M format");
}

/// Modules that are not data: finders with separators and format areas, timing, alignment.
fn is_function(size: usize, y: usize, x: usize) -> bool {
    // Top left: finder, separator and both format strips (9 × 9). Top right and bottom left:
    // finder and separator (8 wide) beside the format strip on row 8 or column 8.
    let top = y <= 8 && (x <= 8 || x >= size - 8);
    let bottom_left = y >= size - 8 && x <= 8;
    let timing = y == 6 || x == 6;
    let align = size > 21 && y.abs_diff(size - 7) <= 2 && x.abs_diff(size - 7) <= 2;
    top || bottom_left || timing || align
}

fn masked(mask: u8, y: usize, x: usize) -> bool {
    match mask {
        0 => (y + x) % 2 == 0,
        1 => y % 2 == 0,
        2 => x % 3 == 0,
        3 => (y + x) % 3 == 0,
        4 => (y / 2 + x / 3) % 2 == 0,
        5 => (y * x) % 2 + (y * x) % 3 == 0,
        6 => ((y * x) % 2 + (y * x) % 3) % 2 == 0,
        _ => ((y + x) % 2 + (y * x) % 3) % 2 == 0,
    }
}

/// Every data bit, unmasked, in the order of the two-column zigzag from the bottom right.
fn read_bits(m: &Matrix, mask: u8) -> Vec<bool> {
    let size = m.len();
    let mut bits = Vec::new();
    let mut right = size - 1;
    while right >= 1 {
        if right == 6 {
            right = 5;
        }
        let upward = (right + 1) & 2 == 0;
        for vert in 0..size {
            let y = if upward { size - 1 - vert } else { vert };
            for x in [right, right - 1] {
                if !is_function(size, y, x) {
                    bits.push(m[y][x] ^ masked(mask, y, x));
                }
            }
        }
        if right < 2 {
            break;
        }
        right -= 2;
    }
    bits
}

fn gf_mul(x: u8, y: u8) -> u8 {
    let mut z: u16 = 0;
    for i in (0..8).rev() {
        z = (z << 1) ^ ((z >> 7) * 0x11D);
        z ^= u16::from((y >> i) & 1) * u16::from(x);
    }
    z as u8
}

/// The Reed–Solomon remainder of `data` for `degree` error-correction codewords.
fn rs_remainder(data: &[u8], degree: usize) -> Vec<u8> {
    let mut divisor = vec![0u8; degree - 1];
    divisor.push(1);
    let mut root = 1u8;
    for _ in 0..degree {
        for j in 0..degree {
            divisor[j] = gf_mul(divisor[j], root);
            if j + 1 < degree {
                divisor[j] ^= divisor[j + 1];
            }
        }
        root = gf_mul(root, 2);
    }
    let mut rem = vec![0u8; degree];
    for b in data {
        let factor = b ^ rem.remove(0);
        rem.push(0);
        for (r, d) in rem.iter_mut().zip(&divisor) {
            *r ^= gf_mul(*d, factor);
        }
    }
    rem
}

/// (total codewords, [EC codewords at L, at M]) for versions 1–3.
const BLOCKS: [(usize, [usize; 2]); 3] = [(26, [7, 10]), (44, [10, 16]), (70, [15, 26])];

struct Bits<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bits<'_> {
    fn left(&self) -> usize {
        self.data.len() * 8 - self.at
    }

    fn take(&mut self, n: usize) -> u32 {
        let mut v = 0;
        for _ in 0..n {
            let bit = (self.data[self.at / 8] >> (7 - self.at % 8)) & 1;
            v = (v << 1) | u32::from(bit);
            self.at += 1;
        }
        v
    }
}

const ALNUM: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Numeric, alphanumeric and byte segments (versions 1–9 count lengths), up to the terminator.
fn segments(data: &[u8]) -> String {
    let mut b = Bits { data, at: 0 };
    let mut out = Vec::new();
    while b.left() >= 4 {
        match b.take(4) {
            0 => break,
            0b0001 => {
                let mut n = b.take(10) as usize;
                while n > 0 {
                    let k = n.min(3);
                    let v = b.take([0, 4, 7, 10][k]);
                    out.extend(format!("{v:0k$}").bytes());
                    n -= k;
                }
            }
            0b0010 => {
                let mut n = b.take(9) as usize;
                while n >= 2 {
                    let v = b.take(11) as usize;
                    out.extend([ALNUM[v / 45], ALNUM[v % 45]]);
                    n -= 2;
                }
                if n == 1 {
                    out.push(ALNUM[b.take(6) as usize]);
                }
            }
            0b0100 => {
                let n = b.take(8);
                for _ in 0..n {
                    out.push(b.take(8) as u8);
                }
            }
            mode => panic!("mode {mode:04b} is not numeric, alphanumeric or byte"),
        }
    }
    String::from_utf8(out).expect("UTF-8 text")
}

/// The text a scanner reads from this symbol. Panics on anything it cannot read.
pub fn decode(m: &Matrix) -> String {
    let size = m.len();
    assert!(m.iter().all(|r| r.len() == size), "not square");
    let version = (size - 17) / 4;
    assert!(
        (1..=3).contains(&version) && size == 17 + 4 * version,
        "size {size} is not version 1–3"
    );
    let f = read_format(m);
    let (total, ec) = BLOCKS[version - 1];
    let ec = ec[f.level];
    let bits = read_bits(m, f.mask);
    let codewords: Vec<u8> = bits[..total * 8]
        .chunks(8)
        .map(|c| c.iter().fold(0u8, |v, b| (v << 1) | u8::from(*b)))
        .collect();
    let (data, check) = codewords.split_at(total - ec);
    assert_eq!(
        rs_remainder(data, ec),
        check,
        "error-correction codewords do not match the data"
    );
    segments(data)
}
