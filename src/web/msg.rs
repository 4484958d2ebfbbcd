//! What the page's reducer ([`super::state::AppState`]) is told: every user action and every
//! page event is a [`Msg`]; [`ThreadsCommand`] is part of one of them.

use super::compare::{CompareMsg, Variant};
use super::driver::{Intervention, LogFilter};
use super::predict::PredictMsg;
use super::threads_panel::ThreadsMsg;
use crate::core::ids::GId;

/// Everything the user can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Forward,
    Back,
    /// Go to step N (far away: in slices, with a progress bar).
    Seek(u64),
    /// Go this many steps forward (or back, if negative).
    SeekBy(i64),
    /// Run the next slice of the seek in progress, making at most this many steps.
    SeekSlice(u64),
    /// Stop the seek in progress and go back to the step it started from.
    CancelSeek,
    /// Open a share link's fragment (the address changed).
    OpenLink(String),
    /// Go to the first step at or after virtual time t (ns).
    SeekTime(u64),
    Restart,
    TogglePlay,
    Pause,
    /// Play as fast as possible until the end.
    ToEnd,
    /// An animation frame while playing, at this time (ms); a "to the end" frame makes at most
    /// `steps` steps.
    Tick { now: f64, steps: u64 },
    SetSpeed(u32),
    Faster,
    Slower,
    SetJumpKind(String),
    JumpNext,
    JumpPrev,
    Select(Option<GId>),
    SetFilter(LogFilter),
    MoreLog,
    Intervene(Intervention),
    Edit(String),
    /// Show the editor's scenario in the other language (Go or JSON), keeping both texts.
    SwitchLang,
    Apply,
    /// Load this text into the editor and run it (the default scenario, the user's own).
    Load(String),
    /// Open the lesson with this id: its scenario runs and its panel shows (the user's own
    /// scenario stays in storage, as with a share link).
    OpenLesson(String),
    /// Run a Go trace's replay scenario (its JSON text, from the trace panel) on the board, as
    /// a link's: the user's own work stays in storage.
    OpenTrace(String),
    /// Back to the user's own work: run `good` (the last scenario they ran) and put `draft`
    /// (what they were editing, if stored) in the editor; nothing stored is overwritten.
    Mine { good: String, draft: Option<String> },
    CloseLesson,
    /// Show or hide the lesson gallery.
    ToggleGallery,
    ToggleHelp,
    ToggleTheme,
    /// What the system prefers changed or was read: dark or not.
    SystemDark(bool),
    Escape,
    Dismiss,
    /// The browser is idle between frames while playing, at this time (ms): rebuild the log,
    /// the goroutine panel and the interventions' lists, or the plots, if due.
    IdleRefresh(f64),
    /// Step mode or threads mode (the real-time run on Web Workers).
    ToggleThreads,
    /// A command for threads mode's run (its keyboard shortcuts): handed to the threads panel
    /// through [`AppState::threads_command`].
    Threads(ThreadsCommand),
    /// Open the compare view: the running scenario (lane A) with this variant (lane B).
    OpenCompare(Variant),
    CloseCompare,
    /// For the open compare view ([`super::compare`]).
    Compare(CompareMsg),
    /// Predict mode ([`super::predict`]).
    Predict(PredictMsg),
    /// Something chosen in threads mode's panel ([`AppState::threads_panel`]).
    ThreadsPanel(ThreadsMsg),
}

/// What the keyboard asks of threads mode's real-time run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadsCommand {
    /// Pause the run, or resume it (Space).
    TogglePause,
    /// Run the scenario again from the start (r).
    RunAgain,
}
