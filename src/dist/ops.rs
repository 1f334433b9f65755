//! Sharded transforms and their VJPs.

use ndarray::ArrayD;
use num_complex::Complex;

use super::Sharded;
use super::comm::{Comm, CommData, key_of};
use super::fourstep::{factors, from_scrambled, into_flat, to_array, to_scrambled};
use super::layout::{Layout, Order};
use super::plan::{Block, Kind, Plan, plan, run, run_adjoint};
use super::redistribute::{Dist1, check_comm, runs_exchange};
use crate::transforms::{LAST_TWO, length, resolve_axes};
use crate::{Error, Float, Norm, Result, Scalar};

/// Which layout a sharded transform returns.
///
/// ```
/// use shardfft::dist::Out;
/// assert_eq!(Out::default(), Out::Natural);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Out {
    /// The caller's layout: split along the home axis, natural order (one more all-to-all
    /// when the transform had to move the split).
    #[default]
    Natural,
    /// Wherever the transform left the split (FFTW-MPI's `TRANSPOSED_OUT`), recorded in the
    /// output's [`Layout`]; for a 1-D signal, the four-step's scrambled order. Saves the last
    /// all-to-all. Every transform accepts such input; a 1-D real transform's half spectrum
    /// has no scrambled form and is always natural.
    Transposed,
}

/// One local-plan step: (axis, transform length, kind).
type Op = (usize, usize, Kind);

/// A public function's own arguments, passed through unchanged to the shared entry points.
#[derive(Clone, Copy)]
struct Call<'a> {
    /// The public function's name (in errors and in the cross-rank agreement).
    name: &'a str,
    s: Option<&'a [usize]>,
    axes: Option<&'a [isize]>,
    norm: Norm,
    out: Out,
}

impl<'a> Call<'a> {
    fn new(name: &'a str, s: Option<&'a [usize]>, axes: Option<&'a [isize]>, norm: Norm, out: Out) -> Self {
        Call {
            name,
            s,
            axes,
            norm,
            out,
        }
    }

    /// The call's ops on `layout` (`ops_of` of its `s` and `axes`), and the key every rank
    /// must agree on before they communicate.
    fn ops(
        &self,
        layout: &Layout,
        ops_of: impl FnOnce(&Layout, Option<&[usize]>, Option<&[isize]>) -> Result<Vec<Op>>,
    ) -> Result<(Vec<Op>, u64)> {
        let ops = ops_of(layout, self.s, self.axes)?;
        let key = key_of(&(self.name, layout, &ops, self.norm, self.out));
        Ok((ops, key))
    }

    /// The call of a 1-D function, its `n` and `axis` made N-D by [`one_axis`].
    fn one_axis(name: &'a str, s: &'a Option<[usize; 1]>, axes: &'a [isize; 1], norm: Norm, out: Out) -> Self {
        Call::new(name, s.as_ref().map(|s| &s[..]), Some(axes), norm, out)
    }
}

/// What a sharded call transforms: the local-plan ops, or the 1-D four-step.
enum Route {
    Nd(Vec<Op>),
    /// (transform length, kind) along the only axis of a split 1-D array.
    OneD(Option<(usize, Kind)>),
}

/// Whether `layout` needs the four-step route: a 1-D array split over ranks, or scrambled.
fn is_1d(layout: &Layout) -> bool {
    layout.ndim() == 1 && (layout.ranks() > 1 || layout.order() != Order::Natural)
}

fn route(layout: &Layout, ops: Vec<Op>) -> Route {
    if is_1d(layout) {
        Route::OneD(ops.first().map(|&(_, n, kind)| (n, kind)))
    } else {
        Route::Nd(ops)
    }
}

/// The ops of a complex transform: numpy order (last listed axis first), except that the split
/// axis goes last (the axes are independent), so the other axes run before any move.
fn c2c_ops(layout: &Layout, s: Option<&[usize]>, axes: Option<&[isize]>, inverse: bool) -> Result<Vec<Op>> {
    let (axes, lens) = resolve_axes(layout.ndim(), s, axes)?;
    let shape = layout.shape();
    let ops = axes
        .iter()
        .zip(&lens)
        .rev()
        .map(|(&a, &l)| {
            Ok((
                a,
                length(l, shape[a], &format!("length of axis {a}"))?,
                Kind::C2c { inverse },
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let (mut first, last): (Vec<_>, Vec<_>) = ops.into_iter().partition(|o| !layout.splits(o.0));
    first.extend(last);
    Ok(first)
}

fn no_axes() -> Error {
    Error::InvalidArgument("a real N-D transform needs at least one axis".into())
}

/// The ops of a real-to-complex transform: real along the last axis, then complex.
fn r2c_ops(layout: &Layout, s: Option<&[usize]>, axes: Option<&[isize]>) -> Result<Vec<Op>> {
    let (axes, lens) = resolve_axes(layout.ndim(), s, axes)?;
    let shape = layout.shape();
    let (&last, rest) = axes.split_last().ok_or_else(no_axes)?;
    let mut ops = vec![(
        last,
        length(lens[rest.len()], shape[last], &format!("length of axis {last}"))?,
        Kind::R2c,
    )];
    for (i, &a) in rest.iter().enumerate().rev() {
        ops.push((
            a,
            length(lens[i], shape[a], &format!("length of axis {a}"))?,
            Kind::C2c { inverse: false },
        ));
    }
    Ok(ops)
}

/// The ops of a complex-to-real transform: complex inverses, then real along the last axis.
fn c2r_ops(layout: &Layout, s: Option<&[usize]>, axes: Option<&[isize]>) -> Result<Vec<Op>> {
    let (axes, lens) = resolve_axes(layout.ndim(), s, axes)?;
    let shape = layout.shape();
    let (&last, rest) = axes.split_last().ok_or_else(no_axes)?;
    let mut ops = Vec::new();
    for (i, &a) in rest.iter().enumerate().rev() {
        ops.push((
            a,
            length(lens[i], shape[a], &format!("length of axis {a}"))?,
            Kind::C2c { inverse: true },
        ));
    }
    let default = shape[last].saturating_sub(1) * 2;
    ops.push((
        last,
        length(lens[rest.len()], default, &format!("output length of axis {last}"))?,
        Kind::C2r,
    ));
    Ok(ops)
}

/// The ops of a 1-D call (`n`, `axis`) as an N-D one.
fn one_axis(n: Option<usize>, axis: isize) -> (Option<[usize; 1]>, [isize; 1]) {
    (n.map(|n| [n]), [axis])
}

/// The contiguous local elements of a 1-D block.
fn flat<A: Clone>(a: &ArrayD<A>) -> std::borrow::Cow<'_, [A]> {
    match a.as_slice() {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(a.iter().cloned().collect()),
    }
}

/// Checks the communicator and, when the call communicates, that every rank makes it.
fn start<C: Comm>(comm: &C, name: &str, layout: &Layout, key: u64, communicates: bool) -> Result<()> {
    check_comm(comm, layout)?;
    if communicates {
        comm.agree(name, key)?;
    }
    Ok(())
}

fn check_cotangent(name: &str, expected: &Layout, got: &Layout) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "cotangent of {name}: expected the forward output's layout {expected:?}, got {got:?}"
        )))
    }
}

