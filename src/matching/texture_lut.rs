//! B's nine-bit neighbourhoods laid out once for a rigid search (`search_rigid`): a window's
//! lattice point then reads one 16-bit entry where the general loop reads B's block and three
//! rows of bits, which is most of the search's time. Owns the table and the window loops over
//! it (portable, and AVX2 in `texture_avx2.rs`); their counts are `window_portable`'s, bit for
//! bit (tests in `texture.rs`). Must not be used by the matcher's `agreement`: building the
//! table costs more than one comparison's windows read.

use super::{LatticeRow, PreparedTexture};

/// The flag of an entry whose neighbourhood counts (`around` gives bits there).
pub(super) const COUNTS: u16 = 0x8000;

/// Every cell of B's box: its nine sign bits and [`COUNTS`] where `PreparedTexture::around`
/// gives them, 0 where it gives none.
#[derive(Debug)]
pub(super) struct Neighbourhoods {
    pub(super) left: i32,
    pub(super) top: i32,
    pub(super) cols: i32,
    pub(super) rows: i32,
    /// Row-major, `cols` per row, then one zero entry (the AVX2 loop reads four bytes from
    /// any entry).
    pub(super) cells: Vec<u16>,
}

impl Neighbourhoods {
    /// B's table.
    pub(super) fn new(b: &PreparedTexture) -> Self {
        let (cols, rows) = (b.cols.max(0), b.rows.max(0));
        let mut cells = Vec::with_capacity(cols as usize * rows as usize + 1);
        for y in 0..rows {
            for x in 0..cols {
                let v = b
                    .around(b.left + x, b.top + y)
                    .map_or(0, |bits| bits as u16 | COUNTS);
                cells.push(v);
            }
        }
        cells.push(0);
        Self {
            left: b.left,
            top: b.top,
            cols,
            rows,
            cells,
        }
    }

    /// `around(c, r)` of the texture the table was made of.
    #[inline]
    fn at(&self, c: i32, r: i32) -> Option<u32> {
        let (x, y) = (c.wrapping_sub(self.left), r.wrapping_sub(self.top));
        if x as u32 >= self.cols as u32 || y as u32 >= self.rows as u32 {
            return None;
        }
        let v = *self
            .cells
            .get(y as usize * self.cols as usize + x as usize)?;
        (v & COUNTS != 0).then_some(u32::from(v & 0x1ff))
    }
}

/// `window_portable(a, b, rows, cstart, cend)` with B's neighbourhoods read from `lut`
/// (B's table): the same counts.
pub(super) fn window_portable(
    a: &PreparedTexture,
    lut: &Neighbourhoods,
    rows: &[LatticeRow],
    cstart: i32,
    cend: i32,
) -> (u64, u32, u32) {
    super::window_reading(a, rows, (cstart, cend), |c, r| lut.at(c, r))
}
