//! Share links: a scenario packed into a URL fragment, `#s=1.<payload>&step=40`.
//!
//! `<payload>` is the base64url encoding (no padding) of the raw DEFLATE compression of the
//! scenario's JSON text; `1` is the link version. Version `2` (`#s=2.<payload>`) packs a Go
//! program (`main.go`, the subset [`crate::core::golang`] imports) the same way, as the user
//! wrote it, so its comments and formatting survive; decoding imports it, and
//! [`LinkParams::go_source`] keeps the text. Further `&`-separated parameters may follow
//! (`step=N` opens the run at step N, `mode=threads` in threads mode, `embed=1` in the compact
//! view for an iframe). Every reader of a link — the page and `gmpsim decode` — reads its
//! parameters here, once: [`fragment`] types them without unpacking the scenario (it never
//! fails), [`Fragment::decode`] (or [`decode`], both steps) unpacks it. Decoding checks the
//! link, not the scenario: callers run [`crate::core::scenario::parse`] on
//! [`LinkParams::scenario_json`]. Inflating stops at [`MAX_DOCUMENT_BYTES`], so a small link
//! cannot expand into a huge document.

use crate::core::scenario::limits::MAX_DOCUMENT_BYTES;
use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::{DecodeError, Engine};
use miniz_oxide::inflate::TINFLStatus;
use std::fmt;

/// The link version of a scenario's JSON text: the `1` of `s=1.<payload>`.
pub const LINK_VERSION: &str = "1";
/// The link version of a Go program's text: the `2` of `s=2.<payload>`.
pub const GO_LINK_VERSION: &str = "2";

/// The DEFLATE level used for links. Fixed, so that a scenario always gives the same link.
const LEVEL: u8 = 9;

/// The decoder: base64url, stray bits in the last character ignored (a
/// truncated payload then reads as bytes and is reported as failing to inflate).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// The `1.<payload>` value of the `s=` parameter for a scenario's JSON text.
pub fn encode(json: &str) -> String {
    pack(LINK_VERSION, json)
}

/// The `2.<payload>` value of the `s=` parameter for a Go program's text, kept as written.
pub fn encode_go(go: &str) -> String {
    pack(GO_LINK_VERSION, go)
}

fn pack(version: &str, text: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), LEVEL);
    format!("{version}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// A whole share link: `BASE#s=1.<payload>&k=v...`.
///
/// Any fragment already in `base` is replaced. Parameter names and values are
/// percent-encoded where needed (anything but letters, digits and `-._~`).
pub fn make_link(json: &str, base: &str, params: &[(&str, String)]) -> String {
    link_with(&encode(json), base, params)
}

/// A whole share link of a Go program (version 2): `BASE#s=2.<payload>&k=v...`, as
/// [`make_link`] otherwise.
pub fn make_go_link(go: &str, base: &str, params: &[(&str, String)]) -> String {
    link_with(&encode_go(go), base, params)
}

fn link_with(packed: &str, base: &str, params: &[(&str, String)]) -> String {
    let base = base.split_once('#').map_or(base, |(b, _)| b);
    let mut link = format!("{base}#s={packed}");
    for (k, v) in params {
        link.push('&');
        link.push_str(&percent_encode(k));
        link.push('=');
        link.push_str(&percent_encode(v));
    }
    link
}

/// How a link asks the page to run its scenario: the `mode=` parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `mode=threads`: threads mode, the core in real time with a Web Worker per M.
    Threads,
    /// Any other value, percent-decoded (the page runs it in step mode).
    Other(String),
}

impl Mode {
    fn read(value: String) -> Mode {
        match value.as_str() {
            "threads" => Mode::Threads,
            _ => Mode::Other(value),
        }
    }
}

/// A link's parameters, each read once and typed, the scenario still packed. Reading a
/// fragment never fails: whatever is wrong is reported by [`Fragment::decode`], and a link that
/// cannot be decoded still says whether it was meant for an iframe or for threads mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fragment {
    /// The first `s=` value as written (`1.<payload>`); `None` when the link has no scenario.
    pub packed: Option<String>,
    /// `step=N`: `Err` holds a value that is not a non-negative integer, percent-decoded. The
    /// last `step=` counts.
    pub step: Result<Option<u64>, String>,
    /// `mode=...` (the last one counts).
    pub mode: Option<Mode>,
    /// `embed` (or `embed=1`): shown inside another page. `embed=0` and `embed=false` say no.
    pub embed: bool,
    /// `vs=1.<payload>`: a second scenario, in the same format as `s=`, to compare with (the
    /// compare view); the first one counts. Unpack it with [`unpack`].
    pub vs: Option<String>,
    /// Every other parameter, in link order, percent-decoded.
    pub other: Vec<(String, String)>,
}

