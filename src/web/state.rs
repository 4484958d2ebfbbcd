//! The page's state as a reducer (as in yew's `function_todomvc`): every user action is a
//! [`Msg`]; [`AppState::reduce`] asks the [`Driver`] to do it and rebuilds what the components
//! show. Nothing here renders HTML, reads a clock or touches the browser: the time comes in the
//! messages (`Tick`, `IdleRefresh`), how much work a frame or a seek slice may do comes in them
//! too (a [`StepBudget`] the page keeps from what it measured), so the reducer is tested natively.
//!
//! The [`Driver`] (the simulator and its history, too large to copy per message) is not shared
//! by consecutive states: it moves to the state the reducer returns ([`Owned`]), so the state it
//! was given is left as it was, without it; a message that returns the old state has changed
//! nothing and leaves the driver there.

use super::boot::{Boot, Notice};
use super::compare::{Compare, CompareMsg, Lane, Side as LaneSide};
use super::predict::{Predict, PredictMsg, ANY_SCENARIO};
use super::driver::{Driver, GDetail, LogFilter};
use super::gosrc::{self, Lang};
use super::output::Printed;
use crate::core::golang::SourceMap;
use super::threads_panel::{ThreadsMsg, ThreadsPanel};
use super::view::{self, LogView, Plots, View};
use crate::core::ids::GId;
use crate::core::scenario::Scenario;
use crate::core::lessons;
use super::owned::Owned;
pub use super::msg::{Msg, ThreadsCommand};
use std::rc::Rc;

/// Speeds the play button offers, steps per second.
pub const SPEEDS: [u32; 10] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000];
/// Longest a "to the end" frame may simulate, ms.
pub const TO_END_FRAME_MS: f64 = 12.0;
/// Longest one slice of a long seek may simulate, ms (the page stays responsive in between; the
/// budget is learned from the slices before, so a slice may take longer: this leaves room under
/// the 200 ms a task may take). 45 rather than 30: each slice also costs a task and a frame, and
/// the 1M-step seek was faster in three interleaved sets of three (page medians 477, 522, 520 ms
/// against 583, 547, 595), its longest task still 108–130 ms.
pub const SEEK_SLICE_MS: f64 = 45.0;
/// A seek that replays more steps than this is done in slices, with a progress bar.
pub const SEEK_SYNC_STEPS: u64 = 20_000;
/// How often the plots are rebuilt while playing, ms.
pub const PLOTS_EVERY_MS: f64 = 1000.0;
/// Most new steps a search for the next event of a kind explores.
pub const SEARCH_BUDGET: u64 = 2_000_000;
/// Most steps the page records (about 20 bytes each, plus the events): playing stops there with
/// a message rather than exhausting the tab's memory.
pub const MAX_RECORDED_STEPS: u64 = 20_000_000;
/// Rows the log shows at first, and how many more each "earlier" press adds.
pub const LOG_ROWS: usize = 100;
/// Rows the log shows while playing.
pub const LOG_ROWS_PLAYING: usize = 30;
/// How often the log and the goroutine panel are rebuilt while playing (at any speed), ms. A
/// frame that rebuilds the plots leaves them for the next one, so no frame pays for both.
pub const SIDE_EVERY_MS: f64 = 250.0;

/// Light or dark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    System,
    Light,
    Dark,
}

/// One editor problem and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorProblem {
    pub place: String,
    pub message: String,
    /// 1-based line and column, and the span to select, when the place was found.
    pub line: Option<u32>,
    pub col: Option<u32>,
    pub span: Option<(usize, usize)>,
}

/// The editor's text, its language and its problems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Editor {
    pub text: Rc<String>,
    pub problems: Rc<Vec<EditorProblem>>,
    /// Go or JSON (what the text is: [`Lang::of`]).
    pub lang: Lang,
    /// The text last shown in the other language (switching back shows it again when it still
    /// means the same scenario).
    pub other: Option<Rc<String>>,
}

impl Editor {
    pub fn new(text: String) -> Editor {
        // Byte offsets are converted to UTF-16 ones by the component.
        let problems = gosrc::compile(&text).err().unwrap_or_default();
        Editor { lang: Lang::of(&text), text: Rc::new(text), problems: Rc::new(problems), other: None }
    }

