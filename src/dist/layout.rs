//! How a global array is laid out over the ranks: [`Layout`] and balanced block boundaries.

use std::ops::Range;

use crate::transforms::normalize_axis;
use crate::{Error, Result};

/// The balanced block of `index` when `len` items are split over `parts`: the first
/// `len % parts` blocks get one item more; with `parts > len` the last blocks are empty.
///
/// ```
/// use shardfft::dist::balanced_block;
/// assert_eq!(balanced_block(10, 4, 0), 0..3);
/// assert_eq!(balanced_block(10, 4, 1), 3..6);
/// assert_eq!(balanced_block(10, 4, 3), 8..10);
/// assert_eq!(balanced_block(2, 4, 3), 2..2);
/// ```
pub fn balanced_block(len: usize, parts: usize, index: usize) -> Range<usize> {
    let parts = parts.max(1);
    let (base, extra) = (len / parts, len % parts);
    let start = index * base + index.min(extra);
    let size = base + usize::from(index < extra);
    start.min(len)..(start + size).min(len)
}

/// The `parts + 1` boundaries of the balanced split of `len` items over `parts` blocks.
pub(crate) fn balanced_bounds(len: usize, parts: usize) -> Vec<usize> {
    let mut bounds: Vec<usize> = (0..parts).map(|r| balanced_block(len, parts, r).start).collect();
    bounds.push(len);
    bounds
}

/// The order in which a sharded array's elements are stored.
///
/// For every array but a transformed 1-D signal the order is [`Order::Natural`]: each rank holds
/// a block of consecutive indices along the split axis, stored as an ordinary C-order array.
///
/// A 1-D spectrum from the four-step algorithm left without its final transpose is
/// [`Order::Scrambled`]: with the length `n = n1·n2`, element `k = k1 + n1·k2` lives on the rank
/// whose block of `0..n1` holds `k1`, at local position `(k1 − start)·n2 + k2`. Every sharded
/// transform accepts scrambled input, and [`Redistribute`](super::Redistribute) converts
/// between the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Order {
    /// Blocks of consecutive indices along the split axis.
    Natural,
    /// The four-step order of a 1-D array of length `n1·n2` (see the type's docs).
    Scrambled {
        /// The stride between the elements of one local row.
        n1: usize,
        /// The length of one local row.
        n2: usize,
    },
}

/// The global shape of a sharded array and how it is split over the ranks.
///
/// One axis (the *split* axis) is cut into one block per rank, given by `ranks + 1`
/// boundaries; by default the balanced ones (the first `len % ranks` ranks get one element more,
/// ranks past the length get empty blocks). Each rank stores its block as an ordinary C-order
/// array of the global shape with the split axis cut to the block (see [`Order`] for the one
/// exception).
///
/// A layout also remembers its *home* axis: the split axis of the caller's original layout.
/// A transform along the split axis moves the split elsewhere; with
/// [`Out::Natural`](super::Out::Natural) it moves it back to the home axis afterwards, with
/// [`Out::Transposed`](super::Out::Transposed) it leaves it where it is and the output's layout
/// records that (FFTW-MPI's `TRANSPOSED_OUT`). [`Layout::is_transposed`] tells the two apart.
///
/// ```
/// use shardfft::dist::Layout;
/// let layout = Layout::new(&[10, 6], 0, 4)?;
/// assert_eq!(layout.block(0), 0..3);
/// assert_eq!(layout.local_shape(3), vec![2, 6]);
/// let moved = layout.with_split(1)?;
/// assert!(moved.is_transposed());
/// assert_eq!(moved.local_shape(0), vec![10, 2]);
/// # Ok::<(), shardfft::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Layout {
    shape: Vec<usize>,
    split: usize,
    home: usize,
    bounds: Vec<usize>,
    order: Order,
}

