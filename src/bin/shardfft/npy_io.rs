//! Reading and writing `.npy` files of the four dtypes shardfft computes in.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use ndarray::ArrayD;
use ndarray_npy::npy::header::{Header, ReadHeaderError};
use ndarray_npy::{ReadNpyExt, WriteNpyExt};
use shardfft::Complex;

use crate::error::CliError;

/// An array as stored in a `.npy` file, in one of the supported dtypes.
pub enum NpyArray {
    /// `<f4`
    F4(ArrayD<f32>),
    /// `<f8`
    F8(ArrayD<f64>),
    /// `<c8`
    C8(ArrayD<Complex<f32>>),
    /// `<c16`
    C16(ArrayD<Complex<f64>>),
}

macro_rules! from_array {
    ($variant:ident, $elem:ty) => {
        impl From<ArrayD<$elem>> for NpyArray {
            fn from(a: ArrayD<$elem>) -> Self {
                NpyArray::$variant(a)
            }
        }
    };
}
from_array!(F4, f32);
from_array!(F8, f64);
from_array!(C8, Complex<f32>);
from_array!(C16, Complex<f64>);

/// The supported dtype descriptors and the size of one element in bytes.
const DTYPES: [(&str, u64); 4] = [("<f4", 4), ("<f8", 8), ("<c8", 8), ("<c16", 16)];

/// Reads a `.npy` file of dtype `<f4`, `<f8`, `<c8` or `<c16`, C or Fortran order, any rank.
///
/// The header is checked against the file size before any data is allocated, so a truncated
/// or padded file is an error rather than a huge allocation or a partial read.
pub fn read(path: &Path) -> Result<NpyArray, CliError> {
    let shown = path.display();
    let io_err = |e: io::Error| CliError::new(format!("cannot read {shown}: {e}"));
    let file = File::open(path).map_err(io_err)?;
    let file_len = file.metadata().map_err(io_err)?.len();
    let mut reader = BufReader::new(file);
    let header = Header::from_reader(&mut reader).map_err(|e| match e {
        ReadHeaderError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            CliError::new(format!("{shown} is not a .npy file (it ends inside the header)"))
        }
        ReadHeaderError::Io(e) => io_err(e),
        ReadHeaderError::Parse(e) => CliError::new(format!("{shown} is not a valid .npy file ({e})")),
    })?;
    let descr = header.type_descriptor.as_string().map(String::as_str);
    let Some(&(descr, elem_size)) = DTYPES.iter().find(|(d, _)| Some(*d) == descr) else {
        return Err(CliError::new(format!(
            "{shown} has dtype {}, which is not supported (use <f4, <f8, <c8 or <c16: \
             little-endian float32, float64, complex64, complex128)",
            header.type_descriptor
        )));
    };
    let data_start = reader.stream_position().map_err(io_err)?;
    let data_len = file_len.saturating_sub(data_start);
    let expected = header
        .shape
        .iter()
        .try_fold(elem_size, |acc, &d| acc.checked_mul(d as u64))
        .ok_or_else(|| CliError::new(format!("{shown}: shape {:?} is too large", header.shape)))?;
    if data_len != expected {
        let problem = if data_len < expected {
            "is truncated"
        } else {
            "has extra bytes"
        };
        return Err(CliError::new(format!(
            "{shown} {problem}: shape {:?} of {descr} needs {expected} bytes of data, the file has {data_len}",
            header.shape
        )));
    }
    reader.seek(SeekFrom::Start(0)).map_err(io_err)?;
    let data_err = |e: ndarray_npy::ReadNpyError| CliError::new(format!("cannot read {shown}: {e}"));
    Ok(match descr {
        "<f4" => ArrayD::<f32>::read_npy(reader).map_err(data_err)?.into(),
        "<f8" => ArrayD::<f64>::read_npy(reader).map_err(data_err)?.into(),
        "<c8" => ArrayD::<Complex<f32>>::read_npy(reader).map_err(data_err)?.into(),
        _ => ArrayD::<Complex<f64>>::read_npy(reader).map_err(data_err)?.into(),
    })
}

/// Writes `array` to `path` through a temporary file in the same folder and a rename, so `path`
/// is either left as it was or replaced by a complete file.
pub fn write_atomically(path: &Path, array: &NpyArray) -> Result<(), CliError> {
    let shown = path.display();
    let tmp = temporary_sibling(path).ok_or_else(|| CliError::new(format!("cannot write {shown}: not a file name")))?;
    let result = write_new(&tmp, array).and_then(|()| fs::rename(&tmp, path));
    result.map_err(|e| {
        // Best effort: the temporary may not exist (creation failed), which is fine.
        let _ = fs::remove_file(&tmp);
        CliError::new(format!("cannot write {shown}: {e}"))
    })
}

/// `.NAME.PID.tmp` next to `path`.
fn temporary_sibling(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy();
    Some(path.with_file_name(format!(".{name}.{}.tmp", std::process::id())))
}

/// Writes a new file (it must not exist yet) and flushes it to disk.
fn write_new(path: &Path, array: &NpyArray) -> io::Result<()> {
    let file = OpenOptions::new().write(true).create_new(true).open(path)?;
    let mut writer = BufWriter::new(file);
    let written = match array {
        NpyArray::F4(a) => a.write_npy(&mut writer),
        NpyArray::F8(a) => a.write_npy(&mut writer),
        NpyArray::C8(a) => a.write_npy(&mut writer),
        NpyArray::C16(a) => a.write_npy(&mut writer),
    };
    written.map_err(io::Error::other)?;
    writer.flush()?;
    writer.get_ref().sync_all()
}