    pub fn valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What the interventions panel offers: which goroutines can be blocked or woken.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Side {
    pub gomaxprocs: u32,
    pub running: Rc<Vec<GId>>,
    pub net_waiting: Rc<Vec<GId>>,
    /// Interventions are possible (the program runs and has not ended).
    pub enabled: bool,
}

/// The open lesson, as its panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonView {
    /// [`lessons::Lesson::id`], also the gallery's `data-lesson`.
    pub id: &'static str,
    pub title: &'static str,
    /// Paragraphs separated by a blank line.
    pub text: &'static str,
    /// "Jump to the moment" buttons: (label, the step where it happens, if the run gets there).
    pub moments: Vec<(&'static str, Option<u64>)>,
}

impl LessonView {
    pub fn of(l: &lessons::Lesson) -> LessonView {
        let steps = lessons::moment_steps(l);
        LessonView { id: l.id, title: l.title, text: l.text, moments: l.moments.iter().map(|m| m.label).zip(steps).collect() }
    }
}

/// How many steps the next frame or seek slice may make, learned from how long the last ones
/// took: the page measures, the reducer only counts steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepBudget {
    pub steps: u64,
}

impl StepBudget {
    pub const FIRST: StepBudget = StepBudget { steps: 2_000 };

    /// Most the budget grows from one slice to the next: a seek's first slices of a few
    /// thousand steps take a millisecond or two each, and each costs a task and a frame, so it
    /// reaches a full slice in two more rather than five.
    pub const GROWTH: u64 = 8;

    /// After `made` steps took `ms`: the budget that should take about `target_ms` (growing at
    /// most [`StepBudget::GROWTH`]-fold at a time, never below 256 steps).
    pub fn after(self, made: u64, ms: f64, target_ms: f64) -> StepBudget {
        let most = self.steps.saturating_mul(Self::GROWTH).min(1 << 24);
        if made == 0 || ms <= 0.0 {
            return StepBudget { steps: most };
        }
        let rate = made as f64 / ms;
        let want = (rate * target_ms) as u64;
        StepBudget { steps: want.clamp(256, most.max(256)) }
    }
}

impl Default for StepBudget {
    fn default() -> Self {
        StepBudget::FIRST
    }
}

/// A seek in progress (far from any checkpoint, so done in slices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seeking {
    /// The step it started from (where Cancel goes back to).
    pub from: u64,
    pub target: u64,
    /// The step replaying started from (a checkpoint or the current step), for the progress.
    pub start: u64,
    /// The step reached so far (the board still shows the step before the seek).
    pub at: u64,
}

impl Seeking {
    /// (done, of) for the progress bar.
    pub fn progress(&self) -> (u64, u64) {
        (self.at.saturating_sub(self.start).min(self.target - self.start), self.target - self.start)
    }
}

/// Where the scenario that replaces the running one comes from ([`AppState::replace`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// The user's own (editor, default, "my scenario"): saved as the last good one.
    Mine,
    /// A share link: nothing saved, "back to my scenario" offered.
    Link,
    /// A lesson: as a link, and its panel shows.
    Lesson(&'static str),
}