// ---------------------------------------------------------------------------------------------
// The 1-D route (four-step).

/// The output layout of a complex 1-D transform of length `n` from `layout`.
fn c2c_1d_out(layout: &Layout, n: usize, out: Out) -> Layout {
    let p = layout.ranks();
    match layout.order() {
        Order::Scrambled { n1, n2 } if n1 * n2 == n => balanced_1d(n, p),
        _ if out == Out::Transposed => {
            let (n1, n2) = factors(n);
            Layout::scrambled(n1, n2, p)
        }
        Order::Natural if layout.shape()[0] == n => layout.clone().with_home(0),
        _ => balanced_1d(n, p),
    }
}

fn balanced_1d(n: usize, p: usize) -> Layout {
    Layout::new(&[n], 0, p).unwrap_or_else(|_| Layout::scrambled(n, 1, p))
}

/// Moves 1-D data from `dist` to `to`'s distribution (if they differ) and wraps it.
fn finish_1d<C: Comm, A: CommData>(comm: &C, data: Vec<A>, dist: &Dist1, to: Layout) -> Result<Sharded<A>> {
    let target = Dist1::of(&to);
    let data = if *dist == target {
        data
    } else {
        let moved = runs_exchange(comm, &data, dist, &target)?;
        super::pool::give(data);
        moved
    };
    Sharded::from_local(to_array(data)?, to, comm.rank())
}

/// A complex transform (direction `inverse`, factor `c`) of 1-D data in `layout`, in whatever
/// order is cheapest: from scrambled input straight to natural, else to scrambled.
fn c2c_1d_core<C, T>(
    comm: &C,
    src: &[Complex<T>],
    layout: &Layout,
    n: usize,
    inverse: bool,
    c: T,
) -> Result<(Vec<Complex<T>>, Dist1)>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    match layout.order() {
        Order::Scrambled { n1, n2 } if n1 * n2 == n => from_scrambled(comm, src, n1, n2, layout.bounds(), inverse, c),
        _ => to_scrambled(comm, src, &Dist1::of(layout), n, inverse, c),
    }
}

fn c2c_1d<C, A, T>(
    comm: &C,
    x: &Sharded<A>,
    n: usize,
    inverse: bool,
    norm: Norm,
    out: Out,
) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    A: Scalar<Real = T> + CommData,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let layout = x.layout();
    let c = norm.factor::<T>(n, inverse);
    let src = flat(x.local());
    let (data, dist) = match layout.order() {
        Order::Scrambled { .. } => {
            let z: Vec<Complex<T>> = src.iter().map(|v| v.to_complex()).collect();
            c2c_1d_core(comm, &z, layout, n, inverse, c)?
        }
        Order::Natural => to_scrambled(comm, &src, &Dist1::of(layout), n, inverse, c)?,
    };
    finish_1d(comm, data, &dist, c2c_1d_out(layout, n, out))
}

fn c2c_1d_vjp<C, T>(
    comm: &C,
    x_layout: &Layout,
    g: &Sharded<Complex<T>>,
    n: usize,
    inverse: bool,
    norm: Norm,
) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let c = norm.factor::<T>(n, inverse);
    let (data, dist) = c2c_1d_core(comm, &flat(g.local()), g.layout(), n, !inverse, c)?;
    finish_1d(comm, data, &dist, x_layout.clone())
}

/// The weight of bin `k` of an `n`-point real signal's half spectrum: 1 for DC and Nyquist,
/// 2 for the bins that stand for a conjugate pair, 0 past n/2.
fn bin_weight<T: Float>(k: usize, n: usize) -> T {
    if k == 0 || 2 * k == n {
        T::one()
    } else if 2 * k < n {
        T::one() + T::one()
    } else {
        T::zero()
    }
}

fn rfft_1d<C, T>(comm: &C, x: &Sharded<T>, n: usize, norm: Norm) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let c = norm.factor::<T>(n, false);
    let (data, dist) = to_scrambled(comm, &flat(x.local()), &Dist1::of(x.layout()), n, false, c)?;
    finish_1d(comm, data, &dist, balanced_1d(n / 2 + 1, comm.size()))
}

fn rfft_1d_vjp<C, T>(comm: &C, x_layout: &Layout, g: &Sharded<Complex<T>>, n: usize, norm: Norm) -> Result<Sharded<T>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let c = norm.factor::<T>(n, false);
    let (data, dist) = to_scrambled(comm, &flat(g.local()), &Dist1::of(g.layout()), n, true, c)?;
    let re: Vec<T> = data.iter().map(|z| z.re).collect();
    finish_1d(comm, re, &dist, x_layout.clone())
}

