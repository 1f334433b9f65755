//! Overlap-add: the signal cut into blocks, each block convolved by one short FFT, the block
//! results added at their offsets. Cheaper than one long FFT when the kernel is much shorter
//! than the signal (the short transforms stay in cache).
//!
//! The blocks become leading axes of one array, so every block of every lane is transformed by
//! one pass of the executor; only blocks that reach the output window are computed.

use ndarray::{ArrayD, ArrayViewD, Axis, CowArray};

use super::array::{Run, apply_runs, circular_runs, internal, zeros};
use super::mode::Window;
use super::scalar::ConvScalar;
use super::spectral::{Samples, SpecRef, forward, inverse, multiply};
use crate::Result;

/// Calls `f` with every index vector below `counts` (row-major order).
fn for_each_index(counts: &[usize], mut f: impl FnMut(&[usize]) -> Result<()>) -> Result<()> {
    if counts.contains(&0) {
        return Ok(());
    }
    let mut idx = vec![0usize; counts.len()];
    loop {
        f(&idx)?;
        let mut i = counts.len();
        loop {
            if i == 0 {
                return Ok(());
            }
            i -= 1;
            idx[i] += 1;
            if idx[i] < counts[i] {
                break;
            }
            idx[i] = 0;
        }
    }
}

/// The blocks of one axis that reach the window: `(first block, count)`.
fn needed_blocks(na: usize, block: usize, kb: usize, w: Window) -> (usize, usize) {
    let nb = na.div_ceil(block);
    let reaches = |j: usize| {
        let lo = (j * block) as isize;
        let bj = block.min(na - j * block);
        let hi = lo + (bj + kb - 1) as isize;
        hi > w.start && lo < w.start + w.len as isize
    };
    match (0..nb).position(reaches) {
        None => (0, 0),
        Some(first) => {
            let count = (first..nb).take_while(|&j| reaches(j)).count();
            (first, count)
        }
    }
}

/// The window `windows` of the convolution of `a` with the operand whose block spectrum is `b`
/// (its reversed conjugate when `conj`), by overlap-add with blocks of `blocks` samples;
/// summed down to the batch shape of `target`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn overlap_add<A: ConvScalar>(
    a: ArrayViewD<'_, A>,
    b: SpecRef<'_, A::Real>,
    blocks: &[usize],
    b_lens: &[usize],
    conj: bool,
    axes: &[usize],
    windows: &[Window],
    target: &[usize],
) -> Result<ArrayD<A>> {
    let m = axes.len();
    let mut first = Vec::with_capacity(m);
    let mut counts = Vec::with_capacity(m);
    for i in 0..m {
        let na = a.len_of(Axis(axes[i]));
        if blocks[i] == 0 || blocks[i] + b_lens[i] - 1 > b.lens[i] {
            return Err(internal(format!(
                "block {} and kernel {} do not fit transform length {}",
                blocks[i], b_lens[i], b.lens[i]
            )));
        }
        let (f, c) = needed_blocks(na, blocks[i], b_lens[i], windows[i]);
        first.push(f);
        counts.push(c);
    }
    let mut out = zeros::<A>(target, "convolution output")?;
    if counts.contains(&0) || out.is_empty() {
        return Ok(out);
    }

    // Cut the needed blocks into an array of shape counts ++ (a's shape with blocks on axes).
    let mut bshape = counts.clone();
    let mut inner = a.shape().to_vec();
    for (i, &ax) in axes.iter().enumerate() {
        inner[ax] = blocks[i];
    }
    bshape.extend_from_slice(&inner);
    let mut blocked = zeros::<A>(&bshape, "overlap-add blocks")?;
    let block_len = |i: usize, j: usize| blocks[i].min(a.len_of(Axis(axes[i])) - j * blocks[i]);
    for_each_index(&counts, |c| {
        let mut dst = blocked.view_mut();
        for &ci in c {
            dst = dst.index_axis_move(Axis(0), ci);
        }
        let runs: Vec<Vec<Run>> = (0..m)
            .map(|i| {
                let j = first[i] + c[i];
                vec![Run {
                    src: j * blocks[i],
                    dst: 0,
                    len: block_len(i, j),
                }]
            })
            .collect();
        apply_runs(&mut dst, &a, axes, &runs, &|d: &mut A, s: A| *d = s);
        Ok(())
    })?;

    // Transform every block, multiply by the kernel's block spectrum, transform back.
    let baxes: Vec<usize> = axes.iter().map(|&ax| ax + m).collect();
    let spectrum = forward(blocked.view(), &baxes, b.lens)?;
    drop(blocked);
    let mut spec = b.spec;
    for _ in 0..m {
        spec = spec.insert_axis(Axis(0));
    }
    let mut ptarget = counts.clone();
    ptarget.extend_from_slice(target);
    for &ax in &baxes {
        ptarget[ax] = spectrum.len_of(Axis(ax));
    }
    let p = multiply(CowArray::from(spectrum), spec, conj, b.scale, &ptarget)?;
    let samples = inverse(p, &baxes, b.lens, A::IS_REAL)?;

    // Add each block's result at its offset; with `conj` the block results come rotated by
    // the operand's length − 1 (the conjugated spectrum is that of the shifted reversal).
    for_each_index(&counts, |c| {
        let mut runs = Vec::with_capacity(m);
        for i in 0..m {
            let j = first[i] + c[i];
            let w = windows[i];
            let origin = (j * blocks[i]) as isize;
            let q_lo = (w.start - origin).max(0);
            let q_hi = ((block_len(i, j) + b_lens[i] - 1) as isize).min(w.start + w.len as isize - origin);
            if q_lo >= q_hi {
                return Ok(());
            }
            let shift = if conj { b_lens[i] as isize - 1 } else { 0 };
            let dst0 = (q_lo + origin - w.start) as usize;
            let mut r = circular_runs(q_lo - shift, (q_hi - q_lo) as usize, b.lens[i]);
            r.iter_mut().for_each(|r| r.dst += dst0);
            runs.push(r);
        }
        match &samples {
            Samples::Real(s) => {
                let mut src = s.view();
                for &ci in c {
                    src = src.index_axis_move(Axis(0), ci);
                }
                apply_runs(&mut out.view_mut(), &src, axes, &runs, &|o: &mut A, v| {
                    *o = *o + A::from_real(v)
                });
            }
            Samples::Complex(s) => {
                let mut src = s.view();
                for &ci in c {
                    src = src.index_axis_move(Axis(0), ci);
                }
                apply_runs(&mut out.view_mut(), &src, axes, &runs, &|o: &mut A, v| {
                    *o = *o + A::from_complex(v)
                });
            }
        }
        Ok(())
    })?;
    Ok(out)
}
