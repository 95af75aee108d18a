//! Tests of the cvParam scan (`params.rs`): the tag scanner against the
//! quick-xml scan it replaced.

use super::*;

/// The previous, quick-xml-driven scan: the reference for the fast one.
/// Every cvParam of one `<spectrum>` element (`xml` is its bytes), in order,
/// with its scope; referenceable groups are expanded in place. Binary data
/// arrays are skipped: mzdata decodes those.
fn quick_xml_params(xml: &[u8], groups: &RefGroups) -> Vec<(Scope, CvParam<'static>)> {
    let mut out = Vec::new();
    let mut stack: Vec<Scope> = Vec::new();
    // The schema puts the binary arrays last, so metadata ends where they start.
    let xml = match memchr::memmem::find(xml, b"<binaryDataArrayList") {
        Some(end) => xml.get(..end).unwrap_or(xml),
        None => xml,
    };
    let mut reader = Reader::from_reader(xml);
    loop {
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(_)) => {
                stack.pop();
                continue;
            }
            // mzdata has already parsed this slice; an error here means the
            // slice bounds were off, and what we have is the best we can do.
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        let here = stack.last().copied().unwrap_or(Scope::Other);
        match e.name().as_ref() {
            b"cvParam" => out.extend(cv_param(&e).map(|p| (here, p))),
            b"referenceableParamGroupRef" => {
                let params = attr(&e, b"ref").and_then(|r| groups.get(&r));
                out.extend(params.into_iter().flatten().map(|p| (here, p.clone())));
            }
            b"binaryDataArrayList" if !empty => {
                // Skip the base64 payloads wholesale.
                let _ = reader.read_to_end(e.name());
                continue;
            }
            _ => {}
        }
        if !empty {
            stack.push(here.child(e.name().as_ref()));
        }
    }
    out
}

fn groups() -> RefGroups {
    ref_groups(
        br#"<mzML><referenceableParamGroupList><referenceableParamGroup id="g">
            <cvParam accession="MS:1000130" name="positive scan" value=""/>
            </referenceableParamGroup></referenceableParamGroupList><run>"#,
    )
}

fn same(xml: &[u8]) {
    let g = groups();
    assert_eq!(
        spectrum_params(xml, &g),
        quick_xml_params(xml, &g),
        "{}",
        String::from_utf8_lossy(xml)
    );
}

#[test]
fn edge_cases_match_quick_xml() {
    for xml in [
            &br#"<spectrum id="a>b" index='0'><cvParam accession="MS:1000511" name="ms level" value="2"/>
            <!-- <cvParam accession="MS:1" value="commented"/> -->
            <?pi <cvParam accession="MS:2"/> ?>
            <![CDATA[ <cvParam accession="MS:3"/> ]]>
            <cvParam cvRef="MS" accession="MS:1000796" name="spectrum title" value="a &quot;b&quot; &amp; c"/>
            <cvParam accession = "MS:4" name='single' value='x > y'/>
            <cvParam accession="MS:5" value="tab	and
            newline"/>
            <cvParam accession="MS:6" value="x"></cvParam >
            <cvParam name="no accession" value="1"/>
            <cvParam accession="MS:7" unitAccession="UO:0000031" value="1.5" unitName="min&#39;"/>
            <cvParam accession="MS:8"value="glued"/>
            <cvParam accession="MS:9" value=unquoted/>
            <referenceableParamGroupRef ref="g"/>
            <precursorList><precursor><selectedIonList><selectedIon>
            <cvParam accession="MS:1000744" value="445.3"/></selectedIon></selectedIonList>
            <activation><cvParam accession="MS:1000045" value="35" unitAccession="UO:0000266"/></activation>
            </precursor></precursorList>
            <scanList><scan><cvParam accession="MS:1000016" value="1"/></scan></scanList>
            </spectrum>"#[..],
            b"<spectrum><cvParam accession=\"MS:1\"/></scanList><cvParam accession=\"MS:2\"/></spectrum>",
            b"</spectrum><spectrum><cvParam accession=\"MS:1\"/>",
            b"<spectrum><cvParam accession=\"MS:1\"/><!-- unclosed <cvParam accession=\"MS:2\"/>",
            b"<spectrum><cvParam accession=\"MS:1\"/><binaryDataArrayList><cvParam accession=\"MS:2\"/>",
            b"<spectrum><cvParam accession=\"MS:10\" value=\"caf\xc3\xa9\"/><cvParam accession=\"MS:11\" value=\"bad \xff\"/></spectrum>",
            b"",
            b"<",
            b"<spectrum",
        ] {
            same(xml);
        }
}

#[test]
fn shared_files_match_quick_xml() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/mzml");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: {} not readable", dir.display());
        return;
    };
    let g = RefGroups::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "mzML") {
            continue;
        }
        let doc = std::fs::read(&path).expect("readable");
        let g2 = ref_groups(&doc);
        // Every spectrum, cut where the next one starts.
        let starts: Vec<usize> = memchr::memmem::find_iter(&doc, b"<spectrum ").collect();
        for (i, &at) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(doc.len());
            let xml = &doc[at..end];
            for groups in [&g, &g2] {
                assert_eq!(
                    spectrum_params(xml, groups),
                    quick_xml_params(xml, groups),
                    "{} spectrum {i}",
                    path.display()
                );
            }
        }
    }
}

mod speed {
    use super::*;

    /// `cargo test --release -p synthwatch-parsers params_speed -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn params_speed() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data/mzml/mzdata-small.mzML");
        let Ok(doc) = std::fs::read(path) else { return };
        let g = ref_groups(&doc);
        let starts: Vec<usize> = memchr::memmem::find_iter(&doc, b"<spectrum ").collect();
        let slices: Vec<&[u8]> = starts
            .iter()
            .enumerate()
            .map(|(i, &a)| &doc[a..starts.get(i + 1).copied().unwrap_or(doc.len())])
            .collect();
        for _ in 0..5 {
            let t = std::time::Instant::now();
            let mut n = 0;
            for _ in 0..100 {
                for s in &slices {
                    n += std::hint::black_box(spectrum_params(s, &g)).len();
                }
            }
            eprintln!("{:?} per file ({n} params)", t.elapsed() / 100);
        }
    }
}