/// What a share link holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkParams {
    /// The scenario's JSON text, not yet validated (for a version 2 link, what its Go program
    /// imports to).
    pub scenario_json: String,
    /// A version 2 link's Go program, exactly as packed; `None` for a version 1 link.
    pub go_source: Option<String>,
    /// `step=N`: the step to open the run at.
    pub step: Option<u64>,
    /// `mode=...`.
    pub mode: Option<Mode>,
    /// `embed` (or `embed=1`): shown inside another page. `embed=0` and `embed=false` say no.
    pub embed: bool,
    /// Every other parameter, in link order, percent-decoded.
    pub other: Vec<(String, String)>,
}

/// Why a link could not be read. [`fmt::Display`] says it in words for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// There is no `s=` parameter.
    NoScenario,
    /// The `s=` value has no `<version>.` prefix.
    NoVersion,
    /// The link was made by a different version of the format.
    UnsupportedVersion(String),
    /// A character that is not base64url; `position` counts from 1 within the payload.
    BadBase64 {
        /// Where, in characters from 1, within the payload (after `1.`).
        position: usize,
        /// The character found there.
        found: char,
    },
    /// The payload's length cannot be base64 (a truncated link).
    BadBase64Length(usize),
    /// The payload is not raw DEFLATE data (corrupt or truncated).
    DoesNotInflate,
    /// The payload inflates to more than [`MAX_DOCUMENT_BYTES`].
    TooLarge,
    /// The inflated text is not UTF-8.
    NotUtf8,
    /// `step=` is not a non-negative integer; the value as written.
    BadStep(String),
    /// A version 2 link's Go program does not import: every problem, `main.go:L:C: message`.
    Go(Vec<String>),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::NoScenario => f.write_str("the link has no scenario (no \"s=\" parameter after \"#\")"),
            LinkError::NoVersion => {
                write!(f, "the \"s=\" value has no version (expected \"{LINK_VERSION}.\" or \"{GO_LINK_VERSION}.\" then the data)")
            }
            LinkError::UnsupportedVersion(v) => {
                write!(f, "unsupported link version {v:?} (this page reads versions {LINK_VERSION} and {GO_LINK_VERSION})")
            }
            LinkError::BadBase64 { position, found } => {
                write!(f, "payload is not valid base64url at character {position} ({found:?})")
            }
            LinkError::BadBase64Length(n) => {
                write!(f, "payload is not valid base64url: {n} characters cannot be base64 (truncated?)")
            }
            LinkError::DoesNotInflate => f.write_str("payload does not inflate (corrupt or truncated)"),
            LinkError::TooLarge => {
                write!(f, "payload inflates to more than {MAX_DOCUMENT_BYTES} bytes, the largest scenario")
            }
            LinkError::NotUtf8 => f.write_str("decompressed scenario is not UTF-8"),
            LinkError::BadStep(s) => write!(f, "`step` is not a number: {s:?}"),
            LinkError::Go(es) => write!(f, "the Go program in the link does not import: {}", es.join("; ")),
        }
    }
}

impl std::error::Error for LinkError {}

/// The parameters part of a link: a whole URL's fragment, a fragment starting with `#`, or the
/// bare `s=...` text, surrounding whitespace ignored; `""` for a URL with no fragment.
fn parameters_of(link_or_fragment: &str) -> &str {
    let text = link_or_fragment.trim();
    match text.split_once('#') {
        Some((_, fragment)) => fragment,
        // A URL with no fragment holds no scenario; anything else is taken as a fragment.
        None if text.contains("://") => "",
        None => text,
    }
}

/// The `&`-separated parameters of a link, each as (percent-decoded name, value as written).
fn pairs(params: &str) -> impl Iterator<Item = (String, &str)> {
    params.split('&').filter(|p| !p.is_empty()).map(|part| {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        (percent_decode(k), v)
    })
}

