//! numpy's pairwise summation for `float32` (`np.sum` on a 1-D array), so that
//! cleaned intensities round exactly as ms_entropy's do.

/// numpy's block size below which it sums with eight running partial sums.
const BLOCK: usize = 128;

/// `np.sum(values)` for a `float32` array, bit for bit (accumulates in `f32`).
pub(super) fn pairwise_sum(values: &[f32]) -> f32 {
    let n = values.len();
    if n < 8 {
        return values.iter().fold(0.0f32, |acc, &v| acc + v);
    }
    if n <= BLOCK {
        let mut r = [0.0f32; 8];
        r.copy_from_slice(&values[..8]);
        let full = n - n % 8;
        for chunk in values[8..full].chunks_exact(8) {
            for (acc, &v) in r.iter_mut().zip(chunk) {
                *acc += v;
            }
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &values[full..] {
            res += v;
        }
        return res;
    }
    let mut half = n / 2;
    half -= half % 8;
    pairwise_sum(&values[..half]) + pairwise_sum(&values[half..])
}

#[cfg(test)]
mod tests {
    use super::pairwise_sum;

    #[test]
    fn matches_sequential_sum_on_exact_values() {
        let v: Vec<f32> = (1..=300).map(|i| i as f32).collect();
        assert_eq!(pairwise_sum(&v), 45150.0);
        assert_eq!(pairwise_sum(&[]), 0.0);
    }
}
