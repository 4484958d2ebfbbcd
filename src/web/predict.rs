//! Predict mode's model (issue 13): before each scheduling decision the page asks what the
//! scheduler will do; the questions are [`core::predict::ask`]'s, made from the event stream, so
//! every scenario and lesson has them. The right answer stays inside [`Question`] (it is never
//! handed to the components: they get the prompt and the choices' labels); after an answer the
//! verdict shows with its rule and the run moves on to the decided step. A score is kept per
//! lesson (`scenario` for any other run), in local storage under [`PREDICT_KEY`] (the page reads
//! and writes it; this module only says what to write). Pure; tested natively.

use super::driver::Driver;
use crate::core::predict::{ask, Question, Verdict};
use litemap::LiteMap;
use serde::{Deserialize, Serialize, Serializer};
use std::rc::Rc;

/// Local storage key of the scores.
pub const PREDICT_KEY: &str = "gmp-playground.predict.v1";
/// Most steps searched for the next question at a time.
pub const ASK_BUDGET: u64 = 20_000;
/// The score key of a run that is not a lesson.
pub const ANY_SCENARIO: &str = "scenario";

/// Right answers out of questions answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub right: u32,
    pub asked: u32,
}

/// Every lesson's score, by lesson id (sorted by id, as a B-tree map would be; a `LiteMap`
/// because the page has its code already).
pub type Scores = LiteMap<String, Score>;

/// The scores as a JSON object, in id order (what a B-tree map's derived `Serialize` writes).
struct Stored<'a>(&'a Scores);

impl Serialize for Stored<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter())
    }
}

/// Reads stored scores; anything unreadable counts as none.
///
/// Read from a `serde_json::Value` rather than straight into [`Scores`]: typed reading brings
/// serde's `Unexpected` messages into the page's wasm, and with them core's float formatting.
/// It reads what the derived `Deserialize` reads (an object of `{"right": n, "asked": n}` or
/// `[right, asked]`, each a `u32`; other fields ignored; a key given twice at the top, the last
/// one), but for a field given twice inside one score, which counts as the last one instead of
/// making the store unreadable.
pub fn read_scores(stored: Option<&str>) -> Scores {
    stored.and_then(|t| scores_of(&serde_json::from_str(t).ok()?)).unwrap_or_default()
}

fn scores_of(v: &serde_json::Value) -> Option<Scores> {
    let u32_of = |v: &serde_json::Value| v.as_u64().and_then(|n| u32::try_from(n).ok());
    // Inserted one by one: collecting into a map compiles a sort of its own.
    let mut scores = Scores::new();
    for (k, s) in v.as_object()? {
        let (right, asked) = match s {
            serde_json::Value::Object(f) => (f.get("right")?, f.get("asked")?),
            serde_json::Value::Array(a) if a.len() == 2 => (&a[0], &a[1]),
            _ => return None,
        };
        scores.insert(k.clone(), Score { right: u32_of(right)?, asked: u32_of(asked)? });
    }
    Some(scores)
}

/// What the user does in predict mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PredictMsg {
    /// Turn predict mode on, with the stored scores' text.
    Open { stored: Option<String> },
    Close,
    /// Answer the question with choice `i` (0-based; keys 1–4 give 0–3).
    Answer(usize),
    /// Go on to the next decision.
    Next,
}

/// Predict mode's state.
#[derive(Clone, Debug, PartialEq)]
pub struct Predict {
    /// Whose score: a lesson's id or [`ANY_SCENARIO`].
    pub key: String,
    /// The open question (its key stays inside).
    question: Option<Rc<Question>>,
    /// The answer given (0-based) and its verdict.
    pub verdict: Option<(usize, Verdict)>,
    pub scores: Rc<Scores>,
    /// Bumped when the scores change: the page saves them.
    pub saves: u32,
    /// Why there is no question (the run ended, none within the search budget).
    pub note: Option<String>,
}

impl Predict {
    /// Predict mode on for `key`'s run, the first question asked from the driver's step.
    pub fn open(key: &str, stored: Option<&str>, d: &mut Driver) -> Predict {
        let mut p = Predict { key: key.to_string(), question: None, verdict: None, scores: Rc::new(read_scores(stored)), saves: 0, note: None };
        p.next(d);
        p
    }

    /// The question, as the page shows it: the step it is about, its prompt and the choices'
    /// labels (never the key).
    pub fn shown(&self) -> Option<(u64, &str, Vec<&str>)> {
        self.question.as_ref().map(|q| (q.step, q.prompt.as_str(), q.choices.iter().map(|c| c.label.as_str()).collect()))
    }

    /// This run's score.
    pub fn score(&self) -> Score {
        self.scores.get(&self.key).copied().unwrap_or_default()
    }

