//! mzXML retention times: XML Schema durations such as `PT353.43S`,
//! `PT1M2.5S` or `P0DT1H2M3S`.

/// Seconds in an `xs:duration`, or `None` if it is not one. Years and months
/// have no fixed length and are rejected rather than guessed.
pub(crate) fn duration_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let rest = rest.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut total = 0.0;
    let mut any = false;
    for (part, units) in [
        (date, &[('D', 86_400.0)][..]),
        (
            time.unwrap_or(""),
            &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)][..],
        ),
    ] {
        let mut rest = part;
        for &(unit, scale) in units {
            if let Some(i) = rest.find(unit) {
                let number: f64 = rest.get(..i)?.parse().ok()?;
                total += number * scale;
                rest = rest.get(i + 1..)?;
                any = true;
            }
        }
        if !rest.is_empty() {
            return None;
        }
    }
    if time == Some("") || !any {
        return None;
    }
    Some(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::duration_seconds as d;

    #[test]
    fn forms() {
        assert_eq!(d("PT353.43S"), Some(353.43));
        assert_eq!(d("PT1M2.5S"), Some(62.5));
        assert_eq!(d("P0DT1H2M3S"), Some(3723.0));
        assert_eq!(d("PT2M"), Some(120.0));
        assert_eq!(d("353.43"), None);
        assert_eq!(d("PT"), None);
        assert_eq!(d("P1Y"), None);
        assert_eq!(d("PTxS"), None);
    }
}
