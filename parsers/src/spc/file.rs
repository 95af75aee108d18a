//! Walks a whole file: header, optional shared X array, subfiles (in sequence
//! or through the TXYXYS directory), log; then turns each subfile into a
//! [`Spectrum`].

use super::bytes::Bytes;
use super::error::SpcError;
use super::header::{read_header, Flags, MainHeader, Version};
use super::log::read_log;
use super::subfile::{read_subfile, Layout, Subfile, SUBHEADER_LEN};
use super::units;
use super::yvalues::{decode_x, even_x};
use crate::spectrum::{Header, Peak, Position, Spectrum, SpectrumFile, Warning};

/// Size of one TXYXYS directory entry (SSFPOSN, SSFSIZE, SSFTIME).
const DIR_ENTRY_LEN: usize = 12;

pub(crate) fn read_file(data: &[u8]) -> Result<SpectrumFile, SpcError> {
    let (h, endian) = read_header(data)?;
    let b = Bytes { data, endian };
    let mut warnings = Vec::new();
    let flags = h.flags;
    let own_x = flags.has(Flags::TXYXYS);
    // In TXYXYS files FNPTS is the directory offset, not a point count.
    let layout = Layout {
        npts: if own_x { 0 } else { h.npts },
        own_x,
        multi: flags.has(Flags::TMULTI),
        sixteen_bit: flags.has(Flags::TSPREC),
        old: h.version == Version::Old,
        file_exponent: h.exponent,
        file_exponent_offset: if h.version == Version::Old { 2 } else { 3 },
    };

    let mut pos = h.data_start;
    let explicit_x = flags.has(Flags::TXVALS) && !own_x && h.version == Version::New;
    let mut shared_x = if explicit_x {
        let x = decode_x(&b, pos, h.npts, "the X array (TXVALS)")?;
        pos = pos.saturating_add(x.len() * 4);
        Some(x)
    } else {
        None
    };

    let subfiles = if own_x && h.npts > 0 && h.version == Version::New {
        read_by_directory(&b, &h, &layout, &mut warnings)?
    } else {
        read_in_sequence(&b, &h, &layout, pos, &mut warnings)?
    };
    // Even X only once a subfile has proved NPTS values really are in the
    // file, so a hostile NPTS cannot make us allocate its X axis.
    if !own_x && shared_x.is_none() && !subfiles.is_empty() {
        shared_x = Some(even_x(h.first_x, h.last_x, h.npts));
    }

    let mut common = file_fields(&h);
    if h.log_offset > 0 {
        common.extend(read_log(&b, h.log_offset as usize, &mut warnings));
    }
    let kind = units::kind(h.x_type, h.y_type, h.experiment);
    let spectra = subfiles
        .into_iter()
        .enumerate()
        .map(|(i, sub)| to_spectrum(i, sub, shared_x.as_deref(), &h, &common, kind))
        .collect();
    Ok(SpectrumFile { spectra, warnings })
}