/// Reads a link's parameters (a whole URL, a fragment starting with `#`, or the bare `s=...`
/// text) without unpacking the scenario. Never fails.
pub fn fragment(link_or_fragment: &str) -> Fragment {
    let mut f = Fragment { packed: None, step: Ok(None), mode: None, embed: false, vs: None, other: Vec::new() };
    for (k, v) in pairs(parameters_of(link_or_fragment)) {
        match k.as_str() {
            // The payload is base64url, which needs no percent-encoding; the first one counts.
            "s" => {
                if f.packed.is_none() {
                    f.packed = Some(v.to_string());
                }
            }
            "vs" => {
                if f.vs.is_none() {
                    f.vs = Some(v.to_string());
                }
            }
            "step" => {
                let v = percent_decode(v);
                f.step = v.parse().map(Some).map_err(|_| v);
            }
            "mode" => f.mode = Some(Mode::read(percent_decode(v))),
            "embed" => f.embed = !matches!(percent_decode(v).as_str(), "0" | "false"),
            _ => f.other.push((k, percent_decode(v))),
        }
    }
    f
}

impl Fragment {
    /// Whether the link asks for threads mode (`mode=threads`).
    pub fn threads(&self) -> bool {
        self.mode == Some(Mode::Threads)
    }

    /// Unpacks the scenario: a `step=` that is not a number first, then a missing or bad `s=`.
    pub fn decode(self) -> Result<LinkParams, LinkError> {
        let step = self.step.map_err(LinkError::BadStep)?;
        let (scenario_json, go_source) = match unpack(self.packed.as_deref().ok_or(LinkError::NoScenario)?)? {
            Packed::Json(json) => (json, None),
            Packed::Go(go) => {
                let json = crate::core::golang::import_json(&go)
                    .map_err(|es| LinkError::Go(es.iter().map(|e| e.to_string()).collect()))?;
                (json, Some(go))
            }
        };
        Ok(LinkParams { scenario_json, go_source, step, mode: self.mode, embed: self.embed, other: self.other })
    }
}

/// Reads a share link: a whole URL, a fragment starting with `#`, or the bare `s=...` text.
/// Surrounding whitespace is ignored. The scenario is decompressed, not validated.
/// `fragment(link).decode()`.
pub fn decode(link_or_fragment: &str) -> Result<LinkParams, LinkError> {
    fragment(link_or_fragment).decode()
}

/// The link's fragment (`#...`) without its `embed` parameters, every other parameter as written:
/// where an embedded view's "open in the playground" link goes (the same scenario and step on
/// the full page).
pub fn without_embed(link_or_fragment: &str) -> String {
    let params = parameters_of(link_or_fragment);
    let kept: Vec<&str> = params
        .split('&')
        .filter(|p| !p.is_empty() && percent_decode(p.split_once('=').map_or(p, |(k, _)| k)) != "embed")
        .collect();
    format!("#{}", kept.join("&"))
}

/// The text a link's `s=` value packs, as written, by its version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packed {
    /// Version 1: a scenario's JSON text.
    Json(String),
    /// Version 2: a Go program's text.
    Go(String),
}

/// `1.<payload>` or `2.<payload>` to the text it packs (not checked further).
pub fn unpack(value: &str) -> Result<Packed, LinkError> {
    let (version, payload) = value.split_once('.').ok_or(LinkError::NoVersion)?;
    let kind: fn(String) -> Packed = match version {
        LINK_VERSION => Packed::Json,
        GO_LINK_VERSION => Packed::Go,
        _ => return Err(LinkError::UnsupportedVersion(version.to_string())),
    };
    // Some tools pad base64; padding carries nothing.
    let payload = payload.trim_end_matches('=');
    let packed = LENIENT.decode(payload).map_err(|e| base64_error(payload, e))?;
    let text = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_DOCUMENT_BYTES).map_err(|e| match e
        .status
    {
        TINFLStatus::HasMoreOutput => LinkError::TooLarge,
        _ => LinkError::DoesNotInflate,
    })?;
    String::from_utf8(text).map(kind).map_err(|_| LinkError::NotUtf8)
}