fn irfft_1d<C, A, T>(comm: &C, x: &Sharded<A>, n: usize, norm: Norm) -> Result<Sharded<T>>
where
    C: Comm,
    A: Scalar<Real = T> + CommData,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let (layout, me) = (x.layout(), comm.rank());
    let c = norm.factor::<T>(n, true);
    let weighted: Vec<Complex<T>> = flat(x.local())
        .iter()
        .enumerate()
        .map(|(i, v)| v.to_complex() * bin_weight::<T>(layout.global_index(me, i), n))
        .collect();
    let (data, dist) = to_scrambled(comm, &weighted, &Dist1::of(layout), n, true, c)?;
    let re: Vec<T> = data.iter().map(|z| z.re).collect();
    finish_1d(comm, re, &dist, balanced_1d(n, comm.size()))
}

fn irfft_1d_vjp<C, T>(comm: &C, x_layout: &Layout, g: &Sharded<T>, n: usize, norm: Norm) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let me = comm.rank();
    let c = norm.factor::<T>(n, true);
    let (data, dist) = to_scrambled(comm, &flat(g.local()), &Dist1::of(g.layout()), n, false, c)?;
    let mut out = finish_1d(comm, data, &dist, x_layout.clone())?;
    for (i, z) in out.local_mut().iter_mut().enumerate() {
        *z = *z * bin_weight::<T>(x_layout.global_index(me, i), n);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Entry points shared by the public functions.

/// The N-D route of a forward transform: plans the local passes and all-to-alls, agrees on
/// the call with the other ranks when it communicates, and runs it; returns the local block
/// and its layout.
fn forward_nd<C, A, T>(
    comm: &C,
    name: &str,
    x: &Sharded<A>,
    ops: &[Op],
    out: Out,
    key: u64,
    norm: Norm,
) -> Result<(Block<T>, Layout)>
where
    C: Comm,
    A: Scalar<Real = T> + CommData,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let plan = plan(x.layout(), ops, out)?;
    start(comm, name, x.layout(), key, plan.communicates())?;
    Ok((run(comm, &plan, x.local(), norm)?, plan.out))
}

fn c2c<C, A, T>(comm: &C, x: &Sharded<A>, call: Call<'_>, inverse: bool) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    A: Scalar<Real = T> + CommData,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let Call { name, norm, out, .. } = call;
    let layout = x.layout();
    let (ops, key) = call.ops(layout, |l, s, a| c2c_ops(l, s, a, inverse))?;
    match route(layout, ops) {
        Route::OneD(Some((n, _))) => {
            start(comm, name, layout, key, true)?;
            c2c_1d(comm, x, n, inverse, norm, out)
        }
        Route::OneD(None) => {
            check_comm(comm, layout)?;
            let z = x.local().mapv(|v| v.to_complex());
            Sharded::from_local(z, layout.clone(), comm.rank())
        }
        Route::Nd(ops) => {
            let (y, out_layout) = forward_nd(comm, name, x, &ops, out, key, norm)?;
            Sharded::from_local(y.complex(), out_layout, comm.rank())
        }
    }
}

fn c2c_vjp<C, T>(
    comm: &C,
    x_layout: &Layout,
    g: &Sharded<Complex<T>>,
    call: Call<'_>,
    inverse: bool,
) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let Call { name, norm, out, .. } = call;
    let (ops, key) = call.ops(x_layout, |l, s, a| c2c_ops(l, s, a, inverse))?;
    match route(x_layout, ops) {
        Route::OneD(Some((n, _))) => {
            check_cotangent(name, &c2c_1d_out(x_layout, n, out), g.layout())?;
            start(comm, name, x_layout, key, true)?;
            c2c_1d_vjp(comm, x_layout, g, n, inverse, norm)
        }
        Route::OneD(None) => {
            check_cotangent(name, x_layout, g.layout())?;
            Ok(g.clone())
        }
        Route::Nd(ops) => {
            let plan = plan(x_layout, &ops, out)?;
            nd_vjp(
                comm,
                &call,
                key,
                &plan,
                x_layout,
                Block::Cplx(g.local().clone()),
                g.layout(),
            )
            .map(Block::complex)
            .and_then(|y| Sharded::from_local(y, x_layout.clone(), comm.rank()))
        }
    }
}

/// The adjoint of a planned N-D route: the cotangent `g` (in `g_layout`, which must be the
/// forward output's) back to `x_layout`.
fn nd_vjp<C, T>(
    comm: &C,
    call: &Call<'_>,
    key: u64,
    plan: &Plan,
    x_layout: &Layout,
    g: Block<T>,
    g_layout: &Layout,
) -> Result<Block<T>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    check_cotangent(call.name, &plan.out, g_layout)?;
    start(comm, call.name, x_layout, key, plan.communicates())?;
    run_adjoint(comm, plan, g, call.norm)
}

fn r2c<C, T>(comm: &C, x: &Sharded<T>, call: Call<'_>) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let Call { name, norm, out, .. } = call;
    let layout = x.layout();
    let (ops, key) = call.ops(layout, r2c_ops)?;
    match route(layout, ops) {
        Route::OneD(Some((n, _))) => {
            start(comm, name, layout, key, true)?;
            rfft_1d(comm, x, n, norm)
        }
        Route::OneD(None) => Err(no_axes()),
        Route::Nd(ops) => {
            let (y, out_layout) = forward_nd(comm, name, x, &ops, out, key, norm)?;
            Sharded::from_local(y.complex(), out_layout, comm.rank())
        }
    }
}

fn r2c_vjp<C, T>(comm: &C, x_layout: &Layout, g: &Sharded<Complex<T>>, call: Call<'_>) -> Result<Sharded<T>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let Call { name, norm, out, .. } = call;
    let (ops, key) = call.ops(x_layout, r2c_ops)?;
    match route(x_layout, ops) {
        Route::OneD(Some((n, _))) => {
            check_cotangent(name, &balanced_1d(n / 2 + 1, x_layout.ranks()), g.layout())?;
            start(comm, name, x_layout, key, true)?;
            rfft_1d_vjp(comm, x_layout, g, n, norm)
        }
        Route::OneD(None) => Err(no_axes()),
        Route::Nd(ops) => {
            let plan = plan(x_layout, &ops, out)?;
            let y = nd_vjp(
                comm,
                &call,
                key,
                &plan,
                x_layout,
                Block::Cplx(g.local().clone()),
                g.layout(),
            )?
            .real()?;
            Sharded::from_local(y, x_layout.clone(), comm.rank())
        }
    }
}