    /// The question is about the driver's next step (it was not moved elsewhere since).
    pub fn current(&self, d: &Driver) -> bool {
        match (&self.question, &self.verdict) {
            (Some(q), None) => q.step == d.step() + 1,
            (Some(q), Some(_)) => q.step == d.step(),
            _ => false,
        }
    }

    /// Predict mode for another run (the running scenario was replaced): its first question,
    /// the scores kept.
    pub fn reopen(&self, key: &str, d: &mut Driver) -> Predict {
        let mut p = Predict { key: key.to_string(), question: None, verdict: None, scores: self.scores.clone(), saves: self.saves, note: None };
        p.next(d);
        p
    }

    /// Finds the next decision from the driver's step: steps forward (at most [`ASK_BUDGET`]
    /// steps) until the next step makes one.
    pub fn next(&mut self, d: &mut Driver) {
        self.verdict = None;
        self.question = None;
        self.note = None;
        for _ in 0..ASK_BUDGET {
            if let Some(q) = ask(d.sim()) {
                self.question = Some(Rc::new(q));
                return;
            }
            if d.finished() || !d.forward() {
                self.note = Some("The run has ended: no more decisions to predict. Restart to play again.".into());
                return;
            }
        }
        self.note = Some(format!("No decision to predict in the next {ASK_BUDGET} steps; press Next to look further."));
    }

    /// Answers choice `i`: the verdict, the score, and the run moves to the decided step.
    /// Returns `false` (nothing changed) without an open question or for a choice out of range.
    pub fn answer(&mut self, i: usize, d: &mut Driver) -> bool {
        let Some(q) = self.question.clone() else { return false };
        if self.verdict.is_some() || i >= q.choices.len() || q.step != d.step() + 1 {
            return false;
        }
        let v = q.check(i);
        let mut scores = (*self.scores).clone();
        let s = scores.entry(self.key.clone()).or_default();
        s.asked += 1;
        s.right += u32::from(v.correct);
        self.scores = Rc::new(scores);
        self.saves += 1;
        self.verdict = Some((i, v));
        d.forward();
        true
    }

    /// The scores as stored.
    pub fn scores_json(&self) -> String {
        serde_json::to_string(&Stored(&self.scores)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What reading straight into `Scores` gives (the derived `Deserialize`).
    fn typed(text: &str) -> Scores {
        let m: std::collections::BTreeMap<String, Score> = serde_json::from_str(text).unwrap_or_default();
        m.into_iter().collect()
    }

    #[test]
    fn reads_what_the_derived_deserialize_reads() {
        let texts = [
            r#"{"work-stealing":{"right":1,"asked":2},"scenario":{"right":0,"asked":5}}"#,
            r#"{"a":{"asked":2,"right":1,"extra":[1,{"x":null}]}}"#,
            r#"{"a":[3,4]}"#,
            r#"{"a":[3,4,5]}"#,
            r#"{"a":[3]}"#,
            r#"{"a":{"right":1}}"#,
            r#"{"a":{"right":1.0,"asked":2}}"#,
            r#"{"a":{"right":-1,"asked":2}}"#,
            r#"{"a":{"right":4294967296,"asked":2}}"#,
            r#"{"a":{"right":4294967295,"asked":0}}"#,
            r#"{"a":{"right":"1","asked":2}}"#,
            r#"{"a":{"right":1,"asked":2},"a":{"right":3,"asked":4}}"#,
            r#"{"a":null}"#,
            r#"{}"#,
            "[]",
            "null",
            "not json",
            r#"{"a":{"right":1,"asked":2}} trailing"#,
        ];
        for t in texts {
            assert_eq!(read_scores(Some(t)), typed(t), "{t}");
        }
        assert_eq!(read_scores(Some(texts[0])).get("scenario"), Some(&Score { right: 0, asked: 5 }));
        assert_eq!(read_scores(None), Scores::default());
    }

    proptest! {
        /// Whatever the page writes reads back the same both ways.
        #[test]
        fn written_scores_read_back(m in proptest::collection::btree_map("[a-z-]{0,12}", (any::<u32>(), any::<u32>()), 0..6)) {
            let tree: std::collections::BTreeMap<String, Score> = m.into_iter().map(|(k, (right, asked))| (k, Score { right, asked })).collect();
            let scores: Scores = tree.clone().into_iter().collect();
            let text = serde_json::to_string(&Stored(&scores)).unwrap();
            // Written as a B-tree map's derived `Serialize` writes it.
            prop_assert_eq!(&text, &serde_json::to_string(&tree).unwrap());
            prop_assert_eq!(&read_scores(Some(&text)), &scores);
            prop_assert_eq!(read_scores(Some(&text)), typed(&text));
        }
    }
}