impl Layout {
    /// The balanced layout of `shape` split along `split` (negative counts from the end) over
    /// `ranks` ranks, in natural order; its home axis is `split`.
    ///
    /// ```
    /// use shardfft::dist::Layout;
    /// let layout = Layout::new(&[7], -1, 3)?;
    /// assert_eq!((layout.block(0), layout.block(2)), (0..3, 5..7));
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn new(shape: &[usize], split: isize, ranks: usize) -> Result<Layout> {
        if shape.is_empty() {
            return Err(Error::InvalidArgument("a sharded array needs at least one axis".into()));
        }
        if ranks == 0 {
            return Err(Error::InvalidArgument("a layout needs at least one rank".into()));
        }
        let split = normalize_axis(split, shape.len())?;
        Ok(Layout {
            shape: shape.to_vec(),
            split,
            home: split,
            bounds: balanced_bounds(shape[split], ranks),
            order: Order::Natural,
        })
    }

    /// A natural-order layout with the given block boundaries along `split`: `bounds` has one
    /// entry per rank plus one, starts at 0, never decreases and ends at the axis length.
    ///
    /// ```
    /// use shardfft::dist::Layout;
    /// let layout = Layout::with_bounds(&[4, 5], 0, &[0, 1, 1, 4])?;
    /// assert_eq!(layout.ranks(), 3);
    /// assert_eq!(layout.local_shape(1), vec![0, 5]);
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn with_bounds(shape: &[usize], split: isize, bounds: &[usize]) -> Result<Layout> {
        let ranks =
            bounds.len().checked_sub(1).filter(|&r| r > 0).ok_or_else(|| {
                Error::InvalidArgument("block boundaries need at least two entries (one rank)".into())
            })?;
        let mut layout = Layout::new(shape, split, ranks)?;
        let len = shape[layout.split];
        if bounds[0] != 0 || bounds[ranks] != len || bounds.windows(2).any(|w| w[0] > w[1]) {
            return Err(Error::InvalidArgument(format!(
                "block boundaries {bounds:?} do not split an axis of length {len} \
                 (they must start at 0, never decrease and end at {len})"
            )));
        }
        layout.bounds = bounds.to_vec();
        Ok(layout)
    }

    /// The same global shape split along `axis` instead, balanced, keeping the home axis.
    ///
    /// ```
    /// use shardfft::dist::Layout;
    /// let t = Layout::new(&[8, 8], 0, 2)?.with_split(1)?;
    /// assert_eq!((t.split_axis(), t.home_axis()), (1, 0));
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn with_split(&self, axis: isize) -> Result<Layout> {
        let axis = normalize_axis(axis, self.ndim())?;
        if self.order != Order::Natural {
            return Err(Error::InvalidArgument(
                "a scrambled 1-D layout has only one axis to split".into(),
            ));
        }
        Ok(Layout {
            shape: self.shape.clone(),
            split: axis,
            home: self.home,
            bounds: balanced_bounds(self.shape[axis], self.ranks()),
            order: Order::Natural,
        })
    }

    /// The global shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The number of axes.
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// The number of elements of the global array.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether the global array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of ranks.
    pub fn ranks(&self) -> usize {
        self.bounds.len() - 1
    }

    /// The axis split over the ranks.
    pub fn split_axis(&self) -> usize {
        self.split
    }

    /// The split axis of the caller's original layout, which natural-order outputs return to.
    pub fn home_axis(&self) -> usize {
        self.home
    }

    /// The storage order (natural, or the scrambled four-step order of a 1-D spectrum).
    pub fn order(&self) -> Order {
        self.order
    }

    /// Whether this is not the natural layout: split away from the home axis, or scrambled.
    pub fn is_transposed(&self) -> bool {
        self.split != self.home || self.order != Order::Natural
    }

    /// The block boundaries: one entry per rank plus one (over `0..n1` when scrambled).
    pub fn bounds(&self) -> &[usize] {
        &self.bounds
    }

    /// The range of the split axis (of `0..n1` when scrambled) that `rank` holds.
    ///
    /// # Panics
    /// If `rank >= self.ranks()`.
    pub fn block(&self, rank: usize) -> Range<usize> {
        self.bounds[rank]..self.bounds[rank + 1]
    }