fn c2r<C, A, T>(comm: &C, x: &Sharded<A>, call: Call<'_>) -> Result<Sharded<T>>
where
    C: Comm,
    A: Scalar<Real = T> + CommData,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let Call { name, norm, out, .. } = call;
    let layout = x.layout();
    let (ops, key) = call.ops(layout, c2r_ops)?;
    match route(layout, ops) {
        Route::OneD(Some((n, _))) => {
            start(comm, name, layout, key, true)?;
            irfft_1d(comm, x, n, norm)
        }
        Route::OneD(None) => Err(no_axes()),
        Route::Nd(ops) => {
            let (y, out_layout) = forward_nd(comm, name, x, &ops, out, key, norm)?;
            Sharded::from_local(y.real()?, out_layout, comm.rank())
        }
    }
}

fn c2r_vjp<C, T>(comm: &C, x_layout: &Layout, g: &Sharded<T>, call: Call<'_>) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let Call { name, norm, out, .. } = call;
    let (ops, key) = call.ops(x_layout, c2r_ops)?;
    match route(x_layout, ops) {
        Route::OneD(Some((n, _))) => {
            check_cotangent(name, &balanced_1d(n, x_layout.ranks()), g.layout())?;
            start(comm, name, x_layout, key, true)?;
            irfft_1d_vjp(comm, x_layout, g, n, norm)
        }
        Route::OneD(None) => Err(no_axes()),
        Route::Nd(ops) => {
            let plan = plan(x_layout, &ops, out)?;
            let y = nd_vjp(
                comm,
                &call,
                key,
                &plan,
                x_layout,
                Block::Real(g.local().clone()),
                g.layout(),
            )?
            .complex();
            Sharded::from_local(y, x_layout.clone(), comm.rank())
        }
    }
}

/// The local block of `x` as a flat vector (used by the benchmarks and tests).
#[doc(hidden)]
pub fn local_flat<A: Clone>(x: &Sharded<A>) -> Vec<A> {
    into_flat(x.local().clone())
}

// ---------------------------------------------------------------------------------------------
// The public functions.