fn base64_error(payload: &str, e: DecodeError) -> LinkError {
    let at = |offset: usize| LinkError::BadBase64 {
        position: payload[..offset.min(payload.len())].chars().count() + 1,
        found: payload[offset.min(payload.len())..].chars().next().unwrap_or('?'),
    };
    match e {
        DecodeError::InvalidByte(offset, _) | DecodeError::InvalidLastSymbol(offset, _) => {
            // Offsets are in bytes; a non-ASCII character may start before them.
            let mut offset = offset.min(payload.len());
            while !payload.is_char_boundary(offset) {
                offset -= 1;
            }
            at(offset)
        }
        DecodeError::InvalidLength(n) => LinkError::BadBase64Length(n),
        DecodeError::InvalidPadding => LinkError::BadBase64Length(payload.len()),
    }
}

/// Percent-encodes everything but letters, digits and `-._~`.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (and leaves malformed ones as written); invalid UTF-8 becomes U+FFFD.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use expect_test::expect;
    use proptest::prelude::*;

    const SCENARIO: &str = r#"{"version": 1, "main": [{"work": "2ms"}]}"#;

    fn payload_of(bytes: &[u8]) -> String {
        format!("s=1.{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    #[test]
    fn encodes_to_a_stable_payload() {
        expect!["1.q1YqSy0qzszPU7JSMNRRUMpNzAQxo6uVyvOLsoEsJaPcYqXa2FoA"].assert_eq(&encode(SCENARIO));
    }

    #[test]
    fn round_trips_through_a_whole_link() {
        let link = make_link(SCENARIO, "https://example.org/gmp/", &[("step", "40".to_string())]);
        assert!(link.starts_with("https://example.org/gmp/#s=1."), "{link}");
        assert!(link.ends_with("&step=40"), "{link}");
        let p = decode(&link).unwrap();
        assert_eq!(p.scenario_json, SCENARIO);
        assert_eq!(p.step, Some(40));
        assert_eq!((p.mode, p.embed, p.other), (None, false, vec![]));
    }

    #[test]
    fn accepts_a_fragment_or_the_bare_parameters() {
        let bare = format!("s={}", encode(SCENARIO));
        for text in [bare.clone(), format!("#{bare}"), format!("  https://x.org/#{bare}\n")] {
            assert_eq!(decode(&text).unwrap().scenario_json, SCENARIO, "{text}");
        }
    }

    #[test]
    fn reads_mode_embed_and_other_parameters_in_order() {
        let link = make_link(
            SCENARIO,
            "https://x.org/?q=1#old",
            &[
                ("mode", "real time".to_string()),
                ("embed", "1".to_string()),
                ("theme", "dark&light=#".to_string()),
                ("ünï", "ç".to_string()),
            ],
        );
        assert!(link.starts_with("https://x.org/?q=1#s=1."), "{link}");
        assert!(link.contains("&mode=real%20time&embed=1&theme=dark%26light%3D%23&"), "{link}");
        let p = decode(&link).unwrap();
        assert_eq!(p.mode, Some(Mode::Other("real time".into())));
        assert!(p.embed);
        assert_eq!(p.other, vec![("theme".into(), "dark&light=#".into()), ("ünï".into(), "ç".into())]);
        assert!(decode(&format!("{link}&embed=0")).map(|p| !p.embed).unwrap());
        assert!(decode(&format!("s={}&embed", encode("{}"))).unwrap().embed);
    }

    #[test]
    fn a_fragment_is_read_without_unpacking_the_scenario() {
        let good = encode(SCENARIO);
        let f = fragment(&format!("https://x.org/#s={good}&mode=threads&step=7&embed&s=1.other&x=%41"));
        assert_eq!(f.packed.as_deref(), Some(good.as_str()), "the first s= counts");
        assert_eq!(f.step, Ok(Some(7)));
        assert!(f.threads());
        assert!(f.embed);
        assert_eq!(f.other, vec![("x".to_string(), "A".to_string())]);
        // A link whose scenario cannot be unpacked still says how it wanted to be shown.
        let bad = fragment("#s=1.%%%&embed=1&mode=thr%65ads&step=x");
        assert_eq!(bad.packed.as_deref(), Some("1.%%%"));
        assert_eq!(bad.step, Err("x".to_string()));
        assert!(bad.embed && bad.threads());
        assert_eq!(bad.decode().unwrap_err(), LinkError::BadStep("x".into()), "a bad step is reported first");
        // No scenario, no parameters.
        let none = fragment("https://x.org/page");
        assert_eq!(none, Fragment { packed: None, step: Ok(None), mode: None, embed: false, vs: None, other: vec![] });
        assert_eq!(none.decode().unwrap_err(), LinkError::NoScenario);
        assert!(!fragment("#mode=threadsx").threads());
        assert_eq!(fragment("#mode=step").mode, Some(Mode::Other("step".into())));
        assert!(fragment("#mode=threads").threads(), "threads mode without a scenario: the user's own");
        assert_eq!(fragment("#embed=0").embed, false);
    }

    #[test]
    fn reads_a_second_scenario_to_compare_with() {
        let b = SCENARIO.replace("1", "2");
        let link = make_link(SCENARIO, "https://x.org/", &[("vs", encode(&b)), ("step", "7".into())]);
        assert!(link.contains(&format!("&vs={}&step=7", encode(&b))), "{link}");
        let f = fragment(&link);
        assert_eq!(f.step, Ok(Some(7)));
        assert_eq!(unpack(f.vs.as_deref().unwrap()).unwrap(), Packed::Json(b.clone()));
        assert!(f.other.is_empty(), "vs is not an other parameter: {:?}", f.other);
        // The first `vs=` counts; a bad one is an error of its own, the scenario still decodes.
        let f = fragment(&format!("#s={}&vs=9.abc&vs={}", encode(SCENARIO), encode(&b)));
        assert_eq!(f.vs.as_deref(), Some("9.abc"));
        assert_eq!(unpack("9.abc"), Err(LinkError::UnsupportedVersion("9".into())));
        assert_eq!(f.decode().unwrap().scenario_json, SCENARIO);
    }

    #[test]
    fn decode_is_fragment_then_decode() {
        let link = make_link(SCENARIO, "", &[("step", "3".into()), ("mode", "threads".into()), ("embed", "1".into())]);
        let p = decode(&link).unwrap();
        assert_eq!(p, fragment(&link).decode().unwrap());
        assert_eq!((p.scenario_json.as_str(), p.step, p.mode, p.embed), (SCENARIO, Some(3), Some(Mode::Threads), true));
    }

    #[test]
    fn without_embed_keeps_every_other_parameter_as_written() {
        let good = encode(SCENARIO);
        assert_eq!(without_embed(&format!("#s={good}&embed=1&step=4")), format!("#s={good}&step=4"));
        assert_eq!(without_embed(&format!("s={good}&embed&mode=threads&%65mbed=0")), format!("#s={good}&mode=threads"));
        assert_eq!(without_embed(&format!("https://x.org/#embed&s={good}&x=a%20b")), format!("#s={good}&x=a%20b"));
        assert_eq!(without_embed("#embedded=1&s=1.x"), "#embedded=1&s=1.x");
    }

    #[test]
    fn keeps_malformed_percent_escapes_as_written() {
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%zz%41%"), "%zzA%");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn explains_each_way_a_link_can_be_wrong() {
        let err = |text: &str| decode(text).unwrap_err().to_string();
        let good = encode(SCENARIO);
        assert_eq!(err("https://x.org/"), r##"the link has no scenario (no "s=" parameter after "#")"##);
        assert_eq!(err("#step=3"), r##"the link has no scenario (no "s=" parameter after "#")"##);
        assert_eq!(err("#s=abc"), r#"the "s=" value has no version (expected "1." or "2." then the data)"#);
        assert_eq!(err(&format!("#s=3.{}", &good[2..])), r#"unsupported link version "3" (this page reads versions 1 and 2)"#);
        assert_eq!(err("#s=1.abc*def"), r#"payload is not valid base64url at character 4 ('*')"#);
        assert_eq!(err("#s=1.abcdé"), r#"payload is not valid base64url at character 5 ('é')"#);
        assert_eq!(err("#s=1.abcde"), "payload is not valid base64url: 5 characters cannot be base64 (truncated?)");
        assert_eq!(err(&payload_of(b"not deflate at all")), "payload does not inflate (corrupt or truncated)");
        assert_eq!(err(&format!("s={}", &good[..good.len() - 6])), "payload does not inflate (corrupt or truncated)");
        let latin1 = miniz_oxide::deflate::compress_to_vec(b"{\"name\": \"caf\xe9\"}", LEVEL);
        assert_eq!(err(&payload_of(&latin1)), "decompressed scenario is not UTF-8");
        assert_eq!(err(&format!("s={good}&step=ten")), r#"`step` is not a number: "ten""#);
        assert_eq!(err(&format!("s={good}&step=-1")), r#"`step` is not a number: "-1""#);
    }

    #[test]
    fn refuses_to_inflate_a_decompression_bomb() {
        let bomb = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        let text = payload_of(&miniz_oxide::deflate::compress_to_vec(&bomb, LEVEL));
        assert!(text.len() < 3_000, "the bomb is small: {}", text.len());
        assert_eq!(decode(&text), Err(LinkError::TooLarge));
        let just_fits = vec![b' '; MAX_DOCUMENT_BYTES];
        let text = payload_of(&miniz_oxide::deflate::compress_to_vec(&just_fits, LEVEL));
        assert_eq!(decode(&text).map(|p| p.scenario_json.len()), Ok(MAX_DOCUMENT_BYTES));
    }

    const GO: &str = "package main\n\n// Two workers.\nfunc main() {\n\tfor range 2 {\n\t\tgo func() {}()   // spaced  as written\n\t}\n}\n";

    #[test]
    fn a_version_2_link_keeps_the_go_text_as_written() {
        let link = make_go_link(GO, "https://x.org/p/#old", &[("step", "9".into())]);
        assert!(link.starts_with("https://x.org/p/#s=2."), "{link}");
        let p = decode(&link).unwrap();
        assert_eq!(p.go_source.as_deref(), Some(GO), "comments and spacing survive");
        assert_eq!(p.step, Some(9));
        // The scenario is what the Go program imports to.
        assert_eq!(p.scenario_json, crate::core::golang::import_json(GO).unwrap());
        assert_eq!(unpack(&encode_go(GO)), Ok(Packed::Go(GO.to_string())));
        // A version 1 link has no Go text.
        let v1 = decode(&make_link(SCENARIO, "", &[])).unwrap();
        assert_eq!((v1.scenario_json.as_str(), v1.go_source), (SCENARIO, None));
        assert_eq!(unpack(&encode(SCENARIO)), Ok(Packed::Json(SCENARIO.to_string())));
    }

    #[test]
    fn a_version_2_link_whose_go_does_not_import_says_where() {
        let bad = "package main\n\nfunc main() {\n\tselect {}\n}\n";
        let e = decode(&make_go_link(bad, "", &[])).unwrap_err();
        let LinkError::Go(lines) = &e else { panic!("{e:?}") };
        assert!(lines[0].starts_with("main.go:4:2: "), "{lines:?}");
        assert!(e.to_string().starts_with("the Go program in the link does not import: main.go:4:2: "), "{e}");
        // The link's own faults are found first, as for version 1.
        assert_eq!(decode("#s=2.abc*def").unwrap_err(), LinkError::BadBase64 { position: 4, found: '*' });
        assert_eq!(decode(&format!("#s={}&step=x", encode_go(GO))).unwrap_err(), LinkError::BadStep("x".into()));
        let latin1 = miniz_oxide::deflate::compress_to_vec(b"package main // caf\xe9", LEVEL);
        assert_eq!(decode(&format!("s=2.{}", URL_SAFE_NO_PAD.encode(latin1))).unwrap_err(), LinkError::NotUtf8);
    }

    #[test]
    fn tolerates_padding_on_the_payload() {
        let good = encode(SCENARIO);
        assert_eq!(decode(&format!("s={good}==")).unwrap().scenario_json, SCENARIO);
    }

    proptest! {
        #[test]
        fn any_text_round_trips(json in "\\PC{0,200}", step in proptest::option::of(any::<u64>())) {
            let params: Vec<(&str, String)> = step.iter().map(|s| ("step", s.to_string())).collect();
            let p = decode(&make_link(&json, "https://x.org/", &params)).unwrap();
            prop_assert_eq!(p.scenario_json, json);
            prop_assert_eq!(p.step, step);
        }

        #[test]
        fn any_go_text_round_trips(go in "\\PC{0,200}") {
            prop_assert_eq!(unpack(&encode_go(&go)), Ok(Packed::Go(go.clone())));
        }

        #[test]
        fn never_panics_on_garbage(text in "\\PC{0,80}") {
            let _ = decode(&text);
            let _ = decode(&format!("#s=1.{text}"));
            let _ = decode(&format!("#s=2.{text}"));
            let _ = decode(&make_go_link(&text, "", &[]));
        }

        #[test]
        fn never_panics_on_corrupted_payloads(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&payload_of(&bytes));
        }
    }
}
