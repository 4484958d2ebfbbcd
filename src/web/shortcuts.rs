//! Keyboard shortcuts: which key does what, and the list the help overlay shows.

use super::state::{Msg, ThreadsCommand};

/// (keys, what they do), in the order the help overlay lists them.
pub const HELP: &[(&str, &str)] = &[
    ("Space or k", "play / pause"),
    ("→ or l", "step forward"),
    ("← or h", "step back"),
    ("Shift+→ / Shift+←", "10 steps forward / back"),
    ("Page Down / Page Up", "100 steps forward / back"),
    ("Home", "back to step 0 (restart)"),
    ("End", "run to the end"),
    ("] / [", "next / previous event of the chosen kind (in the compare view: next / previous divergence)"),
    ("+ / −", "faster / slower"),
    ("r", "restart from step 0"),
    ("g", "show / hide the lesson gallery"),
    ("t", "light / dark theme"),
    ("Space / r in threads mode", "pause or resume the real-time run / run it again (the stepping keys do nothing there)"),
    ("1 – 4", "predict mode: answer with choice 1 to 4"),
    ("?", "show / hide this help"),
    ("Esc", "close this help, cancel a long seek (back to the step before), deselect the goroutine"),
];

/// The message for a key press (`key` as in `KeyboardEvent.key`), or `None` if the key does
/// nothing. Keys typed into a text field are not shortcuts (the caller checks).
pub fn message_for(key: &str, shift: bool, ctrl_or_meta: bool) -> Option<Msg> {
    if ctrl_or_meta {
        return None;
    }
    Some(match key {
        " " | "k" => Msg::TogglePlay,
        "ArrowRight" | "L" if shift => Msg::SeekBy(10),
        "ArrowLeft" | "H" if shift => Msg::SeekBy(-10),
        "ArrowRight" | "l" => Msg::Forward,
        "ArrowLeft" | "h" => Msg::Back,
        "PageDown" => Msg::SeekBy(100),
        "PageUp" => Msg::SeekBy(-100),
        "Home" | "r" => Msg::Restart,
        "End" => Msg::ToEnd,
        "]" => Msg::JumpNext,
        "[" => Msg::JumpPrev,
        "+" | "=" => Msg::Faster,
        "-" | "_" => Msg::Slower,
        "g" => Msg::ToggleGallery,
        "t" => Msg::ToggleTheme,
        "?" => Msg::ToggleHelp,
        "Escape" => Msg::Escape,
        "1" | "2" | "3" | "4" => Msg::Predict(super::predict::PredictMsg::Answer(key.as_bytes()[0] as usize - b'1' as usize)),
        _ => return None,
    })
}

/// What a shortcut's message (from [`message_for`]) does in threads mode, which has its own
/// controls: Space pauses or resumes the run, r (and Home) runs it again, the theme, help and
/// Escape keys do what they do in step mode, and the stepping keys do nothing (real time does
/// not replay).
pub fn in_threads_mode(m: Msg) -> Option<Msg> {
    match m {
        Msg::TogglePlay => Some(Msg::Threads(ThreadsCommand::TogglePause)),
        Msg::Restart => Some(Msg::Threads(ThreadsCommand::RunAgain)),
        Msg::ToggleTheme | Msg::ToggleHelp | Msg::Escape => Some(m),
        _ => None,
    }
}