/// The page's state.
#[derive(Clone)]
pub struct AppState {
    /// The simulator and its history, shared by consecutive states (see the module's words).
    pub driver: Rc<Owned<Driver>>,
    pub view: Rc<View>,
    pub log: Rc<LogView>,
    /// What the interventions offer (rebuilt with the log).
    pub side: Rc<Side>,
    pub detail: Option<Rc<GDetail>>,
    pub plots: Rc<Plots>,
    /// When the plots were last rebuilt (ms, the page's clock as the messages tell it).
    plots_at: f64,
    /// When the log and goroutine panel were last rebuilt (ms).
    side_at: f64,
    /// The latest time a message told (ms).
    now: f64,
    pub playing: bool,
    pub to_end: bool,
    /// Steps per second.
    pub speed: u32,
    /// (fractional steps owed, last frame time) while playing.
    clock: (f64, Option<f64>),
    /// A long seek in progress.
    pub seeking: Option<Seeking>,
    pub selected: Option<GId>,
    pub jump_kind: Rc<String>,
    pub filter: Rc<LogFilter>,
    pub log_limit: usize,
    pub editor: Rc<Editor>,
    /// The text of the scenario running now.
    pub running_text: Rc<String>,
    pub notice: Option<Rc<Notice>>,
    pub help: bool,
    pub theme: Theme,
    pub system_dark: bool,
    /// The running scenario came from a share link.
    pub from_link: bool,
    /// Texts to save in local storage (draft, last good), when the user made them.
    pub save_draft: Option<Rc<String>>,
    pub save_good: Option<Rc<String>>,
    /// Bumped when the editor's text is replaced from outside (so the textarea updates).
    pub editor_gen: u64,
    /// Bumped whenever the running scenario is replaced (threads mode runs it again).
    pub run_gen: u64,
    /// The lesson whose scenario runs, if any.
    pub lesson: Option<Rc<LessonView>>,
    /// The lesson gallery is shown (at first for a new visitor).
    pub gallery: bool,
    /// The compact view for an iframe (`&embed=1`): board, controls and explanation only.
    pub embed: bool,
    /// Threads mode: the running scenario runs in real time on Web Workers.
    pub threads: bool,
    /// What the program printed up to the current step (the Output panel).
    pub printed: Rc<Printed>,
    /// The lines of the editor's Go text that goroutines are on now, with their names (only
    /// while the editor shows the running program).
    pub go_lines: Rc<Vec<(u32, String)>>,
    /// The running Go text and its source map, made once per text.
    source: Option<(Rc<String>, Option<Rc<SourceMap>>)>,
    /// The latest command for threads mode's run, numbered (1, 2, ...) so that the same command
    /// twice is two commands; the threads panel carries out each number once.
    pub threads_command: Option<(u32, ThreadsCommand)>,
    /// The compare view, when open (issue 13).
    pub compare: Option<Rc<Compare>>,
    /// Predict mode, when on (issue 13).
    pub predict: Option<Rc<Predict>>,
    /// What the user chose in threads mode's panel.
    pub threads_panel: ThreadsPanel,
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl AppState {
    /// The state a page opens with (a link's step far into the run is reached in slices).
    pub fn new(boot: Boot, theme: Theme, system_dark: bool) -> AppState {
        let d = Driver::new(boot.scenario.clone());
        let mut st = AppState {
            view: Rc::new(View::build(&d)),
            log: Rc::new(LogView::default()),
            side: Rc::new(Side::default()),
            detail: None,
            plots: Rc::new(Plots::default()),
            plots_at: f64::NEG_INFINITY,
            side_at: f64::NEG_INFINITY,
            now: 0.0,
            driver: Rc::new(Owned::new(d)),
            playing: false,
            to_end: false,
            speed: 10,
            clock: (0.0, None),
            seeking: None,
            selected: None,
            jump_kind: Rc::new("Steal".into()),
            filter: Rc::new(LogFilter::default()),
            log_limit: LOG_ROWS,
            editor: Rc::new(Editor::new(boot.editor_text)),
            running_text: Rc::new(boot.running_text),
            notice: boot.notice.map(Rc::new),
            help: false,
            theme,
            system_dark,
            from_link: boot.from_link,
            save_draft: None,
            save_good: None,
            editor_gen: 0,
            run_gen: 0,
            lesson: None,
            gallery: boot.fresh && !boot.embed,
            embed: boot.embed,
            threads: boot.threads && !boot.embed,
            threads_command: None,
            printed: Rc::new(Printed::default()),
            go_lines: Rc::new(Vec::new()),
            source: None,
            compare: boot.compare.as_ref().map(|f| Rc::new(Compare::of_link(f))),
            predict: None,
            threads_panel: ThreadsPanel::default(),
        };
        if let (Some(n), None) = (boot.step, &boot.compare) {
            st.seek(n);
        }
        st.refresh(true);
        st
    }

    /// Dark theme in effect.
    pub fn dark(&self) -> bool {
        match self.theme {
            Theme::System => self.system_dark,
            Theme::Light => false,
            Theme::Dark => true,
        }
    }

    /// The editor's text differs from the running scenario's.
    pub fn editor_dirty(&self) -> bool {
        *self.editor.text != *self.running_text
    }

    /// Rebuilds what the components show from the driver. While playing (unless `force`) only
    /// the board and the explanation: the rest follows between frames ([`Msg::IdleRefresh`]).
    fn refresh(&mut self, force: bool) {
        self.view = Rc::new(View::build(&self.driver.borrow()));
        self.refresh_go();
        if force || !self.playing {
            self.refresh_side_or_plots(true);
        }
    }

    /// Rebuilds what was printed up to this step and the lines goroutines are on (when the
    /// editor shows the running Go program).
    fn refresh_go(&mut self) {
        let d = self.driver.borrow();
        let step = d.step();
        let out = d.output();
        if out.count_upto(step) != self.printed.prints || out.cut_by(step) != self.printed.cut {
            self.printed = Rc::new(out.upto(step));
        }
        let lines = if self.editor.lang == Lang::Go && *self.editor.text == *self.running_text {
            if self.source.as_ref().is_none_or(|(t, _)| **t != *self.running_text) {
                self.source = Some((self.running_text.clone(), gosrc::source_map(&self.running_text).map(Rc::new)));
            }
            match self.source.as_ref().and_then(|(_, m)| m.as_ref()) {
                Some(m) => gosrc::goroutine_lines(m, d.sim()),
                None => Vec::new(),
            }
        } else {
            Vec::new()
        };
        if *self.go_lines != lines {
            self.go_lines = Rc::new(lines);
        }
    }

    /// Rebuilds the log, the goroutine panel, the interventions' lists and the plots (`all`),
    /// or, while playing, whichever of them is due: the plots at most every
    /// [`PLOTS_EVERY_MS`], the others at most every [`SIDE_EVERY_MS`], one of the two at a time
    /// (whichever is more overdue). The page calls it while playing in the browser's idle time
    /// between frames, so these rebuilds (and their rendering) do not lengthen a frame.
    fn refresh_side_or_plots(&mut self, all: bool) {
        let t1 = self.now;
        let stale = self.plots.version != self.driver.borrow().record().version();
        let side_due = t1 - self.side_at >= SIDE_EVERY_MS;
        let plots_due = stale && t1 - self.plots_at >= PLOTS_EVERY_MS;
        let do_side = all || (side_due && (!plots_due || self.side_at <= self.plots_at));
        let do_plots = stale && (all || (plots_due && !do_side));
        self.refresh_parts(all, do_side, do_plots);
    }

    /// Rebuilds the log, the goroutine panel and the interventions' lists (`do_side`), and the
    /// plots (`do_plots`); `all`: in full, as when not playing.
    fn refresh_parts(&mut self, all: bool, do_side: bool, do_plots: bool) {
        let mut d = self.driver.borrow_mut();
        let t1 = self.now;
        if do_side {
            // A short log while playing: it is rebuilt whole a few times a second.
            let limit = if self.playing { LOG_ROWS_PLAYING } else { self.log_limit };
            let log = LogView::build(&mut d, &self.filter, limit, self.playing && !all);
            if *self.log != log {
                self.log = Rc::new(log);
            }
            let detail = view::detail(&mut d, self.selected, self.playing && !all);
            if self.detail != detail {
                self.detail = detail;
            }
            let side = Side {
                gomaxprocs: self.view.state.gomaxprocs,
                running: self.view.running.clone(),
                net_waiting: self.view.net_waiting.clone(),
                enabled: self.view.step > 0 && !self.view.finished,
            };
            if *self.side != side {
                self.side = Rc::new(side);
            }
            self.side_at = t1;
        }
        if do_plots {
            self.plots = Rc::new(Plots::build(d.record()));
            self.plots_at = t1;
        }
    }

    fn stop(&mut self) {
        self.playing = false;
        self.to_end = false;
        self.clock = (0.0, None);
    }

    fn say(&mut self, n: Notice) {
        self.notice = Some(Rc::new(n));
    }

    /// Goes to step `n`: at once when few steps need replaying, else starts a seek in slices.
    fn seek(&mut self, n: u64) {
        self.stop();
        let mut d = self.driver.borrow_mut();
        let cur = d.step();
        let ck = d.history().at_or_before(n).step_count();
        let start = if n < cur || ck > cur { ck } else { cur };
        let n = match d.record().end() {
            Some(end) => n.min(end),
            None => n,
        };
        if n.saturating_sub(start) <= SEEK_SYNC_STEPS {
            d.seek(n);
            self.seeking = None;
        } else {
            // Continue a seek in progress from where it is (Cancel still goes back to its start).
            let from = self.seeking.map_or(cur, |s| s.from);
            self.seeking = Some(Seeking { from, target: n, start, at: start });
        }
    }

    /// The one way the running scenario is replaced: a new driver at step 0 (or a link's step),
    /// playing and seeking stopped, the selection dropped, the editor showing `editor_text` if
    /// given, and what the source implies for storage, the lesson panel and the notice.
    fn replace(&mut self, scenario: Scenario, running_text: Rc<String>, editor_text: Option<String>, source: Source, step: Option<u64>) {
        self.stop();
        self.seeking = None;
        *self.driver.borrow_mut() = Driver::new(scenario);
        if let Some(t) = editor_text {
            self.editor = Rc::new(Editor::new(t));
            self.editor_gen += 1;
        }
        self.running_text = running_text.clone();
        self.save_good = match source {
            Source::Mine => Some(running_text),
            Source::Link | Source::Lesson(_) => None,
        };
        self.from_link = source != Source::Mine;
        self.lesson = match source {
            Source::Lesson(id) => lessons::find(id).map(|l| Rc::new(LessonView::of(l))),
            _ => None,
        };
        self.selected = None;
        self.notice = None;
        self.threads_panel.scenario_replaced();
        self.run_gen += 1;
        if let Some(n) = step {
            self.seek(n);
        }
        if let Some(p) = self.predict.take() {
            let key = self.lesson.as_ref().map_or(ANY_SCENARIO, |l| l.id);
            self.predict = Some(Rc::new(p.reopen(key, &mut self.driver.borrow_mut())));
        }
    }

    /// What a message does while the compare view is open, if it is the compare view's (the
    /// stepping keys and the animation frames step both lanes).
    fn compare_msg(&self, msg: &Msg) -> Option<CompareMsg> {
        let c = self.compare.as_ref()?;
        Some(match *msg {
            Msg::Compare(ref m) => m.clone(),
            Msg::Forward => CompareMsg::Forward,
            Msg::Back => CompareMsg::Back,
            Msg::Seek(n) => CompareMsg::Seek(n),
            Msg::SeekBy(k) => CompareMsg::SeekBy(k),
            Msg::Restart => CompareMsg::Restart,
            Msg::TogglePlay => CompareMsg::TogglePlay,
            Msg::Pause if c.playing => CompareMsg::TogglePlay,
            Msg::Tick { now, .. } => CompareMsg::Tick(now),
            Msg::SetSpeed(v) => CompareMsg::SetSpeed(v),
            Msg::JumpNext => CompareMsg::NextDivergence,
            Msg::JumpPrev => CompareMsg::PrevDivergence,
            _ => return None,
        })
    }

    /// Runs `text` (the user's, already checked by the editor) from step 0.
    fn run_mine(&mut self, text: Rc<String>, editor_text: Option<String>) -> bool {
        match gosrc::compile(&text) {
            Ok(s) => {
                self.replace(s, text, editor_text, Source::Mine, None);
                true
            }
            Err(_) => false,
        }
    }

    /// Does `msg`, returning the next state (or this one, when nothing changed). The driver
    /// moves to the next state ([`Owned`]): this one is left as it was, without it.
    pub fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut s = (*self).clone();
        s.driver = Rc::new(Owned::new(self.driver.take()));
        if let Some(c) = &self.compare {
            s.compare = Some(Rc::new(c.take_over()));
        }
        if s.apply(msg) {
            return Rc::new(s);
        }
        // Nothing changed: this state keeps what it owned.
        self.driver.put(s.driver.take());
        if let (Some(old), Some(new)) = (&self.compare, &s.compare) {
            old.give_back(new);
        }
        self
    }