macro_rules! c2c_1d_fn {
    ($(#[$doc:meta])* $name:ident, $inverse:expr) => {
        $(#[$doc])*
        pub fn $name<C, A, T>(comm: &C, x: &Sharded<A>, n: Option<usize>, axis: isize, norm: Norm, out: Out) -> Result<Sharded<Complex<T>>>
        where
            C: Comm,
            A: Scalar<Real = T> + CommData,
            T: Float + CommData,
            Complex<T>: CommData,
        {
            let (s, axes) = one_axis(n, axis);
            c2c(comm, x, Call::one_axis(stringify!($name), &s, &axes, norm, out), $inverse)
        }
    };
}

macro_rules! c2c_nd_fn {
    ($(#[$doc:meta])* $name:ident, $inverse:expr, $default:expr) => {
        $(#[$doc])*
        pub fn $name<C, A, T>(comm: &C, x: &Sharded<A>, s: Option<&[usize]>, axes: Option<&[isize]>, norm: Norm, out: Out) -> Result<Sharded<Complex<T>>>
        where
            C: Comm,
            A: Scalar<Real = T> + CommData,
            T: Float + CommData,
            Complex<T>: CommData,
        {
            let default: Option<&[isize]> = $default;
            c2c(comm, x, Call::new(stringify!($name), s, axes.or(default), norm, out), $inverse)
        }
    };
}

macro_rules! c2c_vjp_1d_fn {
    ($(#[$doc:meta])* $name:ident, $inverse:expr) => {
        $(#[$doc])*
        pub fn $name<C, T>(comm: &C, x_layout: &Layout, cotangent: &Sharded<Complex<T>>, n: Option<usize>, axis: isize, norm: Norm, out: Out) -> Result<Sharded<Complex<T>>>
        where
            C: Comm,
            T: Float + CommData,
            Complex<T>: CommData,
        {
            let (s, axes) = one_axis(n, axis);
            c2c_vjp(comm, x_layout, cotangent, Call::one_axis(stringify!($name), &s, &axes, norm, out), $inverse)
        }
    };
}

macro_rules! c2c_vjp_nd_fn {
    ($(#[$doc:meta])* $name:ident, $inverse:expr, $default:expr) => {
        $(#[$doc])*
        pub fn $name<C, T>(comm: &C, x_layout: &Layout, cotangent: &Sharded<Complex<T>>, s: Option<&[usize]>, axes: Option<&[isize]>, norm: Norm, out: Out) -> Result<Sharded<Complex<T>>>
        where
            C: Comm,
            T: Float + CommData,
            Complex<T>: CommData,
        {
            let default: Option<&[isize]> = $default;
            c2c_vjp(comm, x_layout, cotangent, Call::new(stringify!($name), s, axes.or(default), norm, out), $inverse)
        }
    };
}

c2c_1d_fn!(
    /// Sharded [`fft`](crate::fft) along `axis`, with the local function's `n`, `axis` and
    /// `norm`, and the output layout `out`; collective.
    ///
    /// Along an axis that is not split it is the local transform of each block (no
    /// communication). Along the split axis of an N-D array it moves the split to another axis
    /// (one all-to-all), transforms, and with [`Out::Natural`] moves it back; a split 1-D signal
    /// runs the four-step algorithm (two all-to-alls and a third for natural order).
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::{fft, Complex, Norm};
    ///
    /// let global = Array2::from_shape_fn((6, 8), |(i, j)| Complex::new(i as f64, j as f64)).into_dyn();
    /// let want = fft(&global, None, 0, Norm::Backward)?;
    /// for got in run_threads(3, |comm| {
    ///     let x = Sharded::from_global(&global, Layout::new(&[6, 8], 0, comm.size())?, comm.rank())?;
    ///     dist::fft(comm, &x, None, 0, Norm::Backward, Out::Natural)?.allgather(comm)
    /// }) {
    ///     assert!((got? - &want).iter().all(|e| e.norm() < 1e-9));
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    fft,
    false
);

c2c_1d_fn!(
    /// Sharded [`ifft`](crate::ifft); arguments as [`fft`]. It accepts natural, transposed and
    /// scrambled input; with [`Out::Natural`] it returns the input's home layout.
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::{Complex, Norm};
    ///
    /// let global = Array1::from_shape_fn(12, |j| Complex::new(j as f64, 1.0)).into_dyn();
    /// for got in run_threads(2, |comm| {
    ///     let x = Sharded::from_global(&global, Layout::new(&[12], 0, comm.size())?, comm.rank())?;
    ///     let spectrum = dist::fft(comm, &x, None, 0, Norm::Backward, Out::Transposed)?; // scrambled
    ///     dist::ifft(comm, &spectrum, None, 0, Norm::Backward, Out::Natural)?.allgather(comm)
    /// }) {
    ///     assert!((got? - &global).iter().all(|e| e.norm() < 1e-12));
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    ifft,
    true
);

c2c_nd_fn!(
    /// Sharded [`fftn`](crate::fftn) over `axes` (default: all) with lengths `s`; collective.
    ///
    /// The axes that are not split are transformed first, locally; then the split moves to
    /// another axis for the rest. An N-D transform of an array split on axis 0 costs one
    /// all-to-all with [`Out::Transposed`] and two with [`Out::Natural`].
    ///
    /// ```
    /// use ndarray::Array3;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::{fftn, Norm};
    ///
    /// let global = Array3::from_shape_fn((4, 5, 6), |(i, j, k)| (i + 2 * j + 3 * k) as f32).into_dyn();
    /// let want = fftn(&global, None, None, Norm::Ortho)?;
    /// for got in run_threads(3, |comm| {
    ///     let x = Sharded::from_global(&global, Layout::new(&[4, 5, 6], 1, comm.size())?, comm.rank())?;
    ///     dist::fftn(comm, &x, None, None, Norm::Ortho, Out::Natural)?.allgather(comm)
    /// }) {
    ///     assert!((got? - &want).iter().all(|e| e.norm() < 1e-3));
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    fftn,
    false,
    None
);

c2c_nd_fn!(
    /// Sharded [`ifftn`](crate::ifftn); arguments as [`fftn`].
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::{Complex, Norm};
    ///
    /// let global = Array2::from_shape_fn((5, 4), |(i, j)| Complex::new(i as f64, -(j as f64))).into_dyn();
    /// for got in run_threads(2, |comm| {
    ///     let x = Sharded::from_global(&global, Layout::new(&[5, 4], 0, comm.size())?, comm.rank())?;
    ///     let y = dist::fftn(comm, &x, None, None, Norm::Backward, Out::Transposed)?;
    ///     assert_eq!(y.layout().split_axis(), 1);
    ///     let back = dist::ifftn(comm, &y, None, None, Norm::Backward, Out::Natural)?;
    ///     assert_eq!(back.layout().split_axis(), 0);
    ///     back.allgather(comm)
    /// }) {
    ///     assert!((got? - &global).iter().all(|e| e.norm() < 1e-12));
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    ifftn,
    true,
    None
);

c2c_nd_fn!(
    /// Sharded [`fft2`](crate::fft2): [`fftn`] with `axes` defaulting to `[-2, -1]`.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::Norm;
    /// let global = Array2::<f64>::ones((4, 4)).into_dyn();
    /// let out = run_threads(2, |comm| {
    ///     let x = Sharded::from_global(&global, Layout::new(&[4, 4], 0, 2)?, comm.rank())?;
    ///     Ok(dist::fft2(comm, &x, None, None, Norm::Backward, Out::Natural)?.local()[[0, 0]])
    /// });
    /// assert_eq!(out[0].as_ref().unwrap().re, 16.0);
    /// ```
    fft2,
    false,
    Some(LAST_TWO)
);

c2c_nd_fn!(
    /// Sharded [`ifft2`](crate::ifft2): [`ifftn`] with `axes` defaulting to `[-2, -1]`.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::Norm;
    /// let global = Array2::<f64>::ones((4, 4)).into_dyn();
    /// let out = run_threads(2, |comm| {
    ///     let x = Sharded::from_global(&global, Layout::new(&[4, 4], 0, 2)?, comm.rank())?;
    ///     Ok(dist::ifft2(comm, &x, None, None, Norm::Backward, Out::Natural)?.local()[[0, 0]])
    /// });
    /// assert_eq!(out[0].as_ref().unwrap().re, 1.0);
    /// ```
    ifft2,
    true,
    Some(LAST_TWO)
);

/// Sharded [`rfft`](crate::rfft): `n/2+1` bins along `axis`; collective.
///
/// A split 1-D signal runs the complex four-step on the real input (the first all-to-all moves
/// real values) and returns the half spectrum in natural order (whatever `out` says).
///
/// ```
/// use ndarray::Array1;
/// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::{rfft, Norm};
///
/// let global = Array1::from_shape_fn(30, |j| (j as f64 * 0.3).cos()).into_dyn();
/// let want = rfft(&global, None, 0, Norm::Backward)?;
/// for got in run_threads(4, |comm| {
///     let x = Sharded::from_global(&global, Layout::new(&[30], 0, comm.size())?, comm.rank())?;
///     dist::rfft(comm, &x, None, 0, Norm::Backward, Out::Natural)?.allgather(comm)
/// }) {
///     assert!((got? - &want).iter().all(|e| e.norm() < 1e-10));
/// }
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn rfft<C, T>(
    comm: &C,
    x: &Sharded<T>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
    out: Out,
) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let (s, axes) = one_axis(n, axis);
    r2c(comm, x, Call::one_axis("rfft", &s, &axes, norm, out))
}

/// Sharded [`irfft`](crate::irfft): `n` real outputs (default `2(m−1)`) along `axis`;
/// collective.
///
/// ```
/// use ndarray::Array1;
/// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::Norm;
///
/// let global = Array1::from_shape_fn(21, |j| (j as f64).sqrt()).into_dyn();
/// for got in run_threads(3, |comm| {
///     let x = Sharded::from_global(&global, Layout::new(&[21], 0, comm.size())?, comm.rank())?;
///     let z = dist::rfft(comm, &x, None, 0, Norm::Backward, Out::Natural)?;
///     dist::irfft(comm, &z, Some(21), 0, Norm::Backward, Out::Natural)?.allgather(comm)
/// }) {
///     assert!((got? - &global).iter().all(|e| e.abs() < 1e-12));
/// }
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn irfft<C, A, T>(
    comm: &C,
    x: &Sharded<A>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
    out: Out,
) -> Result<Sharded<T>>
where
    C: Comm,
    A: Scalar<Real = T> + CommData,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let (s, axes) = one_axis(n, axis);
    c2r(comm, x, Call::one_axis("irfft", &s, &axes, norm, out))
}

/// Sharded [`rfftn`](crate::rfftn): real along the last of `axes`, complex on the others;
/// collective.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::{rfftn, Norm};
///
/// let global = Array2::from_shape_fn((6, 10), |(i, j)| (i * j) as f64).into_dyn();
/// let want = rfftn(&global, None, None, Norm::Backward)?;
/// for got in run_threads(4, |comm| {
///     let x = Sharded::from_global(&global, Layout::new(&[6, 10], 0, comm.size())?, comm.rank())?;
///     dist::rfftn(comm, &x, None, None, Norm::Backward, Out::Natural)?.allgather(comm)
/// }) {
///     assert!((got? - &want).iter().all(|e| e.norm() < 1e-9));
/// }
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn rfftn<C, T>(
    comm: &C,
    x: &Sharded<T>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
    out: Out,
) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    r2c(comm, x, Call::new("rfftn", s, axes, norm, out))
}

/// Sharded [`irfftn`](crate::irfftn); collective. Accepts the transposed output of [`rfftn`].
///
/// ```
/// use ndarray::Array2;
/// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::Norm;
///
/// let global = Array2::from_shape_fn((6, 10), |(i, j)| (i + j * j) as f64).into_dyn();
/// for got in run_threads(4, |comm| {
///     let x = Sharded::from_global(&global, Layout::new(&[6, 10], 0, comm.size())?, comm.rank())?;
///     let z = dist::rfftn(comm, &x, None, None, Norm::Backward, Out::Transposed)?;
///     dist::irfftn(comm, &z, Some(&[6, 10]), None, Norm::Backward, Out::Natural)?.allgather(comm)
/// }) {
///     assert!((got? - &global).iter().all(|e| e.abs() < 1e-9));
/// }
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn irfftn<C, A, T>(
    comm: &C,
    x: &Sharded<A>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
    out: Out,
) -> Result<Sharded<T>>
where
    C: Comm,
    A: Scalar<Real = T> + CommData,
    T: Float + CommData,
    Complex<T>: CommData,
{
    c2r(comm, x, Call::new("irfftn", s, axes, norm, out))
}

/// Sharded [`rfft2`](crate::rfft2): [`rfftn`] with `axes` defaulting to `[-2, -1]`.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::Norm;
/// let global = Array2::<f32>::ones((4, 6)).into_dyn();
/// let out = run_threads(2, |comm| {
///     let x = Sharded::from_global(&global, Layout::new(&[4, 6], 0, 2)?, comm.rank())?;
///     Ok(dist::rfft2(comm, &x, None, None, Norm::Backward, Out::Natural)?.layout().shape().to_vec())
/// });
/// assert_eq!(out[0].as_ref().unwrap(), &vec![4, 4]);
/// ```
pub fn rfft2<C, T>(
    comm: &C,
    x: &Sharded<T>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
    out: Out,
) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    r2c(
        comm,
        x,
        Call::new("rfft2", s, Some(axes.unwrap_or(LAST_TWO)), norm, out),
    )
}

/// Sharded [`irfft2`](crate::irfft2): [`irfftn`] with `axes` defaulting to `[-2, -1]`.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::{Complex, Norm};
/// let global = Array2::<Complex<f64>>::zeros((4, 4)).into_dyn();
/// let out = run_threads(2, |comm| {
///     let x = Sharded::from_global(&global, Layout::new(&[4, 4], 0, 2)?, comm.rank())?;
///     Ok(dist::irfft2(comm, &x, None, None, Norm::Backward, Out::Natural)?.layout().shape().to_vec())
/// });
/// assert_eq!(out[1].as_ref().unwrap(), &vec![4, 6]);
/// ```
pub fn irfft2<C, A, T>(
    comm: &C,
    x: &Sharded<A>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
    out: Out,
) -> Result<Sharded<T>>
where
    C: Comm,
    A: Scalar<Real = T> + CommData,
    T: Float + CommData,
    Complex<T>: CommData,
{
    c2r(
        comm,
        x,
        Call::new("irfft2", s, Some(axes.unwrap_or(LAST_TWO)), norm, out),
    )
}

c2c_vjp_1d_fn!(
    /// VJP of the sharded [`fft`]: the gradient with respect to its input, in the input's layout
    /// `x_layout`, from the `cotangent` (in the forward output's layout); the other arguments
    /// are the forward call's. It is the transform of the opposite direction with the layouts
    /// swapped (and the resize by `n` undone), with [`grad`](crate::grad)'s conventions.
    ///
    /// ```
    /// use ndarray::Array1;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::{grad, Complex, Norm};
    ///
    /// let g = Array1::from_shape_fn(10, |j| Complex::new(1.0, j as f64)).into_dyn();
    /// let want = grad::fft_vjp(&[8], &g, Some(10), 0, Norm::Ortho)?;
    /// for got in run_threads(2, |comm| {
    ///     let x_layout = Layout::new(&[8], 0, comm.size())?;
    ///     let out = Layout::new(&[10], 0, comm.size())?;
    ///     let gs = Sharded::from_global(&g, out, comm.rank())?;
    ///     dist::fft_vjp(comm, &x_layout, &gs, Some(10), 0, Norm::Ortho, Out::Natural)?.allgather(comm)
    /// }) {
    ///     assert!((got? - &want).iter().all(|e| e.norm() < 1e-12));
    /// }
    /// # Ok::<(), shardfft::Error>(())
    /// ```
    fft_vjp,
    false
);

c2c_vjp_1d_fn!(
    /// VJP of the sharded [`ifft`]; arguments as [`fft_vjp`].
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::{Complex, Norm};
    /// let g = Array2::from_elem((4, 2), Complex::new(1.0f64, 0.0)).into_dyn();
    /// let out = run_threads(2, |comm| {
    ///     let layout = Layout::new(&[4, 2], 0, 2)?;
    ///     let gs = Sharded::from_global(&g, layout.clone(), comm.rank())?;
    ///     dist::ifft_vjp(comm, &layout, &gs, None, 1, Norm::Backward, Out::Natural)?.allgather(comm)
    /// });
    /// // ifft's VJP is fft/n: the all-ones cotangent maps to (1, 0) in every row.
    /// assert_eq!(out[0].as_ref().unwrap()[[3, 0]], Complex::new(1.0, 0.0));
    /// ```
    ifft_vjp,
    true
);

c2c_vjp_nd_fn!(
    /// VJP of the sharded [`fftn`]; arguments as [`fft_vjp`] with `s` and `axes`.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::{Complex, Norm};
    /// let out = run_threads(2, |comm| {
    ///     let x_layout = Layout::new(&[4, 4], 0, 2)?;
    ///     let g_layout = x_layout.with_split(1)?; // the forward ran with Out::Transposed
    ///     let g = Array2::from_elem((4, 4), Complex::new(1.0f64, 0.0)).into_dyn();
    ///     let gs = Sharded::from_global(&g, g_layout, comm.rank())?;
    ///     let dx = dist::fftn_vjp(comm, &x_layout, &gs, None, None, Norm::Backward, Out::Transposed)?;
    ///     assert_eq!(dx.layout(), &x_layout);
    ///     dx.allgather(comm)
    /// });
    /// assert_eq!(out[0].as_ref().unwrap()[[0, 0]], Complex::new(16.0, 0.0));
    /// ```
    fftn_vjp,
    false,
    None
);

c2c_vjp_nd_fn!(
    /// VJP of the sharded [`ifftn`]; arguments as [`fftn_vjp`].
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::{Complex, Norm};
    /// let out = run_threads(2, |comm| {
    ///     let layout = Layout::new(&[4, 4], 0, 2)?;
    ///     let g = Array2::from_elem((4, 4), Complex::new(1.0f64, 0.0)).into_dyn();
    ///     let gs = Sharded::from_global(&g, layout.clone(), comm.rank())?;
    ///     dist::ifftn_vjp(comm, &layout, &gs, None, None, Norm::Backward, Out::Natural)?.allgather(comm)
    /// });
    /// assert_eq!(out[0].as_ref().unwrap()[[0, 0]], Complex::new(1.0, 0.0));
    /// ```
    ifftn_vjp,
    true,
    None
);

c2c_vjp_nd_fn!(
    /// VJP of the sharded [`fft2`]; `axes` defaults to `[-2, -1]`.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::{Complex, Norm};
    /// let out = run_threads(2, |comm| {
    ///     let layout = Layout::new(&[2, 4], 1, 2)?;
    ///     let g = Array2::from_elem((2, 4), Complex::new(1.0f64, 0.0)).into_dyn();
    ///     let gs = Sharded::from_global(&g, layout.clone(), comm.rank())?;
    ///     dist::fft2_vjp(comm, &layout, &gs, None, None, Norm::Ortho, Out::Natural)?.allgather(comm)
    /// });
    /// assert!((out[1].as_ref().unwrap()[[0, 0]].re - 8f64.sqrt()).abs() < 1e-12);
    /// ```
    fft2_vjp,
    false,
    Some(LAST_TWO)
);

c2c_vjp_nd_fn!(
    /// VJP of the sharded [`ifft2`]; `axes` defaults to `[-2, -1]`.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
    /// use shardfft::{Complex, Norm};
    /// let out = run_threads(2, |comm| {
    ///     let layout = Layout::new(&[2, 4], 1, 2)?;
    ///     let g = Array2::from_elem((2, 4), Complex::new(1.0f64, 0.0)).into_dyn();
    ///     let gs = Sharded::from_global(&g, layout.clone(), comm.rank())?;
    ///     dist::ifft2_vjp(comm, &layout, &gs, None, None, Norm::Forward, Out::Natural)?.allgather(comm)
    /// });
    /// assert!((out[1].as_ref().unwrap()[[0, 0]].re - 8.0).abs() < 1e-12);
    /// ```
    ifft2_vjp,
    true,
    Some(LAST_TWO)
);

/// VJP of the sharded [`rfft`]: a real gradient in `x_layout` from the cotangent of the bins;
/// arguments as [`fft_vjp`].
///
/// ```
/// use ndarray::Array1;
/// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::{grad, Complex, Norm};
///
/// let g = Array1::from_shape_fn(5, |k| Complex::new(k as f64, 1.0)).into_dyn();
/// let want = grad::rfft_vjp(&[8], &g, None, 0, Norm::Backward)?;
/// for got in run_threads(3, |comm| {
///     let x_layout = Layout::new(&[8], 0, comm.size())?;
///     let gs = Sharded::from_global(&g, Layout::new(&[5], 0, comm.size())?, comm.rank())?;
///     dist::rfft_vjp(comm, &x_layout, &gs, None, 0, Norm::Backward, Out::Natural)?.allgather(comm)
/// }) {
///     assert!((got? - &want).iter().all(|e| e.abs() < 1e-12));
/// }
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn rfft_vjp<C, T>(
    comm: &C,
    x_layout: &Layout,
    cotangent: &Sharded<Complex<T>>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
    out: Out,
) -> Result<Sharded<T>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let (s, axes) = one_axis(n, axis);
    r2c_vjp(comm, x_layout, cotangent, Call::one_axis("rfft", &s, &axes, norm, out))
}

/// VJP of the sharded [`irfft`]: a complex gradient of the bins, in `x_layout`, from the real
/// cotangent; arguments as [`fft_vjp`].
///
/// ```
/// use ndarray::Array1;
/// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::{grad, Norm};
///
/// let g = Array1::from_shape_fn(9, |j| j as f64).into_dyn();
/// let want = grad::irfft_vjp(&[5], &g, Some(9), 0, Norm::Backward)?;
/// for got in run_threads(2, |comm| {
///     let x_layout = Layout::new(&[5], 0, comm.size())?;
///     let gs = Sharded::from_global(&g, Layout::new(&[9], 0, comm.size())?, comm.rank())?;
///     dist::irfft_vjp(comm, &x_layout, &gs, Some(9), 0, Norm::Backward, Out::Natural)?.allgather(comm)
/// }) {
///     assert!((got? - &want).iter().all(|e| e.norm() < 1e-12));
/// }
/// # Ok::<(), shardfft::Error>(())
/// ```
pub fn irfft_vjp<C, T>(
    comm: &C,
    x_layout: &Layout,
    cotangent: &Sharded<T>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
    out: Out,
) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    let (s, axes) = one_axis(n, axis);
    c2r_vjp(comm, x_layout, cotangent, Call::one_axis("irfft", &s, &axes, norm, out))
}

/// VJP of the sharded [`rfftn`]; arguments as [`fftn_vjp`].
///
/// ```
/// use ndarray::Array2;
/// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::{Complex, Norm};
/// let out = run_threads(2, |comm| {
///     let x_layout = Layout::new(&[4, 6], 0, 2)?;
///     let g = Array2::<Complex<f64>>::zeros((4, 4)).into_dyn();
///     let gs = Sharded::from_global(&g, Layout::new(&[4, 4], 0, 2)?, comm.rank())?;
///     Ok(dist::rfftn_vjp(comm, &x_layout, &gs, None, None, Norm::Backward, Out::Natural)?.layout().clone())
/// });
/// assert_eq!(out[0].as_ref().unwrap().shape(), &[4, 6]);
/// ```
pub fn rfftn_vjp<C, T>(
    comm: &C,
    x_layout: &Layout,
    cotangent: &Sharded<Complex<T>>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
    out: Out,
) -> Result<Sharded<T>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    r2c_vjp(comm, x_layout, cotangent, Call::new("rfftn", s, axes, norm, out))
}

/// VJP of the sharded [`irfftn`]; arguments as [`fftn_vjp`].
///
/// ```
/// use ndarray::Array2;
/// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::Norm;
/// let out = run_threads(2, |comm| {
///     let x_layout = Layout::new(&[4, 4], 0, 2)?;
///     let g = Array2::<f64>::ones((4, 6)).into_dyn();
///     let gs = Sharded::from_global(&g, Layout::new(&[4, 6], 0, 2)?, comm.rank())?;
///     Ok(dist::irfftn_vjp(comm, &x_layout, &gs, None, None, Norm::Backward, Out::Natural)?.layout().clone())
/// });
/// assert_eq!(out[0].as_ref().unwrap().shape(), &[4, 4]);
/// ```
pub fn irfftn_vjp<C, T>(
    comm: &C,
    x_layout: &Layout,
    cotangent: &Sharded<T>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
    out: Out,
) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    c2r_vjp(comm, x_layout, cotangent, Call::new("irfftn", s, axes, norm, out))
}

