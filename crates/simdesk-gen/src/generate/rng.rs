//! The seeded random stream every choice of the generator draws from.

use super::*;

/// The one random stream of a computer: ChaCha8 seeded from the template id,
/// the seed and the index, so every draw is a pure function of them.
pub(super) struct SeededRng(ChaCha8Rng);

impl SeededRng {
    /// The stream of computer `index` of `seed` from `template`.
    pub(super) fn new(template: &str, seed: u64, index: u64) -> SeededRng {
        // FNV-1a over the inputs, then SplitMix64 inside seed_from_u64.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in template
            .bytes()
            .chain(seed.to_le_bytes())
            .chain(index.to_le_bytes())
        {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        SeededRng(ChaCha8Rng::seed_from_u64(h))
    }
    /// A uniform number in [0, 1).
    pub(super) fn f(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A uniform index below `n` (0 when `n` is 0).
    pub(super) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.0.next_u64() % n as u64) as usize
        }
    }
    /// A uniform integer between `a` and `b`, both included.
    pub(super) fn int(&mut self, a: i64, b: i64) -> i64 {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        lo + (self.0.next_u64() % ((hi - lo) as u64 + 1)) as i64
    }
    /// A uniform number between `a` and `b`.
    pub(super) fn num(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.f()
    }
    /// True with probability `p`.
    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    /// One element of a non-empty slice.
    pub(super) fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    /// Fisher-Yates shuffle in place.
    pub(super) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
    /// Sixteen hex digits.
    pub(super) fn hex(&mut self) -> String {
        format!("{:016x}", self.0.next_u64())
    }
}

/// `v` rounded to `decimals` places the way it is printed.
pub(super) fn round_to(v: f64, decimals: u32) -> f64 {
    let s = format!("{v:.*}", decimals as usize);
    s.parse().unwrap_or(v)
}