    /// Does `msg` to this state (which owns the driver). Returns `false` when nothing changed.
    fn apply(&mut self, msg: Msg) -> bool {
        let s = self;
        if let Some(m) = s.compare_msg(&msg) {
            let mut c = (**s.compare.as_ref().expect("compare_msg checks it")).clone();
            if !c.reduce(m) {
                return false;
            }
            s.compare = Some(Rc::new(c));
            return true;
        }
        let mut force_plots = true;
        if s.seeking.is_some() {
            // While a long seek runs, the stepping keys wait; Escape cancels it.
            match msg {
                Msg::SeekSlice(_) | Msg::CancelSeek | Msg::Seek(_) | Msg::SeekTime(_) | Msg::ToggleHelp | Msg::ToggleTheme
                | Msg::SystemDark(_) | Msg::Dismiss | Msg::Edit(_) | Msg::SwitchLang | Msg::ToggleGallery | Msg::Apply | Msg::Load(_)
                | Msg::OpenLesson(_) | Msg::OpenTrace(_) | Msg::Mine { .. } | Msg::OpenLink(_) | Msg::CloseLesson | Msg::ToggleThreads
                | Msg::Threads(_) | Msg::ThreadsPanel(_) | Msg::Select(_) | Msg::SetFilter(_) | Msg::SetJumpKind(_) | Msg::SetSpeed(_)
                | Msg::OpenCompare(_) | Msg::CloseCompare => {}
                Msg::Escape if s.help => {}
                Msg::Escape => return s.apply(Msg::CancelSeek),
                _ => return false,
            }
        }
        match msg {
            Msg::Forward => {
                s.stop();
                s.driver.borrow_mut().forward();
            }
            Msg::Back => {
                s.stop();
                let cur = s.driver.borrow().step();
                s.seek(cur.saturating_sub(1));
            }
            Msg::Seek(n) => s.seek(n),
            Msg::SeekBy(k) => {
                let cur = s.driver.borrow().step();
                s.seek(cur.saturating_add_signed(k));
            }
            Msg::SeekSlice(budget) => {
                let Some(sk) = s.seeking else { return false };
                let before = s.driver.borrow().step();
                let done = s.driver.borrow_mut().seek_toward(sk.target, budget.max(1));
                let moved = s.driver.borrow().step() != before;
                if done && (!moved || sk.at == s.driver.borrow().step()) {
                    // Arrived in an earlier slice: this task draws the whole page at the
                    // target, once (the board, the log and side panels, the plots), in one
                    // task of its own after the slice's (at a million goroutines about 50 ms;
                    // drawn in three tasks, each followed by the browser's layout and paint of
                    // the page, it took a tenth of the seek more).
                    s.seeking = None;
                    s.refresh(true);
                    return true;
                } else {
                    // Only the progress bar moves between slices: the board is drawn once, at
                    // the end (drawing a large run's board at every slice would cost more than
                    // the slice).
                    s.seeking = Some(Seeking { at: s.driver.borrow().step(), ..sk });
                    return true;
                }
            }
            Msg::CancelSeek => {
                let Some(sk) = s.seeking.take() else { return false };
                s.driver.borrow_mut().seek(sk.from);
            }
            Msg::OpenLink(fragment) if crate::core::link::fragment(&fragment).vs.is_some() => {
                s.stop();
                s.compare = Some(Rc::new(Compare::of_link(&crate::core::link::fragment(&fragment))));
                return true;
            }
            Msg::OpenLink(fragment) => {
                let b = super::boot::boot(&fragment, None, None);
                if b.from_link {
                    s.replace(b.scenario, Rc::new(b.running_text), Some(b.editor_text), Source::Link, b.step);
                } else if let Some(n) = b.notice {
                    s.say(Notice::error("This link could not be opened; the running scenario is unchanged.", n.lines));
                }
            }
            Msg::SeekTime(t) => {
                let step = s.driver.borrow().record().step_at_t(t);
                s.seek(step);
            }
            Msg::Restart => {
                s.stop();
                s.driver.borrow_mut().restart();
            }
            Msg::TogglePlay if s.playing => s.stop(),
            Msg::TogglePlay => {
                if s.driver.borrow().finished() {
                    s.say(Notice::info("The run has ended. Step back, scrub or restart to play again."));
                    return true;
                }
                s.playing = true;
                s.to_end = false;
                // Owe one step so the first frame moves at once.
                s.clock = (1.0, None);
            }
            Msg::Pause => {
                if !s.playing {
                    return false;
                }
                s.stop();
            }
            Msg::ToEnd => {
                let (finished, end) = {
                    let d = s.driver.borrow();
                    (d.finished(), d.record().end())
                };
                if finished {
                    return false;
                }
                if let Some(end) = end {
                    // The end is known: a seek there, in slices if far.
                    s.seek(end);
                } else {
                    s.playing = true;
                    s.to_end = true;
                    s.clock = (0.0, None);
                }
            }
            Msg::Tick { now, steps } => {
                if !s.playing {
                    return false;
                }
                force_plots = false;
                s.now = now;
                let (owed, last) = s.clock;
                let dt = last.map_or(0.0, |l| (now - l).clamp(0.0, 250.0));
                let mut d = s.driver.borrow_mut();
                if s.to_end {
                    s.clock = (0.0, Some(now));
                    d.advance(steps.max(1));
                } else {
                    let owed = owed + s.speed as f64 * dt / 1000.0;
                    let n = owed.floor();
                    s.clock = (owed - n, Some(now));
                    if n >= 1.0 {
                        d.advance(n as u64);
                    }
                }
                let done = d.finished();
                let full = d.record().explored() >= MAX_RECORDED_STEPS && d.step() >= d.record().explored();
                drop(d);
                if full {
                    s.say(Notice::info(format!(
                        "Stopped at step {MAX_RECORDED_STEPS}: the page records at most that many steps. `gmpsim run` has no such limit."
                    )));
                    s.stop();
                    force_plots = true;
                }
                if done {
                    s.stop();
                    force_plots = true;
                }
            }
            Msg::SetSpeed(v) => s.speed = v.clamp(1, 1_000),
            Msg::Faster => s.speed = SPEEDS.iter().copied().find(|&v| v > s.speed).unwrap_or(1_000),
            Msg::Slower => s.speed = SPEEDS.iter().rev().copied().find(|&v| v < s.speed).unwrap_or(1),
            Msg::SetJumpKind(k) => {
                s.jump_kind = Rc::new(k);
                return true;
            }
            Msg::JumpNext => {
                s.stop();
                let kind = s.jump_kind.clone();
                let found = s.driver.borrow_mut().find_next(&kind, SEARCH_BUDGET);
                match found {
                    Ok(step) => s.seek(step),
                    Err(n) => {
                        let ended = s.driver.borrow().record().end().is_some();
                        s.say(Notice::info(if ended {
                            format!("No {kind} event after this step: the run ends first.")
                        } else {
                            format!("No {kind} event in the next {n} steps.")
                        }))
                    }
                }
            }
            Msg::JumpPrev => {
                s.stop();
                let kind = s.jump_kind.clone();
                let found = s.driver.borrow().find_prev(&kind);
                match found {
                    Some(step) => s.seek(step),
                    None => s.say(Notice::info(format!("No {kind} event before this step."))),
                }
            }
            Msg::Select(g) => s.selected = if g == s.selected { None } else { g },
            Msg::SetFilter(f) => {
                s.filter = Rc::new(f);
                s.log_limit = LOG_ROWS;
            }
            Msg::MoreLog => s.log_limit += LOG_ROWS,
            Msg::Intervene(i) => {
                s.stop();
                let r = s.driver.borrow_mut().intervene(&i);
                match r {
                    Ok(_) => {
                        let json = Rc::new(gosrc::write(s.driver.borrow().scenario(), s.editor.lang));
                        if s.editor_dirty() {
                            s.say(Notice::info(
                                "Recorded in the running scenario. The editor keeps your unapplied edits, which do not have this action.",
                            ));
                        } else {
                            s.editor = Rc::new(Editor::new((*json).clone()));
                            s.editor_gen += 1;
                            s.save_draft = Some(json.clone());
                        }
                        s.running_text = json.clone();
                        s.save_good = Some(json);
                        s.from_link = false;
                    }
                    Err(e) => s.say(Notice::error("That intervention cannot be made now.", e.lines())),
                }
            }
            Msg::Edit(text) => {
                let text = Rc::new(text);
                s.save_draft = Some(text.clone());
                let other = s.editor.other.clone();
                s.editor = Rc::new(Editor { other, ..Editor::new((*text).clone()) });
                s.refresh_go();
                return true;
            }
            Msg::SwitchLang => {
                let ed = s.editor.clone();
                let to = gosrc::switch(&ed.text, ed.other.as_deref().map(|t| t.as_str()));
                if Lang::of(&to) == ed.lang {
                    s.say(Notice::error(
                        format!("This {} has problems, so it cannot be shown as {}; fix them first.", ed.lang.name(), ed.lang.other().name()),
                        Vec::new(),
                    ));
                    return true;
                }
                // What runs is shown in the new language too (and shared as such).
                if s.running_text == ed.text {
                    s.running_text = Rc::new(to.clone());
                }
                s.editor = Rc::new(Editor { other: Some(ed.text.clone()), ..Editor::new(to) });
                s.editor_gen += 1;
                s.save_draft = Some(s.editor.text.clone());
                s.refresh_go();
                return true;
            }
            Msg::Apply => {
                if !s.editor.valid() {
                    s.say(Notice::error(
                        "The scenario has problems; the last good one keeps running.",
                        s.editor.problems.iter().map(|p| if p.place.is_empty() { p.message.clone() } else { format!("{}: {}", p.place, p.message) }).collect(),
                    ));
                    return true;
                }
                let text = s.editor.text.clone();
                s.run_mine(text, None);
            }
            Msg::Load(text) => {
                let ed = Editor::new(text);
                s.editor = Rc::new(ed);
                s.editor_gen += 1;
                s.save_draft = Some(s.editor.text.clone());
                if s.editor.valid() {
                    let t = s.editor.text.clone();
                    s.run_mine(t, None);
                }
            }
            Msg::OpenLesson(id) => match lessons::find(&id) {
                None => {
                    s.say(Notice::error("There is no such lesson.", vec![id]));
                    return true;
                }
                Some(l) => {
                    // Lessons are shown as Go.
                    let go = gosrc::write(&l.parsed(), Lang::Go);
                    s.replace(l.parsed(), Rc::new(go.clone()), Some(go), Source::Lesson(l.id), None);
                    s.gallery = false;
                }
            },
            Msg::OpenTrace(text) => match gosrc::compile(&text) {
                Ok(sc) => s.replace(sc, Rc::new(text.clone()), Some(text), Source::Link, None),
                Err(_) => return false,
            },
            Msg::Mine { good, draft } => {
                let editor = draft.unwrap_or_else(|| good.clone());
                if !s.run_mine(Rc::new(good), Some(editor)) {
                    return false;
                }
            }
            Msg::CloseLesson => {
                s.lesson = None;
                return true;
            }
            Msg::ToggleGallery => {
                s.gallery = !s.gallery && !s.embed;
                return true;
            }
            Msg::ToggleHelp => {
                s.help = !s.help;
                return true;
            }
            Msg::ToggleThreads => {
                if s.embed {
                    return false;
                }
                // Step mode stops playing (and seeking) while the threads run has the page.
                s.stop();
                if let Some(sk) = s.seeking.take() {
                    s.driver.borrow_mut().seek(sk.from);
                }
                s.threads = !s.threads;
                s.threads_command = None;
                s.threads_panel.mode_switched();
            }
            Msg::Threads(c) => {
                if !s.threads {
                    return false;
                }
                if c == ThreadsCommand::RunAgain {
                    s.threads_panel.update(ThreadsMsg::RunAgain, true);
                    return true;
                }
                let n = s.threads_command.map_or(0, |(n, _)| n) + 1;
                s.threads_command = Some((n, c));
                return true;
            }
            Msg::ThreadsPanel(m) => {
                return s.threads_panel.update(m, s.threads);
            }
            Msg::ToggleTheme => {
                s.theme = if s.dark() { Theme::Light } else { Theme::Dark };
                return true;
            }
            Msg::SystemDark(d) => {
                s.system_dark = d;
                return true;
            }
            Msg::OpenCompare(v) => {
                s.stop();
                let scenario = s.driver.borrow().scenario().clone();
                let a = Lane::of_text(LaneSide::A, "A: this scenario".into(), (*s.running_text).clone());
                let b = match super::compare::variant_text(&scenario, &v) {
                    Ok((text, label)) => Lane::of_text(LaneSide::B, format!("B: {label}"), text),
                    Err(ps) => Lane::of_problems(LaneSide::B, "B: the variant".into(), ps),
                };
                s.compare = Some(Rc::new(Compare::new(a, b, None)));
                return true;
            }
            Msg::Compare(_) => return false,
            Msg::CloseCompare => {
                s.compare = None;
                return true;
            }
            // The keys 1–4 in the compare view: predict mode's panel is not shown there.
            Msg::Predict(_) if s.compare.is_some() => return false,
            Msg::Predict(PredictMsg::Open { stored }) => {
                s.stop();
                let key = s.lesson.as_ref().map_or(ANY_SCENARIO, |l| l.id);
                s.predict = Some(Rc::new(Predict::open(key, stored.as_deref(), &mut s.driver.borrow_mut())));
            }
            Msg::Predict(PredictMsg::Close) => s.predict = None,
            Msg::Predict(m) => {
                let Some(p) = &s.predict else { return false };
                let mut p = (**p).clone();
                s.stop();
                match m {
                    PredictMsg::Answer(i) => {
                        if !p.answer(i, &mut s.driver.borrow_mut()) {
                            return false;
                        }
                    }
                    _ => p.next(&mut s.driver.borrow_mut()),
                }
                s.predict = Some(Rc::new(p));
            }
            Msg::Escape => {
                if s.help {
                    s.help = false;
                } else if s.notice.is_some() {
                    s.notice = None;
                } else {
                    s.selected = None;
                }
            }
            Msg::Dismiss => {
                s.notice = None;
                return true;
            }
            Msg::IdleRefresh(now) => {
                if !s.playing {
                    return false;
                }
                s.now = now;
                s.refresh_side_or_plots(false);
                return true;
            }
        }
        s.refresh(force_plots);
        true
    }
}

#[cfg(target_arch = "wasm32")]
impl yew::Reducible for AppState {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        AppState::reduce(self, msg)
    }
}
