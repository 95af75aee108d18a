use super::*;

#[test]
fn empty_file_is_the_built_in_default() {
    let c = Config::from_toml("", "empty.toml").expect("empty config");
    assert_eq!(c, Config::default());
    assert!(c.is_embedded());
    let kinds: Vec<&str> = c.sources.iter().map(SourceConfig::name).collect();
    assert_eq!(kinds, ["inbox", "hl7", "astm"]);
    assert_eq!(
        c.patient_key_path(),
        PathBuf::from("synthwatch-data/patient-key")
    );
}

#[test]
fn unknown_keys_are_rejected_by_name() {
    let err = Config::from_toml("data_dri = \"x\"\n", "c.toml").expect_err("typo");
    assert!(err.to_string().contains("data_dri"), "{err}");
    let err = Config::from_toml(
        "[[sources]]\nkind = \"mllp\"\nname = \"a\"\naddr = \"127.0.0.1:1\"\nmax_frame = 5\n",
        "c.toml",
    )
    .expect_err("typo in a source");
    assert!(err.to_string().contains("max_frame"), "{err}");
    let err = Config::from_toml(
        "[[sources]]\nkind = \"carrier_pigeon\"\nname = \"a\"\n",
        "c.toml",
    )
    .expect_err("unknown kind");
    assert!(err.to_string().contains("carrier_pigeon"), "{err}");
}

#[test]
fn sources_are_a_tagged_list_with_defaults() {
    let text = r#"
data_dir = "/var/lib/synthwatch"
db = "postgres://sw@db/partnership"
[pipeline]
workers = 4
[[sources]]
kind = "astm_serial"
name = "cobas"
path = "/dev/serial/by-id/usb-FTDI-if00"
baud = 19200
[[sources]]
kind = "strip_folder"
name = "strips"
inbox = "/srv/strips/in"
"#;
    let c = Config::from_toml(text, "c.toml").expect("valid");
    assert!(!c.is_embedded());
    assert_eq!(c.pipeline.workers, 4);
    assert_eq!(c.pipeline.max_attempts, 5);
    match &c.sources[..] {
        [SourceConfig::AstmSerial(s), SourceConfig::StripFolder(f)] => {
            assert_eq!((s.baud, s.data_bits, s.parity.as_str()), (19200, 8, "none"));
            assert_eq!(f.processed_dir(), PathBuf::from("/srv/strips/processed"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicate_source_names_and_zero_workers_are_refused() {
    let dup = "[[sources]]\nkind = \"folder\"\nname = \"a\"\ninbox = \"x\"\n\
               [[sources]]\nkind = \"folder\"\nname = \"a\"\ninbox = \"y\"\n";
    let err = Config::from_toml(dup, "c.toml").expect_err("duplicate");
    assert!(
        err.to_string().contains("two sources are named `a`"),
        "{err}"
    );
    let err = Config::from_toml("[pipeline]\nworkers = 0\n", "c.toml").expect_err("zero");
    assert!(err.to_string().contains("workers"), "{err}");
}