/// Subfiles one after another from `pos`.
fn read_in_sequence(
    b: &Bytes<'_>,
    h: &MainHeader,
    layout: &Layout,
    mut pos: usize,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Subfile>, SpcError> {
    let count = match (h.nsub, layout.multi) {
        (Some(n), true) => u64::from(n),
        (Some(n), false) => {
            if n > 1 {
                warnings.push(Warning {
                    position: Position::Byte(24),
                    message: format!(
                        "FNSUB is {n} but the multifile flag is clear; read one subfile"
                    ),
                });
            }
            1
        }
        // The old format does not record a count: read until the data runs out.
        (None, true) => u64::MAX,
        (None, false) => 1,
    };
    if h.nsub.is_some() {
        let needed = count.saturating_mul(SUBHEADER_LEN as u64);
        let available = b.remaining(pos);
        if needed > available as u64 {
            return Err(SpcError::TooManySubfiles {
                offset: pos,
                count,
                needed,
                available,
            });
        }
    }
    let mut subs = Vec::with_capacity(bounded(count, b.remaining(pos) / SUBHEADER_LEN));
    while (subs.len() as u64) < count {
        if h.nsub.is_none() && !subs.is_empty() && b.remaining(pos) < SUBHEADER_LEN {
            if b.remaining(pos) > 0 {
                warnings.push(Warning {
                    position: Position::Byte(pos),
                    message: format!(
                        "{} trailing bytes are too short for another subfile; ignored",
                        b.remaining(pos)
                    ),
                });
            }
            break;
        }
        let sub = read_subfile(b, pos, layout)?;
        pos = sub.end;
        subs.push(sub);
    }
    if h.log_offset == 0 && h.nsub.is_some() && b.remaining(pos) > 0 {
        warnings.push(Warning {
            position: Position::Byte(pos),
            message: format!(
                "{} bytes after the last subfile are not described by the header; ignored",
                b.remaining(pos)
            ),
        });
    }
    Ok(subs)
}

/// TXYXYS with a directory: FNPTS is its offset, one 12-byte entry per subfile.
fn read_by_directory(
    b: &Bytes<'_>,
    h: &MainHeader,
    layout: &Layout,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<Subfile>, SpcError> {
    let dir = h.npts as usize;
    let count = u64::from(h.nsub.unwrap_or(0));
    let needed = count.saturating_mul(DIR_ENTRY_LEN as u64);
    let available = b.remaining(dir);
    if needed > available as u64 {
        return Err(SpcError::TooManySubfiles {
            offset: dir,
            count,
            needed,
            available,
        });
    }
    let mut subs = Vec::with_capacity(bounded(count, available / DIR_ENTRY_LEN));
    for entry in 0..count as usize {
        let at = dir.saturating_add(entry.saturating_mul(DIR_ENTRY_LEN));
        let what = "a subfile directory entry";
        let position = b.u32(at, what)?;
        let size = b.u32(at.saturating_add(4), what)?;
        if position as usize >= b.len() {
            return Err(SpcError::BadDirectoryEntry {
                offset: at,
                entry,
                position: u64::from(position),
                len: b.len(),
            });
        }
        let sub = read_subfile(b, position as usize, layout)?;
        let actual = sub.end.saturating_sub(position as usize);
        if actual != size as usize {
            warnings.push(Warning {
                position: Position::Byte(at.saturating_add(4)),
                message: format!("directory entry {entry} gives subfile size {size}, its header and points make {actual}; used the points"),
            });
        }
        subs.push(sub);
    }
    Ok(subs)
}

fn bounded(count: u64, limit: usize) -> usize {
    usize::try_from(count).unwrap_or(usize::MAX).min(limit)
}

/// Header fields shared by every subfile.
fn file_fields(h: &MainHeader) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![
        ("version".into(), format!("{:#04X}", h.version_byte)),
        ("flags".into(), format!("{:#04X}", h.flags.0)),
        ("x_units".into(), units::x_unit(h.x_type).into()),
        ("y_units".into(), units::y_unit(h.y_type).into()),
        ("z_units".into(), units::x_unit(h.z_type).into()),
    ];
    if h.flags.has(Flags::TMULTI) {
        // Which Z spacing the subfiles follow decides how `z` is to be read.
        let spacing = if h.flags.has(Flags::TORDRD) {
            "ordered, uneven"
        } else if h.flags.has(Flags::TRANDM) {
            "random"
        } else {
            "even"
        };
        f.push(("z_spacing".into(), spacing.into()));
    }
    if h.version == Version::New {
        f.push(("experiment".into(), units::experiment(h.experiment).into()));
    }
    if h.flags.has(Flags::TALABS) {
        for (key, label) in ["x_label", "y_label", "z_label"]
            .into_iter()
            .zip(&h.axis_labels)
        {
            if !label.is_empty() {
                f.push((key.into(), label.clone()));
            }
        }
    }
    let texts = [
        ("memo", &h.memo),
        ("resolution", &h.resolution),
        ("source", &h.source),
        ("method", &h.method),
    ];
    for (key, value) in texts {
        if !value.is_empty() {
            f.push((key.into(), value.clone()));
        }
    }
    if let Some(date) = &h.date {
        f.push(("date".into(), date.clone()));
    }
    if h.z_increment != 0.0 {
        f.push(("z_increment".into(), h.z_increment.to_string()));
    }
    f
}

fn to_spectrum(
    index: usize,
    sub: Subfile,
    shared_x: Option<&[f64]>,
    h: &MainHeader,
    common: &[(String, String)],
    kind: crate::spectrum::SpectrumKind,
) -> Spectrum {
    let xs = sub.x.as_deref().or(shared_x).unwrap_or_default();
    let peaks = xs
        .iter()
        .zip(&sub.y)
        .map(|(&x, &intensity)| Peak { x, intensity })
        .collect();
    let s = &sub.header;
    let mut header: Header = common.iter().map(|(k, v)| (k, v)).collect();
    header.push("subfile", index.to_string());
    header.push("y_exponent", sub.exponent.to_string());
    header.push("subfile_flags", format!("{:#04X}", s.flags));
    header.push("z", s.z.to_string());
    header.push("z_next", s.z_next.to_string());
    if s.index as usize != index {
        header.push("subfile_index", s.index.to_string());
    }
    for (key, value) in [("noise", s.noise), ("w", s.w)] {
        if value != 0.0 {
            header.push(key, value.to_string());
        }
    }
    if s.scans != 0 {
        header.push("scans", s.scans.to_string());
    }
    Spectrum {
        kind: Some(kind),
        peaks,
        title: (!h.memo.is_empty()).then(|| h.memo.clone()),
        header,
        ..Spectrum::default()
    }
}
