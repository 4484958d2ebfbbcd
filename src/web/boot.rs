//! What the page opens with: the scenario from a share link, else the user's own (kept in local
//! storage), else the default. A bad link or a bad stored draft is reported, never run, and never
//! overwrites what the user had.

use crate::core::link;
use crate::core::scenario::{self, Problem, Scenario};
use crate::web::gosrc::{self, Lang};

/// The scenario a first visitor sees.
pub const DEFAULT_SCENARIO: &str = include_str!("default_scenario.json");

/// Local storage key of the editor's text (what the user is building, valid or not).
pub const DRAFT_KEY: &str = "gmp-playground.draft.v1";
/// Local storage key of the last scenario the user ran (always valid).
pub const GOOD_KEY: &str = "gmp-playground.scenario.v1";
/// Local storage key of the chosen theme (`light` or `dark`).
pub const THEME_KEY: &str = "gmp-playground.theme";

/// A message for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub error: bool,
    pub title: String,
    pub lines: Vec<String>,
}

impl Notice {
    pub fn error(title: impl Into<String>, lines: Vec<String>) -> Notice {
        Notice { error: true, title: title.into(), lines }
    }
    pub fn info(title: impl Into<String>) -> Notice {
        Notice { error: false, title: title.into(), lines: Vec::new() }
    }
}

/// How the page starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Boot {
    /// The scenario to run.
    pub scenario: Scenario,
    /// Its text, as the user wrote it (what "running" means for the editor).
    pub running_text: String,
    /// The editor's text (a stored draft may differ from what runs, and may be invalid).
    pub editor_text: String,
    /// The step to open at.
    pub step: Option<u64>,
    /// The scenario came from a share link (the user's own is kept in storage, untouched).
    pub from_link: bool,
    /// The link asks for the compact view for an iframe (`&embed=1`).
    pub embed: bool,
    /// The address asks for threads mode (`mode=threads`).
    pub threads: bool,
    /// A first visit: no link and nothing of the user's in storage (the page opens with the
    /// lesson gallery).
    pub fresh: bool,
    pub notice: Option<Notice>,
    /// The link asks for the compare view (`vs=`): its parameters, each lane unpacked by
    /// [`super::compare::Compare::of_link`].
    pub compare: Option<link::Fragment>,
}

/// The default scenario, parsed.
pub fn default_scenario() -> Scenario {
    scenario::parse(DEFAULT_SCENARIO).unwrap_or_else(|_| Scenario::empty())
}

/// The default scenario as the editor first shows it: a Go program.
pub fn default_text() -> String {
    gosrc::write(&default_scenario(), Lang::Go)
}

fn problems(ps: &[Problem]) -> Vec<String> {
    ps.iter().map(|p| p.to_string()).collect()
}

/// Decides what to open from the URL fragment and the two stored texts.
pub fn boot(fragment: &str, draft: Option<String>, good: Option<String>) -> Boot {
    let fresh = draft.is_none() && good.is_none();
    // The user's own (Go or JSON, as they last ran it), else the default, as Go.
    let own = good.as_deref().and_then(|t| gosrc::compile(t).ok().map(|s| (s, t.to_string())));
    let (own_s, own_text) = own.unwrap_or_else(|| (default_scenario(), default_text()));
    let own_draft = draft.unwrap_or_else(|| own_text.clone());
    let f = link::fragment(fragment);
    let compare = f.vs.is_some().then(|| f.clone());
    let threads = f.threads();
    let mine = |notice| Boot {
        scenario: own_s.clone(),
        running_text: own_text.clone(),
        editor_text: own_draft.clone(),
        step: None,
        from_link: false,
        embed: false,
        threads,
        fresh,
        notice,
        compare: compare.clone(),
    };
    if f.packed.is_none() {
        return mine(None);
    }
    // A bad link still says whether it was meant for an iframe.
    let embed = f.embed;
    let mine = |notice| Boot { embed, fresh: false, ..mine(notice) };
    match f.decode() {
        Err(e) => mine(Some(Notice::error(
            "This link could not be opened; your own scenario is shown instead.",
            vec![e.to_string()],
        ))),
        Ok(params) => match scenario::parse(&params.scenario_json) {
            Err(ps) => mine(Some(Notice::error(
                "The scenario in this link is not valid; your own scenario is shown instead.",
                problems(&ps),
            ))),
            Ok(s) => Boot {
                scenario: s,
                // A version 2 link's Go text, as its author wrote it; else the JSON.
                running_text: params.go_source.clone().unwrap_or_else(|| params.scenario_json.clone()),
                editor_text: params.go_source.unwrap_or(params.scenario_json),
                step: params.step,
                from_link: true,
                embed: params.embed,
                threads,
                fresh: false,
                notice: None,
                compare,
            },
        },
    }
}