/// VJP of the sharded [`rfft2`]; `axes` defaults to `[-2, -1]`.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::{Complex, Norm};
/// let out = run_threads(2, |comm| {
///     let x_layout = Layout::new(&[4, 6], 1, 2)?;
///     let g = Array2::<Complex<f32>>::zeros((4, 4)).into_dyn();
///     let gs = Sharded::from_global(&g, Layout::new(&[4, 4], 1, 2)?, comm.rank())?;
///     Ok(dist::rfft2_vjp(comm, &x_layout, &gs, None, None, Norm::Backward, Out::Natural)?.layout().clone())
/// });
/// assert_eq!(out[0].as_ref().unwrap().shape(), &[4, 6]);
/// ```
pub fn rfft2_vjp<C, T>(
    comm: &C,
    x_layout: &Layout,
    cotangent: &Sharded<Complex<T>>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
    out: Out,
) -> Result<Sharded<T>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    r2c_vjp(
        comm,
        x_layout,
        cotangent,
        Call::new("rfft2", s, Some(axes.unwrap_or(LAST_TWO)), norm, out),
    )
}

/// VJP of the sharded [`irfft2`]; `axes` defaults to `[-2, -1]`.
///
/// ```
/// use ndarray::Array2;
/// use shardfft::dist::{self, run_threads, Comm, Layout, Out, Sharded};
/// use shardfft::Norm;
/// let out = run_threads(2, |comm| {
///     let x_layout = Layout::new(&[4, 4], 1, 2)?;
///     let g = Array2::<f32>::ones((4, 6)).into_dyn();
///     let gs = Sharded::from_global(&g, Layout::new(&[4, 6], 1, 2)?, comm.rank())?;
///     Ok(dist::irfft2_vjp(comm, &x_layout, &gs, None, None, Norm::Backward, Out::Natural)?.layout().clone())
/// });
/// assert_eq!(out[0].as_ref().unwrap().shape(), &[4, 4]);
/// ```
pub fn irfft2_vjp<C, T>(
    comm: &C,
    x_layout: &Layout,
    cotangent: &Sharded<T>,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
    out: Out,
) -> Result<Sharded<Complex<T>>>
where
    C: Comm,
    T: Float + CommData,
    Complex<T>: CommData,
{
    c2r_vjp(
        comm,
        x_layout,
        cotangent,
        Call::new("irfft2", s, Some(axes.unwrap_or(LAST_TWO)), norm, out),
    )
}