    /// The shape of the block `rank` stores (a 1-D scrambled block holds `rows · n2` elements).
    ///
    /// # Panics
    /// If `rank >= self.ranks()`.
    pub fn local_shape(&self, rank: usize) -> Vec<usize> {
        let block = self.block(rank).len();
        match self.order {
            Order::Natural => {
                let mut shape = self.shape.clone();
                shape[self.split] = block;
                shape
            }
            Order::Scrambled { n2, .. } => vec![block * n2],
        }
    }

    /// The global flat (C-order) index of local flat element `local` of `rank`'s block.
    ///
    /// ```
    /// use shardfft::dist::Layout;
    /// let layout = Layout::new(&[4, 3], 0, 2)?;
    /// assert_eq!(layout.global_index(1, 0), 6); // rank 1 starts at row 2
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    pub fn global_index(&self, rank: usize, local: usize) -> usize {
        let start = self.bounds[rank];
        match self.order {
            Order::Natural => {
                let inner: usize = self.shape[self.split + 1..].iter().product();
                let block = self.block(rank).len();
                let (outer, rest) = (local / (block * inner).max(1), local % (block * inner).max(1));
                (outer * self.shape[self.split] + start) * inner + rest
            }
            Order::Scrambled { n1, n2 } => {
                let (row, k2) = (local / n2, local % n2);
                start + row + n1 * k2
            }
        }
    }

    /// A layout of another shape with the same split, home and ranks; balanced unless the split
    /// axis keeps its length, in which case the boundaries are kept too.
    pub(crate) fn reshaped(&self, shape: Vec<usize>) -> Layout {
        let bounds = if shape[self.split] == self.shape[self.split] && self.order == Order::Natural {
            self.bounds.clone()
        } else {
            balanced_bounds(shape[self.split], self.ranks())
        };
        Layout {
            shape,
            split: self.split,
            home: self.home,
            bounds,
            order: Order::Natural,
        }
    }

    /// This layout with another home axis.
    pub(crate) fn with_home(mut self, home: usize) -> Layout {
        self.home = home;
        self
    }

    /// The scrambled 1-D layout of length `n1·n2` with balanced rows over `ranks`.
    pub(crate) fn scrambled(n1: usize, n2: usize, ranks: usize) -> Layout {
        Layout {
            shape: vec![n1 * n2],
            split: 0,
            home: 0,
            bounds: balanced_bounds(n1, ranks),
            order: Order::Scrambled { n1, n2 },
        }
    }

    /// Whether `axis` is split over more than one rank.
    pub(crate) fn splits(&self, axis: usize) -> bool {
        self.split == axis && self.ranks() > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_blocks_cover_the_axis() {
        for len in 0..20 {
            for parts in 1..10 {
                let bounds = balanced_bounds(len, parts);
                assert_eq!(bounds.len(), parts + 1);
                assert_eq!((bounds[0], bounds[parts]), (0, len));
                let sizes: Vec<usize> = bounds.windows(2).map(|w| w[1] - w[0]).collect();
                let (lo, hi) = (*sizes.iter().min().unwrap(), *sizes.iter().max().unwrap());
                assert!(hi - lo <= 1, "{sizes:?}");
                assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
            }
        }
    }

    #[test]
    fn global_index_walks_the_block() {
        let layout = Layout::new(&[5, 3, 2], 1, 2).unwrap();
        // rank 1 holds [:, 2:3, :]
        let idx: Vec<usize> = (0..10).map(|i| layout.global_index(1, i)).collect();
        assert_eq!(idx, vec![4, 5, 10, 11, 16, 17, 22, 23, 28, 29]);
        let s = Layout::scrambled(3, 4, 2);
        assert_eq!(s.local_shape(0), vec![8]);
        assert_eq!(s.global_index(0, 1), 3);
        assert_eq!(s.global_index(1, 1), 5);
    }

    #[test]
    fn bad_layouts_are_errors() {
        assert!(Layout::new(&[], 0, 1).is_err());
        assert!(Layout::new(&[3], 0, 0).is_err());
        assert!(Layout::new(&[3], 1, 2).is_err());
        assert!(Layout::with_bounds(&[3], 0, &[0, 2, 1]).is_err());
        assert!(Layout::with_bounds(&[3], 0, &[0, 1, 4]).is_err());
    }
}
